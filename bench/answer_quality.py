"""Grounded-answer quality on folders of question-answering tasks, through Siyada's real ingestion and
the extractive answer of `POST /v1/chat/completions` with `collections`.

    .venv/bin/python bench/answer_quality.py [TASKS_DIR] --json OUT [--limit N] [--tasks a,b]
                                             [--split dev|test|all] [--rows ROWS.jsonl] [--choices N]

TASKS_DIR (default ../shared/data/answers) holds one folder per task with `squad.json` (SQuAD 1.1) and,
for cross-language tasks, `questions.json` (same structure and order; its questions replace those of
`squad.json`). For each task every paragraph is ingested into a fresh collection (parse -> chunk ->
analysis -> FTS5 and e5 vectors, e5 cached under bench/results/cache), then each question goes through
`Knowledge.search` (k = the server's default, 5) and `grounding.extractive_answer`, exactly as
`siyada.knowledge.answer.GroundedChat` calls them. Scores:

- `contains`: the answer text contains a gold answer, after normalisation (Arabic alef forms, taa
  marbuta, alef maqsura, diacritics and tatweel; case; punctuation);
- `f1`: SQuAD token F1 (best over the gold answers) of the answer text without its frame, citation
  markers and document names (the text inside the U+2068/U+2069 isolates of the answer);
- `abstain_precision` / `abstain_recall`: each question is asked again of the collection without its
  own paragraph: a search filtered on the other paragraphs' metadata (`without_own`), which drops that
  paragraph from the lexical and semantic rankings *before* fusion, so the fused scores are those a
  collection without it gets (its top hit normalised to 2.0 again); an abstention there is right, an
  abstention on the full collection is wrong. Paragraphs that hold the answering sentence verbatim
  (ARCD's overlapping paragraphs, `answer_holders`) are left out with it, since with them the documents
  still say the answer; `--own-only` leaves out the own paragraph alone (the figures before 2026-12-05 18:30).

`--split` scores the questions of even-numbered paragraphs (`dev`, where the extractor's weights and the
abstention threshold were tuned), odd-numbered ones (`test`, held out) or all of them (default).
Prints a table beside the naive baseline of issue 18 (top-3 e5 passages, best sentence by e5 cosine).
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import string
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.retrieval_quality import _cached  # noqa: E402

DEFAULT_TASKS = ROOT.parent / "shared" / "data" / "answers"
K = 5  # GroundedChat.default_k
# issue 18, measured on held-out splits: contains, F1
BASELINE = {"arcd_ar": (0.42, 0.21), "xquad_ar": (0.51, 0.16), "xquad_en_to_ar": (0.47, 0.16)}

_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")
_PUNCT = set(string.punctuation) | set("،؛؟«»“”‘’…–—")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = _DIACRITICS.sub("", text)
    text = re.sub("[أإآٱ]", "ا", text).replace("ة", "ه").replace("ى", "ي")
    text = "".join(" " if c in _PUNCT else c for c in text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def f1(prediction: str, gold: str) -> float:
    p, g = normalise(prediction).split(), normalise(gold).split()
    common = sum((Counter(p) & Counter(g)).values())
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def answer_body(content: str) -> str:
    """The quoted text of an answer: inside its first bidi isolate, or (an answer without them) the content
    less citation markers, bold markers and the frame line."""
    quote = re.search("\u2068(.*?)\u2069", content, flags=re.S)  # the first isolate; then the source's name
    if quote:
        return quote.group(1)
    lines = content.splitlines()[1:] if "\n" in content else [content]
    text = " ".join(re.sub(r"\s+—\s+[^«»]*$", "", ln) for ln in lines)
    return re.sub(r"\[\d+\]|\*\*|[«»]", " ", text)


def read_task(folder: Path) -> tuple[list[str], list[tuple[int, str, list[str]]]]:
    """Paragraphs, and (paragraph index, question, gold answers) in file order."""
    data = json.loads((folder / "squad.json").read_text(encoding="utf-8"))["data"]
    asked = data
    if (folder / "questions.json").exists():
        asked = json.loads((folder / "questions.json").read_text(encoding="utf-8"))["data"]
    paragraphs: list[str] = []
    questions: list[tuple[int, str, list[str]]] = []
    for art, art_q in zip(data, asked, strict=True):
        for par, par_q in zip(art["paragraphs"], art_q["paragraphs"], strict=True):
            paragraphs.append(par["context"])
            for qa, qa_q in zip(par["qas"], par_q["qas"], strict=True):
                questions.append((len(paragraphs) - 1, qa_q["question"], [a["text"] for a in qa["answers"]]))
    return paragraphs, questions


def answer_holders(paragraphs: list[str], par: int, golds: list[str]) -> set[int]:
    """Paragraph `par` and every other paragraph that holds, verbatim after normalisation, the sentence
    of `par` where a gold answer stands. ARCD cuts long articles into overlapping paragraphs: for 93 of
    its 348 dev questions the answering sentence is also in another paragraph, so a collection without
    the question's own paragraph still says the answer and "not found" there would be wrong."""
    from siyada.lang.sentences import sentence_spans

    text = paragraphs[par]
    wanted: set[str] = set()
    for gold in golds:
        at = text.find(gold)
        if at < 0:
            continue
        for start, end in sentence_spans(text):
            if start <= at < end:
                sentence = normalise(text[start:end])
                if len(sentence.split()) >= 3 and sentence != normalise(gold):
                    wanted.add(sentence)
    holders = {par}
    if wanted:
        for i, other in enumerate(paragraphs):
            if i != par and any(s in normalise(other) for s in wanted):
                holders.add(i)
    return holders


