"""Items of a task: read from a JSONL file beside its spec, or built from a public dataset by path.

Builders read the datasets where they are (the project ships only specs and tiny fixtures). Every item
is a plain dict with an `id` and a `lang`; the fields a task type needs are checked here, so a malformed
file fails before any model is called.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from siyada.evaluation.spec import SpecError, TaskSpec

Items = list[dict[str, Any]]
Extras = dict[str, Any]

REQUIRED: dict[str, tuple[str, ...]] = {
    "generation": ("input", "references"),
    "transliteration": ("input", "references"),
    "qa": ("question", "references"),
    "judge": ("question", "references"),
    "multiple_choice": ("question", "choices", "label"),
    "retrieval": ("query", "relevant"),
    "pii": ("text", "entities"),
}


def read_jsonl(path: Path) -> Items:
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SpecError(f"{path}:{number}: not JSON: {exc.msg}") from exc
        if not isinstance(value, dict):
            raise SpecError(f"{path}:{number}: expected an object")
        items.append(value)
    return items


# ---- builders over ../shared/data ------------------------------------------------------------------
def doda_translit(path: Path, options: dict[str, Any]) -> tuple[Items, Extras]:
    """DODa shorts: Latin "Arabizi" Darija -> Arabic script; all spellings of an entry are references."""
    refs: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            latin, arabic = (row.get("darija") or "").strip(), (row.get("darija_ar") or "").strip()
            if latin and arabic and arabic not in refs.setdefault(latin, []):
                refs[latin].append(arabic)
    items = [
        {"id": f"doda-{n}", "lang": "ary", "input": latin, "references": spellings}
        for n, (latin, spellings) in enumerate(refs.items())
    ]
    return items, {}


def doda_gloss_mc(path: Path, options: dict[str, Any]) -> tuple[Items, Extras]:
    """DODa shorts as multiple choice: which English gloss means this Darija word? Distractors are other
    entries' glosses, drawn with a fixed seed so the task is the same everywhere."""
    pairs: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            arabic, gloss = (row.get("darija_ar") or "").strip(), (row.get("english") or "").strip()
            if arabic and gloss and arabic not in pairs:
                pairs[arabic] = gloss
    glosses = sorted(set(pairs.values()))
    rng = random.Random(int(options.get("seed", 7)))
    n_choices = int(options.get("choices", 4))
    items = []
    for n, (word, gloss) in enumerate(pairs.items()):
        distractors = [g for g in rng.sample(glosses, n_choices + 2) if g != gloss][: n_choices - 1]
        choices = [gloss, *distractors]
        rng.shuffle(choices)
        items.append(
            {
                "id": f"doda-mc-{n}",
                "lang": "ary",
                "question": word,
                "choices": choices,
                "label": choices.index(gloss),
            }
        )
    return items, {}


SEED_LANGS = {"eng_Latn": "en", "ary_Arab": "ary", "zgh_Tfng": "zgh"}


def seed_translation(path: Path, options: dict[str, Any]) -> tuple[Items, Extras]:
    """NLLB-Seed: line-aligned files; `source`/`target` name the files, `lines` a start:end range."""
    source, target = options["source"], options["target"]
    start, _, end = str(options.get("lines", "0:1000")).partition(":")
    src = (path / source).read_text(encoding="utf-8").splitlines()
    tgt = (path / target).read_text(encoding="utf-8").splitlines()
    lo, hi = int(start or 0), int(end or len(src))
    items = [
        {
            "id": f"seed-{n}",
            "lang": SEED_LANGS.get(source, source),
            "target_lang": SEED_LANGS.get(target, target),
            "input": src[n].strip(),
            "references": [tgt[n].strip()],
        }
        for n in range(lo, min(hi, len(src), len(tgt)))
        if src[n].strip() and tgt[n].strip()
    ]
    return items, {}


def squad_qa(path: Path, options: dict[str, Any]) -> tuple[Items, Extras]:
    """SQuAD 1.1-shaped JSON (ARCD, XQuAD, the CNIL FAQ): one item per question."""
    data = json.loads(path.read_text(encoding="utf-8"))
    lang = options.get("lang", "")
    max_chars = int(options.get("max_context_chars", 0))
    items = []
    for a, article in enumerate(data["data"]):
        for b, paragraph in enumerate(article["paragraphs"]):
            for c, qa in enumerate(paragraph["qas"]):
                answers = list(dict.fromkeys(a["text"].strip() for a in qa.get("answers", []) if a["text"]))
                context = paragraph["context"]
                if max_chars and len(context) > max_chars:
                    context = context[:max_chars]
                    # Questions whose answer was cut off are dropped rather than left unanswerable.
                    answers = [a for a in answers if a in context]
                if answers:
                    items.append(
                        {
                            "id": str(qa.get("id") or f"{a}-{b}-{c}"),
                            "lang": lang,
                            "context": context,
                            "question": qa["question"],
                            "references": answers,
                        }
                    )
    return items, {}


