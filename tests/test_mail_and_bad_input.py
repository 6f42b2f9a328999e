"""Mail (EML) with attachments, and bad input, over HTTP against a real server.

A mail is a document, each attachment documents of their own linked to it (`parent` in the attachment's
view, `attachment_ids` in the mail's); attachments in formats Siyada does not read are listed with the
reason. Bad input — PDFs of no pages or past `knowledge.max_pdf_pages`, password-protected PDFs and
Office files, decompression-bomb and truncated images, images in which OCR finds no text, GIF and BMP
(which OCR does not read), damaged workbooks, zip bombs —
gets a 4xx OpenAI-style error naming the problem, and nothing is stored: the database's documents and
chunks and the data directory's files are the same after as before.
"""

from __future__ import annotations

import io
import sqlite3
import struct
import zipfile
import zlib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from siyada.knowledge.parse import MalformedDocument, ParseLimits, parse_many
from tests.hostile import xlsx_bomb
from tests.server import Server, cli, serving

FIXTURES = Path(__file__).parent / "fixtures" / "knowledge"
CSV = "Pièce;Délai\nعقد الازدياد;48 ساعة\nCertificat de résidence;24 heures\n".encode()


def _mail(subject: str, body: str, attachments: list[tuple[str, str, bytes]] = ()) -> EmailMessage:  # type: ignore[assignment]
    mail = EmailMessage()
    mail["From"] = "Bureau d'ordre <bo@commune.ma>"
    mail["To"] = "etat-civil@commune.ma"
    mail["Date"] = "Thu, 03 Dec 2026 10:00:00 +0100"
    mail["Subject"] = subject
    mail.set_content(body)
    for name, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail


def _mail_with_attachments() -> bytes:
    inner = _mail(
        "Note interne", "Voir la note jointe.", [("note.txt", "text/plain", "ملاحظة داخلية".encode())]
    )
    outer = _mail(
        "Demande d'extrait — طلب نسخة",
        "Bonjour,\nveuillez trouver les pièces demandées.\nمع التحية",
        [
            ("tarifs.csv", "text/csv", CSV),
            ("guide.docx", "application/octet-stream", (FIXTURES / "bilingual.docx").read_bytes()),
            ("logo.png", "image/png", (FIXTURES / "image.png").read_bytes()),
        ],
    )
    outer.add_attachment(inner)  # message/rfc822
    return outer.as_bytes()


def test_a_mail_and_its_attachments_are_documents_linked_to_it() -> None:
    docs = parse_many(_mail_with_attachments(), "demande.eml")
    assert [d.format for d in docs] == ["eml", "csv", "docx", "eml", "text"]
    assert [d.parent for d in docs] == [None, 0, 0, 0, 3]
    mail = docs[0]
    assert mail.title == "Demande d'extrait — طلب نسخة"
    assert mail.text.startswith("From: Bureau d'ordre <bo@commune.ma>\nTo: etat-civil@commune.ma")
    assert "veuillez trouver les pièces demandées" in mail.text
    assert [a["name"] for a in mail.metadata["skipped_attachments"]] == ["logo.png"]
    # one blank pixel: read by OCR, which finds no text in it
    assert "No text was found" in mail.metadata["skipped_attachments"][0]["reason"]
    assert (
        docs[1].metadata["attachment"] == "tarifs.csv"
        and "Pièce: عقد الازدياد; Délai: 48 ساعة" in docs[1].text
    )
    assert docs[4].text == "ملاحظة داخلية"


def test_an_encoded_word_with_a_non_ascii_charset_name_keeps_its_raw_text() -> None:
    # Found by the `parse` fuzz target: email's Charset() raises CharsetError (no ValueError) for a
    # charset name that is not ASCII, in a header and in an attachment's file name.
    mail = (
        "From: a@b.ma\nSubject: =?\u0109?q?demande?=\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\ncorps\n'
        '--b\nContent-Type: text/csv\nContent-Disposition: attachment; filename="=?\u0109?q?f.csv?="\n\n'
        "a,b\n1,2\n--b--\n"
    ).encode()
    docs = parse_many(mail, "m.eml")
    assert "?q?demande?=" in docs[0].title  # the raw header, not a crash
    assert len(docs) == 2


