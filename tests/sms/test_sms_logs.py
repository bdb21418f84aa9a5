"""A database error while a reply is handled is logged without the text of the SMS (issue 12, finding 10)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import make_test_app
from tests.sms.test_sms_support import fake_twilio, make_person, twilio_config  # noqa: F401  (fixtures)
from tests.support.fake_twilio import DEFAULT_AUTH_TOKEN, sign_twilio_request

BODY = "孩子生病了，这周去不了工地，下周可以"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_reply_that_hits_a_database_error_leaves_its_text_out_of_the_log(database_url, fake_twilio):
    # As in production: the error is logged and answered 500, not raised into the test.
    app = make_test_app(database_url, PROPAGATE_EXCEPTIONS=False, **twilio_config(fake_twilio))
    log_file = Path(os.environ["JOBMATCH_LOG_FILE"])
    with app.app_context(), app.extensions["jobmatch.sessionmaker"]() as session:
        person = make_person(session)
        session.commit()
        phone = person.phone
    # A provider id longer than its column: PostgreSQL refuses the row that holds the text.
    params = {"From": phone, "To": "+15005550006", "Body": BODY, "MessageSid": "SM" + "9" * 80, "AccountSid": "AC1"}
    url = "http://jobmatch.test/sms/inbound"
    headers = {"X-Twilio-Signature": sign_twilio_request(DEFAULT_AUTH_TOKEN, url, params)}
    logged_before = log_file.stat().st_size

    response = app.test_client().post(urlsplit(url).path, data=params, headers=headers)

    with open(log_file, encoding="utf-8") as log:
        log.seek(logged_before)
        logged = log.read()
    app.extensions["jobmatch.engine"].dispose()
    assert response.status_code == 500
    assert "StringDataRightTruncation" in logged  # the error is in the log, for whoever debugs it
    assert BODY not in logged and "孩子生病了" not in logged
