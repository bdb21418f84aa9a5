"""The account's server URL: WeChat's signature, replies typed in the chat, follow events, JS-SDK."""

from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from jobmatch.models import LedgerEvent, Message, Offer, WechatBinding
from jobmatch.services.wechat.binding import bind
from jobmatch.tasks import InProcessQueue, dispatch_once, sms_provider
from notifications.wechat import jsapi_signature
from tests.sms.test_sms_support import office_hours
from tests.support.fake_wechat import (
    ACCOUNT,
    decrypt_reply,
    encrypted,
    event_xml,
    new_openid,
    signed_query,
    text_xml,
)
from tests.wechat.test_wechat_signin import _sent_offer


def _post(client, xml, query=None):
    query = query or signed_query()
    return client.post("/wechat/callback?" + urlencode(query), data=xml.encode(), content_type="text/xml")


def _bound_offer(wechat_app, dispatch=True):
    """An offer to a bound worker; with ``dispatch``, it has gone out (as a WeChat notice)."""
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with sessions() as session:
        offer_id, person_id, _ = _sent_offer(session)
        openid = new_openid()
        bind(session, person_id, openid, actor="test")
        session.commit()
    if dispatch:
        dispatch_once(wechat_app, InProcessQueue(wechat_app))
    return offer_id, person_id, openid


@pytest.fixture(autouse=True)
def _office_hours():
    with office_hours():  # sends are held in quiet hours: the clock runs from 10:00 Shanghai time
        yield


def test_wechat_checks_the_server_url_with_a_signed_echo(wechat_app):
    client = wechat_app.test_client()
    good = client.get("/wechat/callback?" + urlencode(signed_query(echostr="echo-123")))
    assert good.status_code == 200 and good.get_data(as_text=True) == "echo-123"
    forged = client.get("/wechat/callback?" + urlencode(signed_query(token="not-the-token", echostr="x")))
    assert forged.status_code == 403


def test_a_forged_call_to_the_server_url_is_refused_and_changes_nothing(wechat_app):
    offer_id, _, openid = _bound_offer(wechat_app)
    client = wechat_app.test_client()
    response = _post(client, text_xml(openid, "1", 77), signed_query(token="guessed"))
    assert response.status_code == 403
    unsigned = client.post("/wechat/callback", data=text_xml(openid, "1", 78).encode(), content_type="text/xml")
    assert unsigned.status_code == 403
    with wechat_app.extensions["jobmatch.sessionmaker"]() as session:
        assert session.get(Offer, offer_id).status == "sent"
        assert session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "wechat_received")) is None


def test_one_typed_in_the_chat_accepts_the_offer_with_the_sms_confirmation_words(wechat_app, fake_wechat):
    offer_id, person_id, openid = _bound_offer(wechat_app)
    assert [notice.openid for notice in fake_wechat.notices] == [openid]  # the offer went by WeChat
    client = wechat_app.test_client()
    response = _post(client, text_xml(openid, "1", 5001))
    again = _post(client, text_xml(openid, "1", 5001))  # WeChat retries when slow: counted once
    assert response.status_code == 200
    reply = response.get_data(as_text=True)
    assert f"<ToUserName><![CDATA[{openid}]]></ToUserName>" in reply
    assert f"<FromUserName><![CDATA[{ACCOUNT}]]></FromUserName>" in reply
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with sessions() as session:
        assert session.get(Offer, offer_id).status == "accepted"
        confirmation = session.scalar(select(Message).where(Message.kind == "confirm_accepted"))
        assert confirmation.body in reply  # the same words as the SMS would have said
        assert confirmation.status == "cancelled"  # ... and said once, in the chat
        kinds = list(session.scalars(select(LedgerEvent.kind)))
        assert kinds.count("wechat_received") == 1 and "offer_accepted" in kinds
    assert again.get_data(as_text=True) == "success"
    dispatch_once(wechat_app, InProcessQueue(wechat_app))
    assert not [m for m in sms_provider(wechat_app).sent if "接受" in m.body and "已" in m.body]


def test_td_in_the_chat_stops_pushes_like_an_sms_td(wechat_app):
    _, person_id, openid = _bound_offer(wechat_app)
    response = _post(wechat_app.test_client(), text_xml(openid, "TD", 5002))
    assert "退订" in response.get_data(as_text=True)
    with wechat_app.extensions["jobmatch.sessionmaker"]() as session:
        from jobmatch.models import Person

        assert session.get(Person, person_id).sms_opt_out is True


