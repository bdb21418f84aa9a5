"""The allocation can run in a second process beside the ranking, with the same result."""
import os

import numpy as np
import pytest

from matching.background import run_beside


def _pid_and_square(values):
    return os.getpid(), values**2


def test_a_large_job_runs_in_another_process_and_returns_its_result():
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the job runs inline")
    with run_beside(_pid_and_square, np.arange(4), large=True) as pending:
        pass
    pid, squares = pending.result()
    assert pid != os.getpid() and squares.tolist() == [0, 1, 4, 9]


def test_a_small_job_runs_inline():
    with run_beside(_pid_and_square, np.arange(3), large=False) as pending:
        pid, squares = pending.result()
    assert pid == os.getpid() and squares.tolist() == [0, 1, 4]


def _fail(_):
    raise ValueError("bad input")


def test_an_error_in_the_other_process_reaches_the_caller():
    with pytest.raises(ValueError, match="bad input"):
        with run_beside(_fail, None, large=True) as pending:
            pending.result()


def _large_result_from_inherited(values):
    return os.getpid(), values.sum(), np.ones(3_000_000, dtype=bool)


def test_a_large_argument_is_inherited_and_a_large_result_comes_back():
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the job runs inline")
    values = np.arange(10_000_000)  # 80 MB, inherited by the fork rather than pickled
    with run_beside(_large_result_from_inherited, values, large=True) as pending:
        pid, total, mask = pending.result()
    assert pid != os.getpid() and total == values.sum() and mask.all() and len(mask) == 3_000_000


def _die(_):
    os._exit(3)


def test_a_process_that_dies_says_so():
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the job runs inline")
    with pytest.raises(RuntimeError, match="exit code 3"):
        with run_beside(_die, None, large=True) as pending:
            pending.result()


def _sleep_long(_):
    import time

    time.sleep(60)


def test_when_the_caller_fails_the_background_process_is_ended():
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the job runs inline")
    with pytest.raises(KeyError):
        with run_beside(_sleep_long, None, large=True) as pending:
            raise KeyError("the ranking failed")
    assert not pending._process.is_alive()
