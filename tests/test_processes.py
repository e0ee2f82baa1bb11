"""in_fork: a function runs in a forked child, and its result or its error comes back."""

from __future__ import annotations

import os
import signal

import numpy as np
import pandas as pd
import pytest

from tiktok_claims.processes import in_fork


def _work(frame: pd.DataFrame, factor: int) -> tuple[int, pd.DataFrame]:
    return os.getpid(), frame * factor


def test_the_result_comes_back_from_another_process():
    frame = pd.DataFrame({"a": np.arange(5), "b": np.linspace(0, 1, 5)})
    pid, result = in_fork(_work, frame, 3)
    assert pid != os.getpid()
    pd.testing.assert_frame_equal(result, frame * 3)


class _Refused(Exception):
    pass


def _refuse() -> None:
    raise _Refused("the saved model was trained on other data")


def test_an_error_in_the_child_is_raised_in_the_parent():
    with pytest.raises(_Refused, match="^the saved model was trained on other data$"):
        in_fork(_refuse)


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle this error")


def _refuse_unpicklably() -> None:
    raise _Unpicklable("a lock inside")


def test_an_error_that_cannot_be_pickled_comes_back_as_its_message():
    with pytest.raises(RuntimeError, match="^a lock inside$"):
        in_fork(_refuse_unpicklably)


def _unsendable():
    return lambda: None  # a lambda cannot be pickled


def test_a_result_that_cannot_be_pickled_is_an_error_naming_the_function():
    with pytest.raises(RuntimeError, match="^_unsendable: "):
        in_fork(_unsendable)


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as an out-of-memory killer would


def test_a_killed_child_is_one_sentence():
    expected = r"^the process running _die died \(exit code -9\)$"
    with pytest.raises(ChildProcessError, match=expected):
        in_fork(_die)
