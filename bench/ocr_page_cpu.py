"""CPU time of one scanned page through the parse path (render, orientation, deskew, read, order), the
figure behind `[workers] page_cpu_seconds`: the budget must cover the slowest real page many times
over, so that only a pathological one is cut.

    python bench/ocr_page_cpu.py [--repeat 3] [--threads 1]

Pages: a short page (three paragraphs at 13 pt) and a dense one (the same text forty times at 6 pt,
about 5,000 characters), in Arabic and in French, laid out by Chromium at 300 dpi, clean and degraded
(blur, noise, ±2° skew). Prints the process CPU seconds and wall seconds per page (medians of
`--repeat` reads) and the page's characters. `--threads` is OMP_THREAD_LIMIT, as the workers set it
(`[workers] ocr_threads`, default 1; 0 leaves Tesseract's 4). Needs Debian chromium and Tesseract's
data (scripts/test.sh).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from siyada.knowledge.parse import parse  # noqa: E402
from tests import scans  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    if args.threads:  # before Tesseract (and so libgomp) is first loaded, as in a worker
        os.environ["OMP_THREAD_LIMIT"] = str(args.threads)
    from tests.test_ocr import ARABIC, FRENCH  # loads Tesseract (its skip marks ask for it)

    layouts = {
        "short": lambda m: m,
        "dense": lambda m: m.replace("font-size: 13pt", "font-size: 6pt"),
    }
    pages = {}
    with scans.browser() as b:
        for lang, text, arabic in (("ar", ARABIC, True), ("fr", FRENCH, False)):
            for layout, style in layouts.items():
                paragraphs = text if layout == "short" else text * 40
                pdf = scans.print_pdf(b, style(scans.page_html(paragraphs, arabic)))
                clean = scans.rasterise(pdf, 300)[0]
                pages[(lang, layout, "clean")] = clean
                pages[(lang, layout, "degraded")] = scans.degrade(clean, seed=1)
    threads = args.threads or "default"
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; OpenMP threads {threads}")
    print(f"{'lang':<5}{'layout':<8}{'condition':<11}{'cpu s':>7}{'wall s':>8}{'chars':>8}")
    for (lang, layout, condition), image in pages.items():
        data = scans.image_pdf([image], 300)
        spent, walls, chars = [], [], 0
        for _ in range(args.repeat):
            start, began = _cpu(), time.perf_counter()
            chars = len(parse(data, "page.pdf").text)
            spent.append(_cpu() - start)
            walls.append(time.perf_counter() - began)
        cpu, wall = statistics.median(spent), statistics.median(walls)
        print(f"{lang:<5}{layout:<8}{condition:<11}{cpu:>7.2f}{wall:>8.2f}{chars:>8}")


if __name__ == "__main__":
    main()
