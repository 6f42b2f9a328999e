"""Image uploads (PNG, JPEG, TIFF, WebP, GIF, BMP): checked before OCR reads them.

Before OCR (siyada.knowledge.ocr) is given an image, the image is opened with Pillow, so a
decompression bomb (a few KB that declare billions of pixels) and a truncated or corrupt image are told
apart with their own 422, even on a server without Tesseract. The pixel limit is
:attr:`ParseLimits.max_image_pixels`, the one OCR also keeps (each page of a TIFF, scanned PDF pages
rendered for OCR). GIF and BMP, which OCR does not read, are refused with a 415 that says what to send.
"""

from __future__ import annotations

import warnings
from io import BytesIO

from siyada.knowledge.parsers.base import MalformedDocument, UnsupportedFormat
from siyada.knowledge.parsers.limits import ParseLimits

OCR_FORMATS = "OCR reads PNG, JPEG, TIFF and WebP images"


def refuse_unread_image(what: str) -> None:
    """Raise UnsupportedFormat for an image format OCR does not read (GIF, BMP)."""
    raise UnsupportedFormat(
        f"Unsupported format: {what}: {OCR_FORMATS}; convert it to PNG, or upload a PDF"
    )


def check_image(data: bytes, what: str, limits: ParseLimits) -> None:
    """Open and decode the image within the pixel limit; MalformedDocument when it cannot be."""
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise MalformedDocument(_bomb(what, str(exc), limits)) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise MalformedDocument(f"The file looks like {what} but cannot be read: {exc}") from exc
        with image:
            width, height = image.size
            if width * height > limits.max_image_pixels:
                raise MalformedDocument(_bomb(what, f"{width} x {height} pixels", limits))
            if image.format == "JPEG":
                image.draft("L", (max(1, width // 8), max(1, height // 8)))  # decoded at 1/8: cheap
            try:
                image.load()
            except Image.DecompressionBombError as exc:
                raise MalformedDocument(_bomb(what, str(exc), limits)) from exc
            except (OSError, SyntaxError, ValueError, EOFError) as exc:
                raise MalformedDocument(f"The {_short(what)} is truncated or corrupt: {exc}") from exc


def _bomb(what: str, size: str, limits: ParseLimits) -> str:
    return (
        f"The {_short(what)} declares {size}, over the limit of {limits.max_image_pixels} pixels: "
        "refusing it (a decompression bomb?)"
    )


def _short(what: str) -> str:
    return what.removeprefix("a ").removeprefix("an ")
