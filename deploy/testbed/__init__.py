"""A multi-host test bed on one machine: every host is a Linux network namespace with its own address on
one bridge (root only). `bed.TestBed` starts db (PostgreSQL + pgvector), cache (Redis), gw1-gw3 (Siyada),
lb (HAProxy), llm (llama-cpp-python's OpenAI server) and client; `tests/test_testbed.py` runs the failure
scenarios on it. Nothing is left behind: namespaces, links and processes go at the end, also on failure."""
