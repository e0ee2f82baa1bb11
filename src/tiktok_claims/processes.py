"""Processes the build starts end with it: no orphans when the build is killed.

An out-of-memory killer sends SIGKILL to one process, not its group, so a killed dbt cannot
stop its children. Each child the build starts asks the kernel for SIGKILL when its parent
dies (prctl PR_SET_PDEATHSIG): joblib's loky workers (the model fits; installed once by the
dbt plugin as joblib's default backend), the claim model's forked fit (in_fork), the figure
workers and the publish step.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import time
from pathlib import Path

from joblib import parallel
from joblib._parallel_backends import LokyBackend

_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)  # loaded here: die_with_parent also runs after fork


def die_with_parent(parent: int | None = None) -> None:
    """In a child: get SIGKILL when the parent dies; exit now if it is already gone."""
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the parent died before the prctl took effect
    pause_point("worker")


class _LokyDiesWithParent(LokyBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initializer", die_with_parent)
        kwargs.setdefault("initargs", (os.getpid(),))
        super().__init__(*args, **kwargs)


def use_orphan_safe_workers() -> None:
    """Make joblib's default process pool (loky) one whose workers die with this process."""
    parallel.register_parallel_backend("loky", _LokyDiesWithParent, make_default=True)


def in_fork(function, *args):
    """function(*args) in a forked child that dies with this process; its result (or its
    exception) comes back pickled.

    Why: in a build, dbt's other thread (tests, small models) holds the interpreter lock for
    much of a CPU-heavy Python model's run. A fork inherits the imported libraries and the
    arguments, so it starts at once: the claim model's fit took 4.8-5.5 s instead of 6.4 s in
    fresh builds of the real file. The child must not use DuckDB (its threads are not forked).
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_forked, args=(send, os.getpid(), function, args))
    child.start()
    send.close()
    try:
        status, value = receive.recv()
    except EOFError:
        child.join()
        raise ChildProcessError(
            f"the process running {function.__qualname__} died (exit code {child.exitcode})"
        ) from None
    finally:
        receive.close()
    child.join()
    if status == "error":
        raise value
    return value


def _forked(send, parent: int, function, args) -> None:
    die_with_parent(parent)
    try:
        result = ("ok", function(*args))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        result = ("error", exc)
    try:
        send.send(result)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        what = str(result[1]) if result[0] == "error" else f"{function.__qualname__}: {exc}"
        send.send(("error", RuntimeError(what)))
    send.close()


def pause_point(name: str) -> None:
    """Tests only: with CLAIMS_TEST_PAUSE_AT=<name>, say so in CLAIMS_TEST_PAUSE_FILE and wait.

    The kill tests stop a build at a named point (staging, worker, exports, swap) this way,
    instead of guessing from timings.
    """
    if os.environ.get("CLAIMS_TEST_PAUSE_AT") != name:
        return
    marker = os.environ.get("CLAIMS_TEST_PAUSE_FILE")
    if marker:
        Path(marker).write_text(f"{name} {os.getpid()}\n")
    while True:
        time.sleep(60)
