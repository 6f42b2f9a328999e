"""A bounded pool of worker processes for heavy work on untrusted input (parsing, chunking, privacy
analysis), apart from the server's request path.

Why processes: a thread cannot be stopped or bounded, and a slow parse in a thread holds the GIL the
request path needs. A worker process is bounded by the kernel: each job gets a CPU-time limit
(`RLIMIT_CPU`, relative to what the worker has used so far; the kernel's SIGXCPU ends the job) and a
memory limit (`RLIMIT_AS`, relative to the worker's size at rest; allocations beyond fail), and a wall
clock backstop kills a worker silent too long in C code where no signal handler runs. A job over a limit
raises :class:`JobTooComplex` to its caller; its worker is replaced (a fork from the forkserver, milliseconds)
and the pool keeps serving. Other jobs in flight are not affected (unlike `ProcessPoolExecutor`, where
one dead worker breaks the whole pool).

A job that reads pages (OCR) is budgeted by its pages: it announces them through siyada.progress and
each page it begins adds `page_cpu_seconds` to its CPU limit, up to `max_cpu_seconds` (PageBudget). A
100-page scan then gets the time 100 pages need, while one pathological page is still cut after its
own share. The same reports reach the caller (the upload's progress bar) and reset the wall clock: a
job telling its progress is not stuck.

What crosses the boundary: a picklable function and arguments in (bytes, names), progress reports and
picklable results out (dataclasses). Workers are forked from a forkserver that imported the job modules
once, so parsers, the privacy gazetteers and the language analysers are loaded once, not per job.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, TypeVar

from siyada import progress

if TYPE_CHECKING:
    from siyada.config import WorkersConfig

log = logging.getLogger("siyada.workers")
T = TypeVar("T")

# Imported once in the forkserver, so every worker starts with them loaded (copy-on-write pages).
PRELOAD = (
    "siyada.knowledge.ingest",
    "siyada.knowledge.parse",
    "siyada.knowledge.chunk",
    "siyada.lang.analysis",
    "siyada.privacy.analyzer",
    "siyada.privacy.operators",
)


class JobTooComplex(Exception):
    """A job went over its CPU-time or memory limit; nothing it computed is kept."""

    def __init__(self, resource_name: str, limit: str) -> None:
        super().__init__(
            f"The document is too complex to process: it exceeded the {resource_name} limit of {limit}"
        )
        self.resource_name = resource_name


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int  # CPU time one job may use (before the pages it reads)
    memory_bytes: int  # address space one job may add to its worker's
    wall_seconds: float  # backstop: a worker silent this long is killed
    page_cpu_seconds: int = 0  # more CPU time for each page the job begins to read (OCR)
    max_cpu_seconds: int = 0  # the most CPU time any job may get, whatever its pages


@dataclass
class PageBudget:
    """A job's CPU budget: `cpu_seconds`, plus `page_cpu_seconds` for each page it has begun of those it
    announced (siyada.progress), never over `max_cpu_seconds` nor under `cpu_seconds`. Pages are
    granted one at a time as they begin, not all when announced: a first page that never ends is cut
    after its own share, not after the share of the whole file."""

    limits: Limits
    total: int = 0  # pages announced
    done: int = 0  # pages read

    def note(self, stage: str, n: int) -> None:
        if stage == progress.PAGES_TOTAL:
            self.total += n
        elif stage == progress.PAGES:
            self.done += n

    def begun(self) -> int:
        return min(self.done + 1, self.total)

    def seconds(self) -> int:
        base, cap = self.limits.cpu_seconds, self.limits.max_cpu_seconds
        granted = base + self.limits.page_cpu_seconds * self.begun()
        return max(base, min(cap, granted)) if cap else granted

    def describe(self) -> str:
        if not self.total or not self.limits.page_cpu_seconds:
            return f"{self.seconds()} s"
        lim = self.limits
        return (
            f"{self.seconds()} s ({lim.cpu_seconds} s, and {lim.page_cpu_seconds} s for each of the "
            f"{self.begun()} pages begun of {self.total}; at most {lim.max_cpu_seconds} s)"
        )


# ---- inside a worker --------------------------------------------------------------------------------
class _OverCpu(BaseException):
    """Raised by the SIGXCPU handler; a BaseException so that job code's `except Exception` lets it by."""


_in_job = False


