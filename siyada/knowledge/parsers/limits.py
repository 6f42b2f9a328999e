"""The bounds every parser keeps, whatever a file claims: one place, so the API, the docs and the tests agree.

Only the page limit of PDFs is configurable (``knowledge.max_pdf_pages``): the others bound memory and
time at sizes no real office document reaches.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParseLimits:
    max_pdf_pages: int = 2000
    # Zip containers (XLSX, PPTX, ODT, ODS): members and bytes really inflated, not what the zip declares.
    max_zip_members: int = 5000
    max_unzipped_bytes: int = 100 * 1024 * 1024
    # Tables (CSV, XLSX, ODS): rows and cells holding something, and columns of one row.
    max_rows: int = 200_000
    max_columns: int = 500
    max_cells: int = 2_000_000
    max_slides: int = 2000
    # Mail (EML): attachments in all, and mails attached to mails attached to the mail.
    max_attachments: int = 100
    max_mail_depth: int = 3
    # Images: pixels of one image or page (a decompression bomb declares billions in a few kilobytes);
    # also what OCR keeps (each page of a TIFF, a scanned PDF page rendered for OCR). An A4 page at
    # 600 dpi is 35 MP, a phone photo 12-50 MP.
    max_image_pixels: int = 60_000_000


DEFAULT_LIMITS = ParseLimits()
