"""Inside WeChat's browser a worker binds once with phone + SMS code, then is signed in silently."""

from urllib.parse import urlencode, urlsplit

import requests
from sqlalchemy import select

from jobmatch.models import LedgerEvent, Message, Offer, WechatBinding
from jobmatch.services.offers.rounds import approve_round, propose_round
from tests.factories import make_welding_site
from tests.support.fake_wechat import new_openid

WECHAT_UA = ("Mozilla/5.0 (Linux; Android 12; V2134A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
             "Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230202 MicroMessenger/8.0.33.2320")


def _sent_offer(session):
    settlement, vacancy, persons = make_welding_site(session, workers=1, openings=1)
    match_round = propose_round(session, settlement_id=settlement.id, vacancy_ids=[vacancy.id], actor="user:1")
    approve_round(session, match_round.id, actor="user:1")
    offer = session.scalar(select(Offer).where(Offer.status == "sent"))
    session.commit()
    ids = offer.id, persons[0].id, persons[0].phone
    session.rollback()  # SQLite: every transaction holds the write lock; the app's requests need it
    return ids


def _walk_to_wechat(client, fake, path):
    """Follow redirects as WeChat's browser would, through the fake WeChat's authorize page."""
    response = client.get(path, headers={"User-Agent": WECHAT_UA})
    for _ in range(8):
        if response.status_code != 302:
            return response
        location = response.headers["Location"]
        if location.startswith(fake.url):  # WeChat's page: it answers with a redirect back to us
            back = requests.get(location, allow_redirects=False, timeout=5).headers["Location"]
            parts = urlsplit(back)
            location = parts.path + ("?" + parts.query if parts.query else "")
        elif location.startswith("http://jobmatch.test"):
            location = location[len("http://jobmatch.test"):]
        response = client.get(location, headers={"User-Agent": WECHAT_UA})
    raise AssertionError("too many redirects")


def _sign_in_by_code(client, session, person_id, phone):
    response = client.post("/w/login", data={"phone": phone}, headers={"User-Agent": WECHAT_UA})
    assert response.status_code == 302
    code = session.scalar(select(Message).where(Message.kind == "sign_in_code", Message.person_id == person_id)
                          .order_by(Message.id.desc())).template_variables["code"]
    session.rollback()
    return code


def test_a_worker_binds_once_then_opens_offers_in_wechat_without_a_code(wechat_app, fake_wechat):
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with sessions() as session:
        offer_id, person_id, phone = _sent_offer(session)
        fake_wechat.browser_openid = openid = new_openid()
        client = wechat_app.test_client()
        first = _walk_to_wechat(client, fake_wechat, f"/w/o/{offer_id}")
        assert first.status_code == 200 and "手机号" in first.get_data(as_text=True)  # the sign-in form
        code = _sign_in_by_code(client, session, person_id, phone)
        signed_in = client.post("/w/login/code", data={"code": code}, headers={"User-Agent": WECHAT_UA})
        assert signed_in.headers["Location"].endswith(f"/w/o/{offer_id}")
        assert session.scalar(select(WechatBinding.person_id).where(WechatBinding.openid == openid)) == person_id
        session.rollback()

        later = wechat_app.test_client()  # another day: the session has ended
        page = _walk_to_wechat(later, fake_wechat, f"/w/o/{offer_id}")
        assert page.status_code == 200 and "电焊工" in page.get_data(as_text=True)
        answered = later.post(f"/w/o/{offer_id}", data={"answer": "accept"}, headers={"User-Agent": WECHAT_UA})
        assert answered.status_code == 302
        assert session.get(Offer, offer_id).status == "accepted"
        kinds = list(session.scalars(select(LedgerEvent.kind)))
        assert kinds.count("wechat_bound") == 1 and kinds.count("wechat_signed_in") == 1
        assert all(openid not in str(data) for data in session.scalars(select(LedgerEvent.data)))


