"""JSON logs: request IDs, job IDs, and no full ID number, phone or SMS body in any line."""

import json
import logging

import pytest

from jobmatch import logs
from tests.conftest import make_test_app
from tests.log_scan import scan_log_file, sms_template_fragments

ID_NUMBER = "52052619810227680X"
PHONE = "13912345678"


@pytest.fixture
def log_file(tmp_path, sqlite_url):
    """An app logging at DEBUG to its own file; the run-wide file is restored afterwards."""
    path = tmp_path / "app.log.jsonl"
    app = make_test_app(sqlite_url, JOBMATCH_LOG_FILE=str(path), LOG_LEVEL="DEBUG")
    yield app, path
    app.extensions["jobmatch.engine"].dispose()
    make_test_app(sqlite_url)  # reinstall the handlers the rest of the run uses


def _lines(path):
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_record_with_phone_id_and_body_is_scrubbed(log_file):
    _app, path = log_file
    logging.getLogger("jobmatch.test").warning(
        "sent to %s for %s", f"+86 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}", ID_NUMBER,
        extra={"body": "【安置点就业服务】张三，明天8点到园区报到", "to": f"+86{PHONE}",
               "detail": {"body": "正文", "id_number": ID_NUMBER}})
    text = path.read_text(encoding="utf-8")
    assert PHONE not in text and ID_NUMBER not in text and "张三" not in text and "正文" not in text
    assert scan_log_file(path) == []
    line = _lines(path)[-1]
    assert line["message"] == "sent to 139****5678 for 520526********680X"
    assert line["body"] == logs.REDACTED and line["to"] == "139****5678"
    assert line["detail"] == {"body": logs.REDACTED, "id_number": "520526********680X"}
    assert line["level"] == "WARNING" and line["logger"] == "jobmatch.test" and "time" in line


def test_traceback_is_scrubbed(log_file):
    _app, path = log_file
    try:
        raise ValueError(f"no person with phone 86{PHONE} or ID {ID_NUMBER}")
    except ValueError:
        logging.getLogger("notifications.test").exception("lookup failed")
    assert scan_log_file(path) == []
    assert "139****5678" in _lines(path)[-1]["exc_info"]


def test_request_id_is_taken_or_made_and_echoed(log_file):
    app, path = log_file
    client = app.test_client()
    response = client.get("/healthz", headers={"X-Request-ID": "req-42"})
    assert response.headers["X-Request-ID"] == "req-42"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert len(made) == 32 and made != "bad id with spaces"
    client.get(f"/healthz?phone={PHONE}")
    requests = [line for line in _lines(path) if line["message"] == "request"]
    assert [r["request_id"] for r in requests[:2]] == ["req-42", made]
    assert requests[0]["path"] == "/healthz" and requests[0]["status"] == 200
    assert scan_log_file(path) == []


def test_job_id_is_added_inside_a_job(log_file, monkeypatch):
    _app, path = log_file
    monkeypatch.setattr(logs, "_current_job_id", lambda: "job-7")
    logging.getLogger("jobmatch.jobs").info("sending")
    assert _lines(path)[-1]["job_id"] == "job-7"


def test_level_comes_from_config(tmp_path, sqlite_url):
    path = tmp_path / "quiet.log"
    make_test_app(sqlite_url, JOBMATCH_LOG_FILE=str(path), LOG_LEVEL="WARNING")
    logging.getLogger("jobmatch.test").info("not written")
    logging.getLogger("jobmatch.test").warning("written")
    make_test_app(sqlite_url)
    assert [line["message"] for line in _lines(path)] == ["written"]


@pytest.mark.parametrize("text, leaks", [
    (f"id {ID_NUMBER}", True), ("id 520526198102276809", True), (f"tel {PHONE}", True),
    (f"tel +86{PHONE}", True), ("tel 139-1234-5678", True), ("tel 008613912345678", True),
    ("order 1234567890123", False), ("id 520526********6809", False), ("tel 139****5678", False),
    ("count 12345678901234567890", False), ("ts 1732550400", False),
    ("request c2d6bbb977c04af48fc16092671398fc", False), (f"电话{PHONE}。", True),
])
def test_scan_patterns(text, leaks):
    assert bool(logs.find_personal_data(text)) is leaks
    assert logs.find_personal_data(logs.scrub_text(text)) == []


def test_scan_finds_leak_without_printing_it(tmp_path):
    path = tmp_path / "leaky.log"
    path.write_text(json.dumps({"message": f"phone {PHONE}"}) + "\n", encoding="utf-8")
    problems = scan_log_file(path)
    assert len(problems) == 1 and PHONE not in problems[0] and "139****5678" in problems[0]


def test_values_a_database_error_quotes_are_scrubbed_and_the_rest_kept(log_file):
    _app, path = log_file
    detail = ("new row for relation \"inbound_messages\" violates check constraint \"kind\"\n"
              "DETAIL:  Failing row contains (7, SM1, +8613912345678, 明天不去了，孩子病了, other).\n"
              "Key (provider_sid)=(SM1 明天不去了) already exists.\n"
              "CONTEXT:  unnamed portal parameter $4 = '明天不去了'")
    try:
        raise RuntimeError(detail)
    except RuntimeError:
        logging.getLogger("jobmatch.test").exception("reply failed")
    exc_text = _lines(path)[-1]["exc_info"]
    assert "明天不去了" not in exc_text
    assert "Failing row contains [redacted]" in exc_text and "Key (provider_sid)=[redacted]" in exc_text
    assert 'violates check constraint "kind"' in exc_text


def test_scan_finds_an_sms_text_without_printing_it(tmp_path):
    path = tmp_path / "leaky.log"
    path.write_text(json.dumps({"message": "sent: 【就业服务】收到，您接受了鑫达电子的普工"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    problems = scan_log_file(path, sms_template_fragments())
    assert len(problems) == 1 and "收到" not in problems[0]
