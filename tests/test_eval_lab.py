"""The evaluation lab end to end: `siyada eval run` against the real server on the embedded model, the
stored scores re-derived from the stored items, resume after a kill, the API and the HTML report."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from siyada.evaluation.metrics import metric
from siyada.evaluation.results import task_items
from siyada.privacy.analyzer import analyze
from siyada.store.db import make_engine, sqlite_url
from tests.server import Server, _env, cli

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
TASKS = ["fx_translate", "fx_translit", "fx_qa", "fx_mc", "fx_retrieval", "fx_pii", "fx_judge"]


def _run(
    server: Server, key: str, target: str, *extra: str, check: bool = True
) -> subprocess.CompletedProcess:
    args = ["eval", "run", target, "--model", "siyada-chat", "--base-url", server.url, "--api-key", key]
    return cli(server.data_dir, *args, "--embedding-model", "none", "--json", *extra, check=check)


@pytest.fixture(scope="module")
def suite_run(server: Server, admin_key: str) -> dict:
    proc = _run(server, admin_key, str(FIXTURES / "suite.yaml"))
    return json.loads(proc.stdout)


def _items(server: Server, run_id: int, task: str) -> list[dict]:
    engine = make_engine(sqlite_url(server.data_dir))
    try:
        return task_items(engine, run_id, task)
    finally:
        engine.dispose()


def test_fixture_suite_scores_every_task(suite_run: dict) -> None:
    scores = {s["task"]: s for s in suite_run["scores"]}
    assert sorted(scores) == sorted(TASKS)
    # fx_translate has 4 items, one of them kept back as the few-shot pool.
    assert scores["fx_translate"]["n"] == 3
    assert scores["fx_judge"]["n"] == 2
    for s in scores.values():
        for name, m in s["metrics"].items():
            if name.startswith("_"):
                continue
            assert m["low"] - 1e-9 <= m["value"] <= m["high"] + 1e-9, (s["task"], name, m)
    # Lexical search finds these three queries' documents in a six-document corpus.
    assert scores["fx_retrieval"]["metrics"]["recall@10"]["value"] == 1.0
    assert set(scores["fx_qa"]["by_language"]) == {"en", "fr"}


def test_stored_scores_are_the_metrics_of_the_stored_items(server: Server, suite_run: dict) -> None:
    run_id = suite_run["run_id"]
    for score in suite_run["scores"]:
        items = _items(server, run_id, score["task"])
        assert len(items) == score["n"]
        for name, m in score["metrics"].items():
            if name.startswith("_"):
                continue
            assert metric(name).aggregate([i["values"][name] for i in items]) == pytest.approx(m["value"])


def test_multiple_choice_is_scored_by_log_likelihood(server: Server, suite_run: dict) -> None:
    for item in _items(server, suite_run["run_id"], "fx_mc"):
        detail = item["detail"]
        assert detail["method"] == "loglikelihood"
        lls = detail["loglikelihoods"]
        assert len(lls) == 3 and all(v < 0 for v in lls)
        assert item["prediction"] == max(range(3), key=lls.__getitem__)
        assert item["values"]["accuracy"] == float(item["prediction"] == detail["label"])


def test_personal_data_task_matches_the_analyzer_counted_by_hand(server: Server, suite_run: dict) -> None:
    tp = fp = fn = 0
    for line in (FIXTURES / "pii.jsonl").read_text().splitlines():
        doc = json.loads(line)
        aliases = {"PHONE": "PHONE_NUMBER", "EMAIL": "EMAIL_ADDRESS"}
        gold = {(e["start"], e["end"], aliases.get(e["type"], e["type"])) for e in doc["entities"]}
        got = {(e.start, e.end, e.type) for e in analyze(doc["text"])}
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    p, r = tp / (tp + fp), tp / (tp + fn)
    score = next(s for s in suite_run["scores"] if s["task"] == "fx_pii")
    assert score["metrics"]["span_f1"]["value"] == pytest.approx(2 * p * r / (p + r))
    assert tp == 2  # the phone and the e-mail of the fixture are found


def test_repeating_a_finished_run_asks_nothing_again(server: Server, admin_key: str, suite_run: dict) -> None:
    again = json.loads(_run(server, admin_key, str(FIXTURES / "suite.yaml")).stdout)
    assert again["run_id"] != suite_run["run_id"]  # a finished run is not reopened ...
    by_path = again["requests_by_path"]
    # ... but every model answer comes from the cache (search and analysis are cheap and not cached).
    assert "/v1/chat/completions" not in by_path and "/v1/completions" not in by_path
    assert again["requests_cached"] > 0
    assert [s["primary_value"] for s in again["scores"]] == [s["primary_value"] for s in suite_run["scores"]]


def _slow_task(tmp_path: Path) -> Path:
    items = [
        {"id": f"s{n}", "lang": "en", "input": f"Count from {n} to {n + 6}, in words.", "references": ["x"]}
        for n in range(12)
    ]
    (tmp_path / "slow.jsonl").write_text("\n".join(json.dumps(i) for i in items))
    spec = (
        "name: fx_slow\ntype: generation\ndata: {jsonl: slow.jsonl}\n"
        "prompts:\n  default:\n    user: '{input}'\ngeneration: {max_tokens: 24}\n"
    )
    (tmp_path / "slow.yaml").write_text(spec)
    return tmp_path / "slow.yaml"


def _count_items(db: Path, task: str) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT run_id, COUNT(*) FROM eval_items WHERE task=? GROUP BY run_id ORDER BY run_id DESC",
            (task,),
        ).fetchone()
    return (row[0], row[1]) if row else (0, 0)


def test_resume_after_kill_recomputes_nothing(server: Server, admin_key: str, tmp_path: Path) -> None:
    spec = _slow_task(tmp_path)
    cmd = [
        sys.executable,
        "-m",
        "siyada",
        "--data-dir",
        str(server.data_dir),
        "eval",
        "run",
        str(spec),
        "--model",
        "siyada-chat",
        "--base-url",
        server.url,
        "--api-key",
        admin_key,
        "--json",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    db = server.data_dir / "siyada.db"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _count_items(db, "fx_slow")[1] < 3:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    run_id, finished = _count_items(db, "fx_slow")
    assert 3 <= finished < 12
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM eval_runs WHERE id=?", (run_id,)).fetchone()[0] == "running"

    resumed = json.loads(cli(server.data_dir, *cmd[5:]).stdout)
    assert resumed["run_id"] == run_id and resumed["resumed"] is True
    asked = resumed["requests_by_path"].get("/v1/chat/completions", 0)
    # Finished items are not asked again; one answer may have arrived (and been cached) just before the kill.
    assert asked + resumed["requests_cached"] == 12 - finished
    assert resumed["scores"][0]["n"] == 12
    assert _count_items(db, "fx_slow") == (run_id, 12)


def test_bad_targets_and_endpoints_fail_clearly(server: Server, admin_key: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ntype: poetry\ndata: {jsonl: x.jsonl}\n")
    proc = _run(server, admin_key, str(bad), check=False)
    assert proc.returncode == 1 and "type" in proc.stderr
    proc = _run(server, admin_key, "no-such-suite", check=False)
    assert proc.returncode == 1 and "no task 'no-such-suite'" in proc.stderr

    def run_qa(model: str, base_url: str, *key: str) -> subprocess.CompletedProcess:
        args = ["eval", "run", str(FIXTURES / "qa.yaml"), "--model", model, "--base-url", base_url, *key]
        return cli(server.data_dir, *args, check=False)

    proc = run_qa("nope", server.url, "--api-key", admin_key)
    assert proc.returncode == 1 and "serves no model 'nope'" in proc.stderr
    proc = run_qa("siyada-chat", "http://198.51.100.7:8000/v1")
    assert proc.returncode == 2 and "egress allow-list" in proc.stderr
    proc = run_qa("siyada-chat", server.url, "--api-key", "sk-wrong")
    assert proc.returncode == 1 and "refused the API key" in proc.stderr


def test_api_lists_runs_one_run_and_the_leaderboard(server: Server, admin_key: str, suite_run: dict) -> None:
    headers = {"Authorization": f"Bearer {admin_key}"}
    listed = httpx.get(server.url + "/v1/evaluations", headers=headers).json()
    assert suite_run["run_id"] in [r["id"] for r in listed["data"]]
    one = httpx.get(server.url + f"/v1/evaluations/{suite_run['run_id']}", headers=headers).json()
    assert one["status"] == "complete" and len(one["scores"]) == len(TASKS)
    assert one["provenance"]["siyada_version"] and one["provenance"]["providers"] == ["embedded"]
    assert one["settings"]["model"] == "siyada-chat" and one["settings"]["seed"] == 1234
    board = httpx.get(server.url + "/v1/evaluations/leaderboard", headers=headers, params={"task": "fx_qa"})
    boards = board.json()["data"]
    assert boards and all(b["task"] == "fx_qa" for b in boards)
    assert boards[0]["entries"][0]["label"].startswith("siyada-chat")
    assert httpx.get(server.url + "/v1/evaluations").status_code == 401
    missing = httpx.get(server.url + "/v1/evaluations/999999", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "evaluation_not_found"
    assert httpx.get(server.url + "/v1/evaluations/abc", headers=headers).status_code == 400
    page = httpx.get(server.url + f"/v1/evaluations/{suite_run['run_id']}/report", headers=headers)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_html_and_json(server: Server, suite_run: dict, tmp_path: Path) -> None:
    html_file, json_file = tmp_path / "report.html", tmp_path / "report.json"
    cli(
        server.data_dir,
        "eval",
        "report",
        str(suite_run["run_id"]),
        "-o",
        str(html_file),
        "--json-output",
        str(json_file),
    )
    parser = _Collect()
    parser.feed(html_file.read_text(encoding="utf-8"))
    parser.close()
    assert parser.stack == []  # every element is closed
    assert parser.tags.get("svg") == 1 and parser.tags.get("table", 0) >= 1 + 2 * len(TASKS)
    assert "script" not in parser.tags and "link" not in parser.tags  # self-contained
    text = " ".join(parser.text)
    for task in TASKS:
        assert task in text
    report = json.loads(json_file.read_text(encoding="utf-8"))
    scores = report["runs"][0]["scores"]
    assert {s["task"] for s in scores} == set(TASKS)
    worst = next(s for s in scores if s["task"] == "fx_translate")["worst"]
    assert worst and worst == sorted(worst, key=lambda w: w["score"])
    missing = cli(server.data_dir, "eval", "report", "999999", check=False)
    assert missing.returncode == 1 and "no evaluation run 999999" in missing.stderr
