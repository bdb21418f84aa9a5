"""Four walks in headless Chromium through rounds, offers, hires and fairs:
a worker accepting an offer from the SMS link on a 360 px phone, an employer recording a hire,
staff running a matching round, staff checking visitors in at a fair's door on a phone."""

import re
from datetime import time

from sqlalchemy import func, select

from jobmatch.clock import local_today, utcnow
from jobmatch.models import (
    FairAttendee,
    Household,
    LedgerEvent,
    MatchRound,
    Message,
    Offer,
    Person,
    Settlement,
    User,
    Vacancy,
)
from jobmatch.services.answers import answer
from jobmatch.services.demo import DEMO_PASSWORD
from jobmatch.services.fairs import events as fairs
from jobmatch.services.households.zero_employment import refresh_and_flag
from jobmatch.services.offers.lifecycle import send_offers
from jobmatch.services.offers.rounds import propose_round
from jobmatch.vocabulary.worker import reason_sentence
from tests.web.conftest import page_has_no_horizontal_scroll
from tests.web.helpers import SITE_A

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")


def _db(app):
    return app.extensions["jobmatch.sessionmaker"]()


def _latest_body(session, person_id, kind) -> str:
    return session.scalar(select(Message.body).where(Message.person_id == person_id, Message.kind == kind)
                          .order_by(Message.id.desc()).limit(1))


def test_worker_accepts_an_offer_from_the_sms_link_on_a_phone(browser, server, live_app, screenshot):
    session = _db(live_app)
    site = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
    match_round = propose_round(session, actor="test", settlement_id=site.id)
    session.commit()
    proposed = session.scalars(select(Offer).where(Offer.round_id == match_round.id, Offer.status == "proposed")).all()
    send_offers(session, [o.id for o in proposed], actor="test")
    session.commit()
    # Households often share one phone: whoever signs in by it may answer the household's offers.
    offer = session.scalar(select(Offer).where(Offer.round_id == match_round.id, Offer.status == "sent",
                                               Offer.channel == "sms").order_by(Offer.id).limit(1))
    assert offer is not None, "the round sent no offer by SMS"
    person_id, phone, offer_id, reasons = offer.person_id, offer.person.phone, offer.id, offer.reasons
    link = re.search(r"https?://\S+/s/\w{6}", _latest_body(session, person_id, "job_offer")).group()
    session.close()

    page = browser.new_page(**PHONE, java_script_enabled=False)
    page.goto(server + link[link.index("/s/"):])  # the SMS short link, on this test server
    page.fill("#phone", phone[3:])
    page.click("form.stack button[type=submit]")
    session = _db(live_app)
    code_message = session.scalar(select(Message).where(Message.to_phone == phone, Message.kind == "sign_in_code")
                                  .order_by(Message.id.desc()).limit(1))
    code, signed_in = re.search(r"\d{6}", code_message.body).group(), code_message.person_id
    session.close()
    page.fill("#code", code)
    page.click("form.stack button[type=submit]")
    assert page.url.endswith(f"/w/o/{offer_id}"), "after sign-in the worker lands on the offer"
    shown = page.inner_text("#reasons")
    assert any(reason_sentence(r) in shown for r in reasons if r != "零就业家庭优先")  # as plain sentences
    assert "零就业家庭优先" not in shown  # a reason for staff, not for the worker
    screenshot(page, "worker-offer-360")
    assert page_has_no_horizontal_scroll(page)
    page.click("button[value=accept]")
    assert "您已接受这份工作" in page.inner_text(".flash")
    assert "您已接受" in page.inner_text("#status")
    screenshot(page, "worker-offer-accepted-360")
    assert page_has_no_horizontal_scroll(page)
    page.click("text=返回首页")
    assert "您已接受" in page.inner_text("#offers")
    screenshot(page, "worker-home-sections-360")
    assert page_has_no_horizontal_scroll(page)
    page.locator("#fairs a.item-link").first.click()
    with page.expect_navigation():  # count() below does not wait for the answer's page
        page.click("button[value=accept]")
    # the check-in code, drawn without JavaScript (on failure, the page's message says why not)
    assert page.locator("#qr svg").count() == 1, page.inner_text("main")[:800]
    screenshot(page, "worker-fair-qr-360")
    assert page_has_no_horizontal_scroll(page)
    page.close()
    session = _db(live_app)
    event = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "offer_accepted",
                                                     LedgerEvent.subject == f"offer:{offer_id}"))
    assert event.actor == f"person:{signed_in}" and event.person_id == person_id
    assert session.get(Offer, offer_id).status == "accepted"
    session.close()


