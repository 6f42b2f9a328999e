"""Dedicated thread pools ("lanes") for the blocking calls every request depends on, so that no amount
of other blocking work (ingestions, reports, exports: the default executor) delays them.

Authentication is its own lane: key and session lookups are short database reads that every request
waits on. Password checks (scrypt: 16 MiB and tens of milliseconds each) have another, so that a flood
of logins cannot delay key lookups either. Parsing and privacy analysis of uploads do not run on threads
at all but in worker processes (siyada.workers).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

AUTH = ThreadPoolExecutor(max_workers=4, thread_name_prefix="siyada-auth")
PASSWORDS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="siyada-passwords")
# The embedded embedding models of /v1/embeddings (one call at a time per model anyway): bounded, and
# apart from the default executor that the request path's database reads use.
EMBEDDINGS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="siyada-embeddings")
# The privacy shield of chat, completion and embedding requests (linear analysis of at most a body's
# worth of text): its own threads, so that many large prompts queue here and not before the default
# executor's database reads. It stays in-process (its pseudonym map is needed to restore the answer).
SHIELD = ThreadPoolExecutor(max_workers=2, thread_name_prefix="siyada-shield")


async def run_in(lane: ThreadPoolExecutor, fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` on `lane`'s threads, awaited from the event loop."""
    return await asyncio.get_running_loop().run_in_executor(lane, functools.partial(fn, *args))
