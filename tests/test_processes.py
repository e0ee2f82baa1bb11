"""Workers: a function runs in another process, and its result or its error comes back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tiktok_claims.processes import Job, in_worker


def _work(frame: pd.DataFrame, factor: int) -> tuple[int, pd.DataFrame]:
    return os.getpid(), frame * factor


def test_the_result_comes_back_from_another_process():
    frame = pd.DataFrame({"a": np.arange(5), "b": np.linspace(0, 1, 5)})
    pid, result = in_worker(_work, frame, 3)
    assert pid != os.getpid()
    pd.testing.assert_frame_equal(result, frame * 3)


def test_a_function_named_by_module_runs_there():
    assert in_worker("os:getpid") != os.getpid()
    assert in_worker("math:fsum", [0.1] * 10) == 1.0
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        in_worker("os:nothing")


def test_a_duckdb_relation_is_read_here_and_arrives_as_pandas():
    with duckdb.connect() as con:
        relation = con.sql("select range as a from range(4)")
        frame = in_worker("pandas:DataFrame", relation)
    assert isinstance(frame, pd.DataFrame)
    assert frame["a"].tolist() == [0, 1, 2, 3]


def test_the_worker_sees_the_callers_environment_now(monkeypatch):
    in_worker("os:getpid")  # the server is running with the environment it started with
    monkeypatch.setenv("TIKTOK_CLAIMS_TEST_VALUE", "set after the server started")
    assert in_worker("os:getenv", "TIKTOK_CLAIMS_TEST_VALUE") == "set after the server started"
    job = Job("os:getenv", ("TIKTOK_CLAIMS_TEST_VALUE",), env={"TIKTOK_CLAIMS_TEST_VALUE": "x"})
    assert job.result() == "x"


class _Refused(Exception):
    pass


def _refuse() -> None:
    raise _Refused("the saved model was trained on other data")


def test_an_error_in_the_worker_is_raised_in_the_caller():
    with pytest.raises(_Refused, match="^the saved model was trained on other data$"):
        in_worker(_refuse)


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle this error")


def _refuse_unpicklably() -> None:
    raise _Unpicklable("a lock inside")


def test_an_error_that_cannot_be_pickled_comes_back_as_its_message():
    with pytest.raises(RuntimeError, match="^a lock inside$"):
        in_worker(_refuse_unpicklably)


def _unsendable():
    return lambda: None  # a lambda cannot be pickled


def test_a_result_that_cannot_be_pickled_is_an_error_naming_the_function():
    with pytest.raises(RuntimeError, match="^_unsendable: "):
        in_worker(_unsendable)


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as an out-of-memory killer would


def test_a_killed_worker_is_one_sentence():
    expected = r"^the process running _die died \(exit code -9\)$"
    with pytest.raises(ChildProcessError, match=expected):
        in_worker(_die)


def test_kill_ends_a_running_job():
    job = Job("time:sleep", (60,))
    started = time.monotonic()
    job.kill()
    assert time.monotonic() - started < 10
    assert job._process.exitcode == -signal.SIGKILL


CALLER = """
import sys
from tiktok_claims.processes import Job
job = Job("time:sleep", (60,))
print(job._process.pid, flush=True)
sys.stdin.read()
"""


def _running(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_worker_ends_when_its_caller_is_killed():
    caller = subprocess.Popen(
        [sys.executable, "-c", CALLER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    worker = int(caller.stdout.readline())
    assert _running(worker)
    caller.kill()  # SIGKILL: no clean-up of its own
    caller.wait()
    deadline = time.monotonic() + 10
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(worker)


def test_the_server_preloads_what_the_main_script_imports(tmp_path, monkeypatch):
    import types

    from tiktok_claims.processes import _main_imports

    script = tmp_path / "tool"
    script.write_text(
        "import re, sys\nfrom dbt.cli.main import cli\nfrom . import nothing\n"
        "if __name__ == '__main__':\n    import json\n    sys.exit(cli())\n"
    )
    main = types.ModuleType("__main__")
    main.__file__, main.__spec__ = str(script), None
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert _main_imports() == ["re", "sys", "dbt.cli.main"]
    main.__spec__ = types.SimpleNamespace(name="tiktok_claims.__main__")  # python -m
    assert _main_imports() == []


def test_makes_dbt_is_dbts_command_line():
    """`python -m tiktok_claims.run_dbt` (make's builds): dbt's usage and exit status."""

    def run(*args):
        command = [sys.executable, "-m", "tiktok_claims.run_dbt", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    helped = run("build", "--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith("Usage: dbt build")
    wrong = run("build", "--no-such-option")
    assert wrong.returncode == 2
    assert "No such option '--no-such-option'" in wrong.stderr


def test_makes_dbt_ends_as_sys_exit_would_without_the_teardown():
    """Exit handlers run and buffered output arrives; the status is the one dbt gave."""
    code = (
        "import atexit, sys; from tiktok_claims.run_dbt import _exit_now; "
        "atexit.register(print, 'handler ran'); print('buffered', end=''); _exit_now(3)"
    )
    ended = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert ended.returncode == 3
    assert ended.stdout == "bufferedhandler ran\n"
    ended = subprocess.run(
        [sys.executable, "-c", "from tiktok_claims.run_dbt import _exit_now; _exit_now('no')"],
        capture_output=True,
        text=True,
    )
    assert (ended.returncode, ended.stderr) == (1, "no\n")
