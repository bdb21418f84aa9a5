"""The dashboard's bounded summaries count what the full services count, on both backends."""

from datetime import timedelta

from sqlalchemy import delete, select

from jobmatch.access import visible_settlement_ids
from jobmatch.clock import utcnow
from jobmatch.models import User
from jobmatch.services.households import dashboard
from jobmatch.services.households.followups import due_follow_ups
from jobmatch.services.households.zero_employment import zero_employment_households
from tests.web.helpers import load_small_demo, login


def test_summaries_match_the_full_lists(app, session, client):
    load_small_demo(session, households=30)
    staff = session.scalar(select(User).where(User.username == "staff"))
    visible = visible_settlement_ids(session, staff)
    full = due_follow_ups(session, visible)
    summary = dashboard.follow_ups_due_summary(session, visible, limit=5)
    assert len(summary) == len(full) and len(summary.lines) == min(5, len(full))
    assert [d.household_id for d in summary] == [d.household_id for d in full[:5]]
    assert [d.overdue for d in summary] == [d.overdue for d in full[:5]]
    zero = dashboard.zero_employment_summary(session, visible, limit=3)
    assert len(zero) == len(zero_employment_households(session, visible))
    session.rollback()
    login(client, "staff")
    page = client.get("/staff/").get_data(as_text=True)
    assert "等待答复的岗位推荐" in page and "待回访" in page


def test_an_offer_whose_sms_has_not_arrived_shows_the_deadline_the_sms_promised(app, session, client):
    from jobmatch.models import Offer
    from jobmatch.models.offers import OfferStatus

    load_small_demo(session, households=12)
    offer = session.scalar(select(Offer).where(Offer.status == OfferStatus.SENT).order_by(Offer.id).limit(1))
    offer.expires_at = None  # no delivery receipt yet: the window has not started
    session.commit()
    login(client, "staff")
    page = client.get("/staff/").get_data(as_text=True)
    row = page[page.index('id="waiting"'):]
    row = row[row.index(offer.person.name):]
    row = row[:row.index("</tr>")]
    assert "前</td>" in row  # "12月3日 周四 下午4点30分前", as the worker's SMS and page say


def test_waiting_offers_are_the_sites_sent_offers_in_the_dashboards_order(app, session):
    """The dashboard's waiting offers: every sent offer of the staff's sites and no other (a declined
    one, another site's), door deliveries and zero-employment households first, then soonest to expire."""
    from jobmatch.models import Household, Offer, Person
    from jobmatch.models.offers import OfferChannel, OfferStatus
    from jobmatch.services.offers.queries import offers_waiting

    load_small_demo(session, households=30)
    staff = session.scalar(select(User).where(User.username == "staff"))
    visible = {min(visible_settlement_ids(session, staff))}  # one of the staff's sites
    model = session.scalar(select(Offer).limit(1))
    mine = session.scalars(select(Person).join(Household).where(Household.settlement_id.in_(visible))
                           .order_by(Person.id)).all()
    elsewhere = session.scalar(select(Person).join(Household).where(Household.settlement_id.not_in(visible)).limit(1))
    session.execute(delete(Offer))
    for n, person in enumerate([*mine[:7], elsewhere]):
        session.add(Offer(round_id=model.round_id, vacancy_id=model.vacancy_id, person_id=person.id, rank=1, score=0.5,
                          reasons=[], features={}, status=OfferStatus.DECLINED if n == 0 else OfferStatus.SENT,
                          channel=OfferChannel.VISIT if n == 4 else OfferChannel.SMS,
                          created_at=utcnow(), sent_at=utcnow(),
                          expires_at=utcnow() + timedelta(hours=10 - n)))
    session.commit()
    expected = session.execute(
        select(Offer.id, Offer.channel, Household.zero_employment, Offer.expires_at)
        .join(Person, Person.id == Offer.person_id).join(Household, Household.id == Person.household_id)
        .where(Offer.status == OfferStatus.SENT, Household.settlement_id.in_(visible))).all()
    expected.sort(key=lambda r: (r.channel != OfferChannel.VISIT, not r.zero_employment,
                                 r.expires_at, r.id))
    total, lines = offers_waiting(session, visible, limit=3)
    assert total == len(expected) == 6
    assert [w.offer_id for w in lines] == [r.id for r in expected[:3]]
