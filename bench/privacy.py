"""Siyada's Moroccan personal-data analyzer vs Microsoft Presidio (+ presidio-mena, spaCy fr_core_news_sm).

    bash bench/setup_presidio.sh && .venv/bin/python bench/privacy.py [--gold FILE ...] [--json OUT]
    .venv/bin/python bench/privacy.py --siyada-only [--gold FILE ...]   # no Presidio

Scoring mirrors siyada/privacy/evaluate.py: exact span + type match, P/R/F1 per type and overall. Siyada
runs here at its default threshold (0.5); Presidio runs in its own venv (bench/presidio_runner.py, see its
docstring for the set-up), its entity names are mapped to Siyada's, types with no Siyada counterpart are
dropped, overlaps are resolved the way Siyada resolves its own (higher score, then longer span). Presidio
runs twice (texts mostly in Arabic script analysed as "fr" with spaCy NER, or as "ar" without it) and each
run is scored at 0.3, 0.4 and 0.5: the best of the six is reported, the others listed. Throughput times
only the analysis loop, after the engine is loaded and one warm-up document (``WARM_UP``, the same
text for both, in no set), for both. Gold: ``.jsonl``
(``{"text", "entities": [{start, end, type}]}``) or ``.txt`` in markup form
(siyada.privacy.markup.load_markup); default: the dev set, plus tests/fixtures/pii_heldout.txt when it
exists.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from siyada.privacy.analyzer import DEFAULT_THRESHOLD, analyze, resolve_overlaps  # noqa: E402
from siyada.privacy.entities import ALIASES, ENTITY_TYPES, Entity  # noqa: E402
from siyada.privacy.evaluate import _prf  # noqa: E402

DEV_SET = Path("/work/shared/data/pii/ma_pii_dev.jsonl")
HELDOUT = ROOT / "tests" / "fixtures" / "pii_heldout.txt"
# The hand-labelled sets, in the order they were written (docs/privacy.md says which were tuned on).
FIXTURE_SETS = ("pii_heldout.txt", "pii_blind.txt", "pii_blind2.txt", "pii_blind3.txt", "pii_wild1.txt",
                "pii_wild2.txt", "pii_wild3.txt", "pii_wild4.txt")  # fmt: skip
PRESIDIO_PY = HERE / ".venv-presidio" / "bin" / "python"
RUNNER = HERE / "presidio_runner.py"
PRESIDIO_THRESHOLDS = (0.3, 0.4, 0.5)

# Presidio / presidio-mena entity name -> Siyada's. IBAN_CODE is handled in _map_type (Moroccan ones only).
PRESIDIO_TO_SIYADA = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "MA_PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD",
    "MA_CIN": "MA_CIN",
    "MA_RIB": "MA_RIB",
    "MA_IBAN": "MA_IBAN",
    "MA_ICE": "MA_ICE",
}

# Siyada types Presidio + presidio-mena can report at all (no licence plate, passport or CNSS recogniser).
PRESIDIO_TYPES = frozenset(PRESIDIO_TO_SIYADA.values())

Span = tuple[int, int, str]


@dataclass(frozen=True)
class Doc:
    text: str
    gold: frozenset[Span]
    lang: str = "?"


@dataclass
class Run:
    """One system's predictions on one gold file, with the analysis time."""

    name: str
    predictions: list[set[Span]]
    elapsed_s: float
    threshold: float
    setup: str = ""
    latencies_ms: list[float] | None = None  # per document, Siyada only
    cpu_s: float = 0.0  # process CPU time of the analysis loop: steadier than wall time on a shared machine


# --- gold ------------------------------------------------------------------------------------------------


def _doc(item: dict) -> Doc:
    """One gold document: a JSONL line or a load_markup item (both dicts with text, entities, lang)."""
    spans = frozenset((e["start"], e["end"], ALIASES.get(e["type"], e["type"])) for e in item["entities"])
    return Doc(text=item["text"], gold=spans, lang=item.get("lang") or "?")


def load_gold(path: Path) -> list[Doc]:
    if path.suffix == ".txt":
        from siyada.privacy.markup import load_markup

        return [_doc(item) for item in load_markup(path)]
    lines = path.read_text(encoding="utf-8").splitlines()
    return [_doc(json.loads(line)) for line in lines if line.strip()]


def _only(docs: Sequence[Doc], types: frozenset[str]) -> list[Doc]:
    """The same documents with gold spans of other types removed."""
    return [Doc(d.text, frozenset(s for s in d.gold if s[2] in types), d.lang) for d in docs]


