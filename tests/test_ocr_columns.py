"""Two-column scans laid out by a real tool: Chromium sets eight articles in `column-count: 2` (an
Arabic page fills its right column first, a French page its left), the page is rasterised at 300 dpi,
wrapped as an image-only PDF and uploaded. The text ingestion stored must read column by column: every
line of the first column before any of the second. Read in plain top-to-bottom line order, line 1 of
the first column would be followed by line 1 of the second."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from siyada.knowledge.ocr import engine
from tests import scans
from tests.server import Server, serving

FRENCH = [
    "Article 1 : Le certificat de résidence est délivré par l'arrondissement dans un délai de trois "
    "jours ouvrables.",
    "Article 2 : Le demandeur présente sa carte nationale d'identité électronique et une facture récente.",
    "Article 3 : Le droit de timbre est fixé à vingt dirhams, acquitté lors du dépôt de la demande.",
    "Article 4 : Toute demande incomplète est retournée au demandeur avec la liste des pièces manquantes.",
    "Article 5 : Le guichet unique est ouvert du lundi au vendredi, de huit heures trente à seize heures.",
    "Article 6 : Les personnes âgées et les personnes en situation de handicap sont reçues en priorité.",
    "Article 7 : Le refus de délivrance est motivé par écrit et notifié dans les quarante-huit heures.",
    "Article 8 : Le présent arrêté entre en vigueur à compter de sa publication au Bulletin officiel.",
]
ARABIC = [
    "المادة الأولى: تسلم شهادة السكنى من طرف المقاطعة الإدارية داخل أجل ثلاثة أيام عمل.",
    "المادة الثانية: يدلي الطالب بنسخة من البطاقة الوطنية للتعريف الإلكترونية وفاتورة حديثة.",
    "المادة الثالثة: يحدد رسم التنبر في عشرين درهما يؤدى عند إيداع الطلب لدى المصالح المختصة.",
    "المادة الرابعة: يرجع كل طلب ناقص إلى صاحبه مرفقا بلائحة الوثائق الناقصة.",
    "المادة الخامسة: يفتح الشباك الوحيد من الاثنين إلى الجمعة من الثامنة والنصف صباحا إلى الرابعة مساء.",
    "المادة السادسة: يستقبل الأشخاص المسنون والأشخاص في وضعية إعاقة بالأولوية.",
    "المادة السابعة: يكون رفض التسليم معللا كتابة ويبلغ داخل ثمان وأربعين ساعة.",
    "المادة الثامنة: يدخل هذا القرار حيز التنفيذ ابتداء من تاريخ نشره بالجريدة الرسمية.",
]


def two_columns(paragraphs: list[str], arabic: bool) -> str:
    """The page Chromium lays out in two balanced columns, in the page's direction."""
    markup = scans.page_html(paragraphs, arabic)
    return markup.replace("</style>", "body { column-count: 2; column-gap: 14mm; }</style>")


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not scans.CHROMIUM.exists() or not engine.available():
        pytest.skip("needs Debian chromium and Tesseract's data")
    toml = "[knowledge]\nmax_upload_bytes = 20000000\n"
    with serving(tmp_path_factory.mktemp("columns"), toml, "commune") as server:
        yield server


@pytest.fixture(scope="module")
def scanned() -> dict[str, bytes]:
    with scans.browser() as b:
        pdfs = {
            "fr": scans.print_pdf(b, two_columns(FRENCH, arabic=False)),
            "ar": scans.print_pdf(b, two_columns(ARABIC, arabic=True)),
        }
    return {lang: scans.image_pdf(scans.rasterise(pdf, 300)[:1], 300) for lang, pdf in pdfs.items()}


def _ingested(srv: Server, data: bytes, name: str) -> tuple[str, str, dict[str, str]]:
    """Upload the scan: its document id, its text as stored (rebuilt from its chunks' offsets), and
    the headers that read it."""
    h = {"Authorization": f"Bearer {srv.key('commune', 'user')}"}
    httpx.post(srv.url + "/v1/collections", json={"name": name, "embedding_model": None}, headers=h)
    r = httpx.post(
        srv.url + "/v1/documents",
        data={"collection": name},
        files={"file": (f"{name}.pdf", data)},
        headers=h,
        timeout=300,
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    chunks = httpx.get(f"{srv.url}/v1/documents/{doc['id']}/chunks", headers=h).json()["data"]
    text = [" "] * doc["chars"]
    for c in chunks:
        text[c["start"] : c["end"]] = c["text"]
    return doc["id"], "".join(text), h


def _box(srv: Server, doc_id: str, h: dict[str, str], text: str, words: str) -> list[int]:
    """The box on the page of the line where `words` were read."""
    start = text.index(words)
    params = {"start": start, "end": start + len(words)}
    region = httpx.get(f"{srv.url}/v1/documents/{doc_id}/pages/1", params=params, headers=h).json()
    assert len(region["boxes"]) == 1, region
    return region["boxes"][0]  # type: ignore[no-any-return]


def _unique_words(paragraphs: list[str]) -> list[str]:
    """The words (four letters or more) found once in the whole page, in reading order."""
    words = [w.strip(".,:;'’") for p in paragraphs for w in p.split()]
    counts = Counter(words)
    return [w for w in words if counts[w] == 1 and len(w) >= 4]


def _positions(text: str, words: list[str]) -> list[int]:
    """Where each word stands in the text (whole words; -1 when OCR misread it)."""
    found = (re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in words)
    return [m.start() if m else -1 for m in found]


@pytest.mark.parametrize(("lang", "paragraphs"), [("ar", ARABIC), ("fr", FRENCH)])
def test_a_two_column_scan_is_read_column_by_column(
    srv: Server, scanned: dict[str, bytes], lang: str, paragraphs: list[str]
) -> None:
    doc_id, text, h = _ingested(srv, scanned[lang], f"columns-{lang}")
    # The page is laid out in two columns: the first article's first line and the fifth's stand level,
    # side by side (the first on the right in Arabic), so a top-to-bottom line order would mix them.
    first, fifth = (_box(srv, doc_id, h, text, paragraphs[n].split(":")[0]) for n in (0, 4))
    assert min(first[3], fifth[3]) > max(first[1], fifth[1]), (first, fifth)  # level
    assert (first[0] > fifth[2]) if lang == "ar" else (first[2] < fifth[0]), (first, fifth)
    words = _unique_words(paragraphs)
    read = [(w, p) for w, p in zip(words, _positions(text, words), strict=True) if p >= 0]
    assert len(read) >= 0.85 * len(words), (len(read), len(words), text)
    # Every word read stands after the one before it in the source: the first column's lines, top to
    # bottom, then the second's.
    out_of_order = [(a, b) for (a, pa), (b, pb) in itertools.pairwise(read) if pb < pa]
    assert not out_of_order, (out_of_order, text)
