"""Short links in SMS: /s/<code> opens the offer after sign-in, only for the person it was sent to."""

import re

from sqlalchemy import select

from jobmatch.models import Message
from jobmatch.services.offers.lifecycle import current_settings, offer_message_data
from jobmatch.services.sms.messaging import queue_message
from tests.factories import make_household, make_person, make_sent_offers, make_welding_site

SHARED_PHONE = "+8613985011111"


def _household_sharing_a_phone(session):
    """Head and spouse on one phone; the spouse gets a job offer by SMS. Returns their ids, the offer's and the code."""
    settlement, vacancy, _ = make_welding_site(session, workers=1)
    household = make_household(session, settlement)
    head = make_person(session, household, phone=SHARED_PHONE, relation="户主", name="王大山")
    spouse = make_person(session, household, phone=SHARED_PHONE, relation="配偶", name="李小花", gender="female")
    [offer] = make_sent_offers(session, vacancy, [spouse])
    message = queue_message(session, person_id=spouse.id, kind="job_offer", expects_reply=True, actor="user:1",
                            data=offer_message_data(offer, current_settings()), subject=f"offer:{offer.id}")
    ids = head.id, spouse.id, offer.id, re.search(r"/s/(\w{6}) ", message.body).group(1)
    session.commit()  # plain ids from here: reading expired objects would hold SQLite's lock
    return ids


def _sign_in(client, session, phone, person_id):
    client.post("/w/login", data={"phone": phone})
    body = session.scalar(select(Message.body).where(Message.person_id == person_id, Message.kind == "sign_in_code")
                          .order_by(Message.id.desc()).limit(1))
    session.rollback()
    assert body is not None, "the sign-in code went to someone else"
    entered = client.post("/w/login/code", data={"code": re.search(r"\d{6}", body).group()})
    if entered.headers.get("Location") == "/w/login/who":  # a shared phone: say which member you are
        return client.post("/w/login/who", data={"person_id": str(person_id)})
    return entered


def test_the_link_opens_the_offer_after_signing_in_as_the_person_it_was_sent_to(session, client):
    head, spouse, offer, code = _household_sharing_a_phone(session)
    first = client.get(f"/s/{code}")
    assert first.status_code == 302 and first.headers["Location"].startswith("/w/login")
    client.get(first.headers["Location"])
    # The phone is shared: the code signs in the spouse, whom the link was for, not the head.
    signed_in = _sign_in(client, session, SHARED_PHONE, spouse)
    assert signed_in.headers["Location"] == f"/w/o/{offer}"
    page = client.get(signed_in.headers["Location"])
    assert page.status_code == 200 and "电焊工" in page.get_data(as_text=True)
    # Signed in, the link goes straight to the page.
    assert client.get(f"/s/{code}").headers["Location"] == f"/w/o/{offer}"


def test_another_household_members_link_shows_nothing_of_theirs(session, client):
    head, spouse, offer, code = _household_sharing_a_phone(session)
    _sign_in(client, session, SHARED_PHONE, head)  # the head signs in on the shared phone
    refused = client.get(f"/s/{code}")
    assert refused.status_code == 403
    assert "另一位成员" in refused.get_data(as_text=True)
    assert "电焊工" not in refused.get_data(as_text=True)


def test_one_person_and_page_keep_one_code_and_unknown_codes_are_404(session, client):
    head, spouse, offer, code = _household_sharing_a_phone(session)
    again = queue_message(session, person_id=spouse, kind="confirm_accepted", actor="user:1",
                          data={"employer": "鑫兴", "title": "电焊工", "link": f"offer:{offer}"})
    assert f"/s/{code}" in again.body
    session.rollback()
    assert client.get("/s/zzzzzz").status_code == 404
    assert client.get("/s/0O1lI0").status_code == 404


FAIR_7 = {"fair_name": "五里岗春季专场招聘会", "when": "3月12日", "venue": "五里岗社区广场", "employer_count": 24,
          "link": "fair:7"}


def test_a_fairs_invitations_share_one_link_which_opens_the_fair_for_whoever_signs_in(session, client):
    # The fair page shows each worker their own invitation: one code for all, so one text for all.
    from jobmatch.services.sms.messaging import queue_messages_bulk

    head, spouse, _, _ = _household_sharing_a_phone(session)
    neighbour = make_person(session).id
    ids = queue_messages_bulk(session, [{"person_id": pid, "kind": "fair_invitation", "data": FAIR_7,
                                         "subject": "fair_invitation:7", "expects_reply": True}
                                        for pid in (spouse, neighbour)], actor="user:1")
    bodies = [session.get(Message, message_id).body for message_id in ids]
    session.commit()
    assert bodies[0] == bodies[1]
    code = re.search(r"/s/(\w{6}) ", bodies[0]).group(1)
    assert client.get(f"/s/{code}").headers["Location"].startswith("/w/login")
    _sign_in(client, session, SHARED_PHONE, head)  # the head on the shared phone: the fair is theirs to see too
    assert client.get(f"/s/{code}").headers["Location"] == "/w/fairs/7"