def test_a_wrong_code_binds_nothing(wechat_app, fake_wechat):
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with sessions() as session:
        offer_id, person_id, phone = _sent_offer(session)
        fake_wechat.browser_openid = new_openid()
        client = wechat_app.test_client()
        _walk_to_wechat(client, fake_wechat, f"/w/o/{offer_id}")
        code = _sign_in_by_code(client, session, person_id, phone)
        wrong = "000000" if code != "000000" else "111111"
        refused = client.post("/w/login/code", data={"code": wrong}, headers={"User-Agent": WECHAT_UA})
        assert refused.status_code == 400 and "验证码不对" in refused.get_data(as_text=True)
        assert session.scalar(select(WechatBinding)) is None
        session.rollback()
        again = _walk_to_wechat(wechat_app.test_client(), fake_wechat, f"/w/o/{offer_id}")
        assert again.status_code == 200 and "手机号" in again.get_data(as_text=True)  # still asked to sign in


def test_a_forged_oauth_return_falls_back_to_the_sms_code(wechat_app, fake_wechat):
    client = wechat_app.test_client()
    client.get("/wechat/signin?next=/w/", headers={"User-Agent": WECHAT_UA})
    response = client.get("/wechat/oauth?code=made-up&state=wrong", headers={"User-Agent": WECHAT_UA})
    assert response.status_code == 302 and "/w/login" in response.headers["Location"]
    login = client.get(response.headers["Location"], headers={"User-Agent": WECHAT_UA})
    assert login.status_code == 200  # the form, not another trip to WeChat


def test_staff_see_wechat_bound_masked_and_can_unbind(wechat_app, fake_wechat):
    from jobmatch.services.wechat.binding import bind
    from tests.factories import make_person
    from tests.web.helpers import add_user, login

    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with sessions() as session:
        person = make_person(session)
        openid = new_openid()
        bind(session, person.id, openid, actor="test")
        add_user(session, "wx-admin", "admin")
        session.commit()
        person_id = person.id
        session.rollback()
        client = wechat_app.test_client()
        login(client, "wx-admin")
        text = client.get(f"/staff/persons/{person_id}").get_data(as_text=True)
        assert "微信已绑定" in text and openid[:4] + "…" + openid[-2:] in text and openid not in text
        removed = client.post(f"/staff/persons/{person_id}/wechat/unbind")
        assert removed.status_code == 302
        assert session.scalar(select(WechatBinding)) is None
        session.rollback()
        assert "微信已绑定" not in client.get(f"/staff/persons/{person_id}").get_data(as_text=True)
        assert "wechat_unbound" in list(session.scalars(select(LedgerEvent.kind)))


def test_without_long_term_subscriptions_a_bound_worker_allows_the_next_offer_by_wechat(wechat_app, fake_wechat):
    from urllib.parse import parse_qs, urlsplit

    from jobmatch.config import settings_of, use_settings
    from jobmatch.services.wechat.binding import bind

    use_settings(wechat_app, settings_of(wechat_app).replace(wechat_long_term=False))
    sessions = wechat_app.extensions["jobmatch.sessionmaker"]
    with sessions() as session:
        offer_id, person_id, phone = _sent_offer(session)
        fake_wechat.browser_openid = openid = new_openid()
        bind(session, person_id, openid, actor="test")
        session.commit()
        client = wechat_app.test_client()
        _walk_to_wechat(client, fake_wechat, "/w/")  # signed in silently
        home = client.get("/w/", headers={"User-Agent": WECHAT_UA}).get_data(as_text=True)
        assert "下一条推荐发到微信" in home
        to_wechat = client.get("/wechat/subscribe", headers={"User-Agent": WECHAT_UA}).headers["Location"]
        assert to_wechat.startswith("https://mp.weixin.qq.com/mp/subscribemsg?")
        query = {key: values[0] for key, values in parse_qs(urlsplit(to_wechat).query).items()}
        assert query["template_id"] == "TPL-OFFER" and query["action"] == "get_confirm"
        back = client.get("/wechat/subscribed?" + urlencode({
            "openid": openid, "template_id": "TPL-OFFER", "action": "confirm", "scene": query["scene"],
            "reserved": query["reserved"]}), headers={"User-Agent": WECHAT_UA})
        assert back.status_code == 302
        assert "下一条工作推荐会发到微信里" in client.get("/w/", headers={"User-Agent": WECHAT_UA}).get_data(as_text=True)
        assert "wechat_subscription_granted" in list(session.scalars(select(LedgerEvent.kind)))
        session.rollback()
        plain = wechat_app.test_client()  # outside WeChat nothing about it shows
        assert plain.get("/w/").status_code == 302
