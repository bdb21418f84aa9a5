"""The odd-job market, bullet by bullet, on SQLite and PostgreSQL with a controllable clock."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from jobmatch.config import settings_of, use_settings
from jobmatch.models import GigAvailability, GigPlacement, LedgerEvent, Problem
from jobmatch.services import answers
from jobmatch.services.errors import UserError
from jobmatch.services.gigs import offering, pay, posting
from jobmatch.services.gigs.availability import available_persons, read_gig_reply
from jobmatch.services.sms.inbound import receive_reply
from tests.factories import frozen_clock, make_county, make_employer, make_household, make_person, make_settlement
from tests.gigs.gig_factories import GIG_DAY, MORNING, SHANGHAI, available_workers, new_gig, post, texts
from tests.offers.sms_arrival import deliver_queued_sms


@pytest.fixture
def clock():
    with frozen_clock(MORNING) as clock:
        yield clock


def placements(session, gig, status=None):
    query = select(GigPlacement).where(GigPlacement.gig_id == gig.id)
    if status:
        query = query.where(GigPlacement.status == status)
    return session.scalars(query.order_by(GigPlacement.id)).all()


# -- gigs --------------------------------------------------------------------------------------

def test_a_posted_gig_is_visible_at_once_with_everything_a_worker_asks(session, clock):
    site = make_settlement(session)
    gig = post(session, site, title="茶园采茶", pay_basis="hour", pay_yuan=20, transport=True)
    [listed] = posting.gigs_on(session, GIG_DAY, [site.id])
    assert listed.id == gig.id
    assert (listed.meals, listed.transport, listed.accident_insurance) == (True, True, True)
    assert posting.pay_text(listed) == "20元/小时"
    assert session.scalar(select(LedgerEvent.kind).where(LedgerEvent.subject == f"gig:{gig.id}")
                          .order_by(LedgerEvent.id)) == "gig_posted"


def test_a_gig_that_cannot_be_worked_is_refused_and_nothing_is_written(session, clock):
    site = make_settlement(session)
    employer = make_employer(session, site.county)
    for changes, field in [({"end_time": "09:00"}, "end_time"), ({"headcount": 0}, "headcount"),
                           ({"work_date": GIG_DAY - timedelta(days=1)}, "work_date"),
                           ({"start_time": "7点半"}, "start_time"), ({"pay_yuan": 0}, "pay_yuan")]:
        with pytest.raises(UserError) as error:
            posting.post_gig(session, employer.id, new_gig(site, **changes), actor="user:clerk")
        assert error.value.field == field
    assert posting.gigs_on(session, GIG_DAY) == []


# -- who is available -------------------------------------------------------------------------

def test_zero_gong_by_sms_says_when_the_worker_is_free(session, clock):
    site = make_settlement(session)
    worker = make_person(session, make_household(session, site))
    result = receive_reply(session, from_phone=worker.phone, body="零工 明天", provider_sid="SM-in-1")
    assert result.confirmation == "gig_available"
    assert [p.id for p in available_persons(session, GIG_DAY + timedelta(days=1), settlement_ids=[site.id])] == [worker.id]
    assert "明天可以打零工" in texts(session, "gig_available", worker.id)[0].body
    receive_reply(session, from_phone=worker.phone, body="零工本周", provider_sid="SM-in-2")
    days = session.scalars(select(GigAvailability.day).where(GigAvailability.person_id == worker.id)
                           .order_by(GigAvailability.day)).all()
    assert days == [GIG_DAY + timedelta(days=i) for i in range(6)]  # Tuesday to Sunday, tomorrow once


def test_only_gig_words_are_read_as_availability():
    assert [read_gig_reply(t) for t in ("零工", "零工 今天", "回零工明天", "零工 这周。", "零工 后天", "1")] == [
        "today", "today", "tomorrow", "week", None, None]


# -- fast matching -----------------------------------------------------------------------------

def test_a_gig_goes_at_once_to_available_workers_who_fit_zero_employment_first(app, session, clock):
    use_settings(app, settings_of(app).replace(gig_offers_per_place=1))
    site = make_settlement(session)
    employed_home = make_household(session, site)
    make_person(session, employed_home, wants_work=False, relation="配偶")
    from tests.factories import make_spell
    make_spell(session, employed_home.members[0])
    ordinary = available_workers(session, site, 2)
    zero = available_workers(session, site, 1)[0]
    zero.household.zero_employment = True
    weak = available_workers(session, site, 1, capacity="weak")[0]
    far_county = make_county(session, lat=30.0, lon=110.0)
    far = available_workers(session, make_settlement(session, far_county, lat=30.0, lon=110.0), 1)[0]
    not_free = make_person(session, make_household(session, site))
    session.flush()
    gig = post(session, site, headcount=2, physical_demand="heavy")
    with app.app_context():
        sent = offering.offer_gig(session, gig.id, actor="user:clerk")
    offered = [p.person_id for p in placements(session, gig)]
    assert offered[0] == zero.id and len(offered) == 2 and set(offered) <= {zero.id, *(p.id for p in ordinary)}
    assert weak.id not in offered and far.id not in offered and not_free.id not in offered
    assert len(sent.offered) == 2
    [text] = texts(session, "gig_offer", zero.id)
    assert text.expects_reply and "今天10:00" in text.body and "180元/天" in text.body and "09:00前回1接" in text.body


def test_first_yes_first_placed_the_rest_wait_and_a_no_frees_the_place_for_the_waiting_list(app, session, clock):
    site = make_settlement(session)
    workers = available_workers(session, site, 4)
    gig = post(session, site, headcount=2)
    with app.app_context():
        offering.offer_gig(session, gig.id, actor="user:clerk")
        deliver_queued_sms(session)
        results = [receive_reply(session, from_phone=w.phone, body="1", provider_sid=f"SM-yes-{w.id}")
                   for w in workers]
    assert [r.confirmation for r in results] == ["gig_placed", "gig_placed", "confirm_waitlisted", "confirm_waitlisted"]
    assert "您接下了今天10:00" in texts(session, "gig_placed", workers[0].id)[0].body
    with app.app_context():
        confirmation = answers.answer(session, f"gig:{placements(session, gig)[0].id}", workers[0].id, False,
                                      actor=f"person:{workers[0].id}", via="web")
    assert confirmation == "confirm_declined"
    statuses = [p.status for p in placements(session, gig)]
    assert statuses == ["declined", "accepted", "accepted", "waitlisted"]
    assert texts(session, "gig_placed", workers[2].id)  # the first on the list is told at once


def test_unanswered_offers_expire_after_the_answer_window_and_the_places_go_to_others(app, session, clock):
    use_settings(app, settings_of(app).replace(gig_offers_per_place=1, gig_answer_hours=1.5))
    site = make_settlement(session)
    first, second = available_workers(session, site, 2)
    gig = post(session, site, headcount=1, start_time="12:00")
    with app.app_context():
        offering.offer_gig(session, gig.id, actor="user:clerk")
        [offer] = placements(session, gig)
        assert offer.expires_at == MORNING.replace(hour=9, minute=30) and offer.person_id == first.id  # 08:00 + 1.5 h
        clock.set(MORNING.replace(hour=9, minute=29))
        assert offering.expire_gig_offers(session) == []
        clock.set(MORNING.replace(hour=9, minute=30))
        assert offering.expire_gig_offers(session) == [offer.id]
    assert [(p.person_id, p.status) for p in placements(session, gig)] == [(first.id, "expired"), (second.id, "sent")]


def test_a_gig_for_early_tomorrow_posted_at_night_is_flagged_for_a_phone_call(app, session, clock):
    site = make_settlement(session)
    evening, night = available_workers(session, site, 2, when="tomorrow")
    clock.set(datetime(2026, 12, 1, 18, 30, tzinfo=SHANGHAI))
    early = post(session, site, work_date=GIG_DAY + timedelta(days=1), start_time="07:00", headcount=1)
    with app.app_context():
        before_quiet = offering.offer_gig(session, early.id, actor="user:clerk")
    assert len(before_quiet.offered) == 2 and not before_quiet.to_call
    assert placements(session, early)[0].expires_at == datetime(2026, 12, 1, 20, 30, tzinfo=SHANGHAI)
    clock.set(datetime(2026, 12, 1, 21, 30, tzinfo=SHANGHAI))
    later = post(session, site, work_date=GIG_DAY + timedelta(days=1), start_time="08:30", headcount=1)
    spare = available_workers(session, site, 1, when="tomorrow")[0]
    with app.app_context():
        at_night = offering.offer_gig(session, later.id, actor="user:clerk")
    assert at_night.offered == [] and len(at_night.to_call) == 1
    [flagged] = placements(session, later)
    assert (flagged.person_id, flagged.needs_call) == (spare.id, True)
    assert texts(session, "gig_offer", spare.id) == []


# -- the station at the door ---------------------------------------------------------------------

def test_the_clerk_assigns_a_walk_in_on_the_spot_but_never_over_the_headcount(app, session, clock):
    site = make_settlement(session)
    walk_in, another = (make_person(session, make_household(session, site)) for _ in range(2))
    gig = post(session, site, headcount=1)
    with app.app_context():
        placement = offering.assign_on_the_spot(session, gig.id, walk_in.id, actor="user:clerk")
        assert (placement.status, placement.via) == ("accepted", "station")
        with pytest.raises(UserError, match="已招满 1 人"):
            offering.assign_on_the_spot(session, gig.id, another.id, actor="user:clerk")
    assert texts(session, "gig_placed", walk_in.id)


# -- done and paid -----------------------------------------------------------------------------

def _placed_gig(app, session, site, n=2, **changes):
    workers = [make_person(session, make_household(session, site)) for _ in range(n)]
    gig = post(session, site, headcount=n, **changes)
    with app.app_context():
        for worker in workers:
            offering.assign_on_the_spot(session, gig.id, worker.id, actor="user:clerk")
    return gig, workers, placements(session, gig)


def test_the_worker_is_asked_about_the_pay_and_a_2_opens_a_wage_problem(app, session, clock):
    site = make_settlement(session)
    gig, (paid, unpaid), (p_paid, p_unpaid) = _placed_gig(app, session, site)
    clock.set(MORNING.replace(hour=17, minute=30))
    with app.app_context():
        pay.confirm_work(session, gig.id, [pay.WorkDone(p.id, 1, 7, 180) for p in (p_paid, p_unpaid)],
                         actor="user:employer")
        deliver_queued_sms(session)
        assert "工钱收到了吗？回1收到 回2没收到" in texts(session, "gig_pay_check", paid.id)[0].body
        receive_reply(session, from_phone=paid.phone, body="1", provider_sid="SM-paid")
        receive_reply(session, from_phone=unpaid.phone, body="2", provider_sid="SM-unpaid")
    session.refresh(p_paid), session.refresh(p_unpaid)
    assert (p_paid.pay_status, p_unpaid.pay_status) == ("received", "disputed")
    problem = session.get(Problem, p_unpaid.problem_id)
    assert (problem.category, problem.person_id, problem.reported_at) == ("wages", unpaid.id, clock.now())
    assert "工钱没收到" in problem.description
    [row] = pay.unpaid_by_employer(session, [site.id])
    assert [p.person_id for p in row.placements] == [unpaid.id] and row.disputed == 1


def test_no_confirmation_from_the_employer_within_a_day_opens_a_wage_problem(app, session, clock):
    site = make_settlement(session)
    gig, workers, _ = _placed_gig(app, session, site, end_time="17:00")
    with app.app_context():
        clock.set(datetime(2026, 12, 2, 16, 59, tzinfo=SHANGHAI))
        assert pay.check_unconfirmed_pay(session) == []
        clock.set(datetime(2026, 12, 2, 17, 0, tzinfo=SHANGHAI))
        opened = pay.check_unconfirmed_pay(session)
        assert len(opened) == 2 and pay.check_unconfirmed_pay(session) == []
    problems = session.scalars(select(Problem).order_by(Problem.id)).all()
    assert [(p.category, p.source) for p in problems] == [("wages", "staff")] * 2
    assert "单位还没确认工钱" in problems[0].description


def test_a_confirmation_for_someone_not_on_the_gig_writes_nothing(app, session, clock):
    site = make_settlement(session)
    gig, _, (first, _second) = _placed_gig(app, session, site)
    with app.app_context(), pytest.raises(UserError):
        pay.confirm_work(session, gig.id, [pay.WorkDone(first.id, 1, 7, 180), pay.WorkDone(99999, 1, 7, 180)],
                         actor="user:employer")
    session.refresh(first)
    assert first.work_confirmed_at is None
    assert session.scalar(select(func.count()).select_from(LedgerEvent).where(
        LedgerEvent.kind == "gig_work_confirmed")) == 0


def test_the_gigs_check_command_expires_offers_and_opens_wage_problems(app, session, cli, clock):
    site = make_settlement(session)
    available_workers(session, site, 1)
    gig = post(session, site, headcount=1, start_time="12:00")
    with app.app_context():
        offering.offer_gig(session, gig.id, actor="user:clerk")
    session.commit()
    clock.set(datetime(2026, 12, 2, 17, 0, tzinfo=SHANGHAI))
    result = cli("gigs", "check")
    assert result.exit_code == 0 and "expired 1 gig offer(s); opened 0 wage problem(s)" in result.output


def test_twenty_yeses_at_once_never_put_a_gig_over_its_headcount(app, database_url, session, clock):
    from collections import Counter

    from tests.offers.test_offers_concurrency import run_at_once

    use_settings(app, settings_of(app).replace(gig_offers_per_place=7))
    site = make_settlement(session)
    workers = available_workers(session, site, 20)
    gig = post(session, site, headcount=3)
    with app.app_context():
        offering.offer_gig(session, gig.id, actor="user:clerk")
    offers = [(p.id, p.person_id) for p in placements(session, gig)]
    session.commit()
    assert len(offers) == len(workers)

    def yes(placement_id, person_id):
        def task(s):
            with app.app_context():
                return answers.answer(s, f"gig:{placement_id}", person_id, True, actor=f"person:{person_id}", via="sms")
        return task

    # Every worker says yes, and a quarter of them twice (an SMS and the page at once).
    results = run_at_once(database_url, [yes(*offer) for offer in offers + offers[:5]])
    assert Counter(results) == {"gig_placed": 3, "confirm_waitlisted": 17, "": 5}
    session.expire_all()
    assert Counter(p.status for p in placements(session, gig)) == {"accepted": 3, "waitlisted": 17}


def test_a_cancelled_gig_tells_everyone_offered_placed_or_waiting_not_to_come(app, session, clock):
    site = make_settlement(session)
    placed, waiting, unanswered = available_workers(session, site, 3)
    gig = post(session, site, headcount=1)
    with app.app_context():
        offering.offer_gig(session, gig.id, actor="user:clerk")
        answers.answer(session, f"gig:{placements(session, gig)[0].id}", placed.id, True, actor="p", via="web")
        answers.answer(session, f"gig:{placements(session, gig)[1].id}", waiting.id, True, actor="p", via="web")
        assert offering.cancel_gig(session, gig.id, actor="user:employer") == 2
        with pytest.raises(UserError, match="已经取消"):
            offering.cancel_gig(session, gig.id, actor="user:employer")
    assert [p.status for p in placements(session, gig)] == ["cancelled", "cancelled"]
    assert "取消了，不用去了" in texts(session, "gig_cancelled", placed.id)[0].body
    assert texts(session, "gig_cancelled", waiting.id) and posting.gigs_on(session, GIG_DAY) == []
    assert unanswered.id not in {p.person_id for p in placements(session, gig)}  # two offers for one place


def test_a_worker_takes_a_gig_seen_on_their_page_first_come_first_placed(app, session, clock):
    site = make_settlement(session)
    first, second = (make_person(session, make_household(session, site)) for _ in range(2))
    weak = make_person(session, make_household(session, site), capacity="weak")
    gig = post(session, site, headcount=1, physical_demand="heavy")
    assert [g.id for g in offering.open_gigs_for(session, first)] == [gig.id]
    assert not offering.fits(gig, weak)
    with app.app_context():
        assert offering.take_gig(session, gig.id, first.id) == "gig_placed"
        assert offering.take_gig(session, gig.id, second.id) == "confirm_waitlisted"
        with pytest.raises(UserError, match="体力或路程"):
            offering.take_gig(session, gig.id, weak.id)
    assert offering.open_gigs_for(session, second) == []  # full
    other = post(session, site, headcount=2)
    assert offering.open_gigs_for(session, first) == []  # the same day as the gig they hold
    with app.app_context(), pytest.raises(UserError, match="这天已经接下了"):
        offering.take_gig(session, other.id, first.id)
    assert [p.status for p in placements(session, gig)] == ["accepted", "waitlisted"]
