"""OCR quality on scanned pages made from real text: Siyada's OCR against the plain `tesseract` CLI.

    .venv/bin/python bench/ocr_quality.py [--pages 16] [--split heldout|dev] [--json OUT]

Pages: passages of ../shared/data/ma_law/text (half Arabic, half French), each laid out on one A4 page
by Chromium (print to PDF), rasterised by pypdfium2 and degraded (tests/scans.py). Files are split in
two by a hash of their name: `dev` pages are the ones any tuning looked at, `heldout` (the default)
were never looked at; within a split the pages are drawn with a fixed seed.

Conditions: clean at 300 and 200 dpi; "degraded" (300 dpi, blur, noise, a skew within ±2°, JPEG quality
60); "photo" (perspective, uneven light, blur, JPEG 60). Engines, on the same images: `siyada`
(siyada.knowledge.ocr.read.read_page: orientation, deskew, language by script) and `cli` (`tesseract
IMAGE - -l ara+fra`, its defaults: the baseline a user would try first). Both run with
OMP_THREAD_LIMIT=1 so that pages per minute compare one core each.

Reports the character error rate (edit distance over the reference length, whitespace runs as one
space) per language, condition and engine (beside it, for information only, the same with ’ ‘ folded
into ' and – — into -), pages per minute per engine, and R@10 of the same queries over each OCR'd
collection against the clean-text one (BM25 over siyada.lang.analysis terms, 300 clean distractor
passages), for two query samplers drawn from the clean text: "distinctive" (three distinct places per
page, no letter-spaced words, at least one term rare among the distractors) and "blind" (the first
one: four consecutive words at three random places, repeats, junk and boilerplate included).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.retrieval_common import BM25, score  # noqa: E402
from siyada.knowledge.ocr.read import read_page  # noqa: E402
from siyada.lang.analysis import index_terms, query_terms  # noqa: E402
from tests import scans  # noqa: E402

# ../shared beside the checkout (a worktree sits one level deeper).
DATA = (
    next(
        (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.exists()),
        ROOT.parent / "shared",
    )
    / "data"
    / "ma_law"
    / "text"
)
SEED = 21
CONDITIONS = ("clean-300", "clean-200", "degraded", "photo")
PAGE_CHARS = {"ar": 1100, "fr": 1600}  # what fits one A4 page at 13 pt


# The typographic CER folds ’ ‘ into ' and – — into -: reported beside the raw CER (the target) to
# show how much of what is left is typography.
_FOLD = str.maketrans({"’": "'", "‘": "'", "–": "-", "—": "-"})


def _fold(text: str) -> str:
    return text.translate(_FOLD)


def _split(name: str) -> str:
    return "dev" if hashlib.sha1(name.encode()).digest()[0] % 2 else "heldout"


_FRENCH = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛÜŒ")
_COMMON = set("0123456789 .,;:!?'’\"«»()[]-–/%°n")
_ARABIC = {chr(c) for c in range(0x0621, 0x064B)} | set("،؛؟ـ")


def _language(text: str) -> str | None:
    """ "ar" or "fr" for a file in that language's script; None for mixed files and for the
    mis-encoded ones (PDF font codes extracted as Latin Extended letters)."""
    arabic = sum(c in _ARABIC for c in text)
    french = sum(c in _FRENCH for c in text)
    other = sum(1 for c in text if not (c in _ARABIC or c in _FRENCH or c in _COMMON or c.isspace()))
    if arabic > 5 * french and other < 0.05 * len(text):
        return "ar"
    if french > 20 * arabic and other < 0.01 * len(text) and " de " in text:
        return "fr"
    return None


def _clean_line(line: str, lang: str) -> bool:
    """A line of prose: the language's letters and common signs only, no table-of-contents leaders
    (a run of dots wider than the page, which Chromium lets run off its edge, unprinted)."""
    letters = _ARABIC if lang == "ar" else _FRENCH
    return "....." not in line and all(c in letters or c in _COMMON or c.isspace() for c in line)


def _passage(text: str, lang: str, rng: random.Random) -> list[str] | None:
    """Consecutive lines (no PDF-extraction debris: replacement characters, page numbers) making about
    one page, from a random place in the file."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if len(line) >= 25 and _clean_line(line, lang)]
    if sum(len(line) for line in lines) < PAGE_CHARS[lang]:
        return None
    start = rng.randrange(0, max(1, len(lines) - 40))
    out: list[str] = []
    for line in lines[start:]:
        if sum(len(x) for x in out) + len(line) > PAGE_CHARS[lang]:
            break
        out.append(line)
    return out if sum(len(x) for x in out) >= PAGE_CHARS[lang] // 2 else None


