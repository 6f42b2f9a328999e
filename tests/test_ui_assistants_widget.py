"""The citizen widget in a real browser (Debian chromium + Playwright), embedded with its one
`<script>` tag in a ministry's page served from *another origin* (a small local HTTP server), at phone
width: French and Arabic, refused from an origin the tenant did not list, the 429 shown, a CIN typed by
the citizen reaching the model as a placeholder, feedback recorded; then the tenant's dashboard shows
the unanswered question. Screenshots: assistants-widget-*.png and assistants-dashboard-*.png."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import CHROMIUM, screenshots
from tests.browser import browser as chromium
from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
AXE = Path(__file__).resolve().parents[1] / ".venv" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CIN = "BE873214"
UNANSWERED = "Où déposer une plainte pour tapage nocturne ?"


class Ministry:
    """A ministry's website on its own port: pages that embed the widget with one script tag."""

    def __init__(self, siyada: str) -> None:
        def page(assistant: str, lang: str, mode: str) -> bytes:
            tag = (
                f'<script src="{siyada}/ui/static/widget_embed.js" data-tenant="commune" '
                f'data-assistant="{assistant}" data-lang="{lang}" {mode} async></script>'
            )
            return (
                f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>Ministère</title></head><body><main><h1>Services</h1>{tag}</main></body></html>"
            ).encode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                m = re.fullmatch(r"/(\w+)-(fr|ar)(-launcher)?\.html", self.path)
                if m is None:
                    self.send_error(404)
                    return
                mode = "" if m.group(3) else 'data-mode="inline"'
                body = page(m.group(1), m.group(2), mode)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.listed = f"http://127.0.0.1:{self.port}"
        self.unlisted = f"http://localhost:{self.port}"  # the same pages, another origin
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def echo() -> Iterator[RecordingUpstream]:
    upstream = RecordingUpstream()
    yield upstream
    upstream.close()


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("widget-ui")
    config = data / "siyada.toml"
    config.write_text(
        f'[privacy.tenants.commune]\nprompts = "external"\n[[providers]]\nname = "house"\n'
        f'url = "{echo.url}"\nin_house = true\n[[models]]\nname = "echo"\n'
        'routes = [{provider = "house"}]\n'
        # A second model, under a tenant quota of one call a minute (the quota's 429 in the widget).
        '[[models]]\nname = "echo-quota"\nroutes = [{provider = "house"}]\n'
    )
    cli(data, "tenants", "create", "commune")
    server = Server(data, config=config).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def admin(srv: Server) -> str:
    return srv.key("commune", "admin")


@pytest.fixture(scope="module")
def ministry(srv: Server, admin: str) -> Iterator[Ministry]:
    site = Ministry(srv.url)
    h = {"Authorization": f"Bearer {admin}"}
    assert httpx.post(srv.url + "/v1/collections", json={"name": "procedures"}, headers=h).status_code == 201
    for path in sorted(CORPUS.iterdir()):
        r = httpx.post(
            srv.url + "/v1/documents",
            files={"file": (path.name, path.read_bytes())},
            data={"collection": "procedures"},
            headers=h,
            timeout=300,
        )
        assert r.status_code == 201, r.text
    for name, per_address in (("guichet", 100), ("limite", 1)):
        body = {
            "name": name,
            "model": "echo",
            "collections": ["procedures"],
            "answer_mode": "generative",
            "greeting": "Bonjour ! Je réponds à partir des procédures de la commune.",
            "suggested_questions": ["Quelles pièces pour le certificat de résidence ? [1]"],
        }
        assert httpx.post(srv.url + "/v1/assistants", json=body, headers=h).status_code == 201
        settings = {"origins": [site.listed], "per_address_per_minute": per_address}
        r = httpx.put(f"{srv.url}/v1/assistants/{name}/widget", json=settings, headers=h)
        assert r.status_code == 200, r.text
    body = {"name": "plein", "model": "echo-quota", "collections": [], "greeting": "Bonjour !"}
    assert httpx.post(srv.url + "/v1/assistants", json=body, headers=h).status_code == 201
    settings = {"origins": [site.listed], "per_address_per_minute": 100}
    assert httpx.put(f"{srv.url}/v1/assistants/plein/widget", json=settings, headers=h).status_code == 200
    cli(srv.data_dir, "limits", "set", "--tenant", "commune", "--model", "echo-quota", "--rpm", "1")
    yield site
    site.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshots(tmp_path_factory)


