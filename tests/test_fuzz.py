"""Fuzzing in CI: every harness of `tests/fuzz/targets.py` under hypothesis, seeded from the fixtures and
mutated (byte flips, insertions, deletions, repeated slices, splices), plus plain random bytes. Only the
documented error may escape a target. The number of examples per target is `SIYADA_FUZZ_EXAMPLES`
(default 150) so CI stays inside its time budget; `scripts/fuzz.py` runs the same targets for hours."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.targets import FIXTURES, NAMES, TARGETS, seeds

EXAMPLES = int(os.environ.get("SIYADA_FUZZ_EXAMPLES", "150"))


@st.composite
def mutated(draw: st.DrawFn, pool: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(pool)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.integers(0, 4))
        at = draw(st.integers(0, len(data)))
        if op == 0 and data:  # flip a byte
            at = min(at, len(data) - 1)
            data[at] = draw(st.integers(0, 255))
        elif op == 1:  # insert bytes
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == 2:  # delete a range
            data[at : at + draw(st.integers(1, 64))] = b""
        elif op == 3:  # repeat a slice: the shape of most super-linear inputs
            piece = bytes(data[at : at + draw(st.integers(1, 12))]) or b"a "
            data[at:at] = piece * draw(st.integers(2, 400))
        else:  # splice in part of another seed
            other = draw(st.sampled_from(pool))
            cut = draw(st.integers(0, len(other)))
            data[at:] = other[cut:]
    return bytes(data)


def _inputs(target: str) -> st.SearchStrategy[bytes]:
    pool = seeds(target)
    return st.one_of(mutated(pool), st.binary(max_size=600))


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_fuzz_target(target: str) -> None:
    run = TARGETS[target]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=False,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(_inputs(target))
    def check(data: bytes) -> None:
        run(data)

    check()


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_seed_passes(target: str) -> None:
    """The harnesses accept their own seeds, so a failure above is about the mutation, not the harness."""
    for data in seeds(target):
        TARGETS[target](data)


REGRESSIONS = FIXTURES / "fuzz"


@pytest.mark.parametrize(
    "path", sorted(REGRESSIONS.glob("*/*")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_inputs_fuzzing_found_stay_fixed(path: Path) -> None:
    """Every input a fuzz run found (tests/fixtures/fuzz/<target>/) replays against its target."""
    data = path.read_bytes()
    if path.parent.name == "parse":  # stored as the upload was: the harness's first byte names it
        data = bytes([_NAME_BYTES.get(path.suffix, 0)]) + data
    TARGETS[path.parent.name](data)


_NAME_BYTES = {name[1:]: n for n, name in enumerate(NAMES) if name is not None}
