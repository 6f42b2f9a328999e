"""Right-to-left text in PDFs made by real tools from one Arabic + French text: LibreOffice (from ODT and
from DOCX), Chromium's print to PDF, and a legacy visual-order generator (reportlab drawing each line
already shaped and reordered, as old Arabic PDF producers did). The extracted text must equal the source
line for line, after normalisation (presentation forms folded, runs of blanks made one)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from siyada.knowledge.parse import parse
from siyada.knowledge.parsers.pdf_bidi import visual_to_logical
from tests.office import HTML_FILTER, soffice

LINES = (
    "المادة 5: يحدد أجل 30 يوما ابتداء من 12 مارس 2024.",
    "Article 5 : le délai est de 30 jours à compter du 12 mars 2024.",
    "تطبق أحكام القانون رقم 09.08 المتعلق بحماية المعطيات على جميع الإدارات.",
    "تخضع المعالجة لمراقبة اللجنة الوطنية Commission nationale de contrôle منذ سنة 2010.",
    "صدر بالرباط في 18 فبراير 2009 الموافق لـ 22 صفر 1430.",
    "La loi n° 09-08 relative à la protection des personnes physiques.",
    "الباب الأول: أحكام عامة تتعلق بالأرشيف والإدارة",
    "Le décret est publié au Bulletin officiel sous le titre مرسوم الأرشيف depuis 2024.",
)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _rtl(line: str) -> bool:
    return line[0] > "\u0600"


def _normalised(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _html(lines: tuple[str, ...] = LINES) -> str:
    paragraphs = "\n".join(
        f'<p dir="{"rtl" if _rtl(line) else "ltr"}">{line}</p>' for line in lines
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8"><style>body{font-family:"DejaVu Sans"}'
        "p{margin:0 0 8px}</style></head><body>" + paragraphs + "</body></html>"
    )


def _libreoffice_pdf(tmp_path: Path, via: str) -> bytes:
    html = tmp_path / "source.html"
    html.write_text(_html(), "utf-8")
    document = soffice(html, via, tmp_path / "doc", HTML_FILTER)
    return soffice(document, "pdf", tmp_path / "pdf").read_bytes()


def _chromium_pdf(tmp_path: Path, lines: tuple[str, ...] = LINES) -> bytes:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium (Debian chromium) is not installed: scripts/test.sh installs it")
    html = tmp_path / "source.html"
    html.write_text(_html(lines), "utf-8")
    pdf = tmp_path / "chromium.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", html.as_uri()],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return pdf.read_bytes()


def _visual_order_pdf() -> bytes:
    """Each line shaped into presentation forms and reordered for display by python-bidi, then drawn as
    one left-to-right string: the content stream holds the line in visual order."""
    import io

    import arabic_reshaper
    from bidi import get_display
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if not Path(FONT).exists():
        pytest.skip("DejaVu Sans (Debian fonts-dejavu-core) is not installed")
    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(842, 595))
    page.setFont("DejaVu", 11)
    for n, line in enumerate(LINES):
        rtl = _rtl(line)
        visual = get_display(arabic_reshaper.reshape(line), base_dir="R" if rtl else "L")
        y = 560 - 22 * n
        page.drawRightString(820, y, visual) if rtl else page.drawString(20, y, visual)
    page.save()
    return buffer.getvalue()


def _check(data: bytes) -> dict[str, object]:
    doc = parse(data, "source.pdf")
    assert _normalised(doc.text) == list(LINES)
    return doc.metadata


def test_libreoffice_pdf_from_odt_reads_in_logical_order(tmp_path: Path) -> None:
    # LibreOffice writes embedded French and lam-alef ligatures in visual order: repaired and flagged.
    assert _check(_libreoffice_pdf(tmp_path, "odt")).get("reordered_pages") == 1


def test_libreoffice_pdf_from_docx_reads_in_logical_order(tmp_path: Path) -> None:
    _check(_libreoffice_pdf(tmp_path, "docx:MS Word 2007 XML"))


def test_chromium_pdf_reads_in_logical_order(tmp_path: Path) -> None:
    _check(_chromium_pdf(tmp_path))


def test_chromium_pdf_with_an_unmapped_glyph_still_reads_in_logical_order(tmp_path: Path) -> None:
    # A Wingdings bullet (U+F02D, private use, common in Moroccan legal texts) is drawn by Chromium as a
    # glyph with no character: PDFium's page text then skips it and no longer lines up with the glyphs.
    bullet = "\uf02d"
    lines = (bullet + "الجماعات الترابية ومجموعاتها وهيئاتها؛", LINES[0], LINES[3])
    doc = parse(_chromium_pdf(tmp_path, lines), "bullets.pdf")
    assert _normalised(doc.text.replace(bullet, "")) == [line.replace(bullet, "") for line in lines]


def test_visual_order_pdf_is_put_back_in_logical_order() -> None:
    _check(_visual_order_pdf())


def test_visual_to_logical_keeps_ltr_runs_and_numbers_in_place() -> None:
    from bidi import get_display

    for line in LINES:
        assert visual_to_logical(get_display(line, base_dir="R" if _rtl(line) else "L")) == line
    assert visual_to_logical("Plain French line, 12 (test).") == "Plain French line, 12 (test)."
