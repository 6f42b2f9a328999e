"""Task specs and builders: every packaged spec validates, builders read the public formats (on tiny
copies of their shape), splits are seeded, and bad specs fail with the file and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from siyada.evaluation.datasets import load_items, split
from siyada.evaluation.prompts import chat_messages, plain_prompt, shots
from siyada.evaluation.spec import (
    PACKAGED_TASKS,
    SpecError,
    TaskSpec,
    load_task,
    packaged_suites,
    packaged_tasks,
    resolve,
    task_version,
)

DATA = Path(__file__).parent / "fixtures" / "eval" / "data"


def test_every_packaged_task_and_suite_validates() -> None:
    names = packaged_tasks()
    assert len(names) >= 19
    for name in names:
        spec = load_task(PACKAGED_TASKS / f"{name}.yaml")
        assert spec.name == name and spec.primary in spec.metrics
    assert "moroccan" in packaged_suites()
    target, specs = resolve("moroccan")
    assert target == "moroccan" and {s.type for s in specs} == {
        "retrieval",
        "generation",
        "qa",
        "multiple_choice",
        "transliteration",
        "pii",
        "judge",
    }


def _spec(**fields: object) -> TaskSpec:
    base: dict[str, object] = {"name": "t", "prompts": {"default": {"user": "{input}"}}}
    return TaskSpec.model_validate({**base, **fields})


def test_doda_builders() -> None:
    spec = _spec(type="transliteration", data={"builder": "doda_translit", "path": "doda/shorts.csv"})
    items, _ = load_items(spec, DATA)
    salam = next(i for i in items if i["input"] == "salam")
    assert salam["references"] == ["سلام", "صلام"]  # every spelling of an entry is a reference
    mc = _spec(
        type="multiple_choice",
        data={"builder": "doda_gloss_mc", "path": "doda/shorts.csv", "options": {"choices": 3}},
        prompts={"default": {"user": "{question}\n{choices}"}},
    )
    items, _ = load_items(mc, DATA)
    for item in items:
        assert len(item["choices"]) == 3 and len(set(item["choices"])) == 3
    again, _ = load_items(mc, DATA)
    assert again == items  # seeded distractors


def test_seed_and_squad_builders() -> None:
    spec = _spec(
        type="generation",
        data={
            "builder": "seed_translation",
            "path": "nllb_seed",
            "options": {"source": "zgh_Tfng", "target": "eng_Latn", "lines": "1:3"},
        },
    )
    items, _ = load_items(spec, DATA)
    assert [i["input"] for i in items] == ["ⵜⴰⵏⵎⵉⵔⵜ.", "ⵜⵉⴼⴰⵡⵉⵏ."] and items[0]["lang"] == "zgh"
    assert items[0]["references"] == ["Thank you."]
    qa = _spec(type="qa", data={"builder": "squad_qa", "path": "arcd/tiny.json", "options": {"lang": "ar"}})
    items, _ = load_items(qa, DATA)
    assert [i["id"] for i in items] == ["a1", "a2", "0-0-2"]  # an id-less question gets a stable one
    assert items[1]["references"] == ["الدار البيضاء"]  # duplicate answers collapse
    cut = _spec(
        type="qa",
        data={
            "builder": "squad_qa",
            "path": "arcd/tiny.json",
            "options": {"lang": "ar", "max_context_chars": 40},
        },
    )
    items, _ = load_items(cut, DATA)
    # The context is cut at 40 characters; questions whose answer no longer fits are dropped.
    assert [i["id"] for i in items] == ["a1", "a2"] and all(len(i["context"]) == 40 for i in items)


def test_missing_data_and_bad_specs_fail_clearly(tmp_path: Path) -> None:
    spec = _spec(
        type="generation",
        data={"builder": "seed_translation", "path": "nowhere", "options": {"source": "a", "target": "b"}},
    )
    with pytest.raises(SpecError, match="not there"):
        load_items(spec, DATA)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\ntype: qa\ndata: {jsonl: x.jsonl}\nmetrics: [rouge]\nprompts: {default: {user: q}}\n"
    )
    with pytest.raises(SpecError, match="unknown metric"):
        load_task(bad)
    bad.write_text("name: x\ntype: judge\ndata: {jsonl: x.jsonl}\nprompts: {default: {user: q}}\n")
    with pytest.raises(SpecError, match="declares its judge"):
        load_task(bad)
    (tmp_path / "x.jsonl").write_text('{"id": 1, "input": "a"}\n')
    bad.write_text("name: x\ntype: generation\ndata: {jsonl: x.jsonl}\nprompts: {default: {user: q}}\n")
    with pytest.raises(SpecError, match="lacks"):
        load_items(load_task(bad), None)


def test_split_shots_and_version_are_deterministic(tmp_path: Path) -> None:
    items = [
        {"id": str(n), "lang": "fr", "input": f"phrase {n}", "references": [f"sentence {n}"]}
        for n in range(20)
    ]
    spec = _spec(
        type="generation",
        data={"jsonl": "x"},
        fewshot=2,
        fewshot_pool=5,
        seed=3,
        prompts={"default": {"system": "Traduis.", "user": "FR: {input}"}},
    )
    scored, pool = split(spec, items, limit=10)
    assert len(scored) == 10 and len(pool) == 5
    assert not {i["id"] for i in scored} & {i["id"] for i in pool}  # shots are never scored
    assert split(spec, items, limit=10) == (scored, pool)
    examples = shots(spec, scored[0], pool, seed=1234)
    assert examples == shots(spec, scored[0], pool, seed=1234) and len(examples) == 2
    messages = chat_messages(spec, scored[0], examples)
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert messages[2]["content"] == examples[0]["references"][0]
    assert plain_prompt(spec, scored[0], examples).endswith(f"FR: {scored[0]['input']}")
    version = task_version(spec, items, {})
    assert version.startswith("t@1-") and version == task_version(spec, items, {})
    changed = TaskSpec.model_validate({**spec.fingerprint(), "prompts": {"default": {"user": "FR {input}"}}})
    assert task_version(changed, items, {}) != version
    assert task_version(spec, items[:-1], {}) != version
