"""lm-evaluation-harness (the `lm_eval` package) evaluates the embedded model through Siyada, for real and
offline: a multiple-choice task (loglikelihood requests: token ids, echo and log-probabilities, the remote
tokenizer endpoints) and a generation task, both tiny local tasks from tests/fixtures/lm_eval."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server import Server

FIXTURES = Path(__file__).parent / "fixtures" / "lm_eval"
MC, GEN = "siyada_capitals_mc", "siyada_arithmetic_gen"


def _docs(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (FIXTURES / name).read_text().splitlines() if line.strip()]


MC_REQUESTS = sum(len(d["choices"]) for d in _docs("capitals.jsonl"))  # one loglikelihood per choice
GEN_REQUESTS = len(_docs("arithmetic.jsonl"))


@pytest.fixture(scope="module")
def tasks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture tasks with their data files' absolute paths (lm_eval hands `data_files` to
    `datasets.load_dataset` as they are, relative to the working directory)."""
    folder = tmp_path_factory.mktemp("lm-eval-tasks")
    for data in ("capitals.jsonl", "arithmetic.jsonl"):
        shutil.copy(FIXTURES / data, folder / data)
    for task in (MC, GEN):
        text = (FIXTURES / f"{task}.yaml").read_text()
        for data in ("capitals.jsonl", "arithmetic.jsonl"):
            text = text.replace(f"test: {data}", f"test: {folder / data}")
        (folder / f"{task}.yaml").write_text(text)
    return folder


def _tenant_key(server: Server, admin_key: str) -> str:
    """A user key of a tenant of its own, so that the usage rows it leaves are its run's alone."""
    h = {"Authorization": f"Bearer {admin_key}"}
    name = f"lm-eval-{uuid.uuid4().hex[:8]}"
    assert httpx.post(server.url + "/v1/admin/tenants", headers=h, json={"name": name}).status_code == 201
    return httpx.post(server.url + "/v1/admin/keys", headers=h, json={"tenant": name, "role": "user"}).json()[
        "secret"
    ]


def _lm_eval(
    tmp: Path, key: str, model: str, model_args: dict[str, Any], tasks: Path, names: str, *extra: str
) -> dict[str, Any]:
    """Run `python -m lm_eval` offline; its results JSON."""
    out = tmp / "out"
    args = ",".join(f"{k}={v}" for k, v in model_args.items())
    cmd = [sys.executable, "-m", "lm_eval", "--model", model, "--model_args", args, "--tasks", names]
    cmd += ["--include_path", str(tasks), "--output_path", str(out), "--log_samples", *extra]
    env = {
        **os.environ,
        "OPENAI_API_KEY": key,
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp / "hf"),
        "HF_DATASETS_CACHE": str(tmp / "hf" / "datasets"),
    }
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=400, env=env, cwd=tmp)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    found = sorted(out.rglob("results_*.json"))
    assert found, proc.stderr[-3000:]
    return json.loads(found[-1].read_text())


def _samples(tmp: Path, task: str) -> list[dict[str, Any]]:
    path = sorted((tmp / "out").rglob(f"samples_{task}_*.jsonl"))[-1]
    return [json.loads(line) for line in path.read_text().splitlines()]


def _completion_rows(server: Server, key: str, expected: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 15  # usage rows are written in batches
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rows = httpx.get(
            server.url + "/v1/usage", headers={"Authorization": f"Bearer {key}"}, params={"limit": 1000}
        ).json()["data"]
        if len(rows) >= expected:
            break
        time.sleep(0.25)
    return rows


@pytest.fixture(scope="module")
def evaluator(server: Server, admin_key: str) -> str:
    return _tenant_key(server, admin_key)


def _base_args(server: Server, endpoint: str) -> dict[str, Any]:
    return {
        "model": "siyada-chat",
        "base_url": f"{server.url}/v1/{endpoint}",
        "num_concurrent": 1,
        "max_retries": 1,
    }


@pytest.fixture(scope="module")
def completions_run(
    server: Server, admin_key: str, tasks: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], Path, str]:
    """The documented command: local-completions, remote tokenizer, token-id requests one by one."""
    tmp = tmp_path_factory.mktemp("lm-eval-completions")
    key = _tenant_key(server, admin_key)
    model_args = {
        **_base_args(server, "completions"),
        "tokenizer_backend": "remote",
        "auth_token": key,
        "tokenized_requests": True,
    }
    names = f"{MC},{GEN}"
    return _lm_eval(tmp, key, "local-completions", model_args, tasks, names, "--limit", "8"), tmp, key


def test_local_completions_scores_multiple_choice_and_generation(
    server: Server, completions_run: tuple[dict[str, Any], Path, str]
) -> None:
    results, tmp, key = completions_run
    assert 0 <= results["results"][MC]["acc,none"] <= 1
    assert 0 <= results["results"][GEN]["exact_match,last_number"] <= 1
    assert results["n-samples"][MC]["effective"] == 8 and results["n-samples"][GEN]["effective"] == 4
    for doc in _samples(tmp, MC):
        for (loglikelihood, _greedy), *_ in doc["resps"]:
            assert -100 < float(loglikelihood) < 0  # a real log-probability of the choice
    assert all(doc["resps"][0][0].strip() for doc in _samples(tmp, GEN))
    # every loglikelihood and every generation was one completion call, all answered
    rows = _completion_rows(server, key, MC_REQUESTS + GEN_REQUESTS)
    assert len(rows) == MC_REQUESTS + GEN_REQUESTS
    assert all(r["endpoint"] == "completions" and r["status"] == 200 for r in rows)
    assert sum(r["completion_tokens"] == 1 for r in rows) >= MC_REQUESTS  # max_tokens=1 when scoring


def test_batched_requests_score_the_same(
    server: Server,
    admin_key: str,
    tasks: Path,
    completions_run: tuple[dict[str, Any], Path, str],
    tmp_path: Path,
) -> None:
    _, one_by_one, _ = completions_run
    key = _tenant_key(server, admin_key)
    model_args = {**_base_args(server, "completions"), "tokenizer_backend": "remote", "auth_token": key}
    _lm_eval(tmp_path, key, "local-completions", model_args, tasks, MC, "--limit", "8", "--batch_size", "8")
    calls = -(-MC_REQUESTS // 8)  # 8 prompts a request
    rows = _completion_rows(server, key, calls)
    assert len(rows) == calls and all(r["status"] == 200 for r in rows)
    alone = {d["doc_id"]: d["resps"] for d in _samples(one_by_one, MC)}
    batched = {d["doc_id"]: d["resps"] for d in _samples(tmp_path, MC)}
    assert alone.keys() == batched.keys()
    for doc_id, resps in alone.items():
        got = [float(r[0][0]) for r in batched[doc_id]]
        assert got == pytest.approx([float(r[0][0]) for r in resps], abs=1e-4)


def test_local_chat_completions_generates_with_the_chat_template(
    server: Server, evaluator: str, tasks: Path, tmp_path: Path
) -> None:
    results = _lm_eval(
        tmp_path,
        evaluator,
        "local-chat-completions",
        _base_args(server, "chat/completions"),
        tasks,
        GEN,
        "--apply_chat_template",
        "--limit",
        "4",
    )
    assert 0 <= results["results"][GEN]["exact_match,last_number"] <= 1
    assert results["n-samples"][GEN]["effective"] == 4