def _widget_frame(page: Any) -> Any:
    frame = page.frame_locator("iframe")
    frame.locator("#w-input").wait_for()
    return frame


def _ask(frame: Any, question: str) -> Any:
    """Types the question and sends it with the keyboard; the finished answer's list item."""
    before = frame.locator("li.w-assistant").count()
    frame.locator("#w-input").fill(question)
    frame.locator("#w-input").press("Enter")
    answer = frame.locator("li.w-assistant").nth(before)
    answer.locator(".w-rate").wait_for(timeout=60_000)  # the feedback controls come with the end
    return answer


def _axe(frame: Any) -> list[str]:
    frame.add_script_tag(path=str(AXE))
    result = frame.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['nodes'][0]['html'][:160]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_french_at_phone_width_pseudonymises_a_cin_records_feedback_and_the_dashboard_shows_the_gap(
    browser: Any, srv: Server, admin: str, ministry: Ministry, echo: RecordingUpstream, shots: Path
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(ministry.listed + "/guichet-fr.html")
    frame = _widget_frame(page)
    assert frame.locator("html").get_attribute("dir") == "ltr"
    assert "Bonjour !" in frame.locator("#w-log").inner_text()
    answer = _ask(frame, f"Mon numéro de CIN est {CIN}. Quelles pièces pour le certificat de résidence ? [1]")
    text = answer.locator(".w-body").inner_text()
    assert text.startswith("Echo: ") and CIN not in text and "<MA_CIN_1>" in text
    sent = echo.bodies[-1].decode()
    assert CIN not in sent and "<MA_CIN_1>" in sent  # the model side saw a placeholder
    assert "certificat_residence.md" in answer.locator(".w-sources").inner_text()
    assert answer.locator("a").count() == 0  # source titles, no link that would need a login
    answer.get_by_role("button", name="Réponse pas utile").click()
    assert answer.get_by_role("button", name="Réponse pas utile").get_attribute("aria-pressed") == "true"
    answer.get_by_role("textbox", name="Un commentaire (facultatif)").fill("Il manque le délai.")
    answer.get_by_role("button", name="Envoyer l'avis").click()
    answer.get_by_role("status").wait_for()
    assert answer.get_by_role("status").inner_text() == "Merci pour votre avis."
    gap = _ask(frame, UNANSWERED)  # no passage cited: "not found"
    assert gap.locator(".w-sources").count() == 0
    page.screenshot(path=str(shots / "assistants-widget-fr-phone.png"), full_page=True)
    context.close()

    # The tenant's admin reads the gap on the dashboard.
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(srv.url + "/ui/login")
    page.fill("#api_key", admin)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/chat$"))
    page.goto(srv.url + "/ui/assistant-dashboard?name=guichet")
    page.locator("#as-clusters li.cluster").first.wait_for()
    assert UNANSWERED in page.locator("#as-clusters").inner_text()
    assert page.locator("#as-down").inner_text() == "1"
    assert "Il manque le délai." in page.locator("#as-comment-rows").inner_text()
    assert page.locator("#as-total").inner_text() == "2" and page.locator("#as-share").inner_text() == "50 %"
    assert CIN not in page.content()
    page.screenshot(path=str(shots / "assistants-dashboard-fr-desktop.png"), full_page=True)
    page.goto(srv.url + "/ui/assistant-dashboard?name=guichet&lang=ar")
    page.locator("#as-clusters li.cluster").first.wait_for()
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path=str(shots / "assistants-dashboard-ar-desktop.png"), full_page=True)
    context.close()


def test_arabic_at_phone_width_is_right_to_left(browser: Any, ministry: Ministry, shots: Path) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(ministry.listed + "/guichet-ar.html")
    frame = _widget_frame(page)
    assert frame.locator("html").get_attribute("dir") == "rtl"
    assert frame.locator("label[for=w-input]").inner_text() == "سؤالك"
    answer = _ask(frame, "ما هي وثائق شهادة السكنى؟ [1]")
    assert "ما هي وثائق شهادة السكنى" in answer.locator(".w-body").inner_text()
    assert answer.get_by_role("button", name="جواب مفيد").is_visible()
    # Tifinagh: the same widget switches its words (the bundled font draws them).
    frame.locator("#w-lang").select_option("zgh")
    assert frame.locator("html").get_attribute("lang") == "zgh"
    assert all("\u2d30" <= c <= "\u2d7f" for c in frame.locator("#w-send").inner_text() if c.isalpha())
    frame.locator("#w-lang").select_option("ar")
    page.screenshot(path=str(shots / "assistants-widget-ar-phone.png"), full_page=True)
    context.close()


