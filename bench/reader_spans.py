"""Span-level quality of the extractive reader given the gold paragraph (no retrieval): SQuAD exact
match and token F1 of the reader's best span, and ms per question, on the held-out questions (odd
paragraphs) or the development ones (even) of each answer task.

    .venv/bin/python bench/reader_spans.py [TASKS_DIR] [--split test|dev] [--limit N] [--tasks a,b] \
        [--weights READER.npz]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_quality import DEFAULT_TASKS, f1, normalise, read_task  # noqa: E402


def main() -> None:
    from siyada.knowledge.reader.reader import Reader, load

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tasks_dir", nargs="?", type=Path, default=DEFAULT_TASKS)
    ap.add_argument("--split", choices=("dev", "test"), default="test")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--tasks", default="arcd_ar,xquad_ar,xquad_en_to_ar")
    ap.add_argument("--weights", type=Path, help="reader weights (default: siyada/data/reader.npz)")
    a = ap.parse_args()
    reader = Reader.from_file(a.weights) if a.weights else load()
    if reader is None:
        sys.exit("no reader weights (siyada/data/reader.npz): python -m siyada.knowledge.reader.train")
    print(f"{'task':<16} {'n':>4} {'EM':>6} {'F1':>6} {'contains':>8} {'null>span':>9} {'ms/q':>6}")
    for task in a.tasks.split(","):
        paragraphs, questions = read_task(a.tasks_dir / task)
        questions = [q for q in questions if q[0] % 2 == (1 if a.split == "test" else 0)][: a.limit]
        em = f1_sum = contains = null_wins = 0.0
        t0 = time.perf_counter()
        for par, question, golds in questions:
            got = reader.reading(question, [paragraphs[par]], top=1)
            text = paragraphs[par][got.spans[0].start : got.spans[0].end] if got.spans else ""
            em += any(normalise(text) == normalise(g) for g in golds)
            f1_sum += max(f1(text, g) for g in golds)
            contains += any(normalise(g) in normalise(text) for g in golds)
            null_wins += bool(got.spans) and got.no_answer[0] > got.spans[0].score
        n = max(len(questions), 1)
        ms = (time.perf_counter() - t0) * 1000 / n
        print(
            f"{task:<16} {len(questions):>4} {em / n:>6.3f} {f1_sum / n:>6.3f} {contains / n:>8.3f}"
            f" {null_wins / n:>9.3f} {ms:>6.0f}"
        )


if __name__ == "__main__":
    main()
