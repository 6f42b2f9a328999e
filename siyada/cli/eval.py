"""`siyada eval`: run the evaluation lab, list runs, write reports, print the leaderboard.

`eval run` is a client of a running gateway (the local server by default, or any OpenAI-compatible
endpoint on the egress allow-list) and stores its results in Siyada's database, where the API's
`/v1/evaluations` reads them.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from siyada.cli.common import current_settings, err, fail, open_engine, out

eval_app = typer.Typer(
    help="The evaluation lab: score models and retrievers on Moroccan tasks.", no_args_is_help=True
)


def _store() -> Any:
    settings = current_settings()
    return settings, open_engine(settings)


def _endpoint(settings: Any, base_url: str | None) -> str:
    from siyada.evaluation.client import is_loopback
    from siyada.gateway.egress import EgressPolicy

    url = base_url or f"http://{settings.host}:{settings.port}"
    if not url.startswith(("http://", "https://")):
        fail(f"--base-url must be an http(s) URL, not {url!r}", 2)
    reason = None if is_loopback(url) else EgressPolicy.from_entries(settings.file.egress_allow).explain(url)
    if reason:
        fail(f"refusing to evaluate against {url}: {reason}", 2)
    return url


class _Bars:
    """Rich progress bars, one per task, driven by the runner's progress events."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.bars: dict[str, Any] = {}

    def __call__(self, event: str, task: str, done: int, total: int) -> None:
        if task not in self.bars:
            self.bars[task] = self.progress.add_task(task, total=total, completed=done)
        label = f"{task} (ingesting corpus)" if event == "prepare" else task
        self.progress.update(self.bars[task], completed=done, total=total, description=label)