def test_refused_from_an_origin_not_listed(browser: Any, ministry: Ministry) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(ministry.unlisted + "/guichet-fr.html", wait_until="load")  # load waits for the iframe
    assert page.locator("iframe").count() == 1
    assert page.frame_locator("iframe").locator("#w-input").count() == 0
    widget = [f for f in page.frames if "/widget/" in f.url and f.url.startswith("http")]
    assert all(f.locator("#w-input").count() == 0 for f in widget)
    context.close()


def test_the_limit_shows_a_friendly_429(browser: Any, ministry: Ministry, shots: Path) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(ministry.listed + "/limite-fr.html")
    frame = _widget_frame(page)
    _ask(frame, "Quelles pièces pour le certificat de résidence ? [1]")
    frame.locator("#w-input").fill("Et pour un passeport ?")
    frame.locator("#w-send").click()
    alert = frame.get_by_role("alert")
    alert.wait_for()
    assert "Patientez une minute" in alert.inner_text()
    page.screenshot(path=str(shots / "assistants-widget-429-fr-phone.png"), full_page=True)
    context.close()


def test_the_tenant_quota_shows_its_429_in_the_widgets_language(browser: Any, ministry: Ministry) -> None:
    time.sleep(1.2)  # the server re-reads the limits at most once a second
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(ministry.listed + "/plein-ar.html")
    frame = _widget_frame(page)
    alert = frame.locator("#w-alert")
    for question in ("ما هي الوثائق المطلوبة؟", "وماذا عن جواز السفر؟", "وبطاقة التعريف؟"):
        answered = frame.locator(".w-rate").count()
        frame.locator("#w-input").fill(question)
        frame.locator("#w-send").click()
        # This question's end: its feedback controls, or the alert.
        frame.locator(".w-rate").nth(answered).or_(frame.locator("#w-alert:visible")).wait_for(timeout=60_000)
        if alert.is_visible():  # the first call the quota's minute refuses (normally the second)
            break
    text = alert.inner_text()
    assert "دقيقة" in text and "rpm" not in text.lower() and "quota" not in text.lower(), text
    context.close()


def test_the_launcher_opens_the_widget_from_the_keyboard(browser: Any, ministry: Ministry) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(ministry.listed + "/guichet-fr-launcher.html")
    launcher = page.get_by_role("button", name="Poser une question")
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.focus()
    page.keyboard.press("Enter")
    assert launcher.get_attribute("aria-expanded") == "true"
    _widget_frame(page)
    page.keyboard.press("Escape")
    # Escape is handled inside the frame, which tells the page by a message: the page updates later.
    page.wait_for_function(
        "() => document.querySelector('[aria-expanded]')?.getAttribute('aria-expanded') === 'false'",
        timeout=10_000,
    )
    assert launcher.get_attribute("aria-expanded") == "false"
    context.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is fetched by scripts/test.sh")
def test_widget_and_dashboard_pass_axe(browser: Any, srv: Server, admin: str, ministry: Ministry) -> None:
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # to inject axe into the frame
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for lang in ("fr", "ar"):
        page.goto(f"{ministry.listed}/guichet-{lang}.html")
        _ask(_widget_frame(page), "Quelles pièces pour le certificat de résidence ? [1]")
        frame = next(f for f in page.frames if "/widget/commune/guichet" in f.url)
        found[f"widget-{lang}"] = _axe(frame)
    page.goto(srv.url + "/ui/login")
    page.fill("#api_key", admin)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/chat$"))
    for lang in ("fr", "ar"):
        page.goto(f"{srv.url}/ui/assistant-dashboard?name=guichet&lang={lang}")
        page.wait_for_load_state("networkidle")
        found[f"dashboard-{lang}"] = _axe(page.main_frame)
    context.close()
    assert {k: v for k, v in found.items() if v} == {}
