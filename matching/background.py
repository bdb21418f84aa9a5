"""Run one function beside the caller's own work: in a forked process when it pays, else inline.

A county round's allocation takes seconds of one core while ranking and reasons take seconds
of another; forking lets both run at once on a machine with two cores or more. The forked
process inherits the argument (nothing is pickled on the way in, so neither process holds a
second copy of a large problem); only the result comes back through a pipe. Small rounds (and
platforms without fork) simply run the function when its result is asked for.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any


class _Inline:
    def __init__(self, function: Callable, argument: Any) -> None:
        self.function, self.argument = function, argument

    def result(self) -> Any:
        return self.function(self.argument)


def _run_and_send(function: Callable, argument: Any, send: Connection) -> None:
    """In the forked process: send (True, result) or (False, the exception)."""
    try:
        outcome = (True, function(argument))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the caller
        outcome = (False, error)
    send.send(outcome)
    send.close()


class _Forked:
    def __init__(self, function: Callable, argument: Any) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run_and_send, args=(function, argument, send), daemon=True)
        self._process.start()
        send.close()  # the child holds the sending end now; EOF here means it died
        self._done, self._value = False, None

    def result(self) -> Any:
        if not self._done:
            try:
                succeeded, value = self._receive.recv()
            except EOFError:
                self._process.join()
                raise RuntimeError(f"the background process ended without a result (exit code {self._process.exitcode})") from None
            self._receive.close()
            self._process.join()
            if not succeeded:
                raise value
            self._value, self._done = value, True
        return self._value

    def stop(self) -> None:
        """End the process if it still runs (the caller gave up on the result)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()


def _can_fork() -> bool:
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def run_beside(function: Callable, argument: Any, *, large: bool) -> Iterator[_Inline | _Forked]:
    """Start function(argument) in a forked process if `large`; `.result()` waits for it, during the block or after."""
    if not (large and _can_fork()):
        yield _Inline(function, argument)
        return
    forked = _Forked(function, argument)
    try:
        yield forked
    except BaseException:
        forked.stop()
        raise