def _on_sigxcpu(_signum: int, _frame: Any) -> None:
    if _in_job:  # between jobs the limit is lifted; a late signal is ignored
        raise _OverCpu


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _limit(limits: Limits) -> float:
    """Set the job's limits; returns the CPU time used before it (its budget counts from there)."""
    # Soft limits only: an unprivileged process cannot raise a hard limit again, and the worker
    # lifts them after each job. The hard limits stay as they are (the wall backstop covers a job
    # that never returns to Python to take SIGXCPU).
    start = _cpu_used()
    _limit_cpu(start, limits.cpu_seconds)
    _, as_hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(
        resource.RLIMIT_AS, (_capped(_address_space() + limits.memory_bytes, as_hard), as_hard)
    )
    return start


def _limit_cpu(start: float, seconds: int) -> None:
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu = int(start) + seconds + 1  # whole seconds; the +1 covers the fraction used
    resource.setrlimit(resource.RLIMIT_CPU, (_capped(cpu, cpu_hard), cpu_hard))


def _reporter(conn: Connection, limits: Limits, start: float) -> progress.Sink:
    """The job's progress sink: each report raises the CPU limit to the pages' budget and goes to the
    server. SIGXCPU is held while a report is written, so that a cut never leaves half a message in
    the pipe (the cut then comes right after it)."""
    budget = PageBudget(limits)

    def report(stage: str, n: int) -> None:
        budget.note(stage, n)
        _limit_cpu(start, budget.seconds())
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGXCPU})
        try:
            conn.send(("progress", stage, n))
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGXCPU})

    return report


_AT_REST: dict[int, tuple[int, int]] = {}  # the worker's own limits, restored after each job


def _unlimit() -> None:
    for which, limits in _AT_REST.items():
        resource.setrlimit(which, limits)


def _capped(value: int, hard: int) -> int:
    return value if hard == resource.RLIM_INFINITY else min(value, hard)


def _run_job(
    fn: Callable[..., Any], args: tuple[Any, ...], limits: Limits, conn: Connection
) -> tuple[str, Any]:
    global _in_job
    try:
        _in_job = True
        start = _limit(limits)
        with progress.reporting(_reporter(conn, limits, start)):
            return "ok", fn(*args)
    except _OverCpu:
        return "cpu", None
    except MemoryError:
        return "memory", None
    except Exception as exc:  # the job's own error (a parse error), re-raised in the caller
        return "error", exc
    finally:
        _in_job = False
        _unlimit()


def _serve(conn: Connection, limits: Limits, nice: int, ocr_threads: int = 1) -> None:
    """A worker's life: jobs one at a time until the pipe closes or a job goes over a limit (then it
    exits: state left by an interrupted job is not trusted, and a fresh fork is cheap)."""
    os.nice(nice)  # background work: the request path (and the embedded model) gets the CPU first
    if ocr_threads:
        # Read by libgomp when Tesseract first loads it in this worker (the forkserver never has):
        # Tesseract's own 4 threads per read spin-wait, and on a busy machine a dense page cost 4x
        # the CPU time and 3x the wall time of one thread (bench/ocr_page_cpu.py). The pool's
        # processes are the parallelism; the CPU budget counts every thread.
        os.environ["OMP_THREAD_LIMIT"] = str(ocr_threads)
    _AT_REST.update({which: resource.getrlimit(which) for which in (resource.RLIMIT_CPU, resource.RLIMIT_AS)})
    signal.signal(signal.SIGXCPU, _on_sigxcpu)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        status, value = _run_job(fn, args, limits, conn)
        try:
            conn.send((status, value))
        except Exception as exc:  # an unpicklable error or result
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        if status in ("cpu", "memory"):
            return


# ---- in the server ----------------------------------------------------------------------------------
@dataclass
class _Worker:
    process: Any  # multiprocessing.Process of the forkserver context
    conn: Connection


class PoolClosed(RuntimeError):
    """The server is stopping: its workers are gone."""


