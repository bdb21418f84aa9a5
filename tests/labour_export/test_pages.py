"""The staff pages of labour export, the worker's group page and the county page section."""

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from jobmatch.models import EmploymentSpell, ExportGroup, ExportMember, Message
from jobmatch.models.labour_export import ExportMemberStatus
from tests.factories import frozen_clock, make_household, make_person, make_settlement
from tests.labour_export.helpers import NOON, SHANGHAI, add_workers, make_group, make_setting
from tests.web.helpers import add_user, login

FORM = {"name": "东莞电子厂输出团", "destination_province": "广东省", "destination_city": "东莞市", "jobs": "电子装配工",
        "monthly_wage": "5500", "contract_months": "12", "dormitory": "1", "meals": "1", "departs_on": "2026-11-25",
        "departs_time": "07:00", "gathering_point": "安置点广场", "transport": "chartered_bus", "seats": "45"}


@pytest.fixture
def clock():
    with frozen_clock(NOON) as frozen:
        yield frozen


@pytest.fixture
def county(app, session, clock):
    setting = make_setting(session)
    setting.people = add_workers(session, setting)
    add_user(session, "zhuangan", "staff", settlements=[setting.site, setting.other_site])
    add_user(session, "site_only", "staff", settlements=[setting.other_site])
    add_user(session, "xianli", "county_officer", county_id=setting.county.id)
    session.commit()
    return setting


def _worker_signs_in(client, session, person_id, phone):
    client.post("/w/login", data={"phone": phone})
    body = session.scalar(select(Message.body).where(Message.person_id == person_id, Message.kind == "sign_in_code")
                          .order_by(Message.id.desc()).limit(1))
    session.rollback()
    client.post("/w/login/code", data={"code": re.search(r"\d{6}", body).group()})


def test_staff_set_up_a_group_and_a_wrong_field_is_named(client, session, county):
    county_id, cooperative_id = county.county.id, county.cooperative.id
    login(client, "zhuangan")
    page = client.get("/staff/labour-export").get_data(as_text=True)
    assert "新建劳务输出团" in page and "劳务合作社" in page
    form = {**FORM, "county_id": county.county.id, "employer_id": county.employer.id,
            "leader": f"coop:{county.cooperative.id}"}
    bad = client.post("/staff/labour-export", data={**form, "seats": "0"})
    assert bad.status_code == 400 and "座位数应在 1 到 2000 之间" in bad.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ExportGroup)) == 0
    session.rollback()
    response = client.post("/staff/labour-export", data=form)
    assert response.status_code == 302
    group = session.scalar(select(ExportGroup))
    assert (group.seats, group.cooperative_id, group.departs_at) == (
        45, cooperative_id, datetime(2026, 11, 25, 7, 0, tzinfo=SHANGHAI))
    session.rollback()
    client.post("/staff/labour-export/transport-subsidy", data={"county_id": county_id,
                                                                "transport_subsidy_yuan": "300"})
    session.rollback()
    assert county.county.transport_subsidy_yuan == 300


def test_the_group_page_invites_and_shows_only_the_staff_members_own_sites(client, session, county):
    group = make_group(session, county)
    other_site_home, site_home = (county.people[k].household.household_no for k in ("zero", "anywhere"))
    session.commit()
    login(client, "zhuangan")
    client.post(f"/staff/labour-export/{group.id}/invite", data={"limit": ""})
    page = client.get(f"/staff/labour-export/{group.id}").get_data(as_text=True)
    assert other_site_home in page and site_home in page and "愿去省外" in page
    client.get("/logout")
    login(client, "site_only")
    page = client.get(f"/staff/labour-export/{group.id}").get_data(as_text=True)
    assert other_site_home in page and site_home not in page and "愿去省外" not in page
    assert client.get("/staff/labour-export/999999").status_code == 404