def test_safe_mode_messages_are_decrypted_and_answered_encrypted(wechat_app):
    offer_id, _, openid = _bound_offer(wechat_app)
    body, query = encrypted(text_xml(openid, "2", 5003), signed_query())
    response = _post(wechat_app.test_client(), body, query)
    assert response.status_code == 200
    assert openid not in response.get_data(as_text=True)  # encrypted
    reply = decrypt_reply(response.get_data(as_text=True), query)
    assert "没有接受" in reply or "不" in reply
    with wechat_app.extensions["jobmatch.sessionmaker"]() as session:
        assert session.get(Offer, offer_id).status == "declined"
    bad_body, bad_query = encrypted(text_xml(openid, "1", 5004), signed_query())
    bad_query["msg_signature"] = "0" * 40
    assert _post(wechat_app.test_client(), bad_body, bad_query).status_code == 403


def test_an_unbound_sender_is_told_how_to_bind(wechat_app):
    response = _post(wechat_app.test_client(), text_xml(new_openid(), "1", 5005))
    assert "绑定" in response.get_data(as_text=True)


def test_unfollow_and_follow_are_recorded_and_unfollowed_workers_get_sms(wechat_app, fake_wechat):
    _, person_id, openid = _bound_offer(wechat_app, dispatch=False)
    client = wechat_app.test_client()
    assert _post(client, event_xml(openid, "unsubscribe")).status_code == 200
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with sessions() as session:
        assert session.scalar(select(WechatBinding.following)) is False
    dispatch_once(wechat_app, InProcessQueue(wechat_app))
    assert fake_wechat.notices == [] and len(sms_provider(wechat_app).sent) == 1
    _post(client, event_xml(openid, "subscribe"))
    with sessions() as session:
        kinds = list(session.scalars(select(LedgerEvent.kind)))
        assert kinds.count("wechat_unfollowed") == 1 and kinds.count("wechat_followed") == 1
        assert session.scalar(select(WechatBinding.following)) is True


def test_the_check_in_page_gets_a_js_sdk_config_signed_with_the_ticket(wechat_app, fake_wechat):
    from tests.web.helpers import add_user, login

    with wechat_app.extensions["jobmatch.sessionmaker"]() as session:
        add_user(session, "wx-staff", "admin")
        session.commit()
    client = wechat_app.test_client()
    page = "http://jobmatch.test/staff/fairs/1/check-in"
    assert client.get("/wechat/jsapi-config?" + urlencode({"url": page})).status_code in (302, 401, 403)
    login(client, "wx-staff")
    config = client.get("/wechat/jsapi-config?" + urlencode({"url": page + "#top"})).get_json()
    assert config["appId"] and config["jsApiList"] == ["scanQRCode"]
    assert config["signature"] == jsapi_signature(fake_wechat.ticket, config["nonceStr"], config["timestamp"], page)
    elsewhere = client.get("/wechat/jsapi-config?" + urlencode({"url": "https://evil.example/x"}))
    assert elsewhere.status_code == 400


def test_without_wechat_settings_the_wechat_urls_do_not_exist(client):
    assert client.get("/wechat/callback?" + urlencode(signed_query(echostr="x"))).status_code == 404
    assert client.get("/wechat/signin").status_code == 404


def test_the_check_in_page_offers_wechat_scanning_only_inside_wechat(wechat_app):
    from jobmatch.services.fairs.events import create_fair
    from tests.factories import make_settlement
    from tests.web.helpers import add_user, login
    from tests.wechat.test_wechat_signin import WECHAT_UA

    with wechat_app.extensions["jobmatch.sessionmaker"]() as session:
        settlement = make_settlement(session)
        add_user(session, "wx-door", "admin")
        fair_id = _fair(session, settlement, create_fair)
        session.commit()
    client = wechat_app.test_client()
    login(client, "wx-door")
    in_wechat = client.get(f"/staff/fairs/{fair_id}/check-in", headers={"User-Agent": WECHAT_UA})
    assert 'id="wechat-scan"' in in_wechat.get_data(as_text=True)
    assert "https://res.wx.qq.com" in in_wechat.headers["Content-Security-Policy"]
    elsewhere = client.get(f"/staff/fairs/{fair_id}/check-in")
    assert 'id="wechat-scan"' not in elsewhere.get_data(as_text=True)
    assert "res.wx.qq.com" not in elsewhere.headers["Content-Security-Policy"]


def _fair(session, settlement, create_fair):
    from datetime import time

    from jobmatch.clock import local_today

    # Held today from midnight: the door is open (check-in opens an hour before the start).
    fair = create_fair(session, name="专场招聘会", held_on=local_today(), place="安置点广场", starts_at=time(0, 0),
                       county_id=settlement.county_id, settlement_id=settlement.id, actor="test")
    return fair.id
