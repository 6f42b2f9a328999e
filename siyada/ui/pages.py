"""What every web app page shares: the templates, the page's language (query, then cookie), the
security headers, and the signed-in check. The page modules (siyada.ui.routes, .dataspace, .sso, the
assistants' pages) render through here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from siyada import __version__
from siyada.api.auth import web_session
from siyada.ui import i18n

HERE = Path(__file__).parent
STATIC = HERE / "static"
LANG_COOKIE = "siyada_lang"

TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
TEMPLATES.filters["utc"] = lambda ts: dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def lang_of(request: Request) -> str:
    return i18n.pick(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    html = TEMPLATES.get_template(template).render(
        lang=lang,
        dir=i18n.direction(lang),
        t=i18n.words(lang),
        langs=i18n.LANGS,
        lang_names=i18n.LANG_NAMES,
        path=request.url.path,
        version=__version__,
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in i18n.LANGS:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", secure=secure(request)
        )
    # Pages never embed third-party content; the policy makes an injected script inert as well.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def decimal(request: Request, value: float) -> str:
    """A number as the page's language writes it (a decimal comma in French and Moroccan Arabic)."""
    text = f"{value:.1f}".removesuffix(".0")
    return text if lang_of(request) == "en" else text.replace(".", ",")


def to_login(request: Request) -> RedirectResponse:
    return RedirectResponse("/ui/login", status_code=303)




async def show(request: Request, template: str, *, admin_only: bool = False, **context: Any) -> Response:
    """A signed-in page: to login without a session; the forbidden page (403) for a non-admin when
    `admin_only`; otherwise `template` with the principal and the session's CSRF token."""
    principal, session = await web_session(request)
    if principal is None:
        return to_login(request)
    if admin_only and not principal.is_admin:
        return page(request, "forbidden.html", 403, principal=principal, csrf=session.csrf)
    return page(request, template, principal=principal, csrf=session.csrf, **context)
