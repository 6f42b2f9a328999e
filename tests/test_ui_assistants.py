"""The assistants builder in a real browser (Debian chromium, Playwright) against the real server: an
admin builds an assistant over a collection, previews a question and sees a cited answer before saving,
saves (version 1), sees an API error next to its field, edits (version 2), views the old version in the
history, retires with a confirmation; a user sees the list read-only; Arabic is right to left; the page
fits a phone; axe finds no serious or critical violation. Screenshots go to $SIYADA_SCREENSHOTS (the
ones in docs/screenshots/assistants-builder*.png), else a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.assistants_world import start_server, upload_corpus
from tests.browser import AXE, CHROMIUM, login, serious_violations
from tests.recording_upstream import RecordingUpstream
from tests.server import Server

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
QUESTION = "Quel est le délai de délivrance du certificat de résidence ?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("ui-assistants"), echo.url)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def keys(server: Server) -> dict[str, str]:
    made = {"admin": server.key("commune", "admin"), "user": server.key("commune", "user")}
    upload_corpus(server, _auth(made["admin"]))
    return made


@pytest.fixture(scope="module")
def sokna(server: Server, keys: dict[str, str]) -> str:
    """An assistant made through the API, for the tests that only look at the page."""
    body = {
        "name": "sokna",
        "description": "Certificat de résidence",
        "instructions": {"fr": "Réponds d'après les procédures.", "ar": "أجب حسب المساطر."},
        "model": "siyada-chat",
        "collections": ["procedures"],
        "answer_mode": "extractive",
        "greeting": "مرحبا! اطرح سؤالك.",
        "suggested_questions": ["ما هو أجل تسليم شهادة السكنى؟"],
    }
    r = httpx.post(server.url + "/v1/assistants", json=body, headers=_auth(keys["admin"]))
    assert r.status_code == 201, r.text
    return "sokna"


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _login(browser: Any, server: Server, key: str, lang: str = "fr", **context: Any) -> tuple[Any, Any]:
    """Signed in, on the builder, its choices loaded."""
    context.setdefault("viewport", DESKTOP)
    ctx, page = login(browser, server.url, key, lang, **context)
    page.goto(server.url + "/ui/assistants")
    page.wait_for_function("() => document.querySelectorAll('#f-model option').length > 0")
    page.wait_for_load_state("networkidle")
    return ctx, page


def _open(page: Any, name: str) -> None:
    page.click(f"#as-list li[data-name={name}] button")
    page.wait_for_function("n => document.getElementById('f-name').value === n", arg=name)


ANSWERS = "#pv-messages li.msg.assistant:not(.greeting)"


def _answered(page: Any) -> Any:
    """The preview's last answer, once it has finished streaming."""
    page.wait_for_function(
        "s => { const a = [...document.querySelectorAll(s)].pop();"
        " return a && !a.hasAttribute('aria-busy') && a.querySelector('.body').textContent.length > 0; }",
        arg=ANSWERS,
        timeout=120_000,
    )
    return page.locator(ANSWERS).last


