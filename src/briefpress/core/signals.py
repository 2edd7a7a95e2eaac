"""Stopping promptly and cleanly: SIGTERM and SIGHUP take the same path as Ctrl-C.

A service manager stops a program with SIGTERM, a closed terminal or CI cancel sends
SIGHUP, and a person presses Ctrl-C. All three must end a command the same way:
worker processes stopped within seconds, half-made files removed, previous outputs
left as they were. Python turns only SIGINT into KeyboardInterrupt, and the
``finally`` and ``except BaseException`` blocks that clean up run only for an
exception, so :func:`interrupt_on_signals` makes the other two raise it as well.

Worker pools come from :func:`worker_pool`: their processes ignore Ctrl-C (the main
process decides, so a terminal is not flooded with one traceback per worker) and are
terminated, not waited for, when the block is left by an exception. A signal also
terminates every open pool at once, which is what stops a pool that runs in a
thread other than the main one (the watcher's rebuilds): that thread's wait then
fails and it ends, and :func:`check_interrupted` stops a thread between two jobs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, InvalidStateError, ProcessPoolExecutor
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
WORKER_GRACE = 3.0  # seconds a terminated worker gets before it is killed

_POOLS: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()
_POOLS_LOCK = threading.RLock()  # re-entered by a signal handler in the main thread
_STOPPING = threading.Event()


def interrupted() -> bool:
    """Whether a stop signal arrived while :func:`interrupt_on_signals` was active."""
    return _STOPPING.is_set()


def check_interrupted() -> None:
    """Raise KeyboardInterrupt in any thread once a stop signal arrived: call between
    jobs, so a thread that cannot receive signals still stops at the next one."""
    if _STOPPING.is_set():
        raise KeyboardInterrupt


def request_stop() -> None:
    """Act on a stop signal: remember it and terminate every open worker pool.

    Safe to call from a signal handler (it runs in the main thread between bytecodes)
    and from a server's own exit handler that has taken the signal over.
    """
    _STOPPING.set()
    with _POOLS_LOCK:
        pools = list(_POOLS)
    for pool in pools:
        terminate_pool(pool)


@contextlib.contextmanager
def interrupt_on_signals() -> Iterator[None]:
    """Within the block, SIGINT, SIGTERM and SIGHUP raise KeyboardInterrupt in the main
    thread; every open :func:`worker_pool` then ends its workers as the exception leaves it.

    Outside the main thread (where Python cannot install handlers) it does nothing.
    The previous handlers come back when the block ends, and the stop flag is cleared.
    A process forked inside the block (a pool worker) that receives one of these
    signals is not interrupted but ends as if no handler were installed.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:  # a forked child that inherited this handler
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        # Only the flag here: the pools are ended by worker_pool's own exit, which the
        # KeyboardInterrupt reaches. Ending them from the handler could deadlock, since
        # the signal may arrive while this very thread holds a pool's lock (in submit).
        _STOPPING.set()
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        _STOPPING.clear()


def _worker_start(initializer: Callable[..., Any] | None, args: tuple[Any, ...]) -> None:
    """First thing in every worker: Ctrl-C is the main process's business, and SIGTERM
    and SIGHUP end the worker at once (whatever handler it inherited by fork)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in STOP_SIGNALS:
        if sig != signal.SIGINT:
            signal.signal(sig, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # forked while they were held back
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if initializer is not None:
        initializer(*args)


@contextlib.contextmanager
def worker_pool(
    workers: int,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[ProcessPoolExecutor]:
    """A process pool that is waited for when its block ends normally and terminated
    (running jobs killed, pending ones failed) when it ends by any exception,
    KeyboardInterrupt included. ``initializer`` runs in each worker after its signals
    are set up (see :func:`_worker_start`)."""
    pool = ProcessPoolExecutor(workers, initializer=_worker_start, initargs=(initializer, initargs))
    with _POOLS_LOCK:
        _POOLS.add(pool)
    try:
        yield pool
    except BaseException:
        terminate_pool(pool)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        with _POOLS_LOCK:
            _POOLS.discard(pool)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Within the block, stop signals wait; they are acted on as it ends.

    Starting a worker forks this process, and Python runs at-fork hooks (logging's lock,
    for one) in which a KeyboardInterrupt raised by the stop handler is printed as
    "Exception ignored" and then lost. Held back, the signal is handled just after.
    The workers unblock them at once (see :func:`_worker_start`)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


POLL = 0.2  # seconds between two looks at the stop flag while a job runs


def results_in_order(pool: Executor, function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """``pool.map``, but a stop signal ends the wait within :data:`POLL` seconds.

    A KeyboardInterrupt raised by the signal handler can be swallowed where Python
    ignores exceptions (an at-fork hook while a worker starts, a finaliser), and a thread
    other than the main one never receives it: a plain ``map`` would then wait for every
    remaining job. Here the waiting thread looks at the stop flag between short waits
    and raises KeyboardInterrupt itself. Jobs not yet started are cancelled on the way out.
    """
    with signals_held():  # submitting starts the workers: no stop inside a fork
        futures = [pool.submit(function, item) for item in items]
    try:
        for future in futures:
            while True:
                check_interrupted()
                try:
                    yield future.result(timeout=POLL)
                    break
                except TimeoutError:
                    continue
    finally:
        for future in futures:
            future.cancel()


def _quiet_cancelled_jobs(args: threading.ExceptHookArgs) -> None:
    """Python 3.11's pool thread, failing the jobs of a pool whose workers were ended,
    raises InvalidStateError for each job a caller had already cancelled (Executor.map
    cancels the rest when it is left early) and prints a traceback: harmless, as those
    jobs never run, but alarming on a terminal after Ctrl-C. Only that one is silenced."""
    if isinstance(args.exc_value, InvalidStateError) and type(args.thread).__name__ == (
        "_ExecutorManagerThread"
    ):
        return
    _DEFAULT_EXCEPTHOOK(args)


_DEFAULT_EXCEPTHOOK = threading.excepthook


def terminate_pool(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now (SIGTERM, then SIGKILL for any still alive after
    :data:`WORKER_GRACE` seconds); its pending jobs then fail and never start."""
    # ProcessPoolExecutor has no public way to stop its workers before Python 3.14
    # (terminate_workers); its table of worker processes has been stable since 3.2.
    threading.excepthook = _quiet_cancelled_jobs
    # The thread that feeds jobs to the workers may be stuck writing a job into a pipe
    # that no worker will read again; joining it (as the pool does when it breaks, and
    # Python at exit) would then wait forever. It is a daemon thread: let it go.
    with contextlib.suppress(Exception):
        pool._call_queue.cancel_join_thread()  # type: ignore[attr-defined]
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(WORKER_GRACE)
            if process.is_alive():
                process.kill()
                process.join(WORKER_GRACE)
    # Jobs not yet started are failed by the pool itself (BrokenProcessPool) once it sees
    # its workers gone; cancelling them here as well would race with that.
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=False)
