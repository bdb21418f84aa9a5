"""One labour-export group from set-up to the month's subsidy list: 45 seats, invitations, sign-ups by
SMS and page, departure check-in, arrivals confirmed, a return at one month, the transport subsidy
for arrivals only, and the report."""

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from jobmatch.clock import Month
from jobmatch.models import Household, Message
from jobmatch.models.labour_export import ExportMemberStatus
from jobmatch.services.answers import answer_ask
from jobmatch.services.errors import WorkflowError
from jobmatch.services.labour_export import arrival, departure, recruitment
from jobmatch.services.labour_export.report import export_report, write_export_report_xlsx
from jobmatch.services.labour_export.subsidy import set_transport_subsidy
from jobmatch.services.sms.inbound import receive_reply
from jobmatch.services.subsidies.monthly_list import monthly_subsidy_list, write_subsidy_list
from tests.factories import frozen_clock, make_household, make_person
from tests.labour_export.helpers import NOON, SECRET, SHANGHAI, make_group, make_setting, sent


@pytest.fixture
def clock():
    with frozen_clock(NOON) as frozen:
        yield frozen


def test_a_45_seat_group_from_invitation_to_the_transport_subsidy(session, clock, tmp_path):
    setting = make_setting(session)
    visible = [setting.site.id, setting.other_site.id]
    workers = [make_person(session, make_household(session, setting.site if i % 2 else setting.other_site),
                           mobility="any") for i in range(60)]
    with pytest.raises(WorkflowError, match="0 到 5000"):
        set_transport_subsidy(session, setting.county.id, 9000, actor="user:1")
    set_transport_subsidy(session, setting.county.id, 300, actor="user:1")
    group = make_group(session, setting, seats=45)

    # Invitations: all 60 may go to another province
    invited = recruitment.invite_workers(session, group.id, actor="user:1")
    assert len(invited) == 60
    asks = {m.person_id: sent(m) for m in session.scalars(select(Message).where(Message.kind == "export_invitation"))}

    # 40 sign up by SMS "1", 8 on their page, 4 say "2": 45 seats taken, 3 wait
    for i, person in enumerate(workers[:40]):
        receive_reply(session, from_phone=person.phone, body="1", provider_sid=f"SMUP{i}")
    for person in workers[40:48]:
        answer_ask(session, person.id, asks[person.id].id, True, via="web")
    for i, person in enumerate(workers[48:52]):
        receive_reply(session, from_phone=person.phone, body="2", provider_sid=f"SMNO{i}")
    by_status = _statuses(group)
    assert (by_status[ExportMemberStatus.SIGNED_UP], by_status[ExportMemberStatus.WAITLISTED],
            by_status[ExportMemberStatus.DECLINED], by_status[ExportMemberStatus.INVITED]) == (45, 3, 4, 8)

    # Two give their seats back after the reminder: the first two waiting take them
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    assert recruitment.queue_reminders(session, actor="cron") == 45
    reminders = {m.person_id: sent(m) for m in session.scalars(select(Message).where(Message.kind == "export_reminder"))}
    for i, person in enumerate(workers[:2]):
        assert person.id in reminders
        receive_reply(session, from_phone=person.phone, body="2", provider_sid=f"SMBACK{i}")
    assert _statuses(group)[ExportMemberStatus.SIGNED_UP] == 45
    assert _statuses(group)[ExportMemberStatus.WAITLISTED] == 1

    # Departure: 42 of the 45 come to the gathering point (30 by QR code, 12 by phone)
    clock.set(datetime(2026, 11, 25, 6, 30, tzinfo=SHANGHAI))
    seated = [m for m in group.members if m.status == ExportMemberStatus.SIGNED_UP]
    for member in seated[:30]:
        departure.check_in_by_token(session, group.id, departure.check_in_token(SECRET, member), secret_key=SECRET,
                                    actor=f"user:{setting.leader.id}", settlement_ids=visible)
    for member in seated[30:42]:
        departure.check_in_by_identity(session, group.id, actor=f"user:{setting.leader.id}", settlement_ids=visible,
                                       phone=member.person.phone)
    assert _statuses(group)[ExportMemberStatus.DEPARTED] == 42

    # Arrival: asked the next day; 35 answer "1", the leader confirms 5 more; 2 never confirmed
    clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))
    assert arrival.queue_arrival_asks(session, actor="cron") == 42
    for message in session.scalars(select(Message).where(Message.kind == "export_arrival")):
        sent(message)
    departed = [m for m in group.members if m.status == ExportMemberStatus.DEPARTED]
    for i, member in enumerate(departed[:35]):
        receive_reply(session, from_phone=member.person.phone, body="1 已到达", provider_sid=f"SMAR{i}")
    for member in departed[35:40]:
        arrival.confirm_arrival(session, group.id, member.person_id, actor=f"user:{setting.leader.id}")
    assert _statuses(group)[ExportMemberStatus.ARRIVED] == 40
    households = {m.person.household_id for m in group.members if m.status == ExportMemberStatus.ARRIVED}
    assert all(not session.get(Household, h).zero_employment for h in households)

    # Staff raise the amount afterwards: this month's arrivals keep the amount of their day
    set_transport_subsidy(session, setting.county.id, 500, actor="user:1")

    # One month on: one came back
    clock.set(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI))
    back = departed[0]
    arrival.record_follow_up(session, back.id, months=1, stayed=False, reason="不适应气候", actor="user:1")
    for member in departed[1:40]:
        arrival.record_follow_up(session, member.id, months=1, stayed=True, actor="user:1")
    assert back.status == ExportMemberStatus.RETURNED and back.spell.ended_on == date(2026, 12, 28)
    assert session.get(Household, back.person.household_id).zero_employment

    # The transport subsidy: November's list has the 40 arrivals only, 300 yuan each (the return keeps it)
    lines = [line for line in monthly_subsidy_list(session, Month(2026, 11), visible) if line.kind == "export_transport"]
    assert len(lines) == 40 and {line.amount for line in lines} == {Decimal("300.00")}
    paid = {line.person.id for line in lines}
    assert back.person_id in paid
    assert not paid & {m.person_id for m in departed[40:]}  # checked in, never confirmed arriving
    assert monthly_subsidy_list(session, Month(2026, 12), visible) == []
    path = tmp_path / "list.xlsx"
    write_subsidy_list(session, "2026-11", path, user=setting.leader)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[2:-1]] == ["劳务输出交通补贴"] * 40 and rows[-1][6] == 12000

    # Three months on, the report: 42 exported, 40 arrived, stability of those followed up
    clock.set(datetime(2027, 2, 27, 10, 0, tzinfo=SHANGHAI))
    for member in departed[1:31]:
        arrival.record_follow_up(session, member.id, months=3, stayed=True, actor="user:1")
    for member in departed[31:34]:
        arrival.record_follow_up(session, member.id, months=3, stayed=False, reason="工资没谈拢", actor="user:1")
    report = export_report(session, [setting.county.id])
    [row] = report.rows
    assert (row.province, row.employer, row.exported, row.arrived, row.returned, row.subsidy_yuan) == (
        "广东省", setting.employer.name, 42, 40, 4, 12000)
    assert row.arrival_rate == pytest.approx(40 / 42)
    assert (row.followed_3m, row.stayed_3m) == (34, 30) and row.stability_rate == pytest.approx(30 / 34)
    write_export_report_xlsx(report, tmp_path / "export.xlsx", title="劳务输出情况")
    sheet = openpyxl.load_workbook(tmp_path / "export.xlsx").active
    assert [c.value for c in sheet[3]][:4] == ["广东省", setting.employer.name, 42, 40]


def _statuses(group):
    counts = dict.fromkeys(ExportMemberStatus, 0)
    for member in group.members:
        counts[ExportMemberStatus(member.status)] += 1
    return counts
