"""The web app in a real browser: Debian chromium driven by Playwright against the real server.

The module runs its own server (two tenants, a 400 kB upload limit). Screenshots of each page (French
and Arabic, desktop and phone widths) are written under a temporary folder: $SIYADA_SCREENSHOTS when
set, else pytest's tmp_path.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser import CHROMIUM
from tests.server import Server, cli

KNOWLEDGE = Path(__file__).parent / "fixtures" / "knowledge"
EVAL = Path(__file__).parent / "fixtures" / "eval"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("siyada-ui")
    config = data / "siyada.toml"
    config.write_text("[knowledge]\nmax_upload_bytes = 400000\n")
    for tenant in ("default", "autre", "tiznit"):
        cli(data, "tenants", "create", tenant)
    srv = Server(data, config=config).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def admin_key(server: Server) -> str:
    return server.key("default", "operator")


@pytest.fixture(scope="module")
def user_key(server: Server) -> str:
    return server.key("default", "user")


def _login(browser, server: Server, key: str, viewport: dict = DESKTOP):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server.url + "/ui/chat")
    assert page.url.endswith("/ui/login")  # not signed in: sent to the login page
    page.fill("#api_key", key)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/chat$"))
    return context, page


def _ask(page, question: str) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_function("() => document.querySelectorAll('#model option').length > 0")
    before = page.locator("li.msg.assistant").count()
    page.fill("#prompt", question)
    page.keyboard.press("Enter")  # keyboard alone sends
    answer = page.locator("li.msg.assistant").nth(before)
    answer.wait_for()
    page.wait_for_function(
        "n => { const a = document.querySelectorAll('li.msg.assistant')[n];"
        " return a && !a.hasAttribute('aria-busy') && a.querySelector('.body').textContent.length > 0; }",
        arg=before,
        timeout=120_000,
    )
    return answer.locator(".body").inner_text()


def test_login_ask_french_and_darija_and_switch_to_arabic(browser, server: Server, shots: Path) -> None:
    # A commune with its own guide: the chat starts grounded and answers from it, in French and Darija.
    key = server.key("tiznit", "user")
    auth = {"Authorization": f"Bearer {key}"}
    made = httpx.post(server.url + "/v1/collections", json={"name": "guichet"}, headers=auth)
    assert made.status_code == 201, made.text
    guide = KNOWLEDGE / "etat_civil.md"
    sent = httpx.post(
        server.url + "/v1/documents",
        files={"file": (guide.name, guide.read_bytes())},
        data={"collection": "guichet"},
        headers=auth,
        timeout=300,
    )
    assert sent.status_code == 201, sent.text
    context, page = _login(browser, server, key)
    # The session cookie is HttpOnly and SameSite; nothing secret is readable by scripts.
    cookie = next(c for c in context.cookies() if c["name"] == "siyada_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert key not in page.evaluate("document.cookie + JSON.stringify(localStorage)")
    page.wait_for_function("() => document.querySelectorAll('#collections option').length > 0")
    assert page.evaluate("[...document.querySelectorAll('#collections option')].every(o => o.selected)")

    streamed: list[int] = []
    page.on("response", lambda r: streamed.append(1) if "/v1/chat/completions" in r.url else None)
    french = _ask(page, "Quel est le délai de délivrance du certificat de résidence ?")
    assert french.startswith("D'après") and "48 heures" in french, french
    darija = _ask(page, "شحال كياخد الوقت باش نجيب عقد الازدياد؟")
    assert "24 ساعة" in darija and "[1]" in darija, darija
    assert len(streamed) == 2
    # Each answer cites its source as a chip that opens the passage.
    assert page.locator("li.msg.assistant .sources button").count() >= 2
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.screenshot(path=str(shots / "conversation-fr-desktop.png"), full_page=True)

    page.click("a[hreflang=ar]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("#send").inner_text() == "إرسال"
    page.screenshot(path=str(shots / "conversation-ar-desktop.png"), full_page=True)
    context.close()


def _drop_files(page, files: list[tuple[str, bytes, str]]) -> None:  # type: ignore[no-untyped-def]
    """Drag and drop files onto the upload zone, as a user dragging them from a file manager would."""
    payload = [{"name": n, "b64": base64.b64encode(b).decode(), "type": t} for n, b, t in files]
    page.evaluate(
        """files => {
          const dt = new DataTransfer();
          for (const f of files) {
            const bytes = Uint8Array.from(atob(f.b64), c => c.charCodeAt(0));
            dt.items.add(new File([bytes], f.name, {type: f.type}));
          }
          const zone = document.getElementById('drop');
          for (const type of ['dragenter', 'dragover', 'drop'])
            zone.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""",
        payload,
    )


def _upload_state(page, name: str) -> str:  # type: ignore[no-untyped-def]
    row = page.locator("#uploads li", has=page.locator(".file", has_text=name))
    return row.locator(".state").inner_text()


def test_documents_upload_with_progress_view_and_grounded_citation(
    browser, server: Server, user_key: str, shots: Path
) -> None:
    context, page = _login(browser, server, user_key)
    page.goto(server.url + "/ui/documents")
    page.wait_for_selector("#no-collections:not([hidden])")
    page.fill("#col-name", "archives")
    page.click("#new-collection button[type=submit]")
    page.wait_for_selector("#collection-panel:not([hidden])")
    assert page.locator("#collection-title").inner_text() == "archives"
    # Every state each upload row passes through, as the user sees it.
    page.evaluate(
        "window.seen = []; new MutationObserver(() => document.querySelectorAll('#uploads .state')"
        ".forEach(s => window.seen.push("
        "s.closest('li').querySelector('.file').textContent + '|' + s.textContent)))"
        ".observe(document.getElementById('uploads'), {subtree: true, childList: true, characterData: true})"
    )
    files = [
        ("arabic_decree.pdf", (KNOWLEDGE / "arabic_decree.pdf").read_bytes(), "application/pdf"),
        ("bilingual.docx", (KNOWLEDGE / "bilingual.docx").read_bytes(), "application/octet-stream"),
        ("scan.png", (KNOWLEDGE / "image.png").read_bytes(), "image/png"),
        ("corrupt.docx", (KNOWLEDGE / "corrupt.docx").read_bytes(), "application/octet-stream"),
        ("huge.txt", "كلمة ".encode() * 50_000, "text/plain"),
    ]
    _drop_files(page, files)
    page.wait_for_function(
        "() => document.querySelectorAll('#uploads li.done, #uploads li.failed').length === 5",
        timeout=180_000,
    )
    for name in ("arabic_decree.pdf", "bilingual.docx"):
        state = _upload_state(page, name)
        assert re.fullmatch(r"indexé : [1-9]\d* passages", state), state
        seen = [s.split("|", 1)[1] for s in page.evaluate("window.seen") if s.startswith(name + "|")]
        # The progress states came before the verdict.
        assert any(s.startswith(("envoi", "indexation")) for s in seen), seen
        bar = page.locator("#uploads li", has=page.locator(".file", has_text=name)).locator("progress")
        assert bar.get_attribute("value") == "100"
    png = _upload_state(page, "scan.png")
    assert "422" in png  # one blank pixel: OCR reads it and finds no text
    assert "422" in _upload_state(page, "corrupt.docx")
    assert _upload_state(page, "huge.txt").startswith("trop volumineux : 0,5 Mo, la limite est 0,4 Mo")
    page.set_input_files("#files", str(KNOWLEDGE / "guide.md"))  # the file chooser works as well as dropping
    page.wait_for_function(
        "() => [...document.querySelectorAll('#documents tr')].length === 3", timeout=60_000
    )
    page.screenshot(path=str(shots / "upload-fr-desktop.png"), full_page=True)

    page.get_by_role("button", name="Ouvrir arabic_decree.pdf").click()
    page.wait_for_selector("#document-view:not([hidden]) #chunks li")
    assert "المادة 3" in page.locator("#chunks").inner_text()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Supprimer guide.md").click()
    page.wait_for_function("() => [...document.querySelectorAll('#documents tr')].length === 2")

    page.goto(server.url + "/ui/chat")
    page.wait_for_function("() => document.querySelectorAll('#collections option').length > 0")
    page.select_option("#collections", "archives")
    answer = _ask(page, "ما هي مدة حفظ الوثائق في الأرشيف الإداري؟")
    assert "لمدة لا تقل عن عشر سنوات" in answer, answer  # issue 18's example: the sentence that answers
    sources = page.locator("li.msg.assistant .sources button")
    assert sources.count() >= 1
    names = [sources.nth(i).inner_text() for i in range(sources.count())]
    pick = next(i for i, n in enumerate(names) if "arabic_decree.pdf" in n)
    sources.nth(pick).click()
    passage = page.locator("#passage")
    passage.wait_for(state="visible")
    assert "arabic_decree.pdf" in passage.locator("h2").inner_text()
    quote = passage.locator("blockquote").inner_text()
    assert quote.strip() and quote.strip() in _decree_text()
    page.screenshot(path=str(shots / "citation-fr-desktop.png"), full_page=True)
    context.close()


def _decree_text() -> str:
    from siyada.knowledge.parse import parse

    return parse((KNOWLEDGE / "arabic_decree.pdf").read_bytes(), "arabic_decree.pdf").text


def test_another_tenant_sees_none_of_the_collections(browser, server: Server) -> None:
    owner = server.key("default", "user")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {owner}"}) as client:
        assert (
            client.post("/v1/collections", json={"name": "prive", "embedding_model": None}).status_code == 201
        )
        doc = client.post(
            "/v1/documents", json={"collection": "prive", "text": "Note interne du service."}
        ).json()
    context, page = _login(browser, server, server.key("autre", "user"))
    page.goto(server.url + "/ui/documents?collection=prive")
    page.wait_for_selector("#no-collections:not([hidden])")
    assert page.locator("#collection-list li").count() == 0
    statuses = page.evaluate(
        "ids => Promise.all(['/v1/collections/prive', '/v1/collections/prive/documents',"
        " '/v1/documents/' + ids.doc + '/chunks'].map(u => fetch(u).then(r => r.status)))",
        {"doc": doc["id"]},
    )
    assert statuses == [404, 404, 404]
    context.close()


def test_admin_creates_a_key_sets_a_quota_and_verifies_the_audit_chain(
    browser, server: Server, admin_key: str, shots: Path
) -> None:
    context, page = _login(browser, server, admin_key)
    page.goto(server.url + "/ui/admin")
    page.wait_for_function("() => document.querySelectorAll('#key-tenant option').length >= 2")
    page.select_option("#key-tenant", "autre")
    page.fill("#key-name", "guichet")
    page.click("#key-form button[type=submit]")
    page.wait_for_selector("#new-key:not([hidden])")
    secret = page.locator("#new-secret").inner_text()
    assert secret.startswith("sk-")
    assert secret not in page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    models = httpx.get(server.url + "/v1/models", headers={"Authorization": f"Bearer {secret}"})
    assert models.status_code == 200  # the key shown once is a working key of tenant "autre"
    page.reload()
    assert page.locator("#new-key").is_hidden() and secret not in page.content()  # and it is not shown again
    page.wait_for_function(
        "() => [...document.querySelectorAll('#key-rows tr')].some(r => r.textContent.includes('guichet'))"
    )

    page.select_option("#user-tenant", "autre")
    page.fill("#user-name", "agent.fes")
    page.fill("#user-password", "guichet-unique-2026")
    page.click("#user-form button[type=submit]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#user-rows tr')].some(r => r.textContent.includes('agent.fes'))"
    )
    login = httpx.Client(base_url=server.url)
    form = login.get("/ui/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    signed = login.post(
        "/ui/login", data={"csrf": csrf, "username": "agent.fes", "password": "guichet-unique-2026"}
    )
    assert signed.status_code == 303 and login.get("/v1/models").status_code == 200  # the new user can log in

    page.select_option("#limit-owner", "tenant:autre")
    page.fill("#limit-rpm", "30")
    page.click("#limit-form button[type=submit]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#limit-rows tr')].some(r => r.textContent.includes('30'))"
    )

    user_row = page.locator("#user-rows tr", has_text="agent.fes")
    user_row.get_by_role("button").click()  # disable
    page.wait_for_function(
        "() => [...document.querySelectorAll('#user-rows tr')].some(r => r.textContent.includes('désactivé'))"
    )
    page.wait_for_timeout(1100)  # past the server's one-second key cache
    assert login.get("/v1/models").status_code == 401  # disabling the user ended its session
    login.close()

    page.click("#verify")
    page.wait_for_function(
        "() => document.getElementById('verify-result').textContent.includes('Chaîne intacte')"
    )
    audit = page.locator("#audit-rows").inner_text()
    assert "key.created" in audit or "key.create" in audit, audit
    page.screenshot(path=str(shots / "admin-fr-desktop.png"), full_page=True)

    row = page.locator("#key-rows tr", has_text="guichet")
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#key-rows tr')].some(r => r.textContent.includes('guichet')"
        " && r.textContent.includes('révoquée'))"
    )
    refused = httpx.get(server.url + "/v1/models", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    context.close()


def test_usage_chart_shows_the_day_s_calls(browser, server: Server, admin_key: str) -> None:
    context, page = _login(browser, server, admin_key)
    page.wait_for_load_state("networkidle")  # the collections are listed: free chat, so the model is called
    page.select_option("#collections", [])
    _ask(page, "Bonjour")
    for _ in range(20):  # usage rows are written off the request path, in batches
        page.goto(server.url + "/ui/admin#usage")
        page.wait_for_selector("#usage-chart svg", state="attached")
        if page.locator("#usage-chart svg rect").count() > 1:
            break
        page.wait_for_timeout(500)
    assert page.locator("#usage-chart svg rect").count() > 1
    assert "siyada-chat" in page.locator("#usage-chart svg").inner_html()
    page.select_option("#usage-by", "tenant")
    page.wait_for_function("() => document.querySelector('#usage-chart svg').innerHTML.includes('default')")
    context.close()


def test_keyboard_alone_runs_the_chat(browser, server: Server, user_key: str) -> None:
    context, page = _login(browser, server, user_key)
    page.locator("#new-chat").wait_for()
    page.wait_for_function("() => document.querySelectorAll('#model option').length > 0")

    def tab_to(check: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(() => {{ const a = document.activeElement; return {check}; }})()"):
                return
        raise AssertionError(f"Tab never reached: {check}")

    page.locator("#new-chat").focus()
    page.keyboard.press("Enter")  # a new conversation, from the keyboard
    tab_to("a.id === 'prompt'")
    page.keyboard.type("Salam, kif dayr?")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => { const a = document.querySelector('li.msg.assistant:last-child');"
        " return a && !a.hasAttribute('aria-busy') && a.querySelector('.msg-tools'); }",
        timeout=120_000,
    )
    tab_to("a.textContent === 'Régénérer'")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => { const a = document.querySelector('li.msg.assistant:last-child');"
        " return a && !a.hasAttribute('aria-busy') && a.querySelector('.msg-tools'); }",
        timeout=120_000,
    )
    assert page.locator("li.msg.assistant").count() == 1  # regenerated in place, not appended
    context.close()


def test_a_chat_begun_before_the_history_arrives_stays_the_users(browser, server: Server) -> None:
    """On a slow server the latest conversation used to be opened after the user had pressed "new chat"
    and asked: their question was appended to the old conversation. The list, read when the page asked
    for it, is delivered only after the user has asked."""
    key = server.key("default", "user")
    context, page = _login(browser, server, key)
    page.select_option("#collections", [])
    _ask(page, "Bonjour")  # an earlier conversation, the one the page would reopen
    context.close()

    context = browser.new_context(viewport=DESKTOP)
    held: list = []  # (route, the server's answer at the time it was asked), delivered later

    def hold(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.method == "GET":
            held.append((route, route.fetch()))
        else:
            route.continue_()

    context.route(re.compile(r".*/ui/api/conversations$"), hold)
    page = context.new_page()
    page.goto(server.url + "/ui/chat")
    page.fill("#api_key", key)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/chat$"))
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page never asked for its history"
    page.locator("#new-chat").click()
    page.select_option("#collections", [])
    _ask(page, "Salam")
    for route, response in held:
        route.fulfill(response=response)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.querySelectorAll('#history li').length >= 2")
    users = page.locator("li.msg.user").all_inner_texts()
    assert len(users) == 1 and "Salam" in users[0], users
    assert page.locator("li.msg.assistant").count() == 1
    context.close()


def test_history_is_kept_per_user_by_the_server(browser, server: Server) -> None:
    alice, bob = server.key("default", "user"), server.key("default", "user")
    context, page = _login(browser, server, alice)
    _ask(page, "Question d'Alice : horaires du guichet ?")
    context.close()
    # Another browser, same user: the conversation is there. Another user: it is not.
    context, page = _login(browser, server, alice)
    page.wait_for_function("() => document.querySelectorAll('#history li').length > 0")
    assert "Question d'Alice" in page.locator("#history").inner_text()
    assert "Question d'Alice" in page.locator("#messages").inner_text()
    context.close()
    context, page = _login(browser, server, bob)
    page.wait_for_timeout(500)
    assert page.locator("#history li").count() == 0
    context.close()
    # At rest the conversation is sealed: the database file does not hold its text.
    raw = b"".join(p.read_bytes() for p in server.data_dir.glob("*.db*"))
    assert b"Question d'Alice" not in raw
    # Alice deletes it: gone from the page and from the server.
    context, page = _login(browser, server, alice)
    page.wait_for_function("() => document.querySelectorAll('#history li').length > 0")
    before = page.locator("#history li").count()
    page.once("dialog", lambda d: d.accept())
    page.locator("#history li").first.locator("button.forget").click()
    page.wait_for_function("n => document.querySelectorAll('#history li').length === n", arg=before - 1)
    listed = page.evaluate("fetch('/ui/api/conversations').then(r => r.json())")["data"]
    assert len(listed) == before - 1 and all("Alice" not in c["title"] for c in listed)
    context.close()


def test_evaluation_pages_plot_the_lab_s_results(
    browser, server: Server, admin_key: str, shots: Path
) -> None:
    for task in ("pii.yaml", "retrieval.yaml"):
        args = ["eval", "run", str(EVAL / task), "--model", "siyada-chat", "--base-url", server.url]
        cli(server.data_dir, *args, "--api-key", admin_key, "--embedding-model", "none", "--json")
    context, page = _login(browser, server, admin_key)
    page.goto(server.url + "/ui/evaluation")
    assert page.locator(".plot svg rect").count() >= 2
    page.locator("#main table a[href^='/ui/evaluation/runs/']").first.click()
    page.wait_for_url(re.compile(r"/ui/evaluation/runs/\d+$"))
    assert page.locator(".plot svg rect").count() >= 1
    assert page.locator("a[href$='/report']").count() >= 1
    page.screenshot(path=str(shots / "evaluation-run-fr-desktop.png"), full_page=True)
    assert page.goto(server.url + "/ui/evaluation/runs/99999").status == 404
    context.close()


def test_pages_in_both_languages_and_widths(browser, server: Server, admin_key: str, shots: Path) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context, page = _login(browser, server, admin_key, viewport)
        for lang in ("fr", "ar"):
            for section in ("chat", "documents", "evaluation", "admin"):
                page.goto(f"{server.url}/ui/{section}?lang={lang}")
                assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
                page.screenshot(path=str(shots / f"{section}-{lang}-{name}.png"), full_page=True)
        context.close()
    assert len(list(shots.glob("*-phone.png"))) >= 8


def test_user_cannot_open_admin_and_session_needs_csrf(browser, server: Server, user_key: str) -> None:
    context, page = _login(browser, server, user_key)
    response = page.goto(server.url + "/ui/admin")
    assert response is not None and response.status == 403
    assert page.locator("a[href='/ui/admin']").count() == 0
    # The session authenticates API calls from the page, but a write without the CSRF token is refused.
    status = page.evaluate(
        "fetch('/v1/collections', {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({name: 'x'})}).then(r => r.status)"
    )
    assert status == 403
    listed = page.evaluate("fetch('/v1/models').then(r => r.status)")
    assert listed == 200
    context.close()


def test_login_refuses_bad_keys_and_forged_forms(server: Server) -> None:
    with httpx.Client(base_url=server.url) as client:
        page = client.get("/ui/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        bad = client.post("/ui/login", data={"csrf": token, "api_key": "sk-nope"})
        assert bad.status_code == 401
    forged = httpx.post(server.url + "/ui/login", data={"csrf": "x", "api_key": "sk-nope"})
    assert forged.status_code == 403


def test_revoking_the_key_ends_the_session(browser, server: Server) -> None:
    key = server.key("default", "user")
    context, page = _login(browser, server, key)
    key_id = next(
        k["id"]
        for k in __import__("json").loads(cli(server.data_dir, "keys", "list", "--json").stdout)
        if k["prefix"] and key.startswith(k["prefix"])
    )
    cli(server.data_dir, "keys", "revoke", str(key_id))
    # The server's key cache lives one second: wait until the session is refused.
    for _ in range(50):
        if page.evaluate("fetch('/v1/models').then(r => r.status)") == 401:
            break
        page.wait_for_timeout(200)
    # The open page's next call is refused (401) and the page goes back to the login form by itself.
    page.fill("#prompt", "Encore là ?")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ui/login$"), timeout=60_000, wait_until="commit")
    page.goto(server.url + "/ui/chat")
    assert page.url.endswith("/ui/login")
    context.close()


AXE = Path(__file__).resolve().parents[1] / ".venv" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is fetched by scripts/test.sh")
def test_every_page_passes_axe_without_serious_violations(browser, server: Server, admin_key: str) -> None:
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # to inject axe into the page
    page = context.new_page()
    page.goto(server.url + "/ui/login")
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [
            f"{v['id']}: {v['nodes'][0]['html'][:160]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if bad:
            found[name] = bad

    for lang in ("fr", "ar"):
        page.goto(f"{server.url}/ui/login?lang={lang}")
        check(f"login-{lang}")
    page.fill("#api_key", admin_key)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/chat$"))
    for lang in ("fr", "ar"):
        for section in ("chat", "documents", "evaluation", "evaluation/runs/1", "admin"):
            page.goto(f"{server.url}/ui/{section}?lang={lang}")
            page.wait_for_load_state("networkidle")
            check(f"{section}-{lang}")
    context.close()
    assert found == {}


@pytest.fixture(scope="module")
def echo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # A model that says back what it is told: the test writes the "model's" Markdown itself.
    from tests.recording_upstream import RecordingUpstream

    upstream = RecordingUpstream()
    data = tmp_path_factory.mktemp("siyada-ui-echo")
    config = data / "siyada.toml"
    config.write_text(
        f'[embedded]\nenabled = false\n[[providers]]\nname = "outside"\nurl = "{upstream.url}"\n'
        '[[models]]\nname = "echo"\nroutes = [{provider = "outside"}]\ntier = "general"\n'
    )
    cli(data, "tenants", "create", "default")
    srv = Server(data, config=config).start()
    yield srv
    srv.stop()
    upstream.close()


MARKDOWN_ANSWER = (
    "**gras** et *penché*\n"
    "## Titre\n"
    "- premier\n"
    "- second\n"
    "\n"
    "`code <b>` [site](https://www.maroc.ma/fr) [piège](javascript:window.__pwned=3)\n"
    "[a](JaVaScRiPt:window.__pwned=4) [b](data:text/html,x) [c](//evil.example/x) snake_case_name\n"
    '<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">'
)


def test_answers_render_markdown_and_inject_nothing(browser, echo_server: Server) -> None:
    context, page = _login(browser, echo_server, echo_server.key("default", "user"))
    page.wait_for_function("() => document.querySelectorAll('#model option').length > 0")
    page.fill("#prompt", MARKDOWN_ANSWER)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => { const a = document.querySelector('li.msg.assistant');"
        " return a && !a.hasAttribute('aria-busy') && a.querySelector('.msg-tools'); }",
        timeout=60_000,
    )
    body = page.locator("li.msg.assistant .body")
    assert body.locator("strong").inner_text() == "gras"
    assert body.locator("em").inner_text() == "penché"
    assert body.locator("h4").inner_text() == "Titre"
    assert body.locator("ul > li").all_inner_texts() == ["premier", "second"]
    assert body.locator("code").inner_text() == "code <b>"
    text = body.inner_text()
    assert "**" not in text and "## " not in text  # no raw markers left
    # Only the safe link is a link; the model's HTML is shown as text, never parsed.
    assert [a.get_attribute("href") for a in body.locator("a").all()] == ["https://www.maroc.ma/fr"]
    assert "piège" in text and "snake_case_name" in text
    assert "<script>" in text and "onerror" in text
    assert page.locator("#messages script, #messages img, #messages b, #messages [onerror]").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    # Reopened from the history, the answer renders the same way.
    page.reload()
    page.wait_for_function("() => document.querySelector('li.msg.assistant .body strong')")
    assert page.locator("li.msg.assistant .body ul > li").count() == 2
    assert page.locator("#messages script, #messages img").count() == 0
    context.close()


def test_demo_model_is_flagged_and_the_chat_starts_grounded(
    browser, server: Server, admin_key: str, user_key: str
) -> None:
    url, auth = server.url + "/v1/collections", {"Authorization": f"Bearer {admin_key}"}
    if not httpx.get(url, headers=auth).json()["data"]:
        made = httpx.post(url, json={"name": "notes", "embedding_model": None}, headers=auth)
        assert made.status_code == 201, made.text
    context, page = _login(browser, server, user_key)
    page.wait_for_function("() => document.querySelectorAll('#collections option').length > 0")
    page.wait_for_function("() => document.querySelectorAll('#model option').length > 0")
    # Grounded first: every collection is chosen, so the demo model's warning is not needed yet.
    assert page.evaluate("[...document.querySelectorAll('#collections option')].every(o => o.selected)")
    assert page.locator("#demo-note").is_hidden()
    assert "(démo)" in page.locator("#model option[value='siyada-chat']").inner_text()
    # Free chat with the demo model: the page says so, and so does the answer.
    page.select_option("#collections", [])
    assert page.locator("#demo-note").is_visible()
    assert "démonstration" in page.locator("#demo-note").inner_text()
    page.fill("#prompt", "Bonjour !")
    page.keyboard.press("Enter")
    # The flag comes with the response's headers; the rest of the demo model's answer is not needed.
    flag = page.locator("li.msg.assistant .demo-flag")
    flag.wait_for(timeout=120_000)
    assert flag.count() == 1 and "démonstration" in flag.inner_text()
    page.click("#stop")
    context.close()
