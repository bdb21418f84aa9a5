"""Pytest plugin: the whole test run logs to one file, which must hold no full ID number, phone
or SMS text.

At start (in the controller, before xdist starts its workers, who inherit the
environment) JOBMATCH_LOG_FILE points at a fresh file and LOG_LEVEL is DEBUG, so every
app the tests create writes there at its most talkative. Every process notes the free-text
SMS bodies the tests receive (stored as InboundMessage rows) in a file beside it. At the
end the controller scans the log and fails the run if any line holds a full ID number or
mobile number, a received body, the fixed wording of an SMS the service sends, or an openid or
access token the fake WeChat handed out.
"""

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import event

# Received texts shorter than this ("1", "TD", "帮助") are too common to mean a leak.
MIN_BODY_LENGTH = 4
# A stretch of a Chinese SMS template between its fields, long enough to be its own.
MIN_TEMPLATE_FRAGMENT = 6

def scan_log_file(path: Path, sms_texts: list[str] = ()) -> list[str]:
    """One description per leak: the line number and a masked preview, never the number or text itself."""
    from jobmatch.logs import find_personal_data, scrub_text

    problems = []
    with open(path, encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if find_personal_data(line):
                problems.append(f"{path}:{number}: {scrub_text(line.strip())[:200]}")
            elif any(text in line for text in sms_texts):
                problems.append(f"{path}:{number}: an SMS text ({_where(line)})")
    return problems


def _where(line: str) -> str:
    """The logger and time of a JSON log line, to find it by, without its text."""
    try:
        record = json.loads(line)
    except ValueError:
        return "not a JSON line"
    return f"logger {record.get('logger', '?')}, {record.get('time', '?')}"


def sms_template_fragments() -> list[str]:
    """The fixed wording of every Chinese SMS the service sends, between its fields."""
    from notifications.template_table import load_table

    fragments = set()
    for template in load_table().templates.values():
        for piece in re.split(r"\{[a-z_]+\}", template.texts["zh"]):
            piece = piece.strip("，。：、 ")
            if len(piece) >= MIN_TEMPLATE_FRAGMENT and re.search(r"[\u4e00-\u9fff]", piece):
                fragments.add(piece)
    return sorted(fragments)


def _bodies_file(log_file: Path) -> Path:
    return log_file.with_name("received-sms-bodies.txt")


def received_bodies(log_file: Path) -> list[str]:
    path = _bodies_file(log_file)
    if not path.exists():
        return []
    return sorted({line for line in path.read_text(encoding="utf-8").split("\n") if line})


def _note_received_bodies(log_file: Path) -> None:
    """Write every free-text SMS body a test stores (this process) to the file beside the log."""
    from jobmatch.models import InboundMessage
    from notifications.replies import ReplyKind, classify_reply

    bodies = _bodies_file(log_file)

    @event.listens_for(InboundMessage, "before_insert")
    def _note(_mapper, _connection, inbound):
        text = " ".join((inbound.body or "").split())
        if len(text) >= MIN_BODY_LENGTH and classify_reply(text).kind is ReplyKind.OTHER:
            with open(bodies, "a", encoding="utf-8") as out:
                out.write(text + "\n")


def wechat_secrets(log_file: Path) -> list[str]:
    """Every openid and access token the fake WeChat handed out in this run (tests/support/fake_wechat.py)."""
    path = log_file.with_name("wechat-secrets.txt")
    if not path.exists():
        return []
    return sorted({line for line in path.read_text(encoding="utf-8").split("\n") if line})


def _is_xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config):
    if _is_xdist_worker(config) or os.environ.get("JOBMATCH_LOG_FILE"):
        if os.environ.get("JOBMATCH_LOG_FILE"):
            _note_received_bodies(Path(os.environ["JOBMATCH_LOG_FILE"]))
        return
    directory = Path(tempfile.mkdtemp(prefix="jobmatch-test-logs-"))
    path = directory / "test-run.log.jsonl"
    path.touch()
    os.environ["JOBMATCH_LOG_FILE"] = str(path)
    os.environ.setdefault("LOG_LEVEL", "DEBUG")
    config._jobmatch_log_scan_file = path
    _note_received_bodies(path)


def pytest_sessionfinish(session, exitstatus):
    path = getattr(session.config, "_jobmatch_log_scan_file", None)
    if path is None or _is_xdist_worker(session.config) or not path.exists():
        return
    problems = scan_log_file(path, sms_template_fragments() + received_bodies(path) + wechat_secrets(path))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if problems:
        if reporter:
            reporter.write_sep("=", f"personal data or SMS texts in the logs of this run ({len(problems)} lines)",
                               red=True)
            for problem in problems[:50]:
                reporter.write_line(problem)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif reporter:
        lines = sum(1 for _ in open(path, encoding="utf-8", errors="replace"))
        reporter.write_line(f"log scan: {lines} log lines of this run, no full ID number, phone or SMS text ({path})")