@eval_app.command("run")
def eval_run(
    target: Annotated[str, typer.Argument(help="A suite or task: packaged name or YAML path.")],
    model: Annotated[str, typer.Option("--model", help="Model to evaluate, as the endpoint names it.")],
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Endpoint (default: the local Siyada server).")
    ] = None,
    api_key: Annotated[
        str | None, typer.Option("--api-key", envvar="SIYADA_API_KEY", help="API key for the endpoint.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Items per task.")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 1,
    seed: Annotated[int, typer.Option("--seed")] = 1234,
    fewshot: Annotated[int | None, typer.Option("--fewshot", min=0, max=16, help="Override shots.")] = None,
    embedding_model: Annotated[
        str, typer.Option("--embedding-model", help="Retrieval collections' model; 'none': lexical only.")
    ] = "siyada-embed",
    search_mode: Annotated[
        str | None, typer.Option("--search-mode", help="lexical | semantic | hybrid (default: server's).")
    ] = None,
    judge_model: Annotated[
        str | None, typer.Option("--judge-model", help="Override declared judges.")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", help="Name on the leaderboard.")] = None,
    data_root: Annotated[
        Path | None, typer.Option("--data-root", help="Public datasets folder (default: ../shared/data).")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Ask again even when answered before.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON summary on stdout.")] = False,
) -> None:
    """Evaluate a model on a suite or a task; the same command again resumes an interrupted run."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from siyada.evaluation.runner import RunFailed, RunSettings, run
    from siyada.evaluation.spec import SpecError

    if search_mode not in (None, "lexical", "semantic", "hybrid"):
        fail(f"--search-mode must be lexical, semantic or hybrid, not {search_mode!r}", 2)
    settings, engine = _store()
    run_settings = RunSettings(
        model=model,
        base_url=_endpoint(settings, base_url),
        api_key=api_key or os.environ.get("OPENAI_API_KEY"),
        limit=limit,
        concurrency=concurrency,
        seed=seed,
        fewshot=fewshot,
        embedding_model=None if embedding_model.lower() == "none" else embedding_model,
        search_mode=search_mode,
        judge_model=judge_model,
        label=label,
        data_root=data_root,
        use_cache=not no_cache,
    )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=err, transient=not sys.stderr.isatty()) as progress:
            summary = asyncio.run(run(engine, target, run_settings, _Bars(progress)))
    except (SpecError, RunFailed) as exc:
        fail(str(exc))
        return
    for line in summary["skipped"]:
        err.print(f"[yellow]skipped[/] {line}", highlight=False)
    if as_json:
        out.print_json(json.dumps(summary, default=str))
        return
    _print_scores(summary)


def _print_scores(summary: dict[str, Any]) -> None:
    from rich.table import Table

    word = "resumed" if summary["resumed"] else "run"
    table = Table(title=f"{word} #{summary['run_id']} · {summary['target']}")
    for col in ("task", "n", "primary", "value", "95% CI"):
        table.add_column(col)
    for s in summary["scores"]:
        m = s["metrics"][s["primary_metric"]]
        table.add_row(
            s["task"],
            str(s["n"]),
            s["primary_metric"],
            f"{m['value']:.3f}",
            f"[{m['low']:.3f}, {m['high']:.3f}]",
        )
    out.print(table)
    out.print(f"requests: {summary['requests_sent']} sent, {summary['requests_cached']} from cache")


@eval_app.command("list")
def eval_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Evaluation runs, newest first."""
    from rich.table import Table

    from siyada.evaluation.results import list_runs

    _, engine = _store()
    runs = list_runs(engine)
    if as_json:
        out.print_json(json.dumps(runs, default=str))
        return
    table = Table()
    for col in ("id", "label", "target", "status", "tasks"):
        table.add_column(col)
    for r in runs:
        table.add_row(str(r["id"]), r["label"], r["target"], r["status"], str(len(r["scores"])))
    out.print(table)


@eval_app.command("report")
def eval_report(
    run_ids: Annotated[list[int], typer.Argument(help="Run ids (several: compared side by side).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path(
        "evaluation-report.html"
    ),
    json_output: Annotated[Path | None, typer.Option("--json-output", help="JSON file to write.")] = None,
) -> None:
    """Write a self-contained HTML report (and JSON) of one or more runs."""
    from siyada.evaluation.report import build, to_html

    _, engine = _store()
    try:
        report = build(engine, run_ids)
    except KeyError as exc:
        fail(str(exc.args[0]))
        return
    output.write_text(to_html(report), encoding="utf-8")
    if json_output is not None:
        json_output.write_text(
            json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
    out.print(f"wrote {output}" + (f" and {json_output}" if json_output else ""), highlight=False)


@eval_app.command("leaderboard")
def eval_leaderboard(
    task: Annotated[str | None, typer.Option("--task")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="One Markdown table, configurations as columns.")
    ] = False,
) -> None:
    """Per task version, the newest score of each configuration, best first."""
    from rich.table import Table

    from siyada.evaluation.results import leaderboard

    _, engine = _store()
    boards = leaderboard(engine, task)
    if as_json:
        out.print_json(json.dumps(boards, default=str))
        return
    if markdown:
        print(markdown_leaderboard(boards))
        return
    for board in boards:
        table = Table(title=f"{board['task_version']} · {board['metric']}")
        for col in ("rank", "label", "n", "value", "95% CI", "run"):
            table.add_column(col)
        for rank, e in enumerate(board["entries"], start=1):
            ci = f"[{e['low']:.3f}, {e['high']:.3f}]" if e["low"] is not None else "–"
            table.add_row(str(rank), e["label"], str(e["n"]), f"{e['value']:.3f}", ci, str(e["run_id"]))
        out.print(table)


def markdown_leaderboard(boards: list[dict[str, Any]]) -> str:
    """Tasks as rows, configurations (labels) as columns: value and 95% interval of the primary metric."""
    labels = list(dict.fromkeys(e["label"] for b in boards for e in b["entries"]))
    lines = ["| task | metric | n | " + " | ".join(labels) + " |", "|---|---|---|" + "---|" * len(labels)]
    for board in boards:
        by_label = {e["label"]: e for e in board["entries"]}
        ns = sorted({str(e["n"]) for e in board["entries"]})
        cells = []
        for label in labels:
            e = by_label.get(label)
            cells.append("–" if e is None else f"{e['value']:.3f} [{e['low']:.3f}, {e['high']:.3f}]")
        lines.append(f"| {board['task']} | {board['metric']} | {'/'.join(ns)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


@eval_app.command("tasks")
def eval_tasks() -> None:
    """The packaged suites and tasks."""
    from siyada.evaluation.spec import PACKAGED_TASKS, load_task, packaged_suites, packaged_tasks, resolve

    for suite in packaged_suites():
        name, specs = resolve(suite)
        out.print(f"suite {name}: {', '.join(s.name for s in specs)}", highlight=False)
    for task in packaged_tasks():
        spec = load_task(PACKAGED_TASKS / f"{task}.yaml")
        out.print(f"  {spec.name:<28} {spec.type:<16} {spec.description}", highlight=False)
