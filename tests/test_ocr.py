"""OCR at ingestion: a scanned Arabic PDF (laid out by Chromium, rasterised, re-wrapped as an image-only
PDF) and a phone "photo" of a French page (rotated, blurred, JPEG) uploaded through the API become
searchable, their chunks keep their page, a citation's span resolves to boxes on the page image, the
page image is served to its tenant only, and bad images are refused before anything is stored."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from siyada.knowledge.ocr import engine
from siyada.knowledge.ocr.layout import Block, Word, page_text, reading_order
from siyada.knowledge.parse import MalformedDocument, parse
from tests import scans
from tests.server import Server, cli

needs_ocr = pytest.mark.skipif(
    not engine.available(), reason="Tesseract's ara/fra/osd data are not installed"
)
needs_chromium = pytest.mark.skipif(not scans.CHROMIUM.exists(), reason="Debian chromium is not installed")

ARABIC = [
    "المادة الأولى: تسلم شهادة السكنى من طرف المقاطعة الإدارية داخل أجل ثلاثة أيام.",
    "يجب على الطالب الإدلاء بنسخة من البطاقة الوطنية للتعريف وفاتورة الماء أو الكهرباء.",
    "المادة الثانية: يحدد رسم التنبر في عشرين درهما يؤدى عند إيداع الطلب لدى المصالح المختصة.",
]
FRENCH = [
    "Article premier : le certificat de résidence est délivré par l'arrondissement en trois jours.",
    "Le demandeur présente sa carte nationale d'identité et une facture d'eau ou d'électricité.",
    "Article 2 : le droit de timbre est fixé à vingt dirhams, acquitté au dépôt de la demande.",
]


# ---- reading order and offsets: no engine needed ------------------------------------------------------
def _block(x0: int, y0: int, x1: int, y1: int, text: str) -> Block:
    return Block((x0, y0, x1, y1), [[Word(w, (x0, y0, x1, y1), 90.0) for w in text.split()]])


def test_two_columns_are_read_from_the_right_on_a_right_to_left_page() -> None:
    title = _block(100, 50, 1900, 120, "العنوان")
    left = _block(100, 200, 900, 900, "يسار")
    right = _block(1000, 200, 1900, 900, "يمين")
    under = _block(100, 1000, 1900, 1100, "خاتمة")
    rtl = [b.lines[0][0].text for b in reading_order([left, under, right, title], rtl=True)]
    assert rtl == ["العنوان", "يمين", "يسار", "خاتمة"]
    ltr = [b.lines[0][0].text for b in reading_order([left, under, right, title], rtl=False)]
    assert ltr == ["العنوان", "يسار", "يمين", "خاتمة"]


def test_word_offsets_slice_the_page_text() -> None:
    text, words = page_text([_block(0, 0, 10, 10, "Article 1"), _block(0, 20, 10, 30, "شهادة السكنى")])
    assert text == "Article 1\n\nشهادة السكنى"
    assert [text[s:e] for s, e, *_ in words] == ["Article", "1", "شهادة", "السكنى"]


# ---- bounded, clear errors ------------------------------------------------------------------------------
def _png(width: int, height: int, pixels: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@needs_ocr
def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    # 100,000 x 100,000 pixels declared by a file of a few dozen bytes: refused on its header.
    with pytest.raises(MalformedDocument, match="pixels"):
        parse(_png(100_000, 100_000, zlib.compress(b"\x00" * 10)), "bomb.png")


@needs_ocr
@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "scan.jpg"),  # a JPEG cut off after its header
        (_png(200, 200, zlib.compress(b"\x00" * 100)), "short.png"),  # too few pixels for its size
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "photo.webp"),
    ],
)
def test_truncated_or_corrupt_images_are_malformed(data: bytes, name: str) -> None:
    with pytest.raises(MalformedDocument):
        parse(data, name)


# ---- real scans through the API ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pages() -> dict[str, Any]:
    if not scans.CHROMIUM.exists() or not engine.available():
        pytest.skip("needs Debian chromium and Tesseract's data")
    with scans.browser() as b:
        arabic_pdf = scans.print_pdf(b, scans.page_html(ARABIC, arabic=True))
        french_pdf = scans.print_pdf(b, scans.page_html(FRENCH, arabic=False))
    (arabic,) = scans.rasterise(arabic_pdf, 300)
    (french,) = scans.rasterise(french_pdf, 300)
    # The French page photographed sideways: turned a quarter, in perspective, blurred, JPEG 60.
    photo = scans.photograph(french, seed=7).rotate(90, expand=True)
    return {"scan.pdf": scans.image_pdf([arabic], 300), "photo.jpg": scans.jpeg(photo, 60)}


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("ocr")
    config = data / "siyada.toml"
    config.write_text("[knowledge]\nmax_upload_bytes = 20000000\n")
    for tenant in ("commune", "other"):
        cli(data, "tenants", "create", tenant)
    server = Server(data, config=config).start()
    yield server
    server.stop()


def _h(srv: Server, tenant: str = "commune") -> dict[str, str]:
    key = getattr(srv, f"_key_{tenant}", None) or srv.key(tenant, "user")
    setattr(srv, f"_key_{tenant}", key)
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def uploaded(srv: Server, pages: dict[str, Any]) -> dict[str, Any]:
    r = httpx.post(
        srv.url + "/v1/collections", json={"name": "scans", "embedding_model": None}, headers=_h(srv)
    )
    assert r.status_code == 201, r.text
    docs = {}
    for name, data in pages.items():
        r = httpx.post(
            srv.url + "/v1/documents",
            data={"collection": "scans"},
            files={"file": (name, data)},
            headers=_h(srv),
            timeout=300,
        )
        assert r.status_code == 201, r.text
        docs[name] = r.json()
    return docs


def _hit(srv: Server, query: str) -> dict[str, Any]:
    r = httpx.post(
        srv.url + "/v1/search",
        json={"query": query, "collections": ["scans"], "k": 3, "mode": "lexical"},
        headers=_h(srv),
        timeout=60,
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"], query
    return r.json()["data"][0]


@pytest.mark.parametrize(
    ("query", "name", "words"),
    [
        ("شهادة السكنى المقاطعة الإدارية", "scan.pdf", ["شهادة", "السكنى"]),
        ("certificat de résidence arrondissement", "photo.jpg", ["certificat", "résidence"]),
    ],
)
def test_scans_become_searchable_and_cited_with_page_and_boxes(
    srv: Server, uploaded: dict[str, Any], query: str, name: str, words: list[str]
) -> None:
    doc = uploaded[name]
    assert doc["metadata"]["ocr"]["pages"][0]["page"] == 1
    hit = _hit(srv, query)
    assert hit["document"]["name"] == name
    chunk = hit["chunk"]
    assert chunk["page"] == 1 and all(w in chunk["text"] for w in words)
    # The chunk's offsets slice the stored OCR text exactly.
    chunks = httpx.get(f"{srv.url}/v1/documents/{doc['id']}/chunks", headers=_h(srv)).json()["data"]
    stored = next(c for c in chunks if c["index"] == chunk["index"])
    assert stored["text"] == chunk["text"] and stored["end"] - stored["start"] == len(chunk["text"])
    # The first cited word's region: one box, inside the page.
    at = chunk["text"].index(words[0])
    start, end = chunk["start"] + at, chunk["start"] + at + len(words[0])
    r = httpx.get(
        f"{srv.url}/v1/documents/{doc['id']}/pages/1", params={"start": start, "end": end}, headers=_h(srv)
    )
    assert r.status_code == 200, r.text
    region = r.json()
    assert len(region["boxes"]) == 1 and region["low_confidence"] is False
    x0, y0, x1, y1 = region["boxes"][0]
    assert 0 <= x0 < x1 <= region["width"] and 0 <= y0 < y1 <= region["height"]
    # The whole chunk covers more lines than one word does.
    whole = httpx.get(
        f"{srv.url}/v1/documents/{doc['id']}/pages/1",
        params={"start": chunk["start"], "end": chunk["end"]},
        headers=_h(srv),
    ).json()
    assert len(whole["boxes"]) >= 2
    image = httpx.get(srv.url + region["image"], headers=_h(srv))
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    from PIL import Image

    shown = Image.open(io.BytesIO(image.content))
    # The image is the page the boxes were measured on (reduced): the same proportions.
    assert abs(shown.width / shown.height - region["width"] / region["height"]) < 0.01


def test_the_photo_was_turned_upright_and_read_in_french(uploaded: dict[str, Any]) -> None:
    page = uploaded["photo.jpg"]["metadata"]["ocr"]["pages"][0]
    assert page["rotated"] in (90, 270) and page["language"] == "fra"
    scan = uploaded["scan.pdf"]["metadata"]["ocr"]["pages"][0]
    assert scan["language"] == "ara" and scan["rotated"] == 0


def test_another_tenant_gets_neither_the_region_nor_the_image(srv: Server, uploaded: dict[str, Any]) -> None:
    doc = uploaded["scan.pdf"]["id"]
    for path in (f"/v1/documents/{doc}/pages/1", f"/v1/documents/{doc}/pages/1/image"):
        assert httpx.get(srv.url + path, headers=_h(srv)).status_code == 200
        r = httpx.get(srv.url + path, headers=_h(srv, "other"))
        assert r.status_code == 404 and r.json()["error"]["code"] == "document_not_found"


def test_a_page_not_read_by_ocr_has_no_region(srv: Server, uploaded: dict[str, Any]) -> None:
    doc = uploaded["scan.pdf"]["id"]
    r = httpx.get(f"{srv.url}/v1/documents/{doc}/pages/2", headers=_h(srv))
    assert r.status_code == 404 and r.json()["error"]["code"] == "page_not_found"


@needs_ocr
def test_a_multi_page_tiff_is_one_document_with_its_pages(pages: dict[str, Any]) -> None:
    from PIL import Image

    scan = scans.rasterise(pages["scan.pdf"], 150)[0]
    out = io.BytesIO()
    scan.save(out, format="TIFF", save_all=True, append_images=[scan.rotate(180)], dpi=(150, 150))
    doc = parse(out.getvalue(), "dossier.tiff")
    assert doc.format == "image" and len(doc.pages) == 2 and len(doc.ocr_pages) == 2
    assert doc.ocr_pages[1].rotated == 180
    for (start, end), page in zip(doc.pages, doc.ocr_pages, strict=True):
        assert "السكنى" in doc.text[start:end]
        assert all(start <= s < e <= end for s, e, *_ in page.words)
    assert isinstance(Image.open(io.BytesIO(doc.ocr_pages[0].image)), Image.Image)


# ---- the web app: the cited region on the page image ----------------------------------------------------
def test_the_web_app_shows_the_cited_region_on_the_page(
    srv: Server, uploaded: dict[str, Any], shots: Path
) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_ui import _ask, _login

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(scans.CHROMIUM), args=["--no-sandbox"])
        context, page = _login(browser, srv, srv.key("commune", "user"))
        page.wait_for_function("() => document.querySelectorAll('#collections option').length > 0")
        page.select_option("#collections", "scans")
        answer = _ask(page, "ما هو أجل تسليم شهادة السكنى؟")
        assert "ثلاثة أيام" in answer, answer
        sources = page.locator("li.msg.assistant .sources button")
        names = [sources.nth(i).inner_text() for i in range(sources.count())]
        sources.nth(next(i for i, n in enumerate(names) if "scan.pdf" in n)).click()
        figure = page.locator("#passage figure.page-region")
        figure.wait_for(state="visible", timeout=30_000)
        image = figure.locator("img")
        page.wait_for_function("() => document.querySelector('#passage figure img').naturalWidth > 0")
        boxes = figure.locator(".region-box")
        assert boxes.count() >= 1
        # Each box lies on the page image, where the cited words were read.
        frame = image.bounding_box()
        for i in range(boxes.count()):
            box = boxes.nth(i).bounding_box()
            assert frame and box and box["width"] > 0 and box["height"] > 0
            assert frame["x"] - 1 <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
            assert frame["y"] - 1 <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1
        page.screenshot(path=str(shots / "ocr-citation-region-desktop.png"), full_page=True)
        context.close()
        browser.close()


@needs_ocr
def test_a_pseudonymised_scan_keeps_no_page_image_and_no_boxes_into_changed_text() -> None:
    """The page image shows what pseudonymisation removes from the text: it is never kept, and word
    boxes are kept only while the text they point into is the one stored."""
    from PIL import Image, ImageDraw, ImageFont

    from siyada.knowledge.ingest import prepare

    image = Image.new("L", (1400, 200), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44)
    ImageDraw.Draw(image).text((30, 60), "Attestation de residence de Karim Bennani", fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(300, 300))
    parsed = parse(out.getvalue(), "attestation.png")
    assert parsed.ocr_pages[0].image is not None and parsed.ocr_pages[0].words
    plain = prepare(parsed, "sha", 1, "a.png", {}, None)
    assert plain.parsed.ocr_pages[0].image is not None
    changed = prepare(parsed, "sha", 1, "a.png", {}, lambda t: t.replace("Bennani", "<PERSON:1>"))
    assert "Bennani" not in changed.text
    assert changed.parsed.ocr_pages[0].image is None and changed.parsed.ocr_pages[0].words == []
    same = prepare(parsed, "sha", 1, "a.png", {}, lambda t: t)
    assert same.parsed.ocr_pages[0].image is None and same.parsed.ocr_pages[0].words
