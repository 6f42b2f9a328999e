"""Right-to-left PDFs made by real tools from real text: how much of each line comes back in order?

    .venv/bin/python bench/rtl_pdf.py [--files 12] [--lines 30] [--data DIR]

Takes the first lines of Arabic texts of ``../shared/data/ma_law`` (Moroccan legal texts), lays each
file out as HTML (one paragraph per line, right to left when Arabic letters are the majority), and
prints it to PDF with LibreOffice (through ODT) and Chromium. Each PDF is parsed twice: with the glyph-
position reordering (``parsers/pdf_bidi.py``) and with PDFium's stream order (the parser before it).
Reports, per producer and path, the share of lines equal to their source after normalisation (blanks
collapsed, presentation forms folded) and the mean word-order agreement per line (difflib ratio of the
word sequences), plus the parse time per page. Lines are matched in order; a line the layout wrapped
counts as different, identically for both paths.
"""

from __future__ import annotations

import argparse
import difflib
import html
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from siyada.knowledge.parsers import pdf as pdf_parser  # noqa: E402
from siyada.knowledge.parsers.base import clean  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ma_law" / "text"


def _arabic(line: str) -> bool:
    arabic = sum(1 for c in line if "\u0600" <= c <= "\u06ff")
    latin = sum(1 for c in line if c.isascii() and c.isalpha())
    return arabic > latin


def _sources(data: Path, files: int, lines: int) -> list[list[str]]:
    out = []
    for path in sorted(data.glob("ma-adala-*.txt")):
        kept = [" ".join(clean(x).split()) for x in path.read_text("utf-8").splitlines()]
        kept = [x for x in kept if 20 <= len(x) <= 70][:lines]  # short lines: no wrapping at A4 width
        if len(kept) == lines and sum(map(_arabic, kept)) > lines // 2:
            out.append(kept)
        if len(out) == files:
            break
    return out


def _html(lines: list[str]) -> str:
    body = "\n".join(f'<p dir="{"rtl" if _arabic(x) else "ltr"}">{html.escape(x)}</p>' for x in lines)
    style = 'body{font-family:"DejaVu Sans";font-size:10pt}p{margin:0 0 4px}'
    head = f'<meta charset="utf-8"><style>{style}</style>'
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def _libreoffice(source: Path, out: Path) -> Path:
    profile = f"-env:UserInstallation=file://{out / 'profile'}"
    base = ["soffice", profile, "--headless"]
    odt = out / (source.stem + ".odt")
    for args in (
        ["--infilter=HTML (StarWriter)", "--convert-to", "odt", "--outdir", str(out), str(source)],
        ["--convert-to", "pdf", "--outdir", str(out / "pdf"), str(odt)],
    ):
        subprocess.run([*base, *args], check=True, capture_output=True, timeout=300)
    return out / "pdf" / (source.stem + ".pdf")


def _chromium(source: Path, out: Path) -> Path:
    target = out / (source.stem + ".chromium.pdf")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--user-data-dir={out / 'chrome'}", f"--print-to-pdf={target}", source.as_uri()],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    return target


def _score(text: str, source: list[str]) -> tuple[int, float]:
    got = [" ".join(x.split()) for x in text.split("\n") if x.strip()]
    exact = sum(1 for a, b in zip(got, source, strict=False) if a == b)
    ratio = sum(
        difflib.SequenceMatcher(None, a.split(), b.split()).ratio() for a, b in zip(got, source, strict=False)
    )
    return exact, ratio


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--lines", type=int, default=30)
    parser.add_argument("--data", type=Path, default=DATA, help="ma_law's text folder")
    args = parser.parse_args()
    if not (shutil.which("soffice") and shutil.which("chromium")):
        sys.exit("needs LibreOffice (soffice) and Chromium")
    sources = _sources(args.data, args.files, args.lines)
    stream_order = pdf_parser.page_text
    results: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, lines in enumerate(sources):
            src = Path(tmp) / f"law{n}.html"
            src.write_text(_html(lines), "utf-8")
            for producer, make in (("LibreOffice", _libreoffice), ("Chromium", _chromium)):
                data = make(src, Path(tmp) / producer).read_bytes()
                for path in ("glyph positions", "stream order"):
                    pdf_parser.page_text = (  # type: ignore[assignment]
                        stream_order
                        if path == "glyph positions"
                        else lambda tp, _raw: (tp.get_text_range(), False)
                    )
                    t0 = time.perf_counter()
                    doc = pdf_parser.parse_pdf(data)
                    seconds = time.perf_counter() - t0
                    exact, ratio = _score(doc.text, lines)
                    row = results.setdefault((producer, path), [0, 0, 0, 0.0, 0.0])
                    row[0] += exact
                    row[1] += ratio
                    row[2] += len(lines)
                    row[3] += seconds
                    row[4] += len(doc.pages)
    pdf_parser.page_text = stream_order  # type: ignore[assignment]
    print(f"{len(sources)} texts x {args.lines} lines of ma_law (Arabic majority)")
    print(f"{'producer':12} {'path':16} {'lines exact':>12} {'word order':>11} {'ms/page':>8}")
    for (producer, path), (exact, ratio, total, seconds, pages) in results.items():
        per_page = 1000 * seconds / pages
        print(f"{producer:12} {path:16} {exact / total:12.3f} {ratio / total:11.3f} {per_page:8.1f}")


if __name__ == "__main__":
    main()
