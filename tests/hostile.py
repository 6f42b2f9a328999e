"""Hostile files made by hand for the bad-input tests: what a parser must refuse without blowing up."""

from __future__ import annotations

import io
import zipfile


def xlsx_bomb() -> bytes:
    """An XLSX (a zip) under 1 MB that inflates past 100 MiB: a zip bomb, to be refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/media/zeros.bin", b"\0" * (101 * 1024 * 1024))
    return buffer.getvalue()
