"""The acceptance path of scans through the web app, as a clerk takes it: a scanned Arabic PDF (image
only, several pages) and a phone photo of a French page (sideways, in perspective, blurred, JPEG) are
chosen in the documents page, whose bars follow the pages OCR reads; then each is asked about in the
chat, and the answer's citation chip opens the page image with the cited lines boxed. Screenshots go
where the other web app tests put theirs (SIYADA_SCREENSHOTS)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from siyada.knowledge.ocr import engine
from tests import scans
from tests.browser import browser as chromium
from tests.server import Server, serving
from tests.test_ocr import ARABIC, FRENCH
from tests.test_ui import _ask, _login

SCAN_PAGES = 4


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not scans.CHROMIUM.exists() or not engine.available():
        pytest.skip("needs Debian chromium and Tesseract's data")
    with scans.browser() as b:
        arabic = scans.rasterise(scans.print_pdf(b, scans.page_html(ARABIC, arabic=True)), 300)[0]
        french = scans.rasterise(scans.print_pdf(b, scans.page_html(FRENCH, arabic=False)), 300)[0]
    folder = tmp_path_factory.mktemp("scans")
    scan, photo = folder / "scan.pdf", folder / "photo.jpg"
    # A scanner's PDF: the page and its copies, slightly skewed and noisy each, no text layer.
    pages = [arabic] + [scans.degrade(arabic, seed=n, skew=1.0, blur=0.5, noise=6.0) for n in range(3)]
    scan.write_bytes(scans.image_pdf(pages[:SCAN_PAGES], 300))
    photo.write_bytes(scans.jpeg(scans.photograph(french, seed=7).rotate(90, expand=True), 60))
    return {"scan.pdf": scan, "photo.jpg": photo}


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    toml = "[knowledge]\nmax_upload_bytes = 40000000\n"
    with serving(tmp_path_factory.mktemp("ocr-webapp"), toml, "commune") as server:
        yield server


@pytest.fixture(scope="module")
def web(srv: Server, files: dict[str, Path]) -> Iterator[Any]:
    """A signed-in page (after `files`: their Chromium must be closed before this one starts)."""
    with chromium() as browser:
        context, page = _login(browser, srv, srv.key("commune", "user"))
        yield page
        context.close()


def _bars(page: Any) -> list[tuple[str, float, float]]:
    return [(name, float(value), float(top)) for name, value, top in page.evaluate("window.bars")]


def test_both_scans_uploaded_through_the_web_app_show_their_pages_being_read(
    web: Any, srv: Server, files: dict[str, Path], shots: Path
) -> None:
    page = web
    page.goto(srv.url + "/ui/documents")
    page.wait_for_selector("#no-collections:not([hidden])")
    page.fill("#col-name", "scans")
    page.click("#new-collection button[type=submit]")
    page.wait_for_selector("#collection-panel:not([hidden])")
    # Every (value, max) each upload's bar takes, as the user sees it.
    page.evaluate(
        "window.bars = []; new MutationObserver(ms => ms.forEach(m => { const b = m.target;"
        " if (b.tagName === 'PROGRESS') window.bars.push([b.getAttribute('aria-label'),"
        " b.getAttribute('value') || '0', b.getAttribute('max') || '1']); }))"
        ".observe(document.getElementById('uploads'),"
        " {subtree: true, attributes: true, attributeFilter: ['value', 'max']})"
    )
    page.set_input_files("#files", [str(files["scan.pdf"]), str(files["photo.jpg"])])
    page.wait_for_function(
        "() => document.querySelectorAll('#uploads li.done, #uploads li.failed').length === 2",
        timeout=300_000,
    )
    for name in files:
        row = page.locator("#uploads li", has=page.locator(".file", has_text=name))
        assert row.get_attribute("class") and "done" in str(row.get_attribute("class")), row.inner_text()
    # The scan's bar went through its pages one by one: readings with 0 < pages read < all of them.
    scan_bars = [(v, m) for n, v, m in _bars(page) if n == "scan.pdf"]
    paged = [(v, m) for v, m in scan_bars if m == SCAN_PAGES]
    assert any(0 < v < SCAN_PAGES for v, _ in paged), scan_bars
    assert [v for v, _ in paged] == sorted(v for v, _ in paged)
    page.wait_for_function("() => document.querySelectorAll('#documents tr').length === 2")
    page.screenshot(path=str(shots / "ocr-upload-fr-desktop.png"), full_page=True)


@pytest.mark.parametrize(
    ("question", "expected", "name", "shot"),
    [
        ("ما هو أجل تسليم شهادة السكنى؟", "ثلاثة أيام", "scan.pdf", "ocr-citation-scan-ar-desktop.png"),
        (
            "En combien de jours le certificat de résidence est-il délivré ?",
            "trois jours",
            "photo.jpg",
            "ocr-citation-photo-fr-desktop.png",
        ),
    ],
)
def test_each_scan_is_answered_with_its_cited_region_boxed_on_the_page(
    web: Any, srv: Server, question: str, expected: str, name: str, shot: str, shots: Path
) -> None:
    page = web
    if not page.url.endswith("/ui/chat"):
        page.goto(srv.url + "/ui/chat")
    page.wait_for_function("() => document.querySelectorAll('#collections option').length > 0")
    page.select_option("#collections", "scans")
    answer = _ask(page, question)
    assert expected in answer, answer
    sources = page.locator("li.msg.assistant").last.locator(".sources button")
    names = [sources.nth(i).inner_text() for i in range(sources.count())]
    assert any(name in n for n in names), names
    sources.nth(next(i for i, n in enumerate(names) if name in n)).click()
    figure = page.locator("#passage figure.page-region")
    figure.wait_for(state="visible", timeout=30_000)
    page.wait_for_function("() => document.querySelector('#passage figure img').naturalWidth > 0")
    frame = figure.locator("img").bounding_box()
    boxes = figure.locator(".region-box")
    assert boxes.count() >= 1
    for i in range(boxes.count()):  # each box on the page image, where the cited words were read
        box = boxes.nth(i).bounding_box()
        assert frame and box and box["width"] > 0 and box["height"] > 0
        assert frame["x"] - 1 <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
        assert frame["y"] - 1 <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1
    page.screenshot(path=str(shots / shot), full_page=True)
