"""Fuzz harnesses: each target states the contract of one input path (only the documented error may
escape, and the result keeps its invariants). `tests/test_fuzz.py` runs them under hypothesis in CI;
`scripts/fuzz.py` runs them for long, coverage-guided when atheris is installed."""
