"""Run one function beside the caller's own work: in a forked process when it pays, else inline.

A county round's allocation takes seconds of one core while ranking and reasons take seconds
of another; forking lets both run at once on a machine with two cores or more. Small rounds
(and platforms without fork) simply run the function when its result is asked for.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class _Inline:
    def __init__(self, function: Callable, argument: Any) -> None:
        self.function, self.argument = function, argument

    def result(self) -> Any:
        return self.function(self.argument)


class _Forked:
    def __init__(self, pool, function: Callable, argument: Any) -> None:
        self._pending = pool.apply_async(function, (argument,))
        self._done, self._value = False, None

    def result(self) -> Any:
        if not self._done:
            self._value, self._done = self._pending.get(), True
        return self._value


def _can_fork() -> bool:
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def run_beside(function: Callable, argument: Any, *, large: bool) -> Iterator[_Inline | _Forked]:
    """Start function(argument) in a forked process if `large`; `.result()` waits for it, during the block or after."""
    if not (large and _can_fork()):
        yield _Inline(function, argument)
        return
    with multiprocessing.get_context("fork").Pool(1) as pool:
        forked = _Forked(pool, function, argument)
        yield forked
        forked.result()  # wait here: leaving the pool ends its process
