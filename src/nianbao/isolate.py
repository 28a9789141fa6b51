"""Run a function over inputs in child processes, so that no input can take the caller down with it.

    >>> sorted(map_isolated(abs, [-1, 2], workers=1))
    [(0, 1), (1, 2)]

A reader of untrusted files can die in ways Python cannot catch: a native
library aborts (a Rust allocation failure is SIGABRT, exit 134), the kernel
kills it for memory (SIGKILL), or it runs on without end. Here each worker is a
process; the parent watches every worker's pipe and its process sentinel, so
a worker's death is seen at once and blamed on exactly the input it was
working on (``Died``), the inputs queued behind it go to a fresh worker, and
an input that runs past ``timeout`` has its worker killed. Each worker's
address space is capped (``memory``) where the system allows it, so a runaway
allocation fails in the worker instead of pushing the machine into swap.

multiprocessing.Pool hangs for ever when a worker dies, and
concurrent.futures marks every pending input broken without saying which one
killed it; both are why this module exists.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

TIMEOUT = 120.0  # seconds for one input; a report takes milliseconds, a loaded machine a few seconds
MEMORY = 2 << 30  # bytes a worker may add to its address space; a report needs a few MB
DEPTH = 4  # inputs sent ahead to each worker, so it never waits for the parent


@dataclass(frozen=True)
class Died:
    """The worker died or was stopped on this input; ``reason`` says how, in Chinese."""

    reason: str
    signal: int | None = None


@dataclass(frozen=True)
class Raised:
    """The function raised ``error`` on this input (sent back from the worker)."""

    error: BaseException


def death_reason(exitcode: int | None, timed_out: float | None = None) -> Died:
    if timed_out is not None:
        return Died(f"读取超过{timed_out:.0f}秒仍未完成，已停止（文件可能构造异常）", signal.SIGKILL)
    if exitcode is not None and exitcode < 0:
        sig = -exitcode
        if sig == signal.SIGABRT:
            why = "读取程序异常中止（原生代码崩溃或内存分配失败，SIGABRT）"
        elif sig == signal.SIGKILL:
            why = "读取进程被系统终止（通常是内存不足，SIGKILL）"
        elif sig == getattr(signal, "SIGSEGV", None):
            why = "读取程序崩溃（SIGSEGV）"
        else:
            why = f"读取进程被信号{signal.Signals(sig).name}终止"
        return Died(why, sig)
    return Died(f"读取进程意外退出（退出码{exitcode}）")


def _cap_memory(extra: int | None) -> None:
    if not extra:
        return
    # Where there is no /proc or no RLIMIT_AS (macOS, Windows) the worker runs uncapped: the bounds
    # checked before parsing still hold, and a worker that dies is still one file's 无法读取.
    with contextlib.suppress(ImportError, OSError, ValueError, AttributeError):
        import resource

        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = size + extra
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker(fn: Callable[[Any], Any], conn: Connection, memory: int | None) -> None:
    # Ctrl-C reaches the whole process group; the parent alone handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A native crash writes a backtrace to stderr ("memory allocation of … bytes failed"); the parent
    # says what happened in words, so the user's terminal gets no Rust noise.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    faulthandler.disable()  # a parent's (pytest's) crash dumper writes to its own copy of stderr
    _cap_memory(memory)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, item = message
        try:
            out: Any = (index, fn(item))
        except BaseException as e:  # sent back as it is; the parent decides what it means
            out = (index, Raised(e))
        try:
            conn.send(out)
        except Exception as e:  # an unpicklable result or error: say what it was
            conn.send((index, Raised(RuntimeError(f"{type(e).__name__}: {e}"))))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    inflight: deque[int] = field(default_factory=deque)
    since: float = 0.0  # when the input at the front of inflight started


def _context(fn: Callable[..., Any], preload: Iterable[str] = ()) -> Any:
    """fork where available: workers start in milliseconds and inherit the imported modules. A process
    running threads (the web portal's server) must not fork (a lock another thread holds would stay
    locked in the child): there workers come from a fork server that has imported ``fn``'s module and
    ``preload`` once (what ``fn`` imports lazily, else every worker imports it again: 0.3 s a file)."""
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        module = getattr(fn, "__module__", None) or getattr(getattr(fn, "func", None), "__module__", None)  # a partial
        ctx.set_forkserver_preload([m for m in (__name__, module, *preload) if m])  # __name__: _worker itself
        return ctx
    return mp.get_context()


class _Pool(Generic[T]):
    def __init__(self, fn: Callable[[T], Any], workers: int, memory: int | None, preload: Iterable[str] = ()):
        self.ctx = _context(fn, preload)
        self.fn, self.memory = fn, memory
        self.workers: list[_Worker] = []
        self.size = workers

    def start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=_worker, args=(self.fn, child, self.memory), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def stop(self, worker: _Worker, kill: bool = False) -> None:
        if kill and worker.process.is_alive():
            worker.process.kill()
        with contextlib.suppress(OSError, ValueError):
            worker.conn.send(None)
        worker.conn.close()
        worker.process.join(5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        if worker in self.workers:
            self.workers.remove(worker)

    def close(self) -> None:
        for worker in list(self.workers):
            self.stop(worker, kill=bool(worker.inflight))


def map_isolated(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int = 1,
    timeout: float | None = TIMEOUT,
    memory: int | None = MEMORY,
    preload: Iterable[str] = (),
) -> Iterator[tuple[int, R | Died | Raised]]:
    """``(index, fn(item))`` for every item, in the order they finish, each computed in a worker process.

    An item whose worker died (or ran past ``timeout`` seconds) comes back as ``Died``; one on which
    ``fn`` raised comes back as ``Raised``. Every index comes back exactly once. ``fn`` must be a
    module-level function where processes are spawned rather than forked (Windows, macOS).
    """
    todo = list(items)
    pending: deque[int] = deque(range(len(todo)))
    if not todo:
        return
    pool: _Pool[T] = _Pool(fn, max(1, min(workers, len(todo))), memory, preload)
    # Forked workers share the parent's heap; a garbage collection in a worker would walk (and so copy)
    # every inherited object. Freezing keeps the collector to what the worker itself creates.
    gc.freeze()
    try:
        for _ in range(pool.size):
            pool.start()
        left = len(todo)
        while left:
            now = time.monotonic()
            for w in list(pool.workers):
                while pending and len(w.inflight) < DEPTH:
                    index = pending.popleft()
                    if not w.inflight:
                        w.since = now
                    w.inflight.append(index)
                    try:
                        w.conn.send((index, todo[index]))
                    except OSError:  # it died since we last looked (its sentinel says so below); not sent
                        w.inflight.pop()
                        pending.appendleft(index)
                        break
            waits = [w.since + timeout - now for w in pool.workers if w.inflight and timeout is not None]
            ready = wait([w.conn for w in pool.workers] + [w.process.sentinel for w in pool.workers],
                         timeout=max(0.0, min(waits)) if waits else None)
            now = time.monotonic()
            for w in list(pool.workers):
                dead = w.process.sentinel in ready
                if w.conn in ready or dead:
                    # Everything the worker sent counts, also what it sent just before it died.
                    while _poll(w.conn):
                        try:
                            index, result = w.conn.recv()
                        except (EOFError, OSError):
                            dead = True
                            break
                        w.inflight.remove(index)
                        w.since = now
                        left -= 1
                        yield index, result
                late = timeout is not None and bool(w.inflight) and now - w.since > timeout
                if dead or late:
                    if late:
                        w.process.kill()
                    w.process.join(5)
                    culprit = w.inflight.popleft() if w.inflight else None
                    pending.extendleft(reversed(w.inflight))
                    w.inflight.clear()
                    exitcode = w.process.exitcode
                    pool.stop(w)
                    if culprit is not None:
                        left -= 1
                        yield culprit, death_reason(exitcode, timeout if late else None)
                    if pending or len(pool.workers) == 0 and left:
                        pool.start()
    finally:
        pool.close()
        gc.unfreeze()


def _poll(conn: Connection) -> bool:
    try:
        return conn.poll()
    except (EOFError, OSError):
        return False


def can_isolate() -> bool:
    """Whether workers start cheaply here (fork). Where they must be spawned (Windows), starting one per
    file costs a second, and callers read in their own process, still bounded before parsing."""
    return "fork" in mp.get_all_start_methods()


def call_isolated(fn: Callable[[T], R], item: T, *, timeout: float | None = TIMEOUT, memory: int | None = MEMORY,
                  preload: Iterable[str] = ()) -> R | Died | Raised:
    """``fn(item)`` in a child process: its result, or how it died (``Died``) or what it raised (``Raised``).

    ``preload`` names modules ``fn`` imports lazily that a fork server should import once (see _context).
    """
    for _, result in map_isolated(fn, [item], workers=1, timeout=timeout, memory=memory, preload=preload):
        return result
    raise AssertionError("unreachable: one item gives one result")
