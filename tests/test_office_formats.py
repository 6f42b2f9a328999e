"""Office formats read from files LibreOffice makes at test time (ODT, ODS, XLSX, PPTX) and CSV: text in
document order, tables as rows that name their columns (one chunk per row), and every bound of
ParseLimits refused with a message naming it: zip bombs, lying zips, DTDs, too many rows, columns,
slides; ODS repeat counts never expanded."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from siyada.knowledge.chunk import chunk
from siyada.knowledge.parse import MalformedDocument, ParseLimits, UnsupportedFormat, parse
from tests.office import CSV_FILTER, HTML_FILTER, soffice
from tests.server import free_port

CSV_ROWS = (
    "Nom;Ville;Service;Montant",
    "Alami;الرباط;الحالة المدنية;120",
    "Benali;Casablanca;Urbanisme;80",
    ";فاس;Etat civil;",
)
EXPECTED_ROWS = [
    "Nom: Alami; Ville: الرباط; Service: الحالة المدنية; Montant: 120",
    "Nom: Benali; Ville: Casablanca; Service: Urbanisme; Montant: 80",
    "Ville: فاس; Service: Etat civil",
]
HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Guide du guichet</title></head><body>
<h1>Guide du guichet</h1>
<p>Le bureau d'état civil délivre les extraits d'acte de naissance.</p>
<h2>الوثائق المطلوبة</h2>
<p dir="rtl">يقدم الطلب مرفقا بنسخة من البطاقة الوطنية للتعريف.</p>
<table><tr><td>Délai</td><td>48 heures</td></tr><tr><td>الرسوم</td><td>مجانا</td></tr></table>
</body></html>"""
SLIDES = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"
 office:mimetype="application/vnd.oasis.opendocument.presentation"><office:body><office:presentation>
{pages}</office:presentation></office:body></office:document>"""
PAGE = """<draw:page draw:name="p{n}">
<draw:frame presentation:class="title" svg:x="1cm" svg:y="1cm" svg:width="20cm" svg:height="3cm">
<draw:text-box><text:p>{title}</text:p></draw:text-box></draw:frame>
<draw:frame presentation:class="outline" svg:x="1cm" svg:y="5cm" svg:width="20cm" svg:height="9cm">
<draw:text-box><text:p>{body}</text:p></draw:text-box></draw:frame></draw:page>"""


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "guichet.csv"
    path.write_text("\n".join(CSV_ROWS) + "\n", "utf-8")
    return path


def _rows(text: str) -> list[str]:
    return [line for line in text.split("\n") if ": " in line]


def test_csv_rows_keep_their_header_and_chunk_one_per_row(tmp_path: Path) -> None:
    doc = parse(_csv(tmp_path).read_bytes(), "guichet.csv")
    assert doc.format == "csv" and doc.metadata["delimiter"] == ";"
    assert _rows(doc.text) == EXPECTED_ROWS
    assert [c.text for c in chunk(doc)] == EXPECTED_ROWS
    tab = parse("a\tb\n1\t2\n".encode("utf-16"), "export.tsv")  # Excel's "Unicode text" export
    assert tab.text == "a: 1; b: 2"


@pytest.mark.parametrize("target", ["xlsx", "ods"])
def test_workbooks_made_by_libreoffice_read_as_rows(tmp_path: Path, target: str) -> None:
    book = soffice(_csv(tmp_path), target, tmp_path / "out", CSV_FILTER)
    doc = parse(book.read_bytes(), book.name)
    assert doc.format == target and doc.metadata["sheets"] == 1
    assert _rows(doc.text) == EXPECTED_ROWS
    assert [s.title for s in doc.sections] == ["guichet"]  # the sheet's name
    chunks = chunk(doc)
    assert [c.text.split("\n")[-1] for c in chunks] == EXPECTED_ROWS  # the title line joins row one
    assert all(c.section == "guichet" for c in chunks)
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text


def test_odt_made_by_libreoffice_keeps_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    html = tmp_path / "guide.html"
    html.write_text(HTML, "utf-8")
    odt = soffice(html, "odt", tmp_path / "out", HTML_FILTER)
    doc = parse(odt.read_bytes(), odt.name)
    assert doc.format == "odt"
    assert [(s.level, s.title) for s in doc.sections] == [(1, "Guide du guichet"), (2, "الوثائق المطلوبة")]
    words = doc.text.split()
    for expected in ("délivre", "البطاقة", "48", "heures", "مجانا"):
        assert expected in words
    assert doc.text.index("délivre") < doc.text.index("البطاقة") < doc.text.index("مجانا")
    assert "Délai\n48 heures" in doc.text  # one line per cell


def test_pptx_made_by_libreoffice_gives_a_section_per_slide(tmp_path: Path) -> None:
    pages = "".join(
        PAGE.format(n=n, title=title, body=body)
        for n, (title, body) in enumerate(
            [
                ("Guichet unique", "Demande d'acte de naissance en ligne"),
                ("الآجال", "يسلم الشهادة في أجل 48 ساعة"),
            ],
            start=1,
        )
    )
    source = tmp_path / "deck.fodp"
    source.write_text(SLIDES.format(pages=pages), "utf-8")
    pptx = soffice(source, "pptx", tmp_path / "out")
    doc = parse(pptx.read_bytes(), pptx.name)
    assert doc.format == "pptx" and doc.metadata["slides"] == 2
    assert [s.title for s in doc.sections] == ["Slide 1: Guichet unique", "Slide 2: الآجال"]
    assert "يسلم الشهادة في أجل 48 ساعة" in doc.text[doc.sections[1].start :]
    with pytest.raises(MalformedDocument, match="2 slides, over the limit of 1"):
        parse(pptx.read_bytes(), pptx.name, limits=ParseLimits(max_slides=1))


def test_tables_too_long_or_too_wide_are_refused_naming_the_limit() -> None:
    rows = "\n".join(f"{i};{i}" for i in range(50)).encode()
    with pytest.raises(MalformedDocument, match="more than 10 rows"):
        parse(rows, "long.csv", limits=ParseLimits(max_rows=10))
    wide = (";".join(f"c{i}" for i in range(600)) + "\n").encode()
    with pytest.raises(MalformedDocument, match="600 columns, over the limit of 500"):
        parse(wide, "wide.csv")
    with pytest.raises(MalformedDocument, match="more than 20 filled cells"):
        parse(rows, "cells.csv", limits=ParseLimits(max_cells=20))


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def _ods(content: str) -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "META-INF/manifest.xml": (
                b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                b'<manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                b"</manifest:manifest>"
            ),
            "content.xml": (
                '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
                f"<office:body><office:spreadsheet>{content}</office:spreadsheet></office:body>"
                "</office:document-content>"
            ).encode(),
        }
    )


def _cell(text: str, repeat: int = 1) -> str:
    cell = f'<table:table-cell table:number-columns-repeated="{repeat}">'
    return f"{cell}<text:p>{text}</text:p></table:table-cell>"


def test_ods_repeat_counts_are_never_expanded_when_empty() -> None:
    # What LibreOffice writes for formatted columns: an empty cell repeated to the last column and an
    # empty row repeated to the last row. Expanded, 17 billion cells; skipped, two rows.
    empty_cell = '<table:table-cell table:number-columns-repeated="16384"/>'
    sheet = (
        '<table:table table:name="Feuille1">'
        f"<table:table-row>{_cell('Nom')}{_cell('Ville')}{empty_cell}</table:table-row>"
        f"<table:table-row>{_cell('Alami')}{_cell('Rabat')}{empty_cell}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="1048574">{empty_cell}</table:table-row>'
        "</table:table>"
    )
    doc = parse(_ods(sheet), "formatted.ods")
    assert doc.metadata["rows"] == 2 and _rows(doc.text) == ["Nom: Alami; Ville: Rabat"]
    # A repeated cell or row holding something counts every repetition against the limits.
    filled = f'<table:table table:name="F"><table:table-row table:number-rows-repeated="300000">{_cell("x")}'
    with pytest.raises(MalformedDocument, match="more than 200000 rows"):
        parse(_ods(filled + "</table:table-row></table:table>"), "repeated.ods")
    wide = f'<table:table table:name="F"><table:table-row>{_cell("x", 5000)}</table:table-row></table:table>'
    with pytest.raises(MalformedDocument, match="wider than 500 columns"):
        parse(_ods(wide), "wide.ods")


def test_zip_bombs_and_lying_zips_are_refused_before_any_library_reads_them(tmp_path: Path) -> None:
    book = soffice(_csv(tmp_path), "xlsx", tmp_path / "out", CSV_FILTER).read_bytes()
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    bomb = _zip({**members, "xl/media/padding.bin": b"\0" * (3 * 1024 * 1024)})
    assert len(bomb) < 20_000  # 3 MB of zeros deflate to a few KB
    with pytest.raises(MalformedDocument, match="expands past 1 MB when unzipped"):
        parse(bomb, "bomb.xlsx", limits=ParseLimits(max_unzipped_bytes=1024 * 1024))
    many = _zip({**members, **{f"xl/media/{i}.bin": b"" for i in range(60)}})
    with pytest.raises(MalformedDocument, match="zip members, over the limit of 50"):
        parse(many, "many.xlsx", limits=ParseLimits(max_zip_members=50))
    dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(MalformedDocument, match="declares a DTD"):
        parse(_zip({**members, "xl/sharedStrings.xml": dtd}), "entities.xlsx")
    # A zip whose directory understates a member's size: the bytes really inflated are what count.
    liar = bytearray(bomb)
    header = liar.find(b"PK\x01\x02", liar.find(b"xl/media/padding.bin") - 200)
    while header >= 0:
        name_length = int.from_bytes(liar[header + 28 : header + 30], "little")
        if liar[header + 46 : header + 46 + name_length] == b"xl/media/padding.bin":
            liar[header + 24 : header + 28] = (10).to_bytes(4, "little")  # "uncompressed size: 10"
        header = liar.find(b"PK\x01\x02", header + 4)
    with pytest.raises(MalformedDocument):
        parse(bytes(liar), "liar.xlsx", limits=ParseLimits(max_unzipped_bytes=1024 * 1024))


def test_damaged_office_files_are_malformed_and_other_zips_unsupported(tmp_path: Path) -> None:
    book = soffice(_csv(tmp_path), "ods", tmp_path / "out", CSV_FILTER).read_bytes()
    with pytest.raises(MalformedDocument, match="ODS"):
        parse(book[: len(book) // 2], "cut.ods")
    with pytest.raises(MalformedDocument, match="not a readable zip"):
        parse(b"PK\x03\x04" + b"\x00" * 40, "broken.xlsx")
    presentation = _zip({"mimetype": b"application/vnd.oasis.opendocument.presentation"})
    with pytest.raises(UnsupportedFormat, match="OpenDocument presentation"):
        parse(presentation, "slides.odp")


def _system_python_with_uno() -> str:
    python = "/usr/bin/python3"
    found = Path(python).exists()
    if not found or subprocess.run([python, "-c", "import uno"], capture_output=True).returncode != 0:
        pytest.skip("LibreOffice's UNO bridge (Debian python3-uno) is not installed: scripts/test.sh")
    return python


@pytest.mark.parametrize(("target", "filter_name"), [("ods", "calc8"), ("odt", "writer8")])
def test_password_protected_odf_saved_by_libreoffice_is_named(
    tmp_path: Path, target: str, filter_name: str
) -> None:
    """LibreOffice itself saves the file with a password (through UNO: 7.4's --convert-to cannot)."""
    python = _system_python_with_uno()
    if target == "ods":
        source = soffice(_csv(tmp_path), "ods", tmp_path / "out", CSV_FILTER)
    else:
        html = tmp_path / "guide.html"
        html.write_text(HTML, "utf-8")
        source = soffice(html, "odt", tmp_path / "out", HTML_FILTER)
    locked = tmp_path / f"locked.{target}"
    tool = Path(__file__).parent / "tools" / "lo_password.py"
    subprocess.run(
        [python, str(tool), str(source), str(locked), filter_name, "secret", str(free_port())],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with pytest.raises(MalformedDocument) as refused:
        parse(locked.read_bytes(), locked.name)
    kind = "ODS spreadsheet" if target == "ods" else "ODT document"
    assert str(refused.value) == f"The {kind} is password-protected: remove the password and upload it again"