def test_the_worker_signs_up_on_the_page_sees_the_qr_code_and_says_they_arrived(app, client, session, county, clock):
    group_id = make_group(session, county).id
    person = county.people["anywhere"]
    person_id, phone, other_phone = person.id, person.phone, county.people["zero"].phone
    session.commit()
    _worker_signs_in(client, session, person_id, phone)
    home = client.get("/w/").get_data(as_text=True)
    assert "外出务工" in home and f"/w/export/{group_id}" in home
    assert "2026-11-25" not in home and "11月25日 周三" in home  # the departure in plain words
    page = client.post(f"/w/export/{group_id}", data={"answer": "accept"}, follow_redirects=True).get_data(as_text=True)
    assert "报名成功" in page and "<svg" in page
    assert _status(session, person_id) == ExportMemberStatus.SIGNED_UP

    clock.set(datetime(2026, 11, 25, 6, 30, tzinfo=SHANGHAI))  # the staff check the worker in at the bus
    staff = app.test_client()
    login(staff, "zhuangan")
    door = staff.post(f"/staff/labour-export/{group_id}/check-in", data={"phone": phone})
    assert door.status_code == 200 and "已签到" in door.get_data(as_text=True)
    refused = staff.post(f"/staff/labour-export/{group_id}/check-in", data={"phone": other_phone})
    assert refused.status_code == 400 and "没有报名这个输出团" in refused.get_data(as_text=True)

    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    page = client.post(f"/w/export/{group_id}", data={"answer": "arrived"}, follow_redirects=True)
    assert "平安到达" in page.get_data(as_text=True)
    assert _status(session, person_id) == ExportMemberStatus.ARRIVED
    assert session.scalar(select(EmploymentSpell.kind).where(EmploymentSpell.person_id == person_id)) == "outside_province"
    session.rollback()


def _status(session, person_id):
    status = session.scalar(select(ExportMember.status).where(ExportMember.person_id == person_id))
    session.rollback()
    return status


def test_a_worker_of_another_county_cannot_open_the_group(client, session, county):
    group_id = make_group(session, county).id
    stranger = make_person(session, make_household(session, make_settlement(session)), mobility="any")
    stranger_id, phone = stranger.id, stranger.phone
    session.commit()
    _worker_signs_in(client, session, stranger_id, phone)
    assert client.get(f"/w/export/{group_id}").status_code == 404


def test_the_leader_confirms_arrival_records_a_follow_up_and_the_county_reads_the_report(client, session, county,
                                                                                          clock):
    from jobmatch.services.labour_export import departure, recruitment

    group = make_group(session, county)
    person = county.people["zero"]
    recruitment.sign_up(session, group.id, person.id, via="staff", actor="user:1")
    clock.set(datetime(2026, 11, 25, 6, 30, tzinfo=SHANGHAI))
    departure.check_in_by_identity(session, group.id, actor="user:1", settlement_ids=[county.other_site.id],
                                   phone=person.phone)
    group_id, county_id, employer_name = group.id, county.county.id, county.employer.name
    member_id = session.scalar(select(ExportMember.id).where(ExportMember.person_id == person.id))
    session.commit()
    login(client, "zhuangan")
    assert "确认到达" in client.get(f"/staff/labour-export/{group_id}").get_data(as_text=True)
    client.post(f"/staff/labour-export/{group_id}/arrivals", data={"member_id": member_id})
    clock.set(datetime(2026, 12, 27, 9, 0, tzinfo=SHANGHAI))
    login(client, "zhuangan")  # a month later: a new session
    page = client.get(f"/staff/labour-export/{group_id}").get_data(as_text=True)
    assert "到期的稳岗回访" in page
    client.post(f"/staff/labour-export/{group_id}/follow-ups",
                data={"member_id": member_id, "months": "1", "stayed": "no", "reason": "家里有事"})
    session.rollback()
    assert session.get(ExportMember, member_id).status == ExportMemberStatus.RETURNED
    session.rollback()
    client.get("/logout")
    login(client, "xianli")
    page = client.get("/county/").get_data(as_text=True)
    section = page[page.index('id="labour-export"'):]
    assert "广东省" in section and "100.0%" in section
    download = client.get(f"/county/labour-export.xlsx?county_id={county_id}")
    sheet = load_workbook(io.BytesIO(download.data)).active
    assert [c.value for c in sheet[3]][:4] == ["广东省", employer_name, 1, 1]


def test_staff_sign_a_worker_up_at_the_office_by_phone_within_their_sites(client, session, county):
    group_id = make_group(session, county).id
    zero_phone, anywhere_phone = county.people["zero"].phone, county.people["anywhere"].phone
    session.commit()
    login(client, "site_only")
    page = client.post(f"/staff/labour-export/{group_id}/sign-up", data={"phone": zero_phone},
                       follow_redirects=True).get_data(as_text=True)
    assert "零就业：已报名（占座）" in page
    page = client.post(f"/staff/labour-export/{group_id}/sign-up", data={"phone": anywhere_phone},
                       follow_redirects=True).get_data(as_text=True)
    assert "不在本输出团范围内" in page  # another site's worker
    assert session.scalar(select(func.count()).select_from(ExportMember)) == 1
    session.rollback()