def without_own(
    kn: Any,
    tenant: Any,
    collection: str,
    question: str,
    par: int,
    paragraphs: int,
    drop: set[int] | None = None,
) -> list[Any]:
    """The top K hits of the collection without paragraph `par` (and without the paragraphs in `drop`:
    those that hold its answering sentence too, `answer_holders`): the real metadata filter of
    `Knowledge.search`, applied to each ranking before fusion (a filter on "any other paragraph")."""
    gone = {par} | (drop or set())
    others = [i for i in range(paragraphs) if i not in gone]
    return kn.search(tenant.id, tenant.name, [collection], question, K, filters={"paragraph": others})


def _evidence(question: str, hits: list[dict[str, Any]], embed: Any) -> dict[str, float]:
    from siyada.knowledge.extract import evidence, rank_candidates

    ranked = rank_candidates(question, hits, embed)
    if not ranked:
        return {"evidence": 0.0, "lexical": 0.0, "cosine": 0.0}
    best = ranked[0]
    return {
        "evidence": round(evidence(best, question, embed is not None), 4),
        "lexical": best.lexical,
        "cosine": best.cosine,
    }


def run_task(
    folder: Path,
    limit: int | None,
    split: str,
    cache: Path,
    min_evidence: float | None,
    rows_wanted: bool,
    trim: bool = False,
    reader: bool | None = None,
    abstain_threshold: float | None = None,
    typed: bool | None = None,
    own_only: bool = False,
    choices: int | None = None,
) -> dict[str, Any]:
    from siyada.governance.tenants import create_tenant
    from siyada.knowledge.grounding import extractive_answer
    from siyada.knowledge.service import Knowledge
    from siyada.store.db import open_store

    paragraphs, questions = read_task(folder)
    if split != "all":
        questions = [q for q in questions if q[0] % 2 == (0 if split == "dev" else 1)]
    if limit:
        questions = questions[:limit]
    e5 = _cached(cache)
    takes_embed = "embed" in inspect.signature(extractive_answer).parameters
    extra: dict[str, Any] = {"embed": e5.embed} if takes_embed else {}
    if takes_embed and min_evidence is not None:
        extra["min_evidence"] = min_evidence
    if trim:
        extra["trim"] = True
    if reader is not None:
        extra["reader"] = reader
    if abstain_threshold is not None:
        extra["abstain_threshold"] = abstain_threshold
    if typed is not None:
        extra["typed"] = typed
    if choices is not None:
        extra["choices"] = choices
    blob = "\n".join(
        json.dumps({"text": p, "paragraph": i}, ensure_ascii=False) for i, p in enumerate(paragraphs)
    )
    contains = f1_sum = 0.0
    right_abstain = wrong_abstain = 0
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{tmp}/bench.db")
        tenant = create_tenant(engine, "bench")
        kn = Knowledge(engine, lambda name: e5 if name == "siyada-embed" else None, None, "siyada-embed")
        kn.create_collection(tenant.id, folder.name)
        t0 = time.perf_counter()
        kn.ingest(tenant.id, tenant.name, folder.name, blob.encode(), "paragraphs.jsonl")
        print(
            f"  {folder.name}: {len(paragraphs)} paragraphs ingested in {time.perf_counter() - t0:.1f}s",
            file=sys.stderr,
        )
        t0 = time.perf_counter()
        for par, question, golds in questions:
            hits = kn.search(tenant.id, tenant.name, [folder.name], question, 4 * K)
            content, cites = extractive_answer(question, hits[:K], **extra)
            body = answer_body(content)
            hit = any(normalise(g) in normalise(body) for g in golds)
            contains += hit
            f1_sum += max(f1(body, g) for g in golds)
            wrong_abstain += not cites
            drop = answer_holders(paragraphs, par, golds) if not own_only else set()
            others = without_own(kn, tenant, folder.name, question, par, len(paragraphs), drop)
            _, cites2 = extractive_answer(question, others, **extra)
            right_abstain += not cites2
            row = {
                "q": question,
                "answer": content,
                "gold": golds,
                "contains": hit,
                "f1": round(max(f1(body, g) for g in golds), 4),
                "abstained": not cites,
                "abstained_without": not cites2,
            }
            if rows_wanted and takes_embed:  # for calibrating the threshold: the evidence either way
                row["evidence"] = _evidence(question, hits[:K], e5.embed)
                row["evidence_without"] = _evidence(question, others, e5.embed)
            rows.append(row)
        seconds = time.perf_counter() - t0
        engine.dispose()
    n = max(len(questions), 1)
    abstained = right_abstain + wrong_abstain
    return {
        "contains": round(contains / n, 4),
        "f1": round(f1_sum / n, 4),
        "abstain_precision": round(right_abstain / abstained, 4) if abstained else 0.0,
        "abstain_recall": round(right_abstain / n, 4),
        "questions": len(questions),
        "ms_per_question": round(seconds * 1000 / n, 1),
        "_rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tasks_dir", nargs="?", type=Path, default=DEFAULT_TASKS)
    ap.add_argument(
        "--json", type=Path, help="write {task: {contains, f1, abstain_precision, abstain_recall}}"
    )
    ap.add_argument("--limit", type=int, help="score only the first N questions of each task")
    ap.add_argument("--tasks", help="comma-separated task names (default: every folder)")
    ap.add_argument("--split", choices=("dev", "test", "all"), default="all")
    ap.add_argument("--rows", type=Path, help="write every question, answer and outcome here (JSONL)")
    ap.add_argument(
        "--min-evidence", type=float, help="abstention threshold without an embedder (unused here)"
    )
    ap.add_argument(
        "--abstain-threshold", type=float, help="on the abstention model's probability (default: calibrated)"
    )
    ap.add_argument("--trim", action="store_true", help="cut the question's own words off the quote's edges")
    ap.add_argument(
        "--reader",
        action=argparse.BooleanOptionalAction,
        help="localise the answer inside the sentence with the reader (default: grounding.READER)",
    )
    ap.add_argument(
        "--typed",
        action=argparse.BooleanOptionalAction,
        help="a date or number question gets its one date or number phrase (default: grounding.TYPED)",
    )
    ap.add_argument(
        "--own-only",
        action="store_true",
        help="abstention: leave out the own paragraph only, not those that repeat its answering sentence",
    )
    ap.add_argument(
        "--choices", type=int, help="sentences the reader reads to choose the quote (default 0: off; 3 on)"
    )
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "cache")
    a = ap.parse_args()
    folders = sorted(p for p in a.tasks_dir.iterdir() if (p / "squad.json").exists())
    if a.tasks:
        folders = [f for f in folders if f.name in set(a.tasks.split(","))]
    results: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    for folder in folders:
        results[folder.name] = run_task(
            folder,
            a.limit,
            a.split,
            a.cache,
            a.min_evidence,
            bool(a.rows),
            a.trim,
            a.reader,
            a.abstain_threshold,
            a.typed,
            a.own_only,
            a.choices,
        )
        rows += [{"task": folder.name, **r} for r in results[folder.name].pop("_rows")]
    print(
        f"{'task':<16} {'n':>4} {'contains':>8} {'F1':>6} {'abst.P':>7} {'abst.R':>7}   baseline contains/F1"
    )
    for task, m in results.items():
        base = BASELINE.get(task)
        print(
            f"{task:<16} {m['questions']:>4} {m['contains']:>8.3f} {m['f1']:>6.3f}"
            f" {m['abstain_precision']:>7.3f} {m['abstain_recall']:>7.3f}   "
            + (f"{base[0]:.2f} / {base[1]:.2f}" if base else "-")
        )
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))
    if a.rows:
        a.rows.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


if __name__ == "__main__":
    main()
