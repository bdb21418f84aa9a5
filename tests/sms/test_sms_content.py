"""Who an SMS is from and whom to call: the county's signature, the settlement's office phone,
and the template table printed for filing."""

from sqlalchemy import select

from jobmatch.models import Message
from jobmatch.services.sms.inbound import receive_reply
from jobmatch.services.sms.messaging import queue_message
from jobmatch.services.sms.sender_settings import set_contact_phone, set_signature
from tests.factories import make_county, make_household, make_person, make_settlement
from tests.web.helpers import add_user, login


def _person(session, **county_fields):
    county = make_county(session, **county_fields)
    settlement = make_settlement(session, county)
    return county, settlement, make_person(session, make_household(session, settlement))


def _help_reply(session, person):
    receive_reply(session, from_phone=person.phone, body="0", provider_sid=f"SM-help-{person.id}")
    return session.scalar(select(Message.body).where(Message.person_id == person.id, Message.kind == "help"))


def test_the_help_reply_gives_the_settlements_office_phone(session):
    county, settlement, person = _person(session)
    set_contact_phone(session, settlement.id, "0857-6221234", actor="user:1")
    assert "有问题请打社区电话0857-6221234" in _help_reply(session, person)


def test_without_an_office_phone_the_help_reply_falls_back_to_12333(session):
    county, settlement, person = _person(session)
    assert "有问题请打社区电话12333" in _help_reply(session, person)


def test_the_countys_own_signature_opens_its_sms_and_others_keep_the_default(session):
    county, settlement, person = _person(session)
    set_signature(session, county.id, "威宁县人社局", actor="user:1")
    _, _, elsewhere = _person(session)
    for someone in (person, elsewhere):
        queue_message(session, person_id=someone.id, kind="follow_up", data={}, actor="system")
    bodies = dict(session.execute(select(Message.person_id, Message.body).where(Message.kind == "follow_up")).all())
    assert bodies[person.id].startswith("【威宁县人社局】每月回访")
    assert bodies[elsewhere.id].startswith("【安置点就业服务】每月回访")


def test_a_wrong_phone_or_signature_is_refused_with_a_message(session):
    county, settlement, person = _person(session)
    import pytest

    from jobmatch.services.errors import UserError

    with pytest.raises(UserError, match="区号-号码"):
        set_contact_phone(session, settlement.id, "call me", actor="user:1")
    with pytest.raises(UserError, match="2 到 12 个字"):
        set_signature(session, county.id, "威宁彝族回族苗族自治县人力资源局", actor="user:1")


def test_staff_set_the_office_phone_and_the_county_officer_the_signature_on_their_pages(app, client):
    sessions = app.extensions["jobmatch.sessionmaker"]
    with sessions() as session:
        county, settlement, person = _person(session)
        add_user(session, "zhuangan", "staff", settlements=[settlement])
        add_user(session, "xianli", "county_officer", county_id=county.id)
        ids = county.id, settlement.id
        session.commit()
    login(client, "zhuangan")
    bad = client.post("/staff/contact", data={"settlement_id": ids[1], "contact_phone": "abc"})
    assert bad.status_code == 400 and "区号-号码" in bad.get_data(as_text=True)
    assert client.post("/staff/contact", data={"settlement_id": ids[1], "contact_phone": "0857-6221234"}).status_code == 302
    client.post("/logout")
    login(client, "xianli")
    assert client.post("/county/signature", data={"sms_signature": "【威宁县人社局】"}).status_code == 302
    with sessions() as session:
        from jobmatch.models import County, Settlement

        assert session.get(Settlement, ids[1]).contact_phone == "0857-6221234"
        assert session.get(County, ids[0]).sms_signature == "威宁县人社局"


def test_the_template_command_prints_every_text_ready_to_file(cli):
    output = cli("sms", "templates").output
    assert "[job_offer]" in output and "[sign_in_code]" in output
    assert "aliyun   code SMS_000000001: ${employer}招${title}，月薪${wage}" in output
    assert "tencent  code 1000001: {1}招{2}，月薪{3}。请在{4}前回复" in output
    assert "http://jobmatch.test/s/${short_code}" in output
    assert "{2} title: at most 8 characters (aliyun 8, tencent 6); longer values: cut" in output