def _zero_employment_person(session) -> Person:
    """A worker of a zero-employment household (one is made if the demo has none)."""
    person = session.scalar(select(Person).join(Household).where(
        Household.zero_employment.is_(True), Person.capacity != "none", Person.wants_work.is_(True))
        .order_by(Person.id).limit(1))
    if person is None:
        household = session.scalar(select(Household).where(Household.labourers > 0).order_by(Household.id).limit(1))
        for member in household.members:
            for spell in member.spells:
                if spell.ended_on is None:
                    spell.ended_on = local_today()
        refresh_and_flag(session, [household.id], actor="test")
        session.flush()
        person = next(m for m in household.members if m.capacity != "none" and m.wants_work)
    return person


def test_employer_sees_the_accepted_worker_and_records_a_hire(browser, server, live_app, screenshot):
    session = _db(live_app)
    employer = session.scalar(select(User).where(User.username == "employer")).employer
    person = _zero_employment_person(session)
    vacancy = session.scalar(select(Vacancy).where(Vacancy.employer_id == employer.id, Vacancy.status == "open")
                             .order_by(Vacancy.id).limit(1))
    # A round with one proposed offer, sent and accepted through the services.
    match_round = MatchRound(scope="settlement", county_id=person.household.county_id,
                             settlement_id=person.household.settlement_id, created_by="test", created_at=utcnow(),
                             summary={})
    offer = Offer(round=match_round, vacancy_id=vacancy.id, person_id=person.id, status="proposed", rank=1,
                  score=0.8, reasons=["零就业家庭优先", "离家近"], features={}, created_at=utcnow())
    session.add_all([match_round, offer])
    session.flush()
    send_offers(session, [offer.id], actor="test")
    answer(session, f"offer:{offer.id}", person.id, True, actor=f"person:{person.id}", via="web")
    session.commit()
    household_id, name, phone = person.household_id, person.name, person.phone
    assert session.get(Household, household_id).zero_employment
    session.close()

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, server, "employer")
    page.goto(f"{server}/e/candidates")
    card = page.locator(f"#offer-{offer.id}")
    assert name in card.inner_text()
    assert "零就业" not in card.inner_text()  # the household's need is not the employer's business
    if phone:
        assert phone[3:] in card.locator(".phone").inner_text()  # the full number, now that they said yes
    card.locator("input[name=start_date]").fill(local_today().isoformat())
    card.locator("input[name=contract_months]").fill("12")
    card.locator("input[name=monthly_wage]").fill("3200")
    screenshot(page, "employer-candidates-1280")
    card.locator("form[action$='/hire'] button[type=submit]").click()
    assert "已录用" in page.inner_text(".flash")
    screenshot(page, "employer-hired-1280")
    page.goto(f"{server}/e/subsidies")
    assert name in page.inner_text("main")
    page.close()
    session = _db(live_app)
    assert session.get(Offer, offer.id).status == "hired"
    assert not session.get(Household, household_id).zero_employment
    viewed = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "personal_data_viewed",
                                                      LedgerEvent.person_id == person.id))
    assert viewed is not None and viewed.data["where"] == "employer.candidates"
    session.close()


