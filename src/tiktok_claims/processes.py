"""Worker processes for the Python models and the publish step, and no orphans: the processes
the build starts end with it.

The Python models' work (the claim fit, the tests, the logit) and the figures run in worker
processes (Job, in_worker) forked from a server that imported their libraries once.

An out-of-memory killer sends SIGKILL to one process, not its group, so a killed dbt cannot
stop its children. Each child the build starts asks the kernel for SIGKILL when its parent
dies (prctl PR_SET_PDEATHSIG): the workers (whose parent is the server; each also ends itself
when its caller's end of the connection closes, since the server outlives a dead dbt while a
worker runs), joblib's loky workers (installed once by the dbt plugin as joblib's default
backend) and the figure workers.
"""

from __future__ import annotations

import ast
import contextlib
import ctypes
import importlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from multiprocessing import forkserver
from pathlib import Path

from joblib import parallel
from joblib._parallel_backends import LokyBackend

from tiktok_claims.frames import tables_to_pandas

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


# What the workers run, imported once by their server (start_workers)
WORKER_MODULES = (
    "tiktok_claims.ml.train",
    "tiktok_claims.ml.verified_logit",
    "tiktok_claims.ml.versions",
    "tiktok_claims.stats.hypothesis",
    "tiktok_claims.cli",
    "tiktok_claims.figures",
)


def start_workers() -> None:
    """Start the workers' server (multiprocessing's forkserver) if it is not running: it
    imports WORKER_MODULES, and each worker is a fork of it that starts at once.

    Why: dbt runs Python models in its own process, on threads that share one interpreter
    lock. Importing scikit-learn, statsmodels and SciPy there took 2.2 s before the first node
    of a build, and a CPU-heavy model held the lock against dbt's other thread. The dbt
    plugin starts the server while dbt stages the data.
    """
    preload = [*WORKER_MODULES, *_main_imports()]
    multiprocessing.get_context("forkserver").set_forkserver_preload(preload)
    forkserver.ensure_running()


def _main_imports() -> list[str]:
    """The modules this process's main script imports. Each worker runs that script again (as
    __mp_main__; its `if __name__ == "__main__"` part is skipped), so the server imports them
    first: for dbt's CLI, 1.3 s a worker otherwise."""
    main = sys.modules["__main__"]
    if getattr(main, "__spec__", None) is not None or not getattr(main, "__file__", None):
        return []  # `python -m` or `-c`: no script is run again
    names = []
    for node in ast.parse(Path(main.__file__).read_text()).body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


class Job:
    """function(*args, **kwargs) running in a worker process that dies with this one.

    `function` is a callable or "module:name" (then this process never imports the module).
    Table arguments (a DuckDB relation, a Spark DataFrame) are read into pandas here: the
    worker has no database connection. It sees this process's environment, updated by `env`.
    """

    def __init__(self, function, args=(), kwargs=None, env=None):
        self.name = _name(function)
        args, kwargs = tables_to_pandas(args, kwargs or {})
        start_workers()
        context = multiprocessing.get_context("forkserver")
        # duplex: the worker watches its end, which closes when this process dies
        self._receive, send = context.Pipe()
        environment = {**os.environ, **(env or {})}
        self._process = context.Process(
            target=_run, args=(send, function, args, kwargs, environment)
        )
        self._process.start()
        send.close()

    def result(self):
        """The function's return value; its exception, raised here; ChildProcessError if the
        worker died."""
        try:
            status, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise ChildProcessError(
                f"the process running {self.name} died (exit code {self._process.exitcode})"
            ) from None
        finally:
            self._receive.close()
        self._process.join()
        if status == "error":
            raise value
        return value

    def kill(self) -> None:
        self._process.kill()
        self._process.join()
        self._receive.close()


def _name(function) -> str:
    return function.split(":")[-1] if isinstance(function, str) else function.__qualname__


def in_worker(function, *args, **kwargs):
    """function(*args, **kwargs) in a worker process (Job); its result comes back pickled."""
    return Job(function, args, kwargs).result()


def _run(send, function, args, kwargs, environment) -> None:
    # The server outlives its clients while a worker runs (each worker holds its "alive"
    # pipe open), so a worker ends itself when the caller goes.
    threading.Thread(target=_exit_when_closed, args=(send,), daemon=True).start()
    die_with_parent(os.getppid())  # the server
    os.environ.clear()
    os.environ.update(environment)
    try:
        if isinstance(function, str):
            module, _, attribute = function.partition(":")
            function = getattr(importlib.import_module(module), attribute)
        result = ("ok", function(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        result = ("error", exc)
    try:
        send.send(result)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        what = str(result[1]) if result[0] == "error" else f"{_name(function)}: {exc}"
        send.send(("error", RuntimeError(what)))
    send.close()


def _exit_when_closed(connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        connection.recv()  # the caller sends nothing: this returns when its end closes
    os._exit(1)


_IMPORTING = threading.Lock()


def imported(module: str):
    """importlib.import_module, one thread at a time: two dbt threads importing scikit-learn
    for the first time at once fail ("partially initialized module")."""
    with _IMPORTING:
        return importlib.import_module(module)


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
