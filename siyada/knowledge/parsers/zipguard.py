"""Zip containers checked before a library opens them: zip bombs, encrypted members, DTDs in XML parts.

openpyxl, python-pptx and odfpy inflate members as they see fit. Here every member is inflated once,
streaming, counting the bytes it really gives (a zip's declared sizes can lie), and refused past the
limits; XML members go through expat on the way, refusing any DTD (entity-expansion bombs, external
entities), which no office suite writes. What passes can then be read by the library without surprise.
"""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO
from xml.parsers import expat

from siyada.knowledge.parsers.base import MalformedDocument
from siyada.knowledge.parsers.limits import ParseLimits

# What zipfile raises on a damaged or exotic archive (see parsers.docx): all mean "not readable".
ZIP_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)
_BLOCK = 1 << 16


class _DtdFound(Exception):
    pass


def _refuse_dtd(*_args: object) -> None:
    raise _DtdFound


def check_zip(data: bytes, kind: str, limits: ParseLimits) -> set[str]:
    """Inflate every member within the limits; return the member names. Raises MalformedDocument."""
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except ZIP_ERRORS as exc:
        raise MalformedDocument(f"The {kind} is not a readable zip archive: {exc}") from exc
    with zf:
        try:
            _check_members(zf, kind, limits)
        except MalformedDocument:
            raise  # a ValueError too: not to be wrapped as "corrupt" below
        except ZIP_ERRORS as exc:
            raise MalformedDocument(f"The {kind} is corrupt: {exc}") from exc
        return set(zf.namelist())


def _check_members(zf: zipfile.ZipFile, kind: str, limits: ParseLimits) -> None:
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise MalformedDocument(
            f"The {kind} holds {len(infos)} zip members, over the limit of {limits.max_zip_members}"
        )
    # An encrypted ODF file keeps its manifest readable and says so there; its parts are ciphertext.
    if "META-INF/manifest.xml" in zf.namelist():
        with zf.open("META-INF/manifest.xml") as manifest:
            if b"encryption-data" in manifest.read(1 << 20):
                raise MalformedDocument(
                    f"The {kind} is password-protected: remove the password and upload it again"
                )
    budget = limits.max_unzipped_bytes
    for info in infos:
        if info.flag_bits & 0x1:
            raise MalformedDocument(
                f"The {kind} is password-protected: remove the password and upload it again"
            )
        budget -= _inflate(zf, info, kind, budget, limits)


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str, budget: int, limits: ParseLimits) -> int:
    xml = info.filename.endswith((".xml", ".rels")) or info.filename == "content.xml"
    # Namespace-aware, as the libraries' parsers are: an unbound prefix is refused here, not there.
    parser = expat.ParserCreate(namespace_separator=" ") if xml else None
    if parser is not None:
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
    size = 0
    try:
        with zf.open(info) as member:
            while block := member.read(_BLOCK):
                size += len(block)
                if size > budget:
                    raise MalformedDocument(
                        f"The {kind} expands past {limits.max_unzipped_bytes // (1024 * 1024)} MB "
                        "when unzipped: refusing it (a zip bomb?)"
                    )
                if parser is not None:
                    parser.Parse(block, False)
            if parser is not None:
                parser.Parse(b"", True)
    except MalformedDocument:
        raise
    except _DtdFound as exc:
        raise MalformedDocument(
            f"The {kind} part {info.filename} declares a DTD or entities, which office suites never "
            "write: refusing it"
        ) from exc
    except (expat.ExpatError, LookupError) as exc:  # LookupError: an encoding expat does not know
        raise MalformedDocument(f"The {kind} part {info.filename} is not valid XML: {exc}") from exc
    except ZIP_ERRORS as exc:
        raise MalformedDocument(f"The {kind} is corrupt ({info.filename}): {exc}") from exc
    return size
