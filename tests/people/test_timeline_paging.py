"""A long timeline is read a page at a time, newest first, with a 更早的记录 link (keyset by the event's
ledger position): every event shows exactly once, in the same sentences; a filter stays on while paging;
events written meanwhile do not shift the older pages; each page view of unmasked data is ledgered as before."""

import re
from html import unescape

from sqlalchemy import func, select

from jobmatch import ledger
from jobmatch.models import LedgerEvent
from jobmatch.services.demo import DEMO_PASSWORD
from jobmatch.services.people.timeline import TIMELINE_PAGE, timeline
from tests.factories import make_household, make_person, make_user

EVENTS = 230  # more than the 200 the page used to stop at
FOLLOW_UPS = 60


def _long_household(session):
    household = make_household(session, household_no="WN-0230")
    person = make_person(session, household, name="王雪燕")
    staff = make_user(session, "staff", settlements=[household.settlement], username="staff_long", display_name="杨梅")
    staff.set_password(DEMO_PASSWORD)
    offers = [ledger.NewEvent("offer_sent", "system", {"title": f"岗位{n:03d}"}, household.id, person.id)
              for n in range(1, EVENTS + 1)]
    follow_ups = [ledger.NewEvent("follow_up_recorded", f"user:{staff.id}", {}, household.id, None)
                  for _ in range(FOLLOW_UPS)]
    ledger.append_many(session, offers + follow_ups)
    session.commit()
    return household.id, person.id


def _titles(page: str) -> list[str]:
    timeline_part = page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"推荐了 (岗位\d{3})", timeline_part)


def _earlier_link(page: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">更早的记录</a>', page)
    return unescape(found.group(1)).split("#", 1)[0] if found else None


def test_pages_follow_each_other_to_the_oldest_event(session):
    household_id, _ = _long_household(session)
    seen, before, pages = [], None, 0
    while True:
        page = timeline(session, household_id=household_id, before=before)
        assert len(page.entries) <= TIMELINE_PAGE
        seen += [entry.event_id for entry in page.entries]
        pages += 1
        if page.earlier is None:
            break
        before = page.earlier
    everything = session.scalars(select(LedgerEvent.id).where(LedgerEvent.household_id == household_id)
                                 .order_by(LedgerEvent.id.desc())).all()
    assert seen == everything and len(seen) == EVENTS + FOLLOW_UPS
    assert pages == -(-(EVENTS + FOLLOW_UPS) // TIMELINE_PAGE)


def test_the_household_page_pages_back_with_earlier_records_links(app, session, client):
    household_id, _ = _long_household(session)
    members = 1
    client.post("/login", data={"username": "staff_long", "password": DEMO_PASSWORD})
    viewed_before = _views(session, household_id)
    url, shown, pages = f"/staff/households/{household_id}?kind=offer_sent", [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        titles = _titles(page)
        assert 0 < len(titles) <= TIMELINE_PAGE and "向 王雪燕 推荐了 岗位" in page  # the same sentences
        assert "回访了" not in page.split('<ol class="timeline">', 1)[1]  # the filter stays on while paging
        if pages:
            assert "回到最新的记录" in page
        shown += titles
        pages += 1
        url = _earlier_link(page)
        assert url is None or "kind=offer_sent" in url
    assert shown == [f"岗位{n:03d}" for n in range(EVENTS, 0, -1)]  # each once, newest first
    assert pages == -(-EVENTS // TIMELINE_PAGE)
    # Unchanged: staff see unmasked ID numbers on every page, and every view is ledgered.
    assert _views(session, household_id) - viewed_before == pages * members


def test_a_new_event_does_not_shift_the_older_pages(app, session, client):
    household_id, person_id = _long_household(session)
    client.post("/login", data={"username": "staff_long", "password": DEMO_PASSWORD})
    first = client.get(f"/staff/persons/{person_id}").get_data(as_text=True)
    assert _titles(first)[:1] == ["岗位230"] and len(_titles(first)) == TIMELINE_PAGE
    ledger.append(session, "offer_sent", actor="system", data={"title": "岗位999"}, household_id=household_id,
                  person_id=person_id)
    session.commit()
    second = client.get(_earlier_link(first)).get_data(as_text=True)
    assert _titles(second) == [f"岗位{n:03d}" for n in range(EVENTS - TIMELINE_PAGE, EVENTS - 2 * TIMELINE_PAGE, -1)]


def test_a_page_number_that_is_not_a_number_shows_the_newest_page(app, session, client):
    household_id, _ = _long_household(session)
    client.post("/login", data={"username": "staff_long", "password": DEMO_PASSWORD})
    response = client.get(f"/staff/households/{household_id}?before=abc&kind=offer_sent")
    assert response.status_code == 200 and _titles(response.get_data(as_text=True))[0] == "岗位230"


def test_the_english_page_links_to_earlier_records_in_english(app, session, client):
    household_id, _ = _long_household(session)
    client.post("/login", data={"username": "staff_long", "password": DEMO_PASSWORD})
    page = client.get(f"/staff/households/{household_id}?lang=en").get_data(as_text=True)
    assert "Earlier records" in page and "更早的记录" not in page


def _views(session, household_id: int) -> int:
    count = session.scalar(select(func.count()).select_from(LedgerEvent).where(
        LedgerEvent.kind == "personal_data_viewed", LedgerEvent.household_id == household_id))
    session.rollback()
    return count
