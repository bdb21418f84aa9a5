"""Answers go to the area their ask names; an ask no area answers is an error, not skipped."""

import pytest
from sqlalchemy import func, select

from jobmatch.models import LedgerEvent, Message
from jobmatch.services import answers
from jobmatch.services.sms.messaging import queue_message
from tests.factories import make_person
from tests.sms.test_sms_support import OFFER_DATA


def _ask(session, person, subject):
    message = queue_message(session, person_id=person.id, kind="job_offer", data=OFFER_DATA,
                            subject=subject, expects_reply=True, actor="user:1")
    message.status = "sent"
    session.flush()
    return message


def test_an_answer_to_an_ask_no_area_takes_is_refused_and_leaves_the_ask_open(app, session):
    with app.app_context():
        person = make_person(session)
        ask = _ask(session, person, "lottery:3")
        with pytest.raises(answers.UnknownSubject, match="lottery"):
            answers.answer_ask(session, person.id, ask.id, True, via="sms")
    assert session.get(Message, ask.id).answered_at is None
    assert session.scalar(select(func.count()).select_from(LedgerEvent)
                          .where(LedgerEvent.kind == "sms_answered")) == 0

