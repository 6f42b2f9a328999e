"""The data space in the web app: Debian chromium driven by Playwright against the real server.

An owner administration uploads, classifies, describes and publishes a data set; a researcher of another
tenant requests it; the owner approves; the researcher queries it from the workbench; the owner releases
the output from the airlock; the researcher downloads it. In French and in Arabic (right to left), with
axe on every page and screenshots like tests/test_ui.py ($SIYADA_SCREENSHOTS, else a temporary folder).

The query and airlock API ship in another branch: while it is absent, the pages say so and the steps
that need it are expected to fail (strict, so they must pass once it is merged).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.browser import AXE, CHROMIUM, login, serious_violations
from tests.dataspace_world import COMPLETE, census_rows, to_csv
from tests.server import Server, cli

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

LANGS = ("fr", "ar")
PAGES = ("dataspace", "dataspace/request", "dataspace/approvals", "dataspace/workbench", "dataspace/airlock")


def _rows() -> list[dict[str, Any]]:
    # Each record also carries a file number the scanner cannot know for an identifier: the owner
    # corrects its class, and the stored file is pseudonymised in the same step.
    return [{**r, "dossier": f"DOS-{1000 + i}"} for i, r in enumerate(census_rows(80))]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("siyada-ui-dataspace")
    for tenant in ("owner", "lab"):
        cli(data, "tenants", "create", tenant)
    srv = Server(data).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def keys(server: Server) -> dict[str, str]:
    return {
        "owner": server.key("owner", "admin"),
        "researcher": server.key("lab", "user"),
    }


def _login(browser: Any, server: Server, key: str, lang: str, **context: Any) -> tuple[Any, Any]:
    context.setdefault("viewport", DESKTOP)
    return login(browser, server.url, key, lang, **context)


def _open(page: Any, server: Server, section: str, lang: str) -> None:
    page.goto(f"{server.url}/ui/{section}")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")


def _api(server: Server, key: str, method: str, path: str, **kw: Any) -> dict[str, Any]:
    r = httpx.request(
        method, server.url + path, headers={"Authorization": f"Bearer {key}"}, timeout=120, **kw
    )
    assert r.status_code < 300, (method, path, r.status_code, r.text)
    return r.json()  # type: ignore[no-any-return]


def _granted(server: Server, keys: dict[str, str], title: str) -> tuple[str, str]:
    """(data set, grant) made through the API: a published set and an approved request."""
    form = {"metadata": orjson.dumps({"title": title}).decode()}
    ds = _api(server, keys["owner"], "POST", "/v1/dataspace/datasets",
              files={"file": ("c.csv", to_csv(census_rows(80)))}, data=form)  # fmt: skip
    _api(server, keys["owner"], "PATCH", f"/v1/dataspace/datasets/{ds['id']}", json=COMPLETE)
    _api(server, keys["owner"], "POST", f"/v1/dataspace/datasets/{ds['id']}/publish")
    asked = _api(server, keys["researcher"], "POST", "/v1/dataspace/requests", json={
        "dataset": ds["id"], "purpose": "Étude des revenus par sexe et par commune",
        "columns": ["sexe", "age", "commune", "revenu"], "modes": ["table", "sql", "dp"], "duration_days": 30,
        "epsilon": 1.0,
    })  # fmt: skip
    grant = _api(server, keys["owner"], "POST", f"/v1/dataspace/requests/{asked['id']}/approve", json={})
    return ds["id"], grant["grant"]


@pytest.mark.parametrize("lang", LANGS)
def test_owner_publishes_researcher_requests_owner_approves(
    browser: Any, server: Server, keys: dict[str, str], shots: Path, lang: str
) -> None:
    # The title carries markup: the pages write every value as text, so it shows and never runs.
    title = f"Recensement {lang} <img src=x onerror=window.__pwned=1>"
    owner, page = _login(browser, server, keys["owner"], lang)
    _open(page, server, "dataspace", lang)
    page.set_input_files(
        "#up-file", files=[{"name": "recensement.csv", "mimeType": "text/csv", "buffer": to_csv(_rows())}]
    )
    page.fill("#up-title", title)
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#editor:not([hidden])", timeout=120_000)
    assert page.locator("#editor-name").inner_text() == title
    assert page.locator("select.role[data-column='cin']").input_value() == "direct"
    assert page.locator("select.role[data-column='revenu']").input_value() == "sensitive"
    assert page.locator("select.role[data-column='dossier']").input_value() != "direct"

    # Publishing before the card is complete is refused, naming what is missing.
    page.click("#publish")
    page.wait_for_selector("#editor-error:not([hidden])")
    assert "card" in page.locator("#editor-error").inner_text()

    # The owner corrects a class and fills in the DCAT metadata and the data card, then publishes.
    page.locator("select.role[data-column='dossier']").select_option("direct")
    meta, card = COMPLETE["metadata"], COMPLETE["card"]
    page.fill("#m-publisher", meta["publisher"])
    page.fill("#m-theme", "SOCI")
    page.fill("#m-keywords", ", ".join(meta["keywords"]))
    page.select_option("#m-access", "restricted")
    page.fill("#m-license", meta["license"])
    page.fill("#m-start", "2024-01-01")
    page.fill("#m-end", "2024-12-31")
    page.fill("#m-spatial", "Maroc")
    page.select_option("#c-basis", "public_interest")
    page.fill("#c-cndp", card["cndp_authorisation"])
    page.fill("#c-retention", "365")
    page.fill("#c-limits", card["purpose_limits"])
    for column in ("age", "revenu"):
        row = page.locator(f"#bound-rows tr[data-column='{column}']")
        row.locator(".lower").fill("0")
        row.locator(".upper").fill("120" if column == "age" else "100000")
    assert page.locator("#bound-rows tr").count() == 2  # numeric columns only, never an identifier
    page.click("#publish")
    page.wait_for_function(
        "t => document.getElementById('editor-status').textContent === t", arg=_word(page, "ds_published_ok")
    )
    assert page.locator("#editor-error").is_hidden()
    assert page.locator("select.role[data-column='dossier']").input_value() == "direct"
    dossier = page.locator("#column-rows tr", has=page.locator("td", has_text="dossier")).inner_text()
    assert _word(page, "ds_pseudonymised") in dossier
    page.wait_for_selector(f"#published-list article h3:text-is('{_css(title)}')")
    dataset = page.locator("#published-list article", has_text=title).first.get_attribute("data-id")
    assert page.evaluate("window.__pwned") is None
    page.screenshot(path=str(shots / f"dataspace-catalogue-{lang}-desktop.png"), full_page=True)

    # A researcher of another tenant reads the catalogue (DCAT fields, card) and asks for access.
    lab, rpage = _login(browser, server, keys["researcher"], lang)
    _open(rpage, server, "dataspace", lang)
    entry = rpage.locator(f"#published-list article[data-id='{dataset}']")
    assert card["cndp_authorisation"] in entry.inner_text() and "Maroc" in entry.inner_text()
    assert rpage.locator("#upload-form").count() == 0  # a researcher's key shares nothing
    entry.locator(f"a[href$='{dataset}']").click()
    rpage.wait_for_url(re.compile(r"/ui/dataspace/request\?dataset="))
    rpage.wait_for_function("() => document.querySelectorAll('#r-columns input').length > 0")
    assert rpage.locator("#r-dataset").input_value() == dataset
    offered = rpage.eval_on_selector_all("#r-columns input", "xs => xs.map(x => x.value)")
    assert not {"cin", "nom", "telephone", "dossier"} & set(offered)  # direct identifiers are never offered
    rpage.fill("#r-purpose", "Étude des revenus par sexe et par commune (projet de thèse)")
    for column in ("sexe", "commune", "revenu"):
        rpage.check(f"#r-columns input[value='{column}']")
    rpage.fill("#r-days", "180")
    rpage.click("#request-form button[type=submit]")
    rpage.wait_for_selector("#request-status:not([hidden])")
    request_id = rpage.locator("#request-status").inner_text().split(" · ")[0]
    mine = rpage.locator(f"#request-rows tr[data-id='{request_id}']")
    assert _word(rpage, "ds_status_pending") in mine.inner_text()
    rpage.screenshot(path=str(shots / f"dataspace-request-{lang}-desktop.png"), full_page=True)
    assert rpage.goto(f"{server.url}/ui/dataspace/approvals").status == 403  # only an admin decides

    # The owner approves; the grant appears with its columns and its expiry.
    _open(page, server, "dataspace/approvals", lang)
    pending = page.locator(f"#pending-list li[data-id='{request_id}']")
    assert "projet de thèse" in pending.inner_text()
    page.screenshot(path=str(shots / f"dataspace-approvals-{lang}-desktop.png"), full_page=True)
    pending.locator("button.approve").click()
    page.wait_for_selector(f"#pending-list li[data-id='{request_id}']", state="detached")
    grant_row = page.locator(f"#grant-rows tr[data-request='{request_id}']")
    grant_row.wait_for()
    assert "commune" in grant_row.inner_text()
    assert _word(page, "ds_status_active") in grant_row.inner_text()

    # The researcher sees the decision, and the grant in the workbench with what it allows.
    _open(rpage, server, "dataspace/request", lang)
    approved = rpage.locator(f"#request-rows tr[data-id='{request_id}']")
    approved.locator("a").wait_for()
    grant = approved.locator("a").inner_text()
    assert _word(rpage, "ds_status_approved") in approved.inner_text()
    _open(rpage, server, f"dataspace/workbench?grant={grant}", lang)
    rpage.wait_for_selector("#grant-pick:not([hidden])")
    assert rpage.locator("#w-grant").input_value() == grant
    assert "commune" in rpage.locator("#w-grant-facts").inner_text()
    # The query API is served, so the page offers the form, not its "not available" notice.
    assert rpage.locator("#unavailable").count() == 0
    rpage.screenshot(path=str(shots / f"dataspace-workbench-{lang}-desktop.png"), full_page=True)
    owner.close()
    lab.close()


@pytest.mark.parametrize("lang", LANGS)
def test_researcher_queries_owner_releases_researcher_downloads(
    browser: Any, server: Server, keys: dict[str, str], shots: Path, lang: str
) -> None:
    dataset, grant = _granted(server, keys, f"Recensement requêtes {lang}")
    lab, rpage = _login(browser, server, keys["researcher"], lang)
    _open(rpage, server, f"dataspace/workbench?grant={grant}", lang)
    assert rpage.locator("#unavailable").count() == 0, "the query API is not served"
    rpage.wait_for_selector("#builder:not([hidden])")
    rpage.select_option("#w-mode", "table")
    rpage.check("#w-group input[value='sexe']")  # a count of records by sex: about 40 a cell
    rpage.click("#query-form button[type=submit]")
    rpage.wait_for_selector("#query-result:not([hidden])", timeout=120_000)
    shown = rpage.locator("#query-result").inner_text()
    assert rpage.locator("#query-result .state.pending").count() == 1, shown
    assert "null" not in shown and "undefined" not in shown
    rpage.screenshot(path=str(shots / f"dataspace-workbench-query-{lang}-desktop.png"), full_page=True)

    # Pending: listed, no download link, and the server refuses the download itself.
    output = rpage.locator("#query-result").get_attribute("data-output")
    _open(rpage, server, "dataspace/airlock", lang)
    waiting = rpage.locator(f"#outputs-pending li[data-id='{output}']")
    waiting.wait_for()
    assert waiting.locator("a.download").count() == 0
    assert waiting.locator("table").count() == 0  # the researcher sees the table once released only
    assert rpage.locator(f"a.download[href*='{output}']").count() == 0
    status = rpage.evaluate(f"fetch('/v1/dataspace/outputs/{output}/download').then(r => r.status)")
    assert status == 403

    # The owner reads the checks' evidence and approves.
    owner, page = _login(browser, server, keys["owner"], lang)
    _open(page, server, "dataspace/airlock", lang)
    item = page.locator(f"#outputs-pending li[data-id='{output}']")
    assert item.locator("table").count() == 1 and item.locator(".checks-list li").count() >= 1
    item.locator("button.approve").click()
    page.wait_for_selector(f"#outputs-released li[data-id='{output}']")
    page.screenshot(path=str(shots / f"dataspace-airlock-{lang}-desktop.png"), full_page=True)

    # Released: the researcher downloads it.
    _open(rpage, server, "dataspace/airlock", lang)
    link = rpage.locator(f"#outputs-released li[data-id='{output}'] a.download")
    assert rpage.locator(f"#outputs-released li[data-id='{output}'] table").count() == 1
    with rpage.expect_download() as got:
        link.click()
    saved = Path(got.value.path())
    assert saved.stat().st_size > 0

    # Differential privacy: the owner publishes the public categories of `sexe` (DP groups by them
    # only); the researcher spends a quarter of the grant's ε on a noisy count by sex.
    _open(page, server, "dataspace", lang)
    page.locator(f"#yours-rows tr[data-id='{dataset}'] button").click()
    page.wait_for_selector("#editor:not([hidden])")
    page.locator("#category-rows tr[data-column='sexe'] .values").fill("F, M")
    page.click("#describe-form button[type=submit]")
    page.wait_for_function(
        "t => document.getElementById('editor-status').textContent === t", arg=_word(page, "ds_saved")
    )
    _open(rpage, server, f"dataspace/workbench?grant={grant}", lang)
    assert rpage.locator("#w-epsilon").inner_text() == _epsilon_left(rpage, 1, 1)
    rpage.select_option("#w-mode", "dp")
    rpage.check("#w-group input[value='sexe']")
    rpage.fill("#w-eps", "0.25")
    rpage.click("#query-form button[type=submit]")
    rpage.wait_for_selector("#query-result:not([hidden])", timeout=120_000)
    shown = rpage.locator("#query-result").inner_text()
    assert rpage.locator("#query-result .state.pending").count() == 1, shown
    rpage.wait_for_function(
        "t => document.getElementById('w-epsilon').textContent === t", arg=_epsilon_left(rpage, 0.75, 1)
    )
    owner.close()
    lab.close()


def test_owner_refuses_a_request_and_revokes_a_grant(
    browser: Any, server: Server, keys: dict[str, str]
) -> None:
    dataset, grant = _granted(server, keys, "Recensement révocation")
    asked = _api(server, keys["researcher"], "POST", "/v1/dataspace/requests", json={
        "dataset": dataset, "purpose": "Une seconde demande, trop large", "columns": ["age"],
        "modes": ["sql"], "duration_days": 700,
    })  # fmt: skip
    owner, page = _login(browser, server, keys["owner"], "fr")
    page.on("dialog", lambda dialog: dialog.accept())  # the revocation asks first
    _open(page, server, "dataspace/approvals", "fr")
    pending = page.locator(f"#pending-list li[data-id='{asked['id']}']")
    pending.locator("input").fill("Durée excessive")
    pending.locator("button.refuse").click()
    pending.wait_for(state="detached")
    row = page.locator(f"#grant-rows tr[data-id='{grant}']")
    row.locator("button").click()
    page.wait_for_function(
        "([id, word]) => document.querySelector(`#grant-rows tr[data-id='${id}']`)"
        ".textContent.includes(word)",
        arg=[grant, _word(page, "ds_status_revoked")],
    )
    assert row.locator("button").count() == 0  # a revoked grant offers nothing more
    assert (
        _api(server, keys["researcher"], "GET", f"/v1/dataspace/requests/{asked['id']}")["status"]
        == "refused"
    )
    assert _api(server, keys["researcher"], "GET", f"/v1/dataspace/grants/{grant}")["status"] == "revoked"

    # The researcher's workbench no longer offers the revoked grant.
    lab, rpage = _login(browser, server, keys["researcher"], "fr")
    _open(rpage, server, f"dataspace/workbench?grant={grant}", "fr")
    offered = rpage.eval_on_selector_all("#w-grant option", "xs => xs.map(x => x.value)")
    assert grant not in offered
    owner.close()
    lab.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is fetched by scripts/test.sh")
def test_every_data_space_page_passes_axe(browser: Any, server: Server, keys: dict[str, str]) -> None:
    _granted(server, keys, "Recensement axe")
    found: dict[str, list[str]] = {}
    for who in ("owner", "researcher"):
        for lang in LANGS:
            ctx, page = _login(browser, server, keys[who], lang, bypass_csp=True)  # to inject axe
            for section in PAGES:
                response = page.goto(f"{server.url}/ui/{section}")
                page.wait_for_load_state("networkidle")
                if section.endswith("approvals") and who == "researcher":
                    assert response is not None and response.status == 403
                if section == "dataspace" and who == "owner":
                    page.locator("#yours-rows button").first.click()  # the editor open, with its form
                    page.wait_for_selector("#editor:not([hidden])")
                bad = serious_violations(page)
                if bad:
                    found[f"{who}:{section}:{lang}"] = bad
            ctx.close()
    assert found == {}


def test_pages_fit_a_phone_in_both_languages(
    browser: Any, server: Server, keys: dict[str, str], shots: Path
) -> None:
    _granted(server, keys, "Recensement téléphone")
    wide: dict[str, int] = {}
    for lang in LANGS:
        ctx, page = _login(browser, server, keys["owner"], lang, viewport=PHONE)
        for section in PAGES:
            _open(page, server, section, lang)
            name = section.replace("/", "-")
            page.screenshot(path=str(shots / f"{name}-{lang}-phone.png"), full_page=True)
            # Wide tables scroll inside their card; the page itself never scrolls sideways.
            width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if width > 0:
                wide[f"{section}:{lang}"] = width
        ctx.close()
    assert wide == {}


def test_every_data_space_word_is_in_french_arabic_and_english() -> None:
    from siyada.ui import i18n
    from siyada.ui.i18n_dataspace import DATASPACE

    assert all(i18n.STRINGS[k] == v for k, v in DATASPACE.items())
    assert {k for k, v in DATASPACE.items() if set(v) != set(i18n.LANGS) or not all(v.values())} == set()
    # Words the templates build from a value (t['ds_role_' + role]...) exist for every value.
    for prefix, values in (
        ("ds_role_", ("direct", "quasi", "sensitive", "other")),
        ("ds_access_", ("public", "restricted", "non_public")),
        ("ds_mode_", ("table", "sql", "dp")),
        ("ds_agg_", ("count", "sum", "mean", "quantile")),
        ("ds_status_", ("pending", "running", "approved", "rejected", "refused", "released", "active",
                        "expired", "revoked")),
        ("ds_outputs_", ("pending", "released", "refused")),
        ("ds_basis_", ("consent", "contract", "legal_obligation", "vital_interest", "public_interest",
                       "legitimate_interest")),
        ("ds_state_", ("draft", "published")),
    ):  # fmt: skip
        assert [v for v in values if prefix + v not in DATASPACE] == []


def _word(page: Any, key: str) -> str:
    """A word of the page's language, as the page itself has it."""
    return str(page.evaluate(f"window.siyada.t[{orjson.dumps(key).decode()}]"))


def _epsilon_left(page: Any, left: float, budget: float) -> str:
    """The ε-left line as the page writes it (its language's number format)."""
    return str(
        page.evaluate(
            "([l, b]) => { const s = window.siyada;"
            " return s.format(s.t.ds_epsilon_left, {left: s.number(l, 3), budget: s.number(b, 3)}); }",
            [left, budget],
        )
    )


def _css(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")