class WorkerPool:
    """`size` worker processes; `run` blocks the calling thread until a worker is free and its job is
    done, `submit` waits in the pool's own threads (never the default executor)."""

    def __init__(self, size: int, limits: Limits, nice: int = 19, ocr_threads: int = 1) -> None:
        self.size = size
        self.limits = limits
        self.nice = nice
        self.ocr_threads = ocr_threads  # OpenMP threads of an OCR read in a worker; 0: the library's
        self.replaced = 0  # workers replaced after going over a limit or dying (for logs)
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(list(PRELOAD))
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []  # idle and busy, so that `close` ends them all
        self._waiters = ThreadPoolExecutor(size, thread_name_prefix="siyada-jobs")
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._idle.put(self._start())

    @classmethod
    def from_config(cls, config: WorkersConfig) -> WorkerPool:
        limits = Limits(
            config.cpu_seconds,
            config.memory_mb * 2**20,
            config.wall_seconds,
            config.page_cpu_seconds,
            config.max_cpu_seconds,
        )
        return cls(config.processes, limits, config.nice, config.ocr_threads)

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_serve,
            args=(child, self.limits, self.nice, self.ocr_threads),
            name="siyada-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.append(worker)
        return worker

    def run(self, fn: Callable[..., T], *args: Any, on_progress: progress.Sink | None = None) -> T:
        """Run `fn(*args)` in a worker; its own exceptions are re-raised here, JobTooComplex when it
        went over a limit. Its progress reports (siyada.progress) are handed to `on_progress` here, in
        the calling thread, as they come."""
        worker = self._take()
        healthy = False
        budget = PageBudget(self.limits)
        try:
            status, value = self._exchange(worker, fn, args, budget, on_progress)
            healthy = status not in ("cpu", "memory", "dead", "wall")
        finally:
            self._give_back(worker, healthy)
        if status == "ok":
            return value  # type: ignore[no-any-return]
        if status == "error":
            raise value
        if self._closed:
            raise PoolClosed("the server is stopping")
        raise self._too_complex(status, budget)

    def _take(self) -> _Worker:
        while not self._closed:
            try:
                return self._idle.get(timeout=1)
            except queue.Empty:
                continue
        raise PoolClosed("the server is stopping")

    def _give_back(self, worker: _Worker, healthy: bool) -> None:
        if healthy:
            self._idle.put(worker)
            return
        with self._lock:
            self.replaced += 1
            if worker in self._all:
                self._all.remove(worker)
        _stop(worker)
        if not self._closed:
            log.warning("a worker went over its limits or died; replaced")
            self._idle.put(self._start())

    def _exchange(
        self,
        worker: _Worker,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        budget: PageBudget,
        on_progress: progress.Sink | None,
    ) -> tuple[str, Any]:
        try:
            start = _cpu_of(worker.process.pid)
            worker.conn.send((fn, args))
            deadline = time.monotonic() + self.limits.wall_seconds
            while True:
                if worker.conn.poll(1.0):
                    message = worker.conn.recv()
                    if message[0] != "progress":
                        return message  # type: ignore[no-any-return]
                    budget.note(message[1], message[2])  # the same budget the worker now runs under
                    deadline = time.monotonic() + self.limits.wall_seconds  # not silent: not stuck
                    _tell(on_progress, message[1], message[2])
                    continue
                # Backstops for a job stuck where SIGXCPU cannot reach it (a long C call): its CPU
                # time well past the limit, whatever the load; then a wall-clock limit.
                if _cpu_of(worker.process.pid) - start > budget.seconds() + _CPU_GRACE:
                    return "cpu", None
                if time.monotonic() > deadline:
                    return "wall", None
        except (EOFError, OSError):  # killed: by the kernel (the OOM killer), or by `close`
            return "dead", None

    def _too_complex(self, status: str, budget: PageBudget) -> JobTooComplex:
        if status == "memory":
            return JobTooComplex("memory", f"{self.limits.memory_bytes // 2**20} MiB")
        if status == "wall":
            return JobTooComplex("time", f"{self.limits.wall_seconds:g} s without progress")
        return JobTooComplex("CPU time", budget.describe())

    async def submit(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._waiters, functools.partial(self.run, fn, *args))

    def close(self) -> None:
        """End every worker, busy ones included (their callers get PoolClosed)."""
        self._closed = True
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            _stop(worker)
        self._waiters.shutdown(wait=False, cancel_futures=True)


def _tell(on_progress: progress.Sink | None, stage: str, n: int) -> None:
    if on_progress is None:
        return
    try:
        on_progress(stage, n)
    except Exception:  # a listener's failure is not the job's
        log.exception("a progress listener failed")


_CPU_GRACE = 5.0  # seconds past the CPU limit before the server kills a worker that ignored SIGXCPU
_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int | None) -> float:
    """CPU seconds a process has used (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def _stop(worker: _Worker) -> None:
    # The process first: a thread waiting on its pipe then reads the end of it, not a closed handle.
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(5)
    with contextlib.suppress(OSError):
        worker.conn.close()
