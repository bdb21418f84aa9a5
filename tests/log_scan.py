"""Pytest plugin: the whole test run logs to one file, which must hold no full ID number or phone.

At start (in the controller, before xdist starts its workers, who inherit the
environment) JOBMATCH_LOG_FILE points at a fresh file and LOG_LEVEL is DEBUG, so every
app the tests create writes there at its most talkative. At the end the controller
scans the file and fails the run if any line holds a full ID number or mobile number.
"""

import os
import tempfile
from pathlib import Path

import pytest

def scan_log_file(path: Path) -> list[str]:
    """One description per leak: the line number and a masked preview, never the number itself."""
    from jobmatch.logs import find_personal_data, scrub_text

    problems = []
    with open(path, encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if find_personal_data(line):
                problems.append(f"{path}:{number}: {scrub_text(line.strip())[:200]}")
    return problems


def _is_xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config):
    if _is_xdist_worker(config) or os.environ.get("JOBMATCH_LOG_FILE"):
        return
    directory = Path(tempfile.mkdtemp(prefix="jobmatch-test-logs-"))
    path = directory / "test-run.log.jsonl"
    path.touch()
    os.environ["JOBMATCH_LOG_FILE"] = str(path)
    os.environ.setdefault("LOG_LEVEL", "DEBUG")
    config._jobmatch_log_scan_file = path


def pytest_sessionfinish(session, exitstatus):
    path = getattr(session.config, "_jobmatch_log_scan_file", None)
    if path is None or _is_xdist_worker(session.config) or not path.exists():
        return
    problems = scan_log_file(path)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if problems:
        if reporter:
            reporter.write_sep("=", f"personal data in the logs of this run ({len(problems)} lines)", red=True)
            for problem in problems[:50]:
                reporter.write_line(problem)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif reporter:
        lines = sum(1 for _ in open(path, encoding="utf-8", errors="replace"))
        reporter.write_line(f"log scan: {lines} log lines of this run, no full ID number or phone ({path})")