def retrieval_dir(path: Path, options: dict[str, Any]) -> tuple[Items, Extras]:
    """A ready retrieval task folder: corpus.jsonl and queries.jsonl."""
    corpus = read_jsonl(path / "corpus.jsonl")
    queries = read_jsonl(path / "queries.jsonl")
    lang = options.get("lang", "")
    items = [
        {
            "id": str(q["id"]),
            "lang": q.get("lang", lang),
            "query": q["text"],
            "relevant": [str(r) for r in q["relevant"]],
        }
        for q in queries
    ]
    return items, {"corpus": [{"id": str(d["id"]), "text": d["text"]} for d in corpus]}


def pii_jsonl(path: Path, options: dict[str, Any]) -> tuple[Items, Extras]:
    return read_jsonl(path), {}


def _canonical_entities(items: Items) -> None:
    """Gold types under the privacy module's names (PHONE -> PHONE_NUMBER), as its analyzer reports."""
    from siyada.privacy.entities import ALIASES

    for item in items:
        item["entities"] = [{**e, "type": ALIASES.get(e["type"], e["type"])} for e in item["entities"]]


BUILDERS: dict[str, Callable[[Path, dict[str, Any]], tuple[Items, Extras]]] = {
    "doda_translit": doda_translit,
    "doda_gloss_mc": doda_gloss_mc,
    "seed_translation": seed_translation,
    "squad_qa": squad_qa,
    "retrieval_dir": retrieval_dir,
    "pii_jsonl": pii_jsonl,
}


class DataMissing(SpecError):
    """The public dataset a builder reads is not on this machine."""


def load_items(spec: TaskSpec, root: Path | None) -> tuple[Items, Extras]:
    if spec.data.jsonl is not None:
        base = spec.source.parent if spec.source else Path(".")
        items = read_jsonl(base / spec.data.jsonl)
        extras: Extras = {}
        if spec.data.corpus is not None:
            extras["corpus"] = read_jsonl(base / spec.data.corpus)
    else:
        builder = BUILDERS.get(spec.data.builder or "")
        if builder is None:
            raise SpecError(
                f"task {spec.name}: unknown builder {spec.data.builder!r}; known: {sorted(BUILDERS)}"
            )
        if root is None:
            raise DataMissing(f"task {spec.name} reads {spec.data.path}: no data root (use --data-root)")
        source = root / (spec.data.path or "")
        if not source.exists():
            raise DataMissing(f"task {spec.name} reads {source}, which is not there")
        items, extras = builder(source, spec.data.options)
    _check(spec, items, extras)
    return items, extras


def _check(spec: TaskSpec, items: Items, extras: Extras) -> None:
    if not items:
        raise SpecError(f"task {spec.name}: no items")
    seen: set[str] = set()
    for n, item in enumerate(items):
        missing = [f for f in ("id", *REQUIRED[spec.type]) if f not in item]
        if missing:
            raise SpecError(f"task {spec.name}: item {n} lacks {missing}")
        item["id"] = str(item["id"])
        item.setdefault("lang", spec.languages[0] if spec.languages else "")
        if item["id"] in seen:
            raise SpecError(f"task {spec.name}: duplicate item id {item['id']!r}")
        seen.add(item["id"])
        if spec.type == "multiple_choice" and not 0 <= int(item["label"]) < len(item["choices"]):
            raise SpecError(f"task {spec.name}: item {item['id']} label is out of range")
    if spec.type == "pii":
        _canonical_entities(items)
    if spec.type == "retrieval" and not extras.get("corpus"):
        raise SpecError(f"task {spec.name}: a retrieval task needs a corpus")


def split(spec: TaskSpec, items: Items, limit: int | None) -> tuple[Items, Items]:
    """(scored items, few-shot pool): a seeded shuffle, the pool taken from the end, then the limit."""
    ordered = list(items)
    if spec.shuffle:
        random.Random(spec.seed).shuffle(ordered)
    pool: Items = []
    if spec.fewshot_pool:
        pool, ordered = ordered[-spec.fewshot_pool :], ordered[: -spec.fewshot_pool]
    if limit is not None:
        ordered = ordered[:limit]
    return ordered, pool
