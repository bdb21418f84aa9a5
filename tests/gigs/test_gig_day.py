"""One gig day end to end on PostgreSQL: the clerk posts 5 gigs at 07:30, 40 available workers are offered
them, the first "1" comes in and 30 more answer "1" at the same moment through the SMS webhook, a walk-in is placed at the door, the
employer confirms pay for one gig and not the others, a worker answers "2", and a worker with 8 gig
days this month counts as flexibly employed in the month's report."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from jobmatch.clock import Month
from jobmatch.models import Gig, GigPlacement, Household, Problem
from jobmatch.services.gigs import counting, offering, pay
from jobmatch.services.households.status import refresh_households
from jobmatch.services.reports.monthly import monthly_report
from tests.conftest import make_test_app
from tests.factories import frozen_clock, make_employer, make_household, make_person, make_settlement
from tests.gigs.gig_factories import SHANGHAI, available_workers, post
from tests.offers.sms_arrival import deliver_queued_sms
from tests.support.fake_twilio import DEFAULT_AUTH_TOKEN, sign_twilio_request

BASE = "http://jobmatch.test"
GIG_DAY = date(2026, 12, 15)  # a Tuesday
AT_0730 = datetime(2026, 12, 15, 7, 30, tzinfo=SHANGHAI)


@pytest.fixture
def app(pg_url):
    app = make_test_app(pg_url, TWILIO_AUTH_TOKEN=DEFAULT_AUTH_TOKEN, SMS_INPROCESS_DISPATCHER=False)
    yield app
    app.extensions["jobmatch.engine"].dispose()


def sms_reply(client, phone, body, sid):
    params = {"From": phone, "To": "+15005550006", "Body": body, "MessageSid": sid, "AccountSid": "AC1"}
    url = f"{BASE}/sms/inbound"
    return client.post(urlsplit(url).path, data=params,
                       headers={"X-Twilio-Signature": sign_twilio_request(DEFAULT_AUTH_TOKEN, url, params)})


def test_a_gig_day_at_the_station(app, session):
    site = make_settlement(session)
    employer = make_employer(session, site.county, name="威宁县顺达劳务公司")
    veteran = make_person(session, make_household(session, site), name="老把式")
    with frozen_clock(datetime(2026, 12, 1, 7, 0, tzinfo=SHANGHAI)) as clock, app.app_context():
        # Earlier this month the veteran worked a 7-day gig (1–7 December), confirmed and paid.
        earlier = post(session, site, employer, work_date=date(2026, 12, 1), days=7, headcount=1)
        placement = offering.assign_on_the_spot(session, earlier.id, veteran.id, actor="user:clerk")
        clock.set(datetime(2026, 12, 7, 18, 0, tzinfo=SHANGHAI))
        pay.confirm_work(session, earlier.id, [pay.WorkDone(placement.id, 7, None, 1260)], actor="user:employer")
        refresh_households(session, [veteran.household_id], actor="test")
        assert session.get(Household, veteran.household_id).zero_employment  # 7 days: not yet employed

        # 07:30 on the gig day: 40 workers said they are free today; the clerk posts 5 gigs.
        clock.set(AT_0730)
        from jobmatch.services.gigs.availability import say_available
        workers = [veteran] + available_workers(session, site, 39)
        say_available(session, veteran.id, "today", source="sms", actor=f"person:{veteran.id}")
        gigs = [post(session, site, employer, title=title, headcount=5, start_time="10:00", work_date=GIG_DAY)
                for title in ("搬运装车", "茶园采茶", "工地清理", "仓库分拣", "酒席帮厨")]
        for gig in gigs:
            offering.offer_gig(session, gig.id, actor="user:clerk")
        session.commit()
        offered = session.scalars(select(GigPlacement)).all()
        assert len(offered) == 40 + 1 and len({p.person_id for p in offered if p.gig_id != earlier.id}) == 40

        # 08:00 the texts go out; 30 workers answer "1" at the same moment.
        clock.set(AT_0730 + timedelta(minutes=31))
        deliver_queued_sms(session)
        session.commit()
        by_gig: dict[int, list[int]] = {}
        for p in sorted(offered, key=lambda p: (p.person_id != veteran.id, p.id)):
            if p.gig_id != earlier.id:
                by_gig.setdefault(p.gig_id, []).append(p.person_id)
        phones = {w.id: w.phone for w in workers}
        assert sms_reply(app.test_client(), veteran.phone, "1", "SM-veteran").status_code == 200  # the first "1"
        yes_sayers = [person_id for gig_persons in by_gig.values() for person_id in gig_persons[:8]
                      if person_id != veteran.id][:30]
        assert len(yes_sayers) == 30
        start = threading.Event()

        def answer(person_id):
            start.wait()
            return sms_reply(app.test_client(), phones[person_id], "1", f"SM-yes-{person_id}").status_code

        with ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(answer, person_id) for person_id in yes_sayers]
            start.set()
            codes = Counter(f.result() for f in futures)
        assert codes == {200: 30}
        session.expire_all()
        per_gig = Counter((p.gig_id, p.status) for p in session.scalars(select(GigPlacement)))
        for gig in gigs:
            assert per_gig[(gig.id, "accepted")] <= gig.headcount
        assert sum(per_gig[(g.id, "accepted")] + per_gig[(g.id, "waitlisted")] for g in gigs) == 31
        full = [g for g in gigs if per_gig[(g.id, "accepted")] == g.headcount]
        assert len(full) == 4 and per_gig[(gigs[4].id, "accepted")] == 0  # gig 5 had no one left to text

        # A walk-in at the door takes a place on the fifth gig.
        walk_in = make_person(session, make_household(session, site), name="路过的")
        offering.assign_on_the_spot(session, gigs[4].id, walk_in.id, actor="user:clerk")
        session.commit()

        # 17:30: the employer confirms the veteran's gig; the others stay unconfirmed.
        clock.set(AT_0730.replace(hour=17, minute=30))
        veteran_gig = session.scalars(select(GigPlacement).where(GigPlacement.person_id == veteran.id,
                                                                 GigPlacement.gig_id != earlier.id)).one()
        assert veteran_gig.status == "accepted"
        crew = session.scalars(select(GigPlacement).where(GigPlacement.gig_id == veteran_gig.gig_id,
                                                          GigPlacement.status == "accepted")).all()
        pay.confirm_work(session, veteran_gig.gig_id, [pay.WorkDone(p.id, 1, 7, 180) for p in crew],
                         actor="user:employer")
        deliver_queued_sms(session)
        session.commit()
        unpaid_worker = next(p.person_id for p in crew if p.person_id != veteran.id)
        assert sms_reply(app.test_client(), phones[unpaid_worker], "2", "SM-no-pay").status_code == 200
        assert sms_reply(app.test_client(), phones[veteran.id], "1", "SM-paid").status_code == 200
        session.expire_all()
        [problem] = session.scalars(select(Problem)).all()
        assert (problem.person_id, problem.category) == (unpaid_worker, "wages")

        # Next day 17:00: the employers of the other gigs never confirmed: a wage problem each worker.
        clock.set(AT_0730.replace(day=16, hour=17, minute=1))
        opened = pay.check_unconfirmed_pay(session)
        session.commit()
        assert len(opened) == 3 * 5 + 1  # the crews of the three other full gigs, and the walk-in
        unpaid = pay.unpaid_by_employer(session, [site.id])
        assert [group.employer for group in unpaid] == ["威宁县顺达劳务公司"]

        # The month: the veteran's 8 gig days make them flexibly employed.
        assert counting.gig_days_and_earnings(session, Month(2026, 12), [veteran.id]) == {veteran.id: (8.0, 1440)}
        assert not session.get(Household, veteran.household_id).zero_employment
        report = monthly_report(session, site.county, 2026, 12)
        assert report.settlements[0].by_kind["flexible"] == 1
        gig_report = counting.monthly_gig_report(session, site.county_id, Month(2026, 12), 8)
        assert (gig_report.total.gigs_posted, gig_report.total.disputes) == (6, 1 + len(opened))
        assert session.scalar(select(Gig.id).where(Gig.id == gigs[4].id)) is not None