def test_staff_preview_a_round_with_reasons_and_approve_it(browser, server, live_app, screenshot):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/rounds")
    page.select_option("#scope", label=SITE_A)
    with page.expect_navigation():  # count() below does not wait for the round's page to load
        page.click("#new-round button[type=submit]")
    assert re.search(r"/staff/rounds/\d+$", page.url)
    round_id = int(page.url.rsplit("/", 1)[1])
    rows = page.locator("table.offers tbody tr")
    assert rows.count() > 0
    assert all(rows.nth(i).locator("td.reasons").inner_text().strip() for i in range(rows.count()))
    screenshot(page, "staff-round-preview-1280")
    page.click("#approve button[type=submit]")
    assert re.search(r"已批准 \d+ 份岗位推荐：\d+ 条短信现在发出", page.inner_text(".flash"))
    screenshot(page, "staff-round-approved-1280")
    page.goto(f"{server}/staff/")
    assert "等待答复的岗位推荐" in page.inner_text("main")
    page.close()
    session = _db(live_app)
    statuses = set(session.scalars(select(Offer.status).where(Offer.round_id == round_id)))
    assert "sent" in statuses and "proposed" not in statuses
    assert session.scalar(select(func.count()).select_from(Message).where(Message.kind == "job_offer")) > 0
    session.close()


def test_staff_check_visitors_in_at_the_fair_door_on_a_phone(browser, server, live_app, screenshot):
    session = _db(live_app)
    site = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
    employer_vacancies = session.scalars(select(Vacancy.id).where(Vacancy.status == "open").limit(3)).all()
    fair = fairs.create_fair(session, name="今日专场招聘会", held_on=local_today(), place="五里岗文化广场",
                             county_id=site.county_id, settlement_id=site.id, vacancy_ids=employer_vacancies,
                             actor="test", starts_at=time(0, 0))  # open all day, whenever the test runs
    people = session.scalars(select(Person).join(Household).where(
        Household.settlement_id == site.id, Person.phone.is_not(None), Person.phone_invalid.is_(False))
        .order_by(Person.id)).all()
    invited = people[0]
    fairs.register(session, fair.id, invited.id, via="staff", actor="test")
    walk_in = session.scalar(select(Person).join(Household).where(
        Household.settlement_id == site.id, Person.id.not_in([invited.id]), Person.phone != invited.phone)
        .order_by(Person.id.desc()).limit(1))
    elsewhere = session.scalar(select(Person).join(Household).where(Household.settlement_id != site.id)
                               .order_by(Person.id).limit(1))
    session.commit()
    fair_id, phone, walk_in_id, walk_in_number, walk_in_name = (fair.id, invited.phone, walk_in.id,
                                                                walk_in.id_number, walk_in.name)
    elsewhere_number, elsewhere_name = elsewhere.id_number, elsewhere.name
    invited_name = invited.name
    session.close()

    page = browser.new_page(**PHONE)
    _sign_in(page, server, "staff_a")
    page.goto(f"{server}/staff/fairs/{fair_id}/check-in")
    page.fill("#phone", "12345")
    page.click("form.stack button[type=submit]")
    assert "没有签到" in page.inner_text("#result")
    screenshot(page, "fair-check-in-error-360")
    page.fill("#phone", phone[3:])
    page.click("form.stack button[type=submit]")
    result = page.inner_text("#result")
    assert "已签到" in result and invited_name in result
    screenshot(page, "fair-check-in-phone-360")
    assert page_has_no_horizontal_scroll(page)
    page.fill("#id_number", walk_in_number)
    page.click("form.stack button[type=submit]")
    result = page.inner_text("#result")
    assert "已签到" in result and walk_in_name in result and "现场报名" in result
    screenshot(page, "fair-check-in-walk-in-360")
    assert page_has_no_horizontal_scroll(page)
    page.fill("#id_number", elsewhere_number)  # another settlement's worker: not staff_a's to check in
    page.click("form.stack button[type=submit]")
    result = page.inner_text("#result")
    assert "不在本招聘会范围内" in result and elsewhere_name not in page.content()
    screenshot(page, "fair-check-in-out-of-scope-360")
    page.close()
    session = _db(live_app)
    rows = {a.person_id: a for a in session.scalars(select(FairAttendee).where(FairAttendee.fair_id == fair_id))}
    assert rows[walk_in_id].check_in_method == "id_number" and rows[walk_in_id].invited_at is None
    assert sum(a.checked_in_at is not None for a in rows.values()) == 2
    session.close()
