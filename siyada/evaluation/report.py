"""Reports: one self-contained HTML file (no script, no external asset) and the same facts as JSON.

For each run: provenance, a score table with 95% bootstrap intervals, an SVG chart of the primary
metrics with their intervals, the per-language breakdown and the worst examples of each task. Several
runs side by side get a comparison table first.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from sqlalchemy.engine import Engine

from siyada.evaluation import results
from siyada.evaluation.metrics import item_score, metric

WORST = 5


def build(engine: Engine, run_ids: list[int]) -> dict[str, Any]:
    """The report's facts: each run with its scores and its worst examples per task."""
    runs = []
    for run_id in run_ids:
        run = results.get_run(engine, run_id)
        if run is None:
            raise KeyError(f"no evaluation run {run_id}")
        for score in run["scores"]:
            score["worst"] = _worst(results.task_items(engine, run_id, score["task"]), score)
        runs.append(run)
    return {"object": "evaluation.report", "generated_at": dt.datetime.now(dt.UTC).isoformat(), "runs": runs}


def _worst(rows: list[dict[str, Any]], score: dict[str, Any]) -> list[dict[str, Any]]:
    m = metric(score["primary_metric"])
    scored = [(item_score(m, r["values"][m.name]), r) for r in rows if m.name in r["values"]]
    scored.sort(key=lambda x: x[0], reverse=not m.higher_is_better)
    return [
        {
            "item_id": r["item_id"],
            "lang": r["lang"],
            "score": s,
            "prediction": r["prediction"],
            "detail": r["detail"],
        }
        for s, r in scored[:WORST]
    ]


