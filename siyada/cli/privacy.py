"""`siyada privacy`: scan JSON Lines files for Moroccan personal data, and score the detector."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from siyada.cli.common import err, fail

privacy_app = typer.Typer(help="Detect Moroccan personal data.", no_args_is_help=True)


@privacy_app.command("scan")
def privacy_scan(
    input: Annotated[Path, typer.Option("--input", help='JSONL, one {"id", "text"} per line.')],
    output: Annotated[Path, typer.Option("--output", help='JSONL with an "entities" list added.')],
) -> None:
    """Write each input line with `entities: [{start, end, type, score}]` (Python string offsets)."""
    from siyada.privacy.analyzer import analyze

    try:
        lines = input.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {input}: {exc}")
        return
    out_lines = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(f"{input}:{n}: not valid JSON ({exc.msg})")
            return
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            fail(f'{input}:{n}: each line must be an object with a string "text"')
            return
        found = analyze(doc["text"])
        doc["entities"] = [
            {"start": e.start, "end": e.end, "type": e.type, "score": round(e.score, 3)} for e in found
        ]
        out_lines.append(json.dumps(doc, ensure_ascii=False))
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text("".join(x + "\n" for x in out_lines), encoding="utf-8")
    os.replace(tmp, output)  # all or nothing: a half-written output never replaces a good one
    err.print(f"scanned {len(out_lines)} documents into {output}", highlight=False)


@privacy_app.command("eval")
def privacy_eval(
    gold: Annotated[Path, typer.Option("--gold", help='JSONL with labelled "entities" (start, end, type).')],
) -> None:
    """Precision, recall and F1 per type and overall (exact span and type), and documents/s."""
    from siyada.privacy.evaluate import evaluate, format_report

    try:
        result = evaluate(gold)
    except (OSError, ValueError, KeyError) as exc:
        fail(f"cannot evaluate {gold}: {exc}")
        return
    print(format_report(result))
