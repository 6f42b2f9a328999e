"""Scanned pages made from real text, for the OCR tests and bench/ocr_quality.py.

Text is laid out by Chromium (print to PDF, as a clerk's browser would), rasterised with pypdfium2, then
optionally degraded like a scanner or a phone would (noise, blur, skew, JPEG, perspective) and wrapped
back into an image-only PDF: a file with no text layer, what a scanner hands over.
"""

from __future__ import annotations

import html
import io
import random
from typing import Any

from tests.browser import CHROMIUM as CHROMIUM
from tests.browser import browser as browser

_PAGE = """<!doctype html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 20mm; }}
body {{ font-family: {font}; font-size: 13pt; line-height: 1.6; }}
p {{ margin: 0 0 0.6em 0; text-align: {align}; overflow-wrap: anywhere; }}
</style></head><body>{body}</body></html>"""


def page_html(paragraphs: list[str], arabic: bool) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    font = "'DejaVu Sans', sans-serif" if arabic else "'DejaVu Serif', serif"
    return _PAGE.format(
        lang="ar" if arabic else "fr",
        dir="rtl" if arabic else "ltr",
        font=font,
        align="right" if arabic else "left",
        body=body,
    )


def print_pdf(b: Any, markup: str) -> bytes:
    """Chromium's print to PDF of an HTML page."""
    page = b.new_page()
    try:
        page.set_content(markup)
        return bytes(page.pdf(format="A4", print_background=True))
    finally:
        page.close()


def rasterise(pdf: bytes, dpi: int) -> list[Any]:
    """Each page of a PDF as a greyscale PIL image at `dpi`."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def image_pdf(images: list[Any], dpi: int) -> bytes:
    """An image-only PDF (no text layer) holding these page images, as a scanner writes one."""
    out = io.BytesIO()
    first, *rest = [im.convert("RGB") for im in images]
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return out.getvalue()


def jpeg(image: Any, quality: int = 60) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def degrade(image: Any, seed: int, skew: float = 2.0, blur: float = 1.0, noise: float = 12.0) -> Any:
    """A scanned look: Gaussian blur, additive noise, a rotation of up to ±`skew` degrees."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    im = image.filter(ImageFilter.GaussianBlur(blur)) if blur else image
    arr = np.asarray(im, dtype=np.float32)
    arr = arr + np.random.default_rng(seed).normal(0.0, noise, arr.shape)
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    angle = rng.uniform(-skew, skew) if skew else 0.0
    return im.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def photograph(image: Any, seed: int) -> Any:
    """A phone photo of the page: perspective (the top edge narrower), uneven light, a slight blur."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    w, h = image.size
    inset = rng.uniform(0.03, 0.06) * w
    # Page corners (tl, tr, br, bl) land here in the photo; find the inverse mapping's coefficients.
    dst = [(inset, 0), (w - inset, 0), (w, h), (0, h)]
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    coeffs = _perspective(dst, src)
    im = image.transform((w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=200)
    ramp = np.linspace(0.85, 1.0, w, dtype=np.float32)[None, :]
    arr = np.asarray(im, dtype=np.float32) * ramp + 20
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    return im.filter(ImageFilter.GaussianBlur(0.8))


def _perspective(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for pair in src for c in pair], dtype=np.float64)
    return list(np.linalg.solve(a, b))


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance over the reference length, whitespace runs as one space."""
    from rapidfuzz.distance import Levenshtein

    ref = " ".join(reference.split())
    hyp = " ".join(hypothesis.split())
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))
