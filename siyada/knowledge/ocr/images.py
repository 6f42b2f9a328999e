"""Page images: uploads decoded within limits, pages straightened, the copy kept for readers.

Bounds: an image is refused before it is decoded when its header declares more than ``MAX_PIXELS``
pixels, ``ParseLimits.max_image_pixels``, the limit siyada.knowledge.parsers.image checks too (a
decompression bomb: a few kilobytes of PNG can declare gigapixels), a multi-page TIFF after
``MAX_PAGES`` pages, and a truncated or corrupt image when decoding it fails. Each is a 422 naming the
problem, raised before anything is stored.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from typing import Any

from siyada import progress
from siyada.knowledge.parsers.base import MalformedDocument
from siyada.knowledge.parsers.limits import DEFAULT_LIMITS

MAX_PIXELS = DEFAULT_LIMITS.max_image_pixels  # one place: siyada.knowledge.parsers.limits
MAX_PAGES = 200  # pages OCR reads in one file (each costs seconds of CPU; the worker's limit applies too)
OCR_DPI = 300  # scanned PDF pages are rendered at this resolution
DISPLAY_WIDTH = 1200  # the page image kept for the web app, at most this wide
_FORMATS = {"PNG", "JPEG", "TIFF", "WEBP", "MPO"}


def open_image(data: bytes, max_pixels: int = MAX_PIXELS) -> Iterator[Any]:
    """The pages of an image upload (one, or each frame of a multi-page TIFF), greyscale, decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MalformedDocument(f"The image cannot be read: {exc}") from exc
    except OSError as exc:
        raise MalformedDocument(f"The image cannot be read: {exc}") from exc
    if image.format not in _FORMATS:
        raise MalformedDocument(f"Unsupported image format {image.format}: send PNG, JPEG, TIFF or WebP")
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_PAGES:
        raise MalformedDocument(f"The image has {frames} pages; OCR reads at most {MAX_PAGES}")
    progress.add_pages(frames)  # the upload's progress bar, and the worker's CPU budget
    for index in range(frames):
        try:
            image.seek(index)
            _check_pixels(image.size, index, max_pixels)
            yield _greyscale(image)
        except MalformedDocument:
            raise
        except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt data, raised on decoding
            raise MalformedDocument(f"The image cannot be read (page {index + 1}): {exc}") from exc


def _check_pixels(size: tuple[int, int], index: int, max_pixels: int) -> None:
    width, height = size
    if width <= 0 or height <= 0 or width * height > max_pixels:
        raise MalformedDocument(
            f"The image (page {index + 1}) is {width}x{height} pixels; the limit is {max_pixels} pixels"
        )


def _greyscale(image: Any) -> Any:
    from PIL import ImageOps

    image.load()
    upright = ImageOps.exif_transpose(image)  # a phone photo's orientation tag
    return upright.convert("L")


def image_dpi(image: Any, default: int = OCR_DPI) -> int:
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError):
        value = 0
    return value if 70 <= value <= 1200 else default


def deskew(image: Any, limit: float = 3.0, step: float = 0.25) -> tuple[Any, float]:
    """The page straightened by the angle (within ±limit degrees) whose rows of ink are the sharpest
    (projection profile, found on a reduced copy), and that angle."""
    import numpy as np
    from PIL import Image

    small = image.copy()
    small.thumbnail((800, 800))
    ink = Image.eval(small, lambda v: 255 if v < 128 else 0)
    best, best_score = 0.0, -1.0
    steps = int(limit / step)
    for i in range(-steps, steps + 1):
        angle = i * step
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32).sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = angle, score
    if abs(best) < step:
        return image, 0.0
    return image.rotate(best, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255), best


def display_copy(image: Any) -> tuple[bytes, float]:
    """The page as readers see it (JPEG, at most DISPLAY_WIDTH wide) and its scale from the OCR image."""
    scale = min(1.0, DISPLAY_WIDTH / image.width)
    shown = image if scale == 1.0 else image.resize((round(image.width * scale), round(image.height * scale)))
    out = io.BytesIO()
    shown.save(out, format="JPEG", quality=70, optimize=True)
    return out.getvalue(), scale
