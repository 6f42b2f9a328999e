"""Task and suite definitions: YAML files, validated, with a version hash over the spec and its data.

A task names its type, where its items come from (a JSONL file beside the spec, or a builder reading a
public dataset under the data root), its prompts per language, few-shot settings and metrics. A suite is
a list of tasks. The packaged ones live in `siyada/evaluation/tasks/` and `.../suites/`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from siyada.evaluation.metrics import metric

PACKAGED_TASKS = Path(__file__).parent / "tasks"
PACKAGED_SUITES = Path(__file__).parent / "suites"

TaskType = Literal["retrieval", "generation", "qa", "multiple_choice", "transliteration", "pii", "judge"]

DEFAULT_METRICS: dict[str, list[str]] = {
    "retrieval": ["recall@1", "recall@10", "mrr@10", "ndcg@10"],
    "generation": ["chrf", "bleu"],
    "qa": ["f1", "exact_match", "chrf"],
    "multiple_choice": ["accuracy"],
    "transliteration": ["cer", "surface_match", "chrf"],
    "pii": ["span_f1"],
    "judge": ["judge_score", "judge_parsed", "chrf"],
}


class SpecError(ValueError):
    """A task or suite file that cannot be used, with the reason."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataSpec(_Strict):
    jsonl: str | None = None  # items file, relative to the spec file
    corpus: str | None = None  # retrieval: corpus file beside the spec
    builder: str | None = None  # a named reader of a public dataset (see datasets.py)
    path: str | None = None  # the builder's input, relative to the data root
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self) -> DataSpec:
        if (self.jsonl is None) == (self.builder is None):
            raise ValueError("data needs exactly one of 'jsonl' or 'builder'")
        return self


class PromptSpec(_Strict):
    system: str | None = None
    user: str  # str.format template over the item's fields, e.g. "Translate: {input}"


class GenerationSpec(_Strict):
    max_tokens: int = Field(default=64, ge=1, le=4096)
    stop: list[str] = Field(default_factory=list)
    temperature: float = Field(default=0.0, ge=0, le=2)


class JudgeSpec(_Strict):
    model: str  # the judge is declared by the task, not chosen by whoever runs it
    rubric: str  # str.format template over question, reference, answer
    min_score: int = 1
    max_score: int = 5
    max_tokens: int = Field(default=8, ge=1, le=256)


class TaskSpec(_Strict):
    name: str = Field(pattern=r"^[a-z0-9_.\-]{1,100}$")
    version: int = Field(default=1, ge=1)
    type: TaskType
    description: str = ""
    languages: list[str] = Field(default_factory=list)
    data: DataSpec
    prompts: dict[str, PromptSpec] = Field(default_factory=dict)  # by language; "default" fallback
    fewshot: int = Field(default=0, ge=0, le=16)
    fewshot_pool: int = Field(default=0, ge=0)  # last N (shuffled) items: shots only, never scored
    shuffle: bool = True
    seed: int = 1234
    generation: GenerationSpec = Field(default_factory=GenerationSpec)
    metrics: list[str] = Field(default_factory=list)
    primary: str | None = None
    mc_method: Literal["auto", "loglikelihood", "parse"] = "auto"
    judge: JudgeSpec | None = None
    k: int = Field(default=10, ge=1, le=100)  # retrieval depth

    source: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _coherent(self) -> TaskSpec:
        if not self.metrics:
            self.metrics = list(DEFAULT_METRICS[self.type])
        if self.primary is None:
            self.primary = self.metrics[0]
        if self.primary not in self.metrics:
            raise ValueError(f"primary metric {self.primary!r} is not among the metrics")
        if self.type == "judge" and self.judge is None:
            raise ValueError("a judge task declares its judge (model and rubric)")
        needs_prompt = self.type in ("generation", "qa", "multiple_choice", "transliteration", "judge")
        if needs_prompt and not self.prompts:
            raise ValueError(f"a {self.type} task needs at least one prompt")
        for name in self.metrics:
            try:
                metric(name)
            except KeyError as exc:
                raise ValueError(str(exc)) from exc
        return self

    def prompt_for(self, lang: str) -> PromptSpec:
        return self.prompts.get(lang) or self.prompts.get("default") or next(iter(self.prompts.values()))

    def fingerprint(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"source"})


class SuiteSpec(_Strict):
    suite: str = Field(pattern=r"^[a-z0-9_.\-]{1,100}$")
    description: str = ""
    tasks: list[str] = Field(min_length=1)  # task names (packaged) or paths relative to the suite file

    source: Path | None = Field(default=None, exclude=True)


Spec = TypeVar("Spec", "TaskSpec", "SuiteSpec")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        value = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(value, dict):
        raise SpecError(f"{path}: expected a mapping at the top level")
    return value


def _validation(path: Path, exc: ValidationError) -> SpecError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top)"
    return SpecError(f"{path}: {where}: {first['msg']}")


def _validated(path: Path, raw: dict[str, Any], model: type[Spec]) -> Spec:
    try:
        spec = model.model_validate(raw)
    except ValidationError as exc:
        raise _validation(path, exc) from exc
    spec.source = path
    return spec


def load_task(path: Path) -> TaskSpec:
    return _validated(path, _read_yaml(path), TaskSpec)


def load_suite(path: Path) -> SuiteSpec:
    return _validated(path, _read_yaml(path), SuiteSpec)


def _task_path(ref: str, base: Path | None) -> Path:
    candidates = []
    if base is not None:
        candidates.append(base / ref)
    candidates += [Path(ref), PACKAGED_TASKS / f"{ref}.yaml", PACKAGED_TASKS / ref]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SpecError(f"no task {ref!r} (not a file, nor one of {sorted(packaged_tasks())})")


def resolve(target: str) -> tuple[str, list[TaskSpec]]:
    """A suite or task given by packaged name or by path -> (its name, its tasks)."""
    path = Path(target)
    if not path.is_file():
        suite_file = PACKAGED_SUITES / f"{target}.yaml"
        path = suite_file if suite_file.is_file() else _task_path(target, None)
    raw = _read_yaml(path)  # read once: its top-level key says whether it is a suite or a task
    if "suite" in raw:
        suite = _validated(path, raw, SuiteSpec)
        return suite.suite, [load_task(_task_path(t, path.parent)) for t in suite.tasks]
    task = _validated(path, raw, TaskSpec)
    return task.name, [task]


def packaged_tasks() -> list[str]:
    return sorted(p.stem for p in PACKAGED_TASKS.glob("*.yaml"))


def packaged_suites() -> list[str]:
    return sorted(p.stem for p in PACKAGED_SUITES.glob("*.yaml"))


def data_root(explicit: Path | None = None) -> Path | None:
    """Where builders read public datasets: --data-root, $SIYADA_EVAL_DATA, or a shared/data folder
    beside or above the working directory (the layout of a development checkout)."""
    if explicit is not None:
        return explicit
    env = os.environ.get("SIYADA_EVAL_DATA")
    if env:
        return Path(env)
    for candidate in (Path("shared/data"), Path("../shared/data")):
        if candidate.is_dir():
            return candidate.resolve()
    return None


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def task_version(spec: TaskSpec, items: list[dict[str, Any]], extras: dict[str, Any]) -> str:
    """`name@version-hash`: the hash covers the spec and the exact data, so a changed prompt, metric or
    data file never compares silently with older numbers."""
    digest = hashlib.sha256()
    digest.update(canonical(spec.fingerprint()))
    digest.update(canonical(items))
    digest.update(canonical(extras))
    return f"{spec.name}@{spec.version}-{digest.hexdigest()[:12]}"
