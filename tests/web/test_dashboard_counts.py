"""The dashboard's bounded summaries count what the full services count, on both backends."""

from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
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