# ---- HTML -----------------------------------------------------------------------------------------
CSS = """
body{font-family:system-ui,'Noto Sans Arabic','Noto Sans',sans-serif;margin:2rem auto;max-width:72rem;
color:#1b1f23;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1rem}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:start;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}
.ci{color:#57606a;font-size:.8rem}.prov{font-size:.85rem;color:#444}.ex{max-width:30rem;overflow-wrap:anywhere}
svg text{font:12px system-ui,sans-serif}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value: float | None, scale: float = 1.0) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if scale >= 100 else f"{value:.3f}"


def _metric_cell(entry: dict[str, Any]) -> str:
    scale = entry.get("scale", 1.0)
    ci = f"<br><span class='ci'>[{_fmt(entry['low'], scale)}, {_fmt(entry['high'], scale)}]</span>"
    return f"<td class='num'>{_fmt(entry['value'], scale)}{ci}</td>"


def chart(scores: list[dict[str, Any]], label: str = "primary metric by task") -> str:
    """Horizontal bars of each task's primary metric on a 0-1 axis (BLEU/chrF divided by 100), with the
    bootstrap interval as a whisker."""
    row_h, left, width = 22, 230, 420
    height = row_h * len(scores) + 30
    parts = [
        f"<svg role='img' aria-label='{_e(label)}' width='{left + width + 70}' "
        f"height='{height}' xmlns='http://www.w3.org/2000/svg'>"
    ]
    for tick in range(0, 11, 2):
        x = left + width * tick / 10
        parts.append(f"<line x1='{x}' y1='0' x2='{x}' y2='{height - 20}' stroke='#e1e4e8'/>")
        parts.append(f"<text x='{x}' y='{height - 6}' text-anchor='middle'>{tick / 10:.1f}</text>")
    for n, s in enumerate(scores):
        entry = s["metrics"][s["primary_metric"]]
        scale = entry.get("scale", 1.0)
        value, low, high = (
            min(1.0, max(0.0, (v or 0) / scale)) for v in (entry["value"], entry["low"], entry["high"])
        )
        y = n * row_h + 4
        parts.append(
            f"<text x='{left - 6}' y='{y + 13}' text-anchor='end'>{_e(s['task'])} "
            f"({_e(s['primary_metric'])})</text>"
        )
        parts.append(
            f"<rect x='{left}' y='{y}' width='{width * value:.1f}' height='{row_h - 8}' fill='#2f7d5b'/>"
        )
        parts.append(
            f"<line x1='{left + width * low:.1f}' y1='{y + 7}' x2='{left + width * high:.1f}' "
            f"y2='{y + 7}' stroke='#111' stroke-width='1.5'/>"
        )
        parts.append(f"<text x='{left + width + 6}' y='{y + 13}'>{_fmt(entry['value'], scale)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _provenance(run: dict[str, Any]) -> str:
    prov = run.get("provenance") or {}
    info = prov.get("model_info") or {}
    started = dt.datetime.fromtimestamp(run["started_at"], dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = [
        ("model", run["model"]),
        ("owned by", info.get("owned_by", "–")),
        ("status", run["status"]),
        ("endpoint", prov.get("endpoint", "–")),
        ("providers", ", ".join(prov.get("providers", [])) or "–"),
        ("Siyada", prov.get("siyada_version", "–")),
        ("started", started),
        ("settings", ", ".join(f"{k}={v}" for k, v in run["settings"].items() if k not in ("tasks",))),
        ("requests", f"{prov.get('requests_sent', '–')} sent, {prov.get('requests_cached', '–')} from cache"),
    ]
    return "<p class='prov'>" + "<br>".join(f"<b>{_e(k)}</b>: {_e(v)}" for k, v in facts) + "</p>"


def _value_with_ci(m: dict[str, Any]) -> str:
    scale = m.get("scale", 1.0)
    ci = f"[{_fmt(m['low'], scale)}, {_fmt(m['high'], scale)}]"
    return f"<b>{_fmt(m['value'], scale)}</b> <span class='ci'>{ci}</span>"


def _scores_table(scores: list[dict[str, Any]]) -> str:
    rows = ["<table><tr><th>task</th><th>type</th><th>n</th><th>metrics (95% CI)</th></tr>"]
    for s in scores:
        cells = " ".join(
            f"{_e(name)} {_value_with_ci(m)}" for name, m in s["metrics"].items() if not name.startswith("_")
        )
        rows.append(
            f"<tr><td>{_e(s['task'])}<br><span class='ci'>{_e(s['task_version'])}</span></td>"
            f"<td>{_e(s['type'])}</td><td class='num'>{s['n']}</td><td>{cells}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def _languages(score: dict[str, Any]) -> str:
    names = [n for n in score["metrics"] if not n.startswith("_")]
    head = "".join(f"<th>{_e(n)}</th>" for n in names)
    rows = [f"<table><tr><th>language</th><th>n</th>{head}</tr>"]
    for lang, entry in sorted(score["by_language"].items()):
        cells = "".join(
            f"<td class='num'>{_fmt(entry.get(n), score['metrics'][n].get('scale', 1.0))}</td>" for n in names
        )
        rows.append(f"<tr><td>{_e(lang or '–')}</td><td class='num'>{entry['n']}</td>{cells}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _example_text(example: dict[str, Any]) -> tuple[str, str, str]:
    detail = example.get("detail") or {}
    asked = detail.get("prompt") or detail.get("query") or detail.get("text") or ""
    expected = detail.get("references") or detail.get("relevant") or detail.get("gold") or ""
    if "choices" in detail:
        expected = detail["choices"][detail["label"]]
    got = example["prediction"]
    if isinstance(got, dict):
        got = got.get("text")
    if detail.get("error"):
        got = f"(error) {detail['error']}"
    return str(asked)[:600], str(expected)[:300], str(got)[:300]


def _worst_table(score: dict[str, Any]) -> str:
    rows = ["<table><tr><th>item</th><th>score</th><th>asked</th><th>expected</th><th>answered</th></tr>"]
    for ex in score.get("worst", []):
        asked, expected, got = _example_text(ex)
        rows.append(
            f"<tr><td>{_e(ex['item_id'])} <span class='ci'>{_e(ex['lang'])}</span></td>"
            f"<td class='num'>{ex['score']:.3f}</td><td class='ex' dir='auto'>{_e(asked)}</td>"
            f"<td class='ex' dir='auto'>{_e(expected)}</td><td class='ex' dir='auto'>{_e(got)}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def _comparison(runs: list[dict[str, Any]]) -> str:
    tasks = sorted({s["task"] for run in runs for s in run["scores"]})
    head = "".join(f"<th>#{r['id']} {_e(r['label'])}</th>" for r in runs)
    rows = [f"<h2>Comparison</h2><table><tr><th>task (primary metric)</th>{head}</tr>"]
    for task in tasks:
        cells, name = [], ""
        for run in runs:
            found = next((s for s in run["scores"] if s["task"] == task), None)
            if found is None:
                cells.append("<td>–</td>")
                continue
            name = found["primary_metric"]
            cells.append(_metric_cell(found["metrics"][name]))
        rows.append(f"<tr><td>{_e(task)} ({_e(name)})</td>{''.join(cells)}</tr>")
    rows.append("</table>")
    return "".join(rows)


def to_html(report: dict[str, Any]) -> str:
    runs = report["runs"]
    title = "Siyada evaluation report"
    body = [f"<h1>{title}</h1><p class='prov'>generated {_e(report['generated_at'])}</p>"]
    if len(runs) > 1:
        body.append(_comparison(runs))
    for run in runs:
        body.append(
            f"<h2 id='run-{run['id']}'>Run #{run['id']}: {_e(run['label'])} on {_e(run['target'])}</h2>"
        )
        body.append(_provenance(run))
        if not run["scores"]:
            body.append("<p>No task finished in this run.</p>")
            continue
        body.append(chart(run["scores"]))
        body.append(_scores_table(run["scores"]))
        for score in run["scores"]:
            body.append(f"<h3>{_e(score['task'])}: by language</h3>{_languages(score)}")
            body.append(f"<h3>{_e(score['task'])}: worst examples ({_e(score['primary_metric'])})</h3>")
            body.append(_worst_table(score))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{title}</title>"
        f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>"
    )