# --- systems ---------------------------------------------------------------------------------------------


# The warm-up document of both systems, before the timed pass: one text that every recogniser of both
# reads (loading the models, the phone library's Moroccan and French metadata, the first spaCy call), in
# no set: the timed pass then starts with no word of its own set seen (a set's first text was the
# warm-up, then read again warm).
WARM_UP = (
    "Bonjour, je suis Karim Bennani (CIN BE123456), tél 0661234567 ou +33 6 12 34 56 78, "
    "karim.bennani@example.ma, RIB 011 780 0000123456789012 34, IBAN MA64 0115 1900 0001 2050 0053 4921, "
    "ICE 001524896000089, carte 4111 1111 1111 1111, matricule 12345-A-6. "
    "السلام عليكم، أنا محمد العلوي، الهاتف ٠٦٦١٢٤٥٣٨٩. ⴰⵣⵓⵍ ⴰ ⵢⵓⴳⵓⵔⵜⵏ."
)


def run_siyada(texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> Run:
    if texts:
        analyze(WARM_UP, threshold)  # warm-up, the same as Presidio's
    t0, c0 = time.perf_counter(), time.process_time()
    raw = [analyze(text, threshold) for text in texts]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    preds = [{(e.start, e.end, e.type) for e in ents} for ents in raw]
    latencies = []
    for text in texts:  # a second pass, one document at a time, for the per-prompt latency
        t1 = time.perf_counter()
        analyze(text, threshold)
        latencies.append((time.perf_counter() - t1) * 1000)
    return Run("Siyada", preds, elapsed, threshold, "default", latencies, cpu)


def presidio_raw(texts: Sequence[str], arabic_script: str) -> dict:
    """Run bench/presidio_runner.py in the Presidio venv; raw predictions (Presidio names) + elapsed."""
    if not PRESIDIO_PY.exists():
        sys.exit(f"{PRESIDIO_PY} missing: run `bash bench/setup_presidio.sh` first")
    with tempfile.TemporaryDirectory(prefix="siyada-privacy-") as tmp:
        src, out = Path(tmp) / "texts.jsonl", Path(tmp) / "out.json"
        src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
        cmd = [str(PRESIDIO_PY), str(RUNNER), "--input", str(src), "--output", str(out)]
        cmd += ["--threshold", str(min(PRESIDIO_THRESHOLDS)), "--arabic-script", arabic_script]
        cmd += ["--warm-up", WARM_UP]
        subprocess.run(cmd, check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def _map_type(text: str, start: int, end: int, kind: str) -> str | None:
    if kind == "IBAN_CODE":
        return "MA_IBAN" if text[start:end].upper().startswith("MA") else None
    return PRESIDIO_TO_SIYADA.get(kind)


def map_presidio(text: str, raw: Iterable[dict], threshold: float) -> set[Span]:
    """Siyada names, unmapped types dropped, score >= threshold, overlaps resolved as Siyada does."""
    ents = []
    for r in raw:
        kind = _map_type(text, r["start"], r["end"], r["type"])
        if kind is not None and r["score"] >= threshold:
            ents.append(Entity(r["start"], r["end"], kind, r["score"]))
    return {(e.start, e.end, e.type) for e in resolve_overlaps(ents)}


def presidio_runs(texts: Sequence[str], arabic_script: str) -> list[Run]:
    """One Presidio pass, scored at each threshold of PRESIDIO_THRESHOLDS."""
    raw = presidio_raw(texts, arabic_script)
    runs = []
    for th in PRESIDIO_THRESHOLDS:
        preds = [map_presidio(t, p, th) for t, p in zip(texts, raw["predictions"], strict=True)]
        setup = f"Arabic script as {arabic_script}"
        runs.append(
            Run("Presidio + presidio-mena", preds, raw["elapsed_s"], th, setup, cpu_s=raw.get("cpu_s", 0.0))
        )
    return runs


# --- scoring ---------------------------------------------------------------------------------------------


def score(docs: Sequence[Doc], predictions: Sequence[set[Span]]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    for doc, got in zip(docs, predictions, strict=True):
        for counter, keys in ((tp, got & doc.gold), (fp, got - doc.gold), (fn, doc.gold - got)):
            counter.update(k[2] for k in keys)
    types = set(tp) | set(fp) | set(fn)
    return {
        "per_type": {t: _prf(tp[t], fp[t], fn[t]) for t in sorted(types)},
        "overall": _prf(sum(tp.values()), sum(fp.values()), sum(fn.values())),
    }


def score_by_lang(docs: Sequence[Doc], predictions: Sequence[set[Span]]) -> dict[str, float]:
    langs = sorted({d.lang for d in docs})
    out = {}
    for lang in langs:
        idx = [i for i, d in enumerate(docs) if d.lang == lang]
        out[lang] = score([docs[i] for i in idx], [predictions[i] for i in idx])["overall"]["f1"]
    return out


def summarize(docs: Sequence[Doc], run: Run) -> dict:
    result = score(docs, run.predictions)
    result["by_lang"] = score_by_lang(docs, run.predictions)
    result["name"] = run.name
    result["setup"] = run.setup
    result["threshold"] = run.threshold
    common = [{s for s in spans if s[2] in PRESIDIO_TYPES} for spans in run.predictions]
    result["common_types_overall"] = score(_only(docs, PRESIDIO_TYPES), common)["overall"]
    result["docs_per_s"] = round(len(docs) / run.elapsed_s, 1) if run.elapsed_s else float("inf")
    result["docs_per_cpu_s"] = round(len(docs) / run.cpu_s, 1) if run.cpu_s else None
    if run.latencies_ms:
        ordered = sorted(run.latencies_ms)
        result["latency_ms"] = {
            "p50": round(ordered[len(ordered) // 2], 3),
            "p95": round(ordered[int(len(ordered) * 0.95)], 3),
            "mean_chars": round(sum(len(d.text) for d in docs) / len(docs)),
        }
    return result


# --- report ----------------------------------------------------------------------------------------------


def _f1(result: dict, kind: str) -> str:
    m = result["per_type"].get(kind)
    return f"{m['f1']:.3f}" if m else "–"


def type_table(docs: Sequence[Doc], siyada: dict, presidio: dict) -> list[str]:
    gold_n = Counter(s[2] for d in docs for s in d.gold)
    seen = set(gold_n) | set(siyada["per_type"]) | set(presidio["per_type"])
    order = [t for t in ENTITY_TYPES if t in seen] + sorted(seen - set(ENTITY_TYPES))
    lines = ["| type | gold | Siyada F1 | Presidio F1 | Δ F1 |", "| --- | ---: | ---: | ---: | ---: |"]
    for kind in order:
        s, p = siyada["per_type"].get(kind), presidio["per_type"].get(kind)
        delta = f"{(s['f1'] if s else 0) - (p['f1'] if p else 0):+.3f}"
        lines.append(f"| {kind} | {gold_n[kind]} | {_f1(siyada, kind)} | {_f1(presidio, kind)} | {delta} |")
    return lines


def overall_table(siyada: dict, presidio: dict) -> list[str]:
    lines = [
        "| system | set-up | threshold | P | R | F1 | tp | fp | fn | docs/s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in (siyada, presidio):
        m = r["overall"]
        prf = " | ".join(f"{m[k]:.3f}" for k in ("precision", "recall", "f1"))
        counts = " | ".join(str(m[k]) for k in ("tp", "fp", "fn"))
        cells = f"{r['name']} | {r['setup']} | {r['threshold']} | {prf} | {counts} | {r['docs_per_s']:,.1f}"
        lines.append(f"| {cells} |")
    return lines


def lang_table(siyada: dict, presidio: dict) -> list[str]:
    langs = sorted(siyada["by_lang"])
    if langs == ["?"]:
        return []
    lines = ["| overall F1 by language | " + " | ".join(langs) + " |", "| --- |" + " ---: |" * len(langs)]
    for name, r in (("Siyada", siyada), ("Presidio", presidio)):
        lines.append(f"| {name} | " + " | ".join(f"{r['by_lang'][lang]:.3f}" for lang in langs) + " |")
    return lines


def report(path: Path, docs: Sequence[Doc], siyada: dict, presidio: dict, sweep: dict[str, float]) -> str:
    s_f1, p_f1 = siyada["overall"]["f1"], presidio["overall"]["f1"]
    speed = siyada["docs_per_s"] / presidio["docs_per_s"] if presidio["docs_per_s"] else float("inf")
    sweep_txt = "; ".join(f"{cfg}: {f1:.3f}" for cfg, f1 in sweep.items())
    s_common, p_common = siyada["common_types_overall"]["f1"], presidio["common_types_overall"]["f1"]
    missing = ", ".join(t for t in ENTITY_TYPES if t not in PRESIDIO_TYPES)
    return "\n".join(
        [
            f"### {path.name} ({len(docs)} documents, {sum(len(d.gold) for d in docs)} gold entities)",
            "",
            *type_table(docs, siyada, presidio),
            "",
            *overall_table(siyada, presidio),
            "",
            *lang_table(siyada, presidio),
            "",
            f"Presidio overall F1 by set-up: {sweep_txt} (best reported above).",
            f"F1 difference (Siyada − Presidio): {s_f1 - p_f1:+.3f}; throughput: {speed:.1f}× Presidio's.",
            f"Only the types Presidio has recognisers for (not {missing}): Siyada F1 {s_common:.3f}, "
            f"Presidio {p_common:.3f} ({s_common - p_common:+.3f}).",
            "",
        ]
    )


# --- main ------------------------------------------------------------------------------------------------


def compare(path: Path) -> tuple[str, dict]:
    docs = load_gold(path)
    texts = [d.text for d in docs]
    siyada = summarize(docs, run_siyada(texts))
    runs = [r for mode in ("fr", "ar") for r in presidio_runs(texts, mode)]
    candidates = [summarize(docs, r) for r in runs]
    sweep = {f"{c['setup']} @ {c['threshold']}": c["overall"]["f1"] for c in candidates}
    presidio = max(candidates, key=lambda c: c["overall"]["f1"])
    text = report(path, docs, siyada, presidio, sweep)
    result = {"gold": str(path), "documents": len(docs), "siyada": siyada, "presidio": presidio}
    return text, {**result, "presidio_sweep": sweep}


def default_gold() -> list[Path]:
    fixtures = [ROOT / "tests" / "fixtures" / name for name in FIXTURE_SETS]
    return [DEV_SET, *(p for p in fixtures if p.exists())]


def side_by_side(results: Sequence[dict]) -> str:
    """One row per set: both F1, both throughputs, the ratio, and Siyada's per-document latency."""
    lines = [
        "| set | docs | Siyada F1 | Presidio F1 | Siyada PERSON F1 | Siyada docs/s | Presidio docs/s | × |"
        " × (CPU time) | p50 / p95 ms (mean chars) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        s, p = r["siyada"], r["presidio"]
        ratio = s["docs_per_s"] / p["docs_per_s"] if p["docs_per_s"] else float("inf")
        s_cpu, p_cpu = s.get("docs_per_cpu_s"), p.get("docs_per_cpu_s")
        cpu_ratio = f"{s_cpu / p_cpu:.0f}×" if s_cpu and p_cpu else "–"
        person = s["per_type"].get("PERSON", {}).get("f1", 0.0)
        lat = s.get("latency_ms", {})
        lines.append(
            f"| {Path(r['gold']).name} | {r['documents']} | {s['overall']['f1']:.3f} | "
            f"{p['overall']['f1']:.3f} | {person:.3f} | {s['docs_per_s']:,.0f} | {p['docs_per_s']:,.1f} | "
            f"{ratio:.0f}× | {cpu_ratio} | "
            f"{lat.get('p50', 0):.2f} / {lat.get('p95', 0):.2f} ({lat.get('mean_chars', 0)}) |"
        )
    return "\n".join(lines)


def siyada_only(path: Path) -> str:
    """Siyada alone (no Presidio venv needed): F1 overall, per type and by language, CPU per document."""
    docs = load_gold(path)
    s = summarize(docs, run_siyada([d.text for d in docs]))
    m = s["overall"]
    types = ", ".join(f"{t} {v['f1']:.3f}" for t, v in s["per_type"].items())
    langs = ", ".join(f"{lang} {f1:.3f}" for lang, f1 in s["by_lang"].items())
    cpu = 1000 / s["docs_per_cpu_s"] if s["docs_per_cpu_s"] else 0.0
    return (
        f"{path.name}: F1 {m['f1']:.3f} (P {m['precision']:.3f}, R {m['recall']:.3f}); {types}; "
        f"by language {langs}; {cpu:.3f} ms CPU per document"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, action="append", help=".jsonl or markup .txt; repeatable")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--siyada-only", action="store_true", help="skip Presidio (no venv needed)")
    args = parser.parse_args()
    if args.siyada_only:
        for path in args.gold or default_gold():
            print(siyada_only(path), flush=True)
        return
    results = []
    for path in args.gold or default_gold():
        text, result = compare(path)
        print(text, flush=True)
        results.append(result)
    print(side_by_side(results), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
