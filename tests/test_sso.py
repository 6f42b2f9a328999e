"""Single sign-on (OpenID Connect) against real OpenID providers started by the tests (panva's
`oidc-provider`, tests/oidc_op.py): just-in-time users placed by the config's rules, disabled when the
rules stop matching, RP-initiated logout, session revocation, and the attacks the callback must refuse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from siyada.governance.sso_users import sso_username
from tests.browser import CHROMIUM
from tests.browser import browser as chromium
from tests.oidc_op import OpenIdProvider, login_at_provider, require_provider
from tests.server import Server, cli, free_port

World = tuple[Server, OpenIdProvider, OpenIdProvider]
ALPHA_SECRET = "alpha-client-secret-0123456789"
BETA_SECRET = "beta-client-secret-0123456789"

CONFIG = """
[[oidc.providers]]
name = "alpha"
label = "Keycloak du ministère"
issuer = "{alpha}"
client_id = "siyada-alpha"
client_secret = "${{ALPHA_SECRET}}"
scopes = ["openid", "email", "profile", "groups"]

[[oidc.providers.rules]]
claim = "groups"
value = "agents-admins"
tenant = "ministere"
role = "admin"

[[oidc.providers.rules]]
claim = "groups"
value = "agents"
tenant = "ministere"
role = "user"

[[oidc.providers.rules]]
claim = "groups"
value = "commune"
tenant = "commune"

[[oidc.providers]]
name = "beta"
label = "ProConnect"
issuer = "{beta}"
client_id = "siyada-beta"
client_secret = "${{BETA_SECRET}}"
scopes = ["openid", "email"]
userinfo = true

[[oidc.providers.rules]]
claim = "email_verified"
value = true
tenant = "commune"