def test_an_encoded_word_with_bad_base64_keeps_its_raw_text() -> None:
    # Found by the `parse` fuzz target in CI: a NUL inside a base64 encoded word makes email raise
    # HeaderParseError (a MessageError, no ValueError), in a header and in an attachment's file name.
    word = "=?utf-8?b?\x00oCUINi32YTYqCDZhtiz2K7YqQ==?="
    mail = (
        f"From: a@b.ma\nSubject: Demande d'extrait {word}\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\ncorps\n'
        f'--b\nContent-Type: text/csv\nContent-Disposition: attachment; filename="{word}"\n\n'
        "a,b\n1,2\n--b--\n"
    ).encode()
    docs = parse_many(mail, "m.eml")
    assert docs[0].title.startswith("Demande d'extrait =?utf-8?b?")  # the raw header, not a crash
    assert len(docs) == 2


def test_a_body_whose_charset_name_holds_a_nul_is_read_as_utf8() -> None:
    # Found by the `parse` fuzz target: codecs raise ValueError (no LookupError) for such a name.
    for kind in ("text/plain", "text/html"):
        mail = f'From: a@b.ma\nSubject: x\nContent-Type: {kind}; charset="ut\x00f-8"\n\nCorps du message\n'
        assert "Corps du message" in parse_many(mail.encode(), "m.eml")[0].text


def test_an_attached_mail_with_8bit_header_bytes_is_still_a_linked_document() -> None:
    # Found by a coverage-guided fuzz run (scripts/fuzz.py, atheris): a broken header line of UTF-8
    # bytes in an attached mail is kept as non-ASCII text, which email's ASCII generator cannot write
    # back (UnicodeEncodeError) when the attachment is serialised to be parsed as a mail of its own.
    inner = (
        b'From: a@b.ma\nSubject: Note\nContent-Type: multipart/mixed; boun8"\n'
        b"Content-Transf\x81\xd8\xa7\xd8\xb3;Etaer-Encoding: 7bit\n\nVoir la note.\n"
    )
    outer = (
        b'From: a@b.ma\nSubject: x\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b"Content-Type: text/plain\n\ncorps\n--b\nContent-Type: message/rfc822\n"
        b"Content-Transfer-Encoding: 8bit\n\n" + inner + b"\n--b--\n"
    )
    mail, attached = parse_many(outer, "m.eml")
    assert "corps" in mail.text
    assert attached.parent == 0 and attached.title == "Note"
    assert attached.metadata["attachment"] == "attached-mail-1.eml"


def test_mails_nested_too_deep_or_with_too_many_attachments_are_refused() -> None:
    mail = _mail("0", "niveau 0")
    for level in range(1, 6):
        outer = _mail(str(level), f"niveau {level}")
        outer.add_attachment(mail)
        mail = outer
    with pytest.raises(MalformedDocument, match="nested more than 3 deep"):
        parse_many(mail.as_bytes(), "deep.eml")
    # The same nesting with each mail attached as a plain .eml file counts the same.
    raw = _mail("0", "niveau 0").as_bytes()
    for level in range(1, 6):
        raw = _mail(str(level), "x", [("inner.eml", "application/octet-stream", raw)]).as_bytes()
    with pytest.raises(MalformedDocument, match="nested more than 3 deep"):
        parse_many(raw, "deep-files.eml")
    many = _mail("pièces", "x", [(f"{i}.txt", "text/plain", f"pièce {i}".encode()) for i in range(5)])
    with pytest.raises(MalformedDocument, match="more than 3 attachments"):
        parse_many(many.as_bytes(), "many.eml", limits=ParseLimits(max_attachments=3))


# --- over HTTP ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("formats"), "[knowledge]\nmax_pdf_pages = 2\n", "commune") as server:
        server.headers = {"Authorization": f"Bearer {server.key('commune', 'user')}"}  # type: ignore[attr-defined]
        r = httpx.post(
            server.url + "/v1/collections",
            json={"name": "courrier", "embedding_model": None},
            headers=server.headers,  # type: ignore[attr-defined]
        )
        assert r.status_code == 201, r.text
        yield server