def _versions(server: Server, key: str, name: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{server.url}/v1/assistants/{name}/versions", headers=_auth(key))
    assert r.status_code == 200, r.text
    return r.json()["data"]  # type: ignore[no-any-return]


def test_admin_builds_previews_saves_edits_and_reads_the_history(
    browser: Any, server: Server, keys: dict[str, str], shots: Path
) -> None:
    ctx, page = _login(browser, server, keys["admin"])
    assert page.locator("nav a[aria-current=page]").inner_text() == "Assistants"
    page.fill("#f-name", "guichet")
    page.fill("#f-description", "Le guichet de la commune")
    page.fill("#f-instr-fr", "Tu es le guichet de la commune. Version une.")
    page.click("#tab-ar")
    page.fill("#f-instr-ar", "أنت شباك الجماعة.")
    assert page.locator("#panel-fr").is_hidden() and page.locator("#panel-ar").is_visible()
    page.select_option("#f-model", "siyada-chat")
    page.select_option("#f-collections", ["procedures"])
    page.select_option("#f-answer_mode", "extractive")
    page.fill("#f-retrieval_k", "3")
    page.select_option("#f-privacy", "all")
    page.fill("#f-greeting", "Bonjour ! Posez votre question sur les démarches.")
    page.fill("#f-suggested_questions", QUESTION)

    # the preview shows the draft's greeting and suggested questions, and answers with citations
    assert "Posez votre question" in page.locator("#pv-messages .greeting").inner_text()
    page.locator("#pv-suggested button", has_text=QUESTION).click()
    answer = _answered(page)
    assert "trois jours ouvrables" in answer.locator(".body").inner_text()
    assert "certificat_residence.md" in answer.locator(".sources").inner_text()
    answer.locator(".body .cite").first.click()
    assert "trois jours ouvrables" in page.locator("#pv-passage blockquote").inner_text()
    # ... and nothing was saved
    assert httpx.get(server.url + "/v1/assistants", headers=_auth(keys["admin"])).json()["data"] == []
    page.screenshot(path=str(shots / "assistants-builder-fr-desktop.png"), full_page=True)

    page.click("#as-save")
    page.wait_for_function("() => document.getElementById('as-status').textContent.includes('1')")
    assert page.locator("#as-status").inner_text() == "Version 1 enregistrée."
    assert page.locator("#as-list li[data-name=guichet]").count() == 1
    assert page.locator("#as-versions li").count() == 1
    assert page.locator("#f-name").get_attribute("readonly") is not None

    # an error of the API is shown next to its field, and makes no version
    page.fill("#f-retrieval_k", "25")
    page.click("#as-save")
    page.locator("#err-retrieval_k").wait_for(state="visible")
    assert "retrieval_k" in page.locator("#err-retrieval_k").inner_text()
    assert page.locator("#f-retrieval_k").get_attribute("aria-invalid") == "true"
    assert len(_versions(server, keys["admin"], "guichet")) == 1

    # editing makes version 2
    page.fill("#f-retrieval_k", "4")
    page.click("#tab-fr")
    page.fill("#f-instr-fr", "Tu es le guichet de la commune. Version deux.")
    page.click("#as-save")
    page.wait_for_function("() => document.getElementById('as-status').textContent.includes('2')")
    assert page.locator("#err-retrieval_k").is_hidden()
    assert page.locator("#as-versions li").count() == 2
    saved = _versions(server, keys["admin"], "guichet")
    assert [v["version"] for v in saved] == [1, 2]
    assert saved[1]["retrieval_k"] == 4 and saved[1]["instructions"]["fr"].endswith("Version deux.")
    assert saved[0]["instructions"]["fr"].endswith("Version une.") and saved[0]["privacy"] == "all"

    # the history shows version 1 as it was
    page.get_by_role("button", name="Voir la version 1").click()
    assert page.locator("#f-instr-fr").input_value().endswith("Version une.")
    assert page.locator("#f-retrieval_k").input_value() == "3"
    assert "Version 1 affichée" in page.locator("#as-viewing").inner_text()
    page.screenshot(path=str(shots / "assistants-builder-history-fr-desktop.png"), full_page=True)
    ctx.close()


def test_a_preview_error_is_shown_next_to_its_field(
    browser: Any, server: Server, keys: dict[str, str]
) -> None:
    ctx, page = _login(browser, server, keys["admin"])
    page.fill("#f-temperature", "5")
    page.fill("#pv-prompt", QUESTION)
    page.click("#pv-send")
    page.locator("#err-temperature").wait_for(state="visible")
    assert page.locator("#f-temperature").get_attribute("aria-invalid") == "true"
    assert page.locator("#pv-messages li.failed").count() == 1
    ctx.close()


def test_retiring_asks_first(browser: Any, server: Server, keys: dict[str, str]) -> None:
    made = httpx.post(
        server.url + "/v1/assistants", json={"name": "ancien", "model": "echo"}, headers=_auth(keys["admin"])
    )
    assert made.status_code == 201, made.text
    ctx, page = _login(browser, server, keys["admin"])
    _open(page, "ancien")
    page.once("dialog", lambda d: d.dismiss())
    page.click("#as-retire")
    assert httpx.get(server.url + "/v1/assistants/ancien", headers=_auth(keys["admin"])).status_code == 200
    page.once("dialog", lambda d: d.accept())
    page.click("#as-retire")
    page.wait_for_function("() => document.getElementById('as-status').textContent.includes('ancien')")
    assert httpx.get(server.url + "/v1/assistants/ancien", headers=_auth(keys["admin"])).status_code == 404
    assert page.locator("#as-list li[data-name=ancien]").count() == 0
    ctx.close()


def test_a_user_sees_the_assistants_read_only(
    browser: Any, server: Server, keys: dict[str, str], sokna: str
) -> None:
    ctx, page = _login(browser, server, keys["user"])
    _open(page, sokna)
    assert page.locator("#f-greeting").input_value() == "مرحبا! اطرح سؤالك."
    assert page.locator("#f-greeting").is_disabled() and not page.locator("#f-model").is_enabled()
    assert page.locator("#as-save").count() == 0 and page.locator("#pv-form").count() == 0
    assert page.locator("#as-versions li").count() == 1
    ctx.close()


def test_arabic_is_right_to_left_and_fits_a_phone(
    browser: Any, server: Server, keys: dict[str, str], sokna: str, shots: Path
) -> None:
    wide: dict[str, int] = {}
    for lang in ("ar", "fr"):
        ctx, page = _login(browser, server, keys["admin"], lang, viewport=PHONE)
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        _open(page, sokna)
        page.locator("#pv-suggested button").first.click()
        answer = _answered(page)
        assert "shahada_sokna.txt" in answer.locator(".sources").inner_text()
        page.screenshot(path=str(shots / f"assistants-builder-{lang}-phone.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if width > 0:
            wide[lang] = width
        ctx.close()
    assert wide == {}


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is fetched by scripts/test.sh")
def test_the_builder_passes_axe(browser: Any, server: Server, keys: dict[str, str], sokna: str) -> None:
    found: dict[str, list[str]] = {}
    for who in ("admin", "user"):
        for lang in ("fr", "ar"):
            ctx, page = _login(browser, server, keys[who], lang, bypass_csp=True)  # to inject axe
            _open(page, sokna)
            if who == "admin":
                page.locator("#pv-suggested button").first.click()
                _answered(page)
            bad = serious_violations(page)
            if bad:
                found[f"{who}:{lang}"] = bad
            ctx.close()
    assert found == {}