[[oidc.providers]]
name = "gamma"
label = "Down"
issuer = "{gamma}"
client_id = "siyada-gamma"
client_secret = "gamma-secret"
"""


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Server, OpenIdProvider, OpenIdProvider]]:
    require_provider()
    root = tmp_path_factory.mktemp("sso")
    port = free_port()
    rp = f"http://127.0.0.1:{port}"
    alpha = OpenIdProvider(root / "alpha", free_port(), rp, "alpha", ALPHA_SECRET).start()
    # Beta gives its claims from the userinfo endpoint only (ProConnect's way), not in the ID token.
    beta = OpenIdProvider(root / "beta", free_port(), rp, "beta", BETA_SECRET, userinfo_only=True).start()
    data = root / "siyada"
    data.mkdir()
    config = data / "siyada.toml"
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    config.write_text(CONFIG.format(alpha=alpha.issuer, beta=beta.issuer, gamma=down))
    # The secrets come from the environment (`${VAR}` in the config), for the server and the CLI alike.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALPHA_SECRET", ALPHA_SECRET)
        env.setenv("BETA_SECRET", BETA_SECRET)
        for tenant in ("default", "ministere", "commune"):
            cli(data, "tenants", "create", tenant)
        server = Server(data, config=config, port=port).start()
        try:
            yield server, alpha, beta
        finally:
            server.stop()
            alpha.stop()
            beta.stop()


@pytest.fixture(scope="module")
def operator(world: World) -> str:
    return world[0].key("default", "operator")


def _callback_url(server: Server, provider: str, client: httpx.Client, login: str) -> str:
    """Start a login at Siyada, log in at the provider, and stop at the callback (not yet requested)."""
    started = client.get(f"{server.url}/ui/sso/{provider}/login")
    assert started.status_code == 303, started.text[:300]
    return login_at_provider(client, started.headers["location"], login, f"{server.url}/ui/sso/{provider}/")


def _http_login(server: Server, provider: str, login: str) -> tuple[httpx.Client, httpx.Response]:
    client = httpx.Client(timeout=30, follow_redirects=False)
    return client, client.get(_callback_url(server, provider, client, login))


def _reason(response: httpx.Response) -> str:
    m = re.search(r'data-reason="([a-z_]+)"', response.text)
    return m.group(1) if m else f"<no refusal page: {response.status_code}>"


def _users(server: Server) -> dict[str, dict]:  # type: ignore[type-arg]
    rows = json.loads(cli(server.data_dir, "users", "list", "--json").stdout)
    return {u["username"]: u for u in rows}


def _audit_actions(server: Server, operator: str) -> list[str]:
    h = {"Authorization": f"Bearer {operator}"}
    rows = httpx.get(f"{server.url}/v1/admin/audit?limit=1000", headers=h, timeout=30).json()["data"]
    return [r["action"] for r in rows]


def _signed_in(server: Server, client: httpx.Client) -> bool:
    return client.get(f"{server.url}/ui/chat").status_code == 200


# ---- against the server and the providers -------------------------------------------------------------
def test_login_page_has_a_button_per_provider(world: World) -> None:
    server = world[0]
    page = httpx.get(f"{server.url}/ui/login?lang=ar", timeout=30)
    assert 'dir="rtl"' in page.text and "بحساب إدارتك" in page.text
    assert 'href="/ui/sso/alpha/login"' in page.text and "Keycloak du ministère" in page.text
    assert 'href="/ui/sso/beta/login"' in page.text and "ProConnect" in page.text
    # The login request carries PKCE (S256), state and nonce, and asks for the configured scopes.
    started = httpx.get(f"{server.url}/ui/sso/alpha/login", timeout=30)
    query = parse_qs(urlsplit(started.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0] and query["client_id"] == ["siyada-alpha"]
    assert query["scope"] == ["openid email profile groups"]
    assert ALPHA_SECRET not in started.headers["location"]
    cookie = started.headers["set-cookie"]
    assert (
        "siyada_sso_state=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=lax" in cookie.replace("samesite", "SameSite")
    )


def test_jit_user_follows_the_rules_and_is_disabled_when_they_stop_matching(
    world: World, operator: str
) -> None:
    server, alpha, _ = world
    alpha.account("karim", groups=["agents"], email="karim@ministere.gov.ma", email_verified=True)
    client, done = _http_login(server, "alpha", "karim")
    assert done.status_code == 200 and "siyada_session=" in done.headers["set-cookie"], done.text[:400]
    name = sso_username("alpha", "karim")
    user = _users(server)[name]
    assert (user["tenant"], user["role"], user["disabled"]) == ("ministere", "user", False)
    # Bound to provider+subject, not to an e-mail: no claim is kept in the username or the table.
    assert "karim" not in name
    assert _signed_in(server, client)

    # Promoted at the provider: the next login follows, with a new key (the old one revoked).
    alpha.account("karim", groups=["agents-admins"], email_verified=True)
    admin_client, done = _http_login(server, "alpha", "karim")
    assert done.status_code == 200
    moved = _users(server)[name]
    assert (moved["tenant"], moved["role"]) == ("ministere", "admin") and moved["key_id"] != user["key_id"]
    assert not _signed_in(server, client)  # the session of the old key ended with it
    assert "ministere · admin" in admin_client.get(f"{server.url}/ui/chat").text

    # No group left: refused at this login, disabled, every session and the key revoked.
    alpha.account("karim", groups=[], email_verified=True)
    _, refused = _http_login(server, "alpha", "karim")
    assert refused.status_code == 403 and _reason(refused) == "no_rule"
    assert "siyada_session" not in refused.headers.get("set-cookie", "")
    assert _users(server)[name]["disabled"] is True
    assert not _signed_in(server, admin_client)

    # Placed again by the rules: enabled again.
    alpha.account("karim", groups=["agents"], email_verified=True)
    again, done = _http_login(server, "alpha", "karim")
    assert done.status_code == 200 and _users(server)[name]["disabled"] is False and _signed_in(server, again)

    # An administrator's disabling is not undone by the claims.
    h = {"Authorization": f"Bearer {operator}"}
    r = httpx.patch(f"{server.url}/v1/admin/users/{name}", json={"disabled": True}, headers=h, timeout=30)
    assert r.status_code == 200
    _, refused = _http_login(server, "alpha", "karim")
    assert refused.status_code == 403 and _reason(refused) == "disabled"
    httpx.patch(f"{server.url}/v1/admin/users/{name}", json={"disabled": False}, headers=h, timeout=30)

    actions = _audit_actions(server, operator)
    for action in (
        "user.sso_created",
        "sso.login",
        "user.sso_moved",
        "user.sso_disabled",
        "sso.login_refused",
    ):
        assert action in actions, action
    assert "user.sso_enabled" in actions


def test_operator_ends_a_users_sessions(world: World, operator: str) -> None:
    server, alpha, _ = world
    alpha.account("nadia", groups=["commune"])
    client, done = _http_login(server, "alpha", "nadia")
    assert done.status_code == 200 and _signed_in(server, client)
    name = sso_username("alpha", "nadia")
    h = {"Authorization": f"Bearer {operator}"}
    r = httpx.delete(f"{server.url}/v1/admin/users/{name}/sessions", headers=h, timeout=30)
    assert r.status_code == 200 and r.json()["sessions_ended"] == 1
    assert not _signed_in(server, client)
    # A tenant admin of another tenant does not see the user at all.
    other = server.key("ministere", "admin")
    r = httpx.delete(
        f"{server.url}/v1/admin/users/{name}/sessions",
        headers={"Authorization": f"Bearer {other}"},
        timeout=30,
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "user_not_found"
    # The CLI does the same.
    client, _ = _http_login(server, "alpha", "nadia")
    assert "Ended 1 session" in cli(server.data_dir, "users", "logout", name).stdout
    assert not _signed_in(server, client)


def test_the_same_subject_at_another_provider_is_another_user(
    world: World,
) -> None:
    server, alpha, beta = world
    alpha.account("same-sub", groups=["agents-admins"])
    beta.account("same-sub", email="x@commune.ma", email_verified=True)
    a, done = _http_login(server, "alpha", "same-sub")
    assert done.status_code == 200
    b, done = _http_login(server, "beta", "same-sub")
    assert done.status_code == 200
    assert "commune · user" in b.get(f"{server.url}/ui/chat").text
    assert "ministere · admin" in a.get(f"{server.url}/ui/chat").text
    users = _users(server)
    assert users[sso_username("beta", "same-sub")]["tenant"] == "commune"
    assert users[sso_username("alpha", "same-sub")]["role"] == "admin"


@pytest.mark.parametrize("mode", ["unsigned", "forged", "audience", "issuer", "nonce", "expired"])
def test_a_tampered_id_token_is_refused(world: World, mode: str) -> None:
    server, alpha, _ = world
    alpha.account("mallory", groups=["agents-admins"])
    before = set(_users(server))
    alpha.tamper(mode)
    try:
        client, refused = _http_login(server, "alpha", "mallory")
    finally:
        alpha.tamper(None)
    assert refused.status_code == 401 and _reason(refused) == "id_token_invalid", refused.text[:300]
    assert "siyada_session" not in refused.headers.get("set-cookie", "")
    assert set(_users(server)) == before and not _signed_in(server, client)
    assert "eyJ" not in refused.text  # no token echoed in the page


def test_callback_refusals(world: World) -> None:
    server, alpha, beta = world
    alpha.account("amal", groups=["agents"])
    base = f"{server.url}/ui/sso"

    assert httpx.get(f"{base}/nope/login", timeout=30).status_code == 404
    assert httpx.get(f"{base}/nope/callback?code=x&state=y", timeout=30).status_code == 404

    # A callback this browser did not start (login CSRF): no state cookie, or another state.
    r = httpx.get(f"{base}/alpha/callback?code=x&state=y", timeout=30)
    assert r.status_code == 400 and _reason(r) == "state_mismatch"
    client = httpx.Client(timeout=30, follow_redirects=False)
    url = _callback_url(server, "alpha", client, "amal")
    q = parse_qs(urlsplit(url).query)
    code, state = q["code"][0], q["state"][0]
    wrong = client.get(f"{base}/alpha/callback?" + urlencode({"code": code, "state": state + "x"}))
    assert wrong.status_code == 400 and _reason(wrong) == "state_mismatch"
    # Every refusal ends the attempt (the state cookie is dropped); the browser still holding it sends
    # a response naming another issuer (mix-up): refused, and its state is spent.
    assert "siyada_sso_state" not in client.cookies
    client.cookies.set("siyada_sso_state", state, path="/ui/sso/")
    mixed_query = urlencode({**{k: v[0] for k, v in q.items()}, "iss": beta.issuer})
    mixed = client.get(f"{base}/alpha/callback?{mixed_query}")
    assert mixed.status_code == 400 and _reason(mixed) == "issuer_mismatch"
    client.cookies.set("siyada_sso_state", state, path="/ui/sso/")
    replay = client.get(url)
    assert replay.status_code == 400 and _reason(replay) == "state_unknown"
    # The provider announces RFC 9207: a response without `iss` is refused too.
    client = httpx.Client(timeout=30, follow_redirects=False)
    q = parse_qs(urlsplit(_callback_url(server, "alpha", client, "amal")).query)
    assert q["iss"] == [alpha.issuer]
    no_iss = client.get(f"{base}/alpha/callback?" + urlencode({"code": q["code"][0], "state": q["state"][0]}))
    assert no_iss.status_code == 400 and _reason(no_iss) == "issuer_mismatch"

    # A good login, then its code replayed under a fresh state: the provider refuses the spent code.
    client = httpx.Client(timeout=30, follow_redirects=False)
    url = _callback_url(server, "alpha", client, "amal")
    assert client.get(url).status_code == 200
    code = parse_qs(urlsplit(url).query)["code"][0]
    fresh = client.get(f"{base}/alpha/login")
    new_state = parse_qs(urlsplit(fresh.headers["location"]).query)["state"][0]
    again = {"code": code, "state": new_state, "iss": alpha.issuer}
    replayed = client.get(f"{base}/alpha/callback?" + urlencode(again))
    assert replayed.status_code == 400 and _reason(replayed) == "token_refused"

    # A state begun at provider A is worth nothing at provider B's callback.
    client = httpx.Client(timeout=30, follow_redirects=False)
    url = _callback_url(server, "alpha", client, "amal")
    q = parse_qs(urlsplit(url).query)
    crossed = client.get(f"{base}/beta/callback?" + urlencode({"code": q["code"][0], "state": q["state"][0]}))
    assert crossed.status_code == 400 and _reason(crossed) == "state_unknown"

    # A provider that does not answer: a page that says so, no redirect anywhere.
    down = httpx.get(f"{base}/gamma/login", timeout=30)
    assert down.status_code == 502 and _reason(down) == "provider_unreachable"

    # The provider's own refusal, an oversized value, a missing code.
    denied = httpx.get(f"{base}/alpha/callback?error=access_denied&state=s", timeout=30)
    assert (
        denied.status_code == 403 and _reason(denied) == "provider_error" and "access_denied" in denied.text
    )
    odd = httpx.get(f"{base}/alpha/callback?error=%3Cscript%3E&state=s", timeout=30)
    assert odd.status_code == 403 and "<script>" not in odd.text
    huge = httpx.get(f"{base}/alpha/callback?" + urlencode({"code": "c" * 5000, "state": "s"}), timeout=30)
    assert huge.status_code == 400 and _reason(huge) == "too_long"
    client = httpx.Client(timeout=30, follow_redirects=False)
    started = client.get(f"{base}/alpha/login")
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    no_code = client.get(f"{base}/alpha/callback?" + urlencode({"state": state, "iss": alpha.issuer}))
    assert no_code.status_code == 400 and _reason(no_code) == "no_code"


def test_no_token_in_the_server_log(world: World) -> None:
    server = world[0]
    log = server.output()
    assert "eyJ" not in log and ALPHA_SECRET not in log and BETA_SECRET not in log


# ---- the browser ------------------------------------------------------------------------------------------
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
def test_browser_login_lands_in_tenant_then_logout_and_refusal(
    world: World,
) -> None:
    server, alpha, _ = world
    alpha.account("salma", groups=["agents-admins"], email="salma@ministere.gov.ma", email_verified=True)
    with chromium() as browser:
        page = browser.new_page()
        requests: list[tuple[str, str]] = []
        page.on("request", lambda r: requests.append((r.method, r.url)))
        page.goto(f"{server.url}/ui/login")
        page.click("#sso-alpha")
        page.fill('input[name="login"]', "salma")
        page.fill('input[name="password"]', "any")
        page.click("button[type=submit]")
        page.wait_for_url(f"{server.url}/ui/chat")
        assert page.inner_text(".who") == "ministere · admin"
        assert page.locator('nav a[href="/ui/admin"]').count() == 1

        # RP-initiated logout: the provider asks, then sends the browser back to the login page.
        page.click("header form button[type=submit]")
        page.wait_for_url(re.compile(rf"^{re.escape(alpha.issuer)}/"))
        page.click('button[name="logout"]')
        page.wait_for_url(re.compile(rf"^{re.escape(server.url)}/ui/login"))
        page.goto(f"{server.url}/ui/chat")
        assert page.url.startswith(f"{server.url}/ui/login")  # the Siyada session is gone too
        # The ID token went to the provider in a form body (id_token_hint), never in a URL.
        assert ("POST", f"{alpha.issuer}/session/end") in requests
        assert [url for _, url in requests if "eyJ" in url] == []

        # Claims that no longer match: refused at the next login, with a page that says why.
        alpha.account("salma", groups=["former-staff"], email_verified=True)
        page.click("#sso-alpha")
        page.fill('input[name="login"]', "salma")
        page.fill('input[name="password"]', "any")
        page.click("button[type=submit]")
        page.wait_for_selector('[data-reason="no_rule"]')
        assert "pas autorisé" in page.inner_text("[role=alert]")
        page.goto(f"{server.url}/ui/chat")
        assert page.url.startswith(f"{server.url}/ui/login")
    assert _users(server)[sso_username("alpha", "salma")]["disabled"] is True


AXE = Path(__file__).resolve().parents[1] / ".venv" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(
    not CHROMIUM.exists() or not AXE.exists(), reason="chromium and axe-core (scripts/test.sh)"
)
def test_sso_pages_pass_axe_in_french_and_arabic(world: World, tmp_path: Path) -> None:
    server = world[0]
    found: dict[str, list[str]] = {}
    with chromium() as browser:
        page = browser.new_context(bypass_csp=True).new_page()  # to inject axe into the page
        for lang in ("fr", "ar"):
            for name, path in (("login", "/ui/login"), ("refused", "/ui/sso/alpha/callback?state=x")):
                page.goto(f"{server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
                assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
                bad = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
                if bad:
                    found[f"{name}-{lang}"] = bad
        page.goto(f"{server.url}/ui/login?lang=ar")
        # Right to left: the provider buttons start at the right edge of their card.
        box = page.locator("#sso-alpha").bounding_box()
        card = page.locator("section.card").bounding_box()
        assert box and card and abs((box["x"] + box["width"]) - (card["x"] + card["width"])) < 40
        page.screenshot(path=str(tmp_path / "login-sso-ar.png"), full_page=True)
    assert found == {}