def pick_pages(n: int, split: str) -> tuple[list[dict[str, Any]], list[str]]:
    """n pages (half Arabic, half French) from files of the split, and 300 distractor passages from
    the other files."""
    rng = random.Random(SEED)
    files = sorted(DATA.glob("*.txt"))
    rng.shuffle(files)
    pages: list[dict[str, Any]] = []
    wanted = {"ar": n - n // 2, "fr": n // 2}
    used: set[str] = set()
    for path in files:
        if _split(path.name) != split or not any(wanted.values()):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        lang = _language(text[:20000])
        if lang is None or not wanted[lang]:
            continue
        # French files are few: a file gives up to two pages (from two random places) when needed.
        for copy in range(2 if lang == "fr" else 1):
            lines = _passage(text, lang, rng) if wanted[lang] else None
            if lines and all(lines[0] != p["lines"][0] for p in pages):
                pages.append({"id": f"{path.stem}#{copy + 1}", "lang": lang, "lines": lines})
                used.add(path.name)
                wanted[lang] -= 1
    distractors = []
    for path in files:
        if path.name in used or len(distractors) >= 300:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        lang = _language(text[:20000])
        lines = _passage(text, lang, rng) if lang else None
        if lines:
            distractors.append("\n".join(lines))
    return pages, distractors


def render(pages: list[dict[str, Any]]) -> None:
    """Each page laid out by Chromium on one A4 page (lines dropped from the end until it fits)."""
    with scans.browser() as b:
        for page in pages:
            while True:
                pdf = scans.print_pdf(b, scans.page_html(page["lines"], page["lang"] == "ar"))
                images = scans.rasterise(pdf, 300)
                if len(images) == 1 or len(page["lines"]) == 1:
                    break
                page["lines"] = page["lines"][:-1]
            page["reference"] = "\n".join(page["lines"])
            page["pdf"] = pdf


def images(page: dict[str, Any], seed: int) -> dict[str, tuple[Any, int]]:
    import io

    from PIL import Image

    clean300 = scans.rasterise(page["pdf"], 300)[0]
    clean200 = scans.rasterise(page["pdf"], 200)[0]
    degraded = Image.open(io.BytesIO(scans.jpeg(scans.degrade(clean300, seed), 60))).convert("L")
    photo = Image.open(io.BytesIO(scans.jpeg(scans.photograph(clean300, seed), 60))).convert("L")
    return {
        "clean-300": (clean300, 300),
        "clean-200": (clean200, 200),
        "degraded": (degraded, 300),
        "photo": (photo, 300),
    }


def run_cli(image: Any, folder: str) -> str:
    path = os.path.join(folder, "page.png")
    image.save(path)
    done = subprocess.run(
        ["tesseract", path, "-", "-l", "ara+fra"], capture_output=True, text=True, check=True
    )
    return done.stdout


def queries(pages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The first sampler ("blind"): four consecutive words at three random places of each page. It
    may draw the same place twice, a letter-spaced line ("e s à m") or boilerplate every decree
    shares ("تغييره وتتميمه بالمرسوم رقم"): misses that say nothing of OCR."""
    rng = random.Random(SEED)
    out = []
    for page in pages:
        words = page["reference"].split()
        for _ in range(3):
            at = rng.randrange(0, max(1, len(words) - 4))
            out.append((" ".join(words[at : at + 4]), page["id"]))
    return out


def distinctive_queries(pages: list[dict[str, Any]], distractors: list[str]) -> list[tuple[str, str]]:
    """The second sampler, what a user looking for a page would type: three distinct places per page
    (same seed), each four words of which at least three have three letters or more (no letter-spaced
    lines) and at least one term is rare among the distractors (in at most 1 % of them: not
    boilerplate). Drawn from the clean text, so the clean and the OCR'd collections answer the same
    queries."""
    df: dict[str, int] = {}
    for text in distractors:
        for term in set(index_terms(text)):
            df[term] = df.get(term, 0) + 1
    rare = max(1, len(distractors) // 100)
    rng = random.Random(SEED)
    out = []
    for page in pages:
        words = page["reference"].split()
        places = list(range(max(1, len(words) - 3)))
        rng.shuffle(places)
        taken: list[str] = []
        for at in places:
            window = words[at : at + 4]
            query = " ".join(window)
            long_words = sum(sum(c.isalpha() for c in w) >= 3 for w in window)
            terms = query_terms(query)
            if query in taken or long_words < 3 or not any(df.get(t, 0) <= rare for t in terms):
                continue
            taken.append(query)
            if len(taken) == 3:
                break
        out += [(q, page["id"]) for q in taken]
    return out


def recall(texts: dict[str, str], distractors: list[str], qs: list[tuple[str, str]]) -> float:
    ids = list(texts) + [f"distractor-{i}" for i in range(len(distractors))]
    index = BM25(ids, [index_terms(t) for t in list(texts.values()) + distractors])
    ranked = [index.search(query_terms(q), 10) for q, _ in qs]
    return score(ranked, [{rel} for _, rel in qs])["r10"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=16)
    parser.add_argument("--split", choices=("heldout", "dev"), default="heldout")
    parser.add_argument("--engines", default="siyada,cli")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    engines = args.engines.split(",")

    pages, distractors = pick_pages(args.pages, args.split)
    render(pages)
    errors: dict[tuple[str, str, str, str], list[tuple[int, int]]] = {}
    seconds = {e: 0.0 for e in engines}
    read = {e: 0 for e in engines}
    texts: dict[tuple[str, str], dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for n, page in enumerate(pages):
            for condition, (image, dpi) in images(page, SEED + n).items():
                for engine in engines:
                    t0 = time.perf_counter()
                    got = read_page(image, 1, dpi).text if engine == "siyada" else run_cli(image, folder)
                    seconds[engine] += time.perf_counter() - t0
                    read[engine] += 1
                    ref = " ".join(page["reference"].split())
                    for kind, (a, b) in (("raw", (ref, got)), ("folded", (_fold(ref), _fold(got)))):
                        errors.setdefault((kind, page["lang"], condition, engine), []).append(
                            (round(scans.cer(a, b) * len(a)), len(a))
                        )
                    texts.setdefault((condition, engine), {})[page["id"]] = got
            print(f"page {n + 1}/{len(pages)} {page['id']} ({page['lang']})", file=sys.stderr)

    samplers = {"distinctive": distinctive_queries(pages, distractors), "blind": queries(pages)}
    clean_text = {p["id"]: p["reference"] for p in pages}
    report: dict[str, Any] = {
        "split": args.split,
        "pages": {"ar": sum(p["lang"] == "ar" for p in pages), "fr": sum(p["lang"] == "fr" for p in pages)},
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cer": {},
        "cer_typography_folded": {},
        "pages_per_minute": {e: round(60 * read[e] / seconds[e], 1) for e in engines if seconds[e]},
        "r10": {},
    }
    for (kind, lang, condition, engine), pairs in sorted(errors.items()):
        rate = sum(e for e, _ in pairs) / max(1, sum(n for _, n in pairs))
        table = report["cer"] if kind == "raw" else report["cer_typography_folded"]
        table[f"{lang} {condition} {engine}"] = round(100 * rate, 2)
    for sampler, qs in samplers.items():
        row = report["r10"][sampler] = {"queries": len(qs), "clean_text": recall(clean_text, distractors, qs)}
        for (condition, engine), got in sorted(texts.items()):
            row[f"{condition} {engine}"] = recall(got, distractors, qs)

    print(f"{len(pages)} {args.split} pages ({report['pages']}), {report['machine']}, {report['date']}")
    print(f"{'CER %':<24}" + "".join(f"{e:>10}{'folded':>10}" for e in engines))
    for lang in ("ar", "fr"):
        for condition in CONDITIONS:
            row = [
                t.get(f"{lang} {condition} {e}")
                for e in engines
                for t in (report["cer"], report["cer_typography_folded"])
            ]
            print(
                f"{lang + ' ' + condition:<24}"
                + "".join(f"{v:>10.2f}" if v is not None else f"{'-':>10}" for v in row)
            )
    print("pages/min: " + ", ".join(f"{e} {v}" for e, v in report["pages_per_minute"].items()))
    for sampler, row in report["r10"].items():
        shown = ", ".join(f"{k} {v:.3f}" for k, v in row.items() if k != "queries")
        print(f"R@10 ({sampler}, {row['queries']} queries): {shown}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