def _upload(srv: Server, name: str, data: bytes) -> httpx.Response:
    return httpx.post(
        srv.url + "/v1/documents",
        files={"file": (name, data)},
        data={"collection": "courrier"},
        headers=srv.headers,  # type: ignore[attr-defined]
        timeout=120,
    )


def test_a_mail_uploaded_gives_linked_documents_in_the_api(srv: Server) -> None:
    data = _mail_with_attachments()
    r = _upload(srv, "demande.eml", data)
    assert r.status_code == 201, r.text
    docs = r.json()["data"]
    mail, csv, docx, inner, note = docs
    assert [d["name"] for d in docs] == [
        "demande.eml",
        "tarifs.csv",
        "guide.docx",
        "attached-mail-4.eml",
        "note.txt",
    ]
    assert mail["metadata"]["attachment_ids"] == [csv["id"], docx["id"], inner["id"]]
    view = httpx.get(f"{srv.url}/v1/documents/{csv['id']}", headers=srv.headers).json()  # type: ignore[attr-defined]
    assert view["metadata"]["parent"] == mail["id"] and view["format"] == "csv"
    note_view = httpx.get(f"{srv.url}/v1/documents/{note['id']}", headers=srv.headers).json()  # type: ignore[attr-defined]
    assert note_view["metadata"]["parent"] == inner["id"]
    chunks = httpx.get(f"{srv.url}/v1/documents/{csv['id']}/chunks", headers=srv.headers).json()["data"]  # type: ignore[attr-defined]
    assert [c["text"] for c in chunks] == [
        "Pièce: عقد الازدياد; Délai: 48 ساعة",
        "Pièce: Certificat de résidence; Délai: 24 heures",
    ]
    again = _upload(srv, "demande.eml", data)  # the same mail again: the same documents, none created
    assert again.status_code == 200
    assert [d["id"] for d in again.json()["data"]] == [d["id"] for d in docs]


def _pdf(pages: int, password: str | None = None) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    encrypt = StandardEncryption(password, ownerPassword="owner") if password else None
    page = canvas.Canvas(buffer, encrypt=encrypt)
    for n in range(pages):
        page.drawString(72, 720, f"Page {n + 1}: arrêté municipal")
        page.showPage()
    page.save()
    return buffer.getvalue()


def _png(width: int, height: int, idat: bytes | None = None) -> bytes:
    def part(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    if idat is None:
        idat = zlib.compress(
            b"".join(b"\x00" + bytes(range(width % 251)) * 0 + b"\x7f" * width for _ in range(height))
        )
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + part(b"IHDR", ihdr) + part(b"IDAT", idat) + part(b"IEND", b"")


def _gif() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (64, 48), 255).save(out, format="GIF")
    return out.getvalue()


def _empty_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty (with a correct cross-reference table)."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<</Size 3/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref


def _encrypted_ooxml(fixture: str) -> bytes:
    """A LibreOffice-made OOXML fixture saved with a password by msoffcrypto-tool (ECMA-376 agile
    encryption, as Office writes it): an OLE container, not a zip."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO((FIXTURES / fixture).read_bytes())).encrypt("secret", out)
    return out.getvalue()


ENCRYPTED_ODT = b""  # built below: a manifest declaring encryption, as LibreOffice writes it


def _encrypted_odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
            '<manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry>'
            "</manifest:manifest>",
        )
        zf.writestr("content.xml", bytes(range(256)) * 8)  # ciphertext
    return buffer.getvalue()


def _bad_inputs() -> list[tuple[str, bytes, int, str, str]]:
    """(file name, bytes, status, code, words the message must hold)."""
    real_png = _png(64, 48)
    workbook = (FIXTURES / "sheet.xlsx").read_bytes()
    return [
        ("empty.pdf", _empty_pdf(), 422, "malformed_document", "no pages"),
        ("long.pdf", _pdf(3), 422, "malformed_document", "3 pages, over the limit of 2"),
        ("locked.pdf", _pdf(1, password="secret"), 422, "malformed_document", "password-protected"),
        ("locked.xlsx", _encrypted_ooxml("guichet.xlsx"), 422, "malformed_document", "password-protected"),
        ("locked.docx", _encrypted_ooxml("bilingual.docx"), 422, "malformed_document", "password-protected"),
        ("locked.pptx", _encrypted_ooxml("deck.pptx"), 422, "malformed_document", "password-protected"),
        ("locked.odt", _encrypted_odt(), 422, "malformed_document", "password-protected"),
        (
            "bomb.png",
            _png(100_000, 100_000, zlib.compress(b"\0" * 1000)),
            422,
            "malformed_document",
            "decompression bomb",
        ),
        ("cut.png", real_png[: len(real_png) - 30], 422, "malformed_document", "truncated or corrupt"),
        ("scan.png", real_png, 422, "malformed_document", "No text was found"),  # grey: OCR reads nothing
        ("scan.gif", _gif(), 415, "unsupported_format", "OCR reads PNG, JPEG, TIFF and WebP"),
        ("damaged.xlsx", workbook, 422, "malformed_document", "XLSX workbook cannot be read"),
        ("bomb.xlsx", xlsx_bomb(), 422, "malformed_document", "zip bomb"),
    ]


def _stored(srv: Server) -> tuple[int, int, set[str]]:
    with sqlite3.connect(f"file:{srv.data_dir / 'siyada.db'}?mode=ro", uri=True) as db:
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        chunk_rows = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    files = {str(p.relative_to(srv.data_dir)) for p in srv.data_dir.rglob("*") if p.is_file()}
    return documents, chunk_rows, {f for f in files if not f.startswith("siyada.db")}


def test_bad_input_gets_a_4xx_naming_the_problem_and_nothing_is_stored(srv: Server) -> None:
    before = _stored(srv)
    for name, data, status, code, words in _bad_inputs():
        r = _upload(srv, name, data)
        assert r.status_code == status, (name, r.status_code, r.text)
        error = r.json()["error"]
        assert error["code"] == code and error["param"] == "file", (name, error)
        assert words in error["message"], (name, error["message"])
    assert _stored(srv) == before


def test_siyada_ingest_of_a_folder_picks_up_office_and_mail_files(tmp_path: Path) -> None:
    # The folder walk knew only the old formats' extensions: these files were skipped in silence.
    data, docs = tmp_path / "d", tmp_path / "docs"
    docs.mkdir()
    for name in ("guichet.csv", "guichet.ods", "guide.odt", "deck.pptx", "demande.eml"):
        (docs / name).write_bytes((FIXTURES / name).read_bytes())
    cli(data, "tenants", "create", "default")
    cli(data, "collections", "create", "courrier", "--lexical-only")
    cli(data, "ingest", str(docs), "--collection", "courrier")
    with sqlite3.connect(data / "siyada.db") as db:
        formats = sorted(row[0] for row in db.execute("SELECT format FROM documents"))
    # demande.eml: the mail, its CSV, DOCX and attached mail, and that mail's note (its logo skipped).
    assert formats == sorted(["csv", "ods", "odt", "pptx", "eml", "csv", "docx", "eml", "text"])


def test_a_pseudonymised_mail_keeps_its_links_and_hides_its_headers() -> None:
    from siyada.knowledge.ingest import prepare_file

    def pseudonymise(text: str) -> str:  # stands for the analyser; rewrites what a document id looks like too
        return text.replace("bo@commune.ma", "<EMAIL:1>").replace("doc_", "<ID>")

    docs = prepare_file(_mail_with_attachments(), "demande.eml", None, None, pseudonymise, 1)
    mail, *attached = docs
    assert "bo@commune.ma" not in mail.text and "bo@commune.ma" not in str(mail.metadata)
    assert "<EMAIL:1>" in mail.metadata["from"]
    children = [d.doc_id for d in attached if d.metadata["parent"] == mail.doc_id]
    assert mail.metadata["attachment_ids"] == children and len(children) == 3
    assert all(d.metadata["parent"].startswith("doc_") for d in attached)
