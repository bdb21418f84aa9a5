"""Recruiting a group: invitations by mobility and priority, sign-up by reply or page, seats and the
waiting list (also under concurrency on PostgreSQL), the reminder the day before."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from jobmatch.db import make_engine
from jobmatch.models import ExportMember, LedgerEvent, Message
from jobmatch.models.labour_export import ExportMemberStatus
from jobmatch.services.answers import answer_ask
from jobmatch.services.errors import WorkflowError
from jobmatch.services.labour_export import recruitment
from jobmatch.services.sms.inbound import receive_reply
from jobmatch.services.sms.short_links import find_link, target_path
from tests.factories import frozen_clock, make_household, make_person
from tests.labour_export.helpers import NOON, SHANGHAI, add_workers, make_group, make_setting, sent


@pytest.fixture
def clock():
    with frozen_clock(NOON) as frozen:
        yield frozen


@pytest.fixture
def county(session, clock):
    setting = make_setting(session)
    setting.people = add_workers(session, setting)
    return setting


def _invitation(session, person):
    return session.scalar(select(Message).where(Message.person_id == person.id, Message.kind == "export_invitation"))


def test_invitations_go_to_those_who_may_travel_zero_employment_then_monitored_first(session, county):
    group = make_group(session, county)
    invited = recruitment.invite_workers(session, group.id, actor="user:1")
    assert [m.person.name for m in invited] == ["零就业", "监测户", "愿去省外"]
    text = _invitation(session, county.people["zero"]).body
    assert "广东省东莞" in text and "电子装配工" in text and "5500元" in text and "回1报名" in text
    assert _invitation(session, county.people["site_bound"]) is None  # cannot leave the site: never
    code = re.search(r"/s/(\w{6}) ", text).group(1)
    assert target_path(find_link(session, code).target) == f"/w/export/{group.id}"  # the link opens the group
    assert recruitment.invite_workers(session, group.id, actor="user:1") == []  # nobody twice


def test_a_group_within_the_province_also_invites_those_who_go_only_within_it(session, county):
    group = make_group(session, county, destination_province="贵州省", destination_city="贵阳市")
    names = {m.person.name for m in recruitment.invite_workers(session, group.id, actor="user:1")}
    assert names == {"零就业", "监测户", "愿去省外", "只去省内"}


def test_a_reply_1_signs_up_and_2_declines(session, county):
    group = make_group(session, county)
    recruitment.invite_workers(session, group.id, actor="user:1")
    zero, monitored = county.people["zero"], county.people["monitored"]
    sent(_invitation(session, zero)), sent(_invitation(session, monitored))
    receive_reply(session, from_phone=zero.phone, body="1", provider_sid="SM1")
    receive_reply(session, from_phone=monitored.phone, body="2", provider_sid="SM2")
    statuses = {m.person.name: m.status for m in group.members}
    assert statuses["零就业"] == ExportMemberStatus.SIGNED_UP
    assert statuses["监测户"] == ExportMemberStatus.DECLINED
    assert statuses["愿去省外"] == ExportMemberStatus.INVITED


def test_the_page_signs_up_through_the_same_answer(session, county):
    group = make_group(session, county)
    recruitment.invite_workers(session, group.id, actor="user:1")
    person = county.people["anywhere"]
    answer_ask(session, person.id, _invitation(session, person).id, True, via="web")
    member = session.scalar(select(ExportMember).where(ExportMember.person_id == person.id))
    assert (member.status, member.answered_via) == (ExportMemberStatus.SIGNED_UP, "web")


def test_seats_are_never_overbooked_the_rest_wait_and_a_seat_given_back_goes_to_the_first_waiting(session, county):
    group = make_group(session, county, seats=2)
    people = [county.people[k] for k in ("zero", "monitored", "anywhere")]
    results = [recruitment.sign_up(session, group.id, p.id, via="staff", actor="user:1").status for p in people]
    assert results == [ExportMemberStatus.SIGNED_UP, ExportMemberStatus.SIGNED_UP, ExportMemberStatus.WAITLISTED]
    recruitment.decline(session, group.id, people[0].id, via="web", actor=f"person:{people[0].id}")
    assert {m.person.name: m.status for m in group.members} == {
        "零就业": ExportMemberStatus.DECLINED, "监测户": ExportMemberStatus.SIGNED_UP,
        "愿去省外": ExportMemberStatus.SIGNED_UP}
    # a second sign-up changes nothing
    assert recruitment.sign_up(session, group.id, people[1].id, via="web", actor="x").status == ExportMemberStatus.SIGNED_UP


def test_who_may_not_travel_that_far_cannot_sign_up_even_on_the_page(session, county):
    group = make_group(session, county)
    for key in ("site_bound", "county_only", "province_only", "far"):
        with pytest.raises(WorkflowError) as error:
            recruitment.sign_up(session, group.id, county.people[key].id, via="web", actor="x")
        assert error.value.field == "person_id"


def test_the_reminder_goes_the_day_before_at_the_set_hour_to_seat_holders_only_once(session, county, clock):
    group = make_group(session, county, seats=1)
    recruitment.sign_up(session, group.id, county.people["zero"].id, via="web", actor="x")
    recruitment.sign_up(session, group.id, county.people["anywhere"].id, via="web", actor="x")  # waits
    assert recruitment.queue_reminders(session, actor="cron") == 0  # five days before: not yet
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    assert recruitment.queue_reminders(session, actor="cron") == 1
    assert recruitment.queue_reminders(session, actor="cron") == 0
    reminder = session.scalar(select(Message).where(Message.kind == "export_reminder"))
    assert reminder.person_id == county.people["zero"].id
    assert reminder.due_at == datetime(2026, 11, 24, 18, 0, tzinfo=SHANGHAI)
    assert "安置点广场" in reminder.body and "回2" in reminder.body
    # The seat given back after the reminders went out: the first waiting is told by a reminder at once
    recruitment.decline(session, group.id, county.people["zero"].id, via="sms", actor="x")
    [promoted] = session.scalars(select(Message).where(Message.kind == "export_reminder", Message.id != reminder.id))
    assert promoted.person_id == county.people["anywhere"].id and promoted.due_at == reminder.due_at


def test_a_reminder_queued_late_at_night_waits_for_the_morning(session, county, clock):
    group = make_group(session, county, departs_at=datetime(2026, 11, 25, 14, 0, tzinfo=SHANGHAI))
    recruitment.sign_up(session, group.id, county.people["zero"].id, via="web", actor="x")
    clock.set(datetime(2026, 11, 24, 22, 30, tzinfo=SHANGHAI))
    assert recruitment.queue_reminders(session, actor="cron") == 1
    reminder = session.scalar(select(Message).where(Message.kind == "export_reminder"))
    assert reminder.due_at == datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)


def test_after_departure_nobody_signs_up_and_a_late_sms_changes_nothing(session, county, clock):
    group = make_group(session, county)
    recruitment.invite_workers(session, group.id, actor="user:1")
    person = county.people["zero"]
    sent(_invitation(session, person))
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    receive_reply(session, from_phone=person.phone, body="1", provider_sid="SMLATE")
    assert {m.person.name: m.status for m in group.members}["零就业"] == ExportMemberStatus.INVITED
    with pytest.raises(WorkflowError, match="已经出发"):
        recruitment.sign_up(session, group.id, person.id, via="web", actor="x")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_thirty_sign_ups_at_once_fill_ten_seats_exactly_and_the_rest_wait(app, session, database_url, clock):
    with app.app_context():
        setting = make_setting(session)
        group = make_group(session, setting, seats=10)
        people = [make_person(session, make_household(session, setting.site), mobility="any") for _ in range(30)]
        session.commit()
    engine = make_engine(database_url, pool_size=12, max_overflow=0)
    factory = sessionmaker(engine, expire_on_commit=False)
    start = threading.Event()

    def sign_up(person_id):
        start.wait()
        with app.app_context(), factory() as own:
            try:
                recruitment.sign_up(own, group.id, person_id, via="web", actor=f"person:{person_id}")
                own.commit()
                return None
            except Exception as exc:  # noqa: BLE001 - a request would answer 500
                own.rollback()
                return exc

    try:
        with ThreadPoolExecutor(12) as pool:
            futures = [pool.submit(sign_up, p.id) for p in people]
            start.set()
            failures = [f.result() for f in futures if f.result() is not None]
    finally:
        engine.dispose()
    assert failures == []
    session.rollback()
    counts = dict(session.execute(select(ExportMember.status, func.count()).where(ExportMember.group_id == group.id)
                                  .group_by(ExportMember.status)).tuples().all())
    assert counts == {ExportMemberStatus.SIGNED_UP: 10, ExportMemberStatus.WAITLISTED: 20}
    assert session.scalar(select(func.count()).select_from(LedgerEvent)
                          .where(LedgerEvent.kind == "export_signed_up")) == 10


def test_cron_runs_the_daily_command_reminders_then_arrival_asks_and_a_wrong_group_exits_1(cli, session, county, clock):
    group = make_group(session, county)
    recruitment.sign_up(session, group.id, county.people["zero"].id, via="web", actor="x")
    session.commit()
    assert cli("labour-export", "invite", str(group.id)).output.strip() == "invited 2 workers"
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    assert cli("labour-export", "daily").output.strip() == "queued 1 reminders and 0 arrival asks"
    failed = cli("labour-export", "invite", "987654")
    assert failed.exit_code == 1 and "找不到劳务输出团" in failed.output
