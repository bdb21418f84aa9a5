"""One settlement's month, end to end: roster import, a matching round, SMS replies through
the signed webhook, a hire, a welfare appointment and exit, a fair with invitations and
check-ins, a course completion and a follow-up. After every step the ledger verifies,
the household statuses are what a staff member expects, and the monthly export says so.
"""

import csv
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from sqlalchemy import func, select

from jobmatch import ledger
from jobmatch.idnumber import make_id_number
from jobmatch.models import Employer, Household, LedgerEvent, Message, Offer, Person, Settlement, Vacancy
from jobmatch.services.fairs import events as fairs
from jobmatch.services.fairs.check_in import check_in_by_identity
from jobmatch.services.fairs.report import fair_report
from jobmatch.services.households.followups import JobLoss, record_follow_up
from jobmatch.services.offers import hiring
from jobmatch.services.offers.rounds import approve_round, propose_round
from jobmatch.services.training import courses as training
from jobmatch.services.welfare import posts as welfare
from jobmatch.services.welfare.appointments import appoint
from jobmatch.services.welfare.exits import exit_post
from jobmatch.tasks import InProcessQueue, dispatch_once
from tests.conftest import make_test_app
from tests.sms.test_sms_support import fake_twilio, fixed_clock, shanghai, twilio_config  # noqa: F401
from tests.support.fake_twilio import DEFAULT_AUTH_TOKEN, sign_twilio_request

COUNTY, SITE = "威宁彝族回族苗族自治县", "五里岗安置点"
HEADER = ["户编号", "县区", "安置点", "姓名", "身份证号", "与户主关系", "手机号", "劳动能力", "就业意愿", "外出意愿",
          "通勤上限(公里)", "技能", "证书", "培训意愿", "期望月薪(元)", "就业状态", "就业单位", "月收入(元)",
          "残疾等级", "监测对象", "备注"]
# household, name, born, relation, phone, capacity, mobility, skills, training wish, status, employer, income
PEOPLE = [
    ("H001", "杨明", date(1985, 3, 2), "户主", "13908570001", "强劳力", "县内", "电焊", "", "未就业", "", ""),
    ("H001", "龙芳", date(1988, 6, 9), "配偶", "13908570002", "强劳力", "县内", "电焊", "", "未就业", "", ""),
    ("H002", "王强", date(1979, 1, 15), "户主", "13908570003", "强劳力", "县内", "开叉车", "", "县内务工", "顺通物流", "4200"),
    ("H002", "李英", date(1981, 8, 20), "配偶", "13908570004", "半劳力", "仅安置点附近", "做家务", "", "未就业", "", ""),
    ("H003", "吴婆", date(1966, 11, 3), "户主", "13908570005", "弱劳力", "仅安置点附近", "打扫卫生", "", "未就业", "", ""),
    ("H004", "张勇", date(1995, 5, 5), "户主", "13908570006", "强劳力", "县内", "普工", "电工", "未就业", "", ""),
    ("H004", "陈雪", date(1996, 2, 1), "配偶", "13908570007", "强劳力", "县内", "", "", "帮扶车间", "服装车间", "2600"),
]
BASE = "http://jobmatch.test"


@pytest.fixture
def story_app(database_url, fake_twilio):
    app = make_test_app(database_url, **twilio_config(fake_twilio))
    yield app
    app.extensions["jobmatch.engine"].dispose()


def test_a_settlement_month_from_roster_to_follow_up(story_app, fake_twilio, tmp_path, cli_for):
    app, cli = story_app, cli_for(story_app)
    sessions = app.extensions["jobmatch.sessionmaker"]
    client = app.test_client()
    with fixed_clock(shanghai(2026, 11, 26, 9, 30)) as clock, app.app_context():
        # 1. The roster goes in; H001 (two jobless welders) and H003 are zero-employment.
        out = cli("roster", "import", str(_roster_file(tmp_path)))
        assert "households 4, persons 7, created 7" in out.output
        expect_statuses(cli, sessions, tmp_path, zero={"H001", "H003"})

        # 2. A welding vacancy; the round offers it to a zero-employment household's welder.
        with sessions.begin() as session:
            vacancy_id = _welding_vacancy(session)
            match_round = propose_round(session, actor="user:1", settlement_id=_site_id(session),
                                        vacancy_ids=[vacancy_id])
            round_id = match_round.id
        with sessions.begin() as session:
            result = approve_round(session, round_id, actor="user:1")
        assert len(result.sent) == 1
        deliver(app)
        with sessions() as session:
            offer = session.scalars(select(Offer).where(Offer.round_id == round_id, Offer.status == "sent")).one()
            welder = session.get(Person, offer.person_id)
            welder_phone, _welder_id, offer_id = welder.phone, welder.id, offer.id
            assert welder.household.household_no == "H001"
            assert "技能相符" in " ".join(offer.reasons)
        assert [m.to for m in fake_twilio.messages] == [welder_phone]
        expect_ledger(sessions, "offer_sent", subject=f"offer:{offer_id}")

        # 3. The welder answers "1" by SMS, through Twilio's signed webhook; a forged one changes nothing.
        assert reply(client, welder_phone, "1", token="forged").status_code == 403
        assert reply(client, welder_phone, "1").status_code == 200
        assert reply(client, welder_phone, "1").status_code == 200  # the same answer again
        with sessions() as session:
            assert session.get(Offer, offer_id).status == "accepted"
        expect_ledger(sessions, "offer_accepted", subject=f"offer:{offer_id}")
        deliver(app)
        assert "已接受" in fake_twilio.messages[-1].body or "接受" in fake_twilio.messages[-1].body

        # 4. The employer hires the welder: H001 leaves the zero-employment list.
        with sessions.begin() as session:
            hiring.record_hire(session, offer_id, start_date=date(2026, 11, 27), contract_months=12,
                               social_insurance=True, monthly_wage=5200, actor="user:2")
        expect_statuses(cli, sessions, tmp_path, zero={"H003"}, employed={"H001": 1})

        # 5. The welfare post is offered to Wu (weak labour, cannot leave the site); she answers "1" by SMS,
        #    then she is absent and exits.
        with sessions.begin() as session:
            post = welfare.create_post(session, settlement_id=_site_id(session), title="保洁员（公益性岗位）",
                                       quota=1, monthly_subsidy=1500, actor="user:1")
            post_id = post.id
            ranked = welfare.candidates_for_post(session, post_id)
            assert ranked[0].name == "吴婆" and "弱劳力" in ranked[0].reason
            appointment_id = appoint(session, post_id, ranked[0].person_id, actor="user:1").id
            wu_id = ranked[0].person_id
        deliver(app)
        assert reply(client, _phone_of(sessions, wu_id), "1").status_code == 200
        expect_statuses(cli, sessions, tmp_path, zero=set(), employed={"H003": 1})
        clock.advance(days=10)
        with sessions.begin() as session:
            exit_result = exit_post(session, appointment_id, reason="absence", actor="user:1")
            assert exit_result.next_candidate is not None  # the freed place is offered on
        expect_statuses(cli, sessions, tmp_path, zero={"H003"})
        expect_ledger(sessions, "welfare_post_exited")

        # 6. A fair: invitations by SMS, one "1" by reply, check-in by phone, a walk-in by ID number.
        with sessions.begin() as session:
            fair = fairs.create_fair(session, name="冬季专场招聘会", held_on=date(2026, 12, 6), place="文化广场",
                                     county_id=session.scalar(select(Settlement.county_id)),
                                     settlement_id=_site_id(session), vacancy_ids=[vacancy_id], actor="user:1")
            fair_id = fair.id
            invited = fairs.invite_workers(session, fair_id, actor="user:1")
        assert invited
        deliver(app)
        invitee_phone = _phone_of(sessions, invited[0].person_id)
        assert reply(client, invitee_phone, "1").status_code == 200
        clock.set(shanghai(2026, 12, 6, 9, 0))
        with sessions.begin() as session:
            everywhere = session.scalars(select(Settlement.id)).all()
            assert not check_in_by_identity(session, fair_id, phone=invitee_phone, actor="user:1",
                                            settlement_ids=everywhere).walk_in
            walk_in = check_in_by_identity(session, fair_id, id_number=_id_of("王强"), actor="user:1",
                                           settlement_ids=everywhere)
            assert walk_in.walk_in
            report = fair_report(session, fair_id)
        assert (report.invited, report.registered, report.checked_in, report.walk_ins) == (len(invited), 1, 2, 1)

        # 7. Zhang finishes the electrician course: the skill is on his profile, and he is matched again.
        with sessions.begin() as session:
            course = training.create_course(session, name="电工培训班", skill="电工", county_id=_county_id(session),
                                            starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 20),
                                            place="县职校", capacity=20, actor="user:1")
            enrolment = training.enrol(session, course.id, _person_id(session, "张勇"), actor="user:1")
        clock.set(shanghai(2026, 12, 20, 16, 0))
        with sessions.begin() as session:
            completion = training.complete(session, enrolment.id, certificate="低压电工作业证", actor="user:1")
            assert completion.skill_added
        with sessions() as session:
            zhang = session.get(Person, _person_id(session, "张勇"))
            assert "低压电工作业证" in zhang.certificates and any("电工" in s for s in zhang.skills)
        expect_ledger(sessions, "training_completed")

        # 8. The monthly follow-up finds Wang has lost his job: H002 becomes zero-employment at once.
        clock.set(shanghai(2026, 12, 21, 10, 0))
        with sessions.begin() as session:
            household = session.scalar(select(Household).where(Household.household_no == "H002"))
            record_follow_up(session, household_id=household.id, staff_user_id=None, method="visit",
                             actor="user:1", summary="上门回访", lost_work=[JobLoss(_person_id(session, "王强"))])
        expect_statuses(cli, sessions, tmp_path, zero={"H002", "H003"}, month="2026-12")
        expect_ledger(sessions, "household_became_zero_employment")

    # Every SMS reached the provider once, and the ledger still verifies from the command line.
    assert len({m.sid for m in fake_twilio.messages}) == len(fake_twilio.messages)
    assert cli("ledger", "verify").exit_code == 0


# -- the steps' checks ---------------------------------------------------------------------

def expect_statuses(cli, sessions, tmp_path, *, zero: set[str], employed: dict[str, int] | None = None,
                    month: str = "2026-11"):
    """The ledger verifies, and both the database and the exported 户汇总 sheet show these statuses."""
    with sessions() as session:
        assert ledger.verify(session).ok
        stored = set(session.scalars(select(Household.household_no).where(Household.zero_employment)))
        counts = dict(session.execute(select(Household.household_no, Household.employed)).all())
    assert stored == zero
    for household_no, count in (employed or {}).items():
        assert counts[household_no] == count
    path = tmp_path / f"export-{month}.xlsx"
    assert cli("roster", "export", "--out", str(path), "--month", month).exit_code == 0
    totals = openpyxl.load_workbook(path).worksheets[1]
    header = [c.value for c in totals[2]]
    flags = {row[0]: row[header.index("零就业家庭")] for row in totals.iter_rows(min_row=3, values_only=True) if row[0]}
    assert {no for no, flag in flags.items() if flag == "是"} == zero


def expect_ledger(sessions, kind, subject=None):
    with sessions() as session:
        query = select(func.count()).select_from(LedgerEvent).where(LedgerEvent.kind == kind)
        if subject:
            query = query.where(LedgerEvent.subject == subject)
        assert session.scalar(query) >= 1, f"no {kind} event"


def deliver(app):
    """What the dispatcher and a worker do: send every due message now."""
    dispatch_once(app, InProcessQueue(app))
    with app.extensions["jobmatch.sessionmaker"]() as session:
        assert not session.scalar(select(func.count()).select_from(Message).where(
            Message.status.in_(("queued", "dispatched", "sending")), Message.due_at <= func.now()))


def reply(client, phone, body, token=DEFAULT_AUTH_TOKEN):
    reply.count = getattr(reply, "count", 0) + 1
    params = {"From": phone, "To": "+15005550006", "Body": body, "MessageSid": f"SMSTORY{reply.count:04d}",
              "AccountSid": "AC1"}
    url = f"{BASE}/sms/inbound"
    headers = {"X-Twilio-Signature": sign_twilio_request(token, url, params)}
    return client.post(urlsplit(url).path, data=params, headers=headers)


@pytest.fixture
def cli_for():
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from jobmatch.cli import main

    def make(app):
        def run(*args):
            result = CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app),
                                        catch_exceptions=False)
            # Inside the test's app context the command used its session; end it as the process would.
            from flask import g, has_app_context
            session = g.pop("db_session", None) if has_app_context() else None
            if session is not None:
                session.close()
            return result
        return run
    return make


# -- the settlement ---------------------------------------------------------------------------

def _roster_file(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for seq, (household, name, born, relation, phone, capacity, mobility, skills, wish, status, employer,
                  income) in enumerate(PEOPLE, start=1):
            writer.writerow([household, COUNTY, SITE, name, make_id_number("520526", born, seq), relation, phone,
                             capacity, "是", mobility, "10", skills, "", wish, "", status, employer, income, "无", "无", ""])
    return path


def _id_of(name: str) -> str:
    for seq, person in enumerate(PEOPLE, start=1):
        if person[1] == name:
            return make_id_number("520526", person[2], seq)
    raise KeyError(name)


def _welding_vacancy(session) -> int:
    site = session.scalar(select(Settlement))
    employer = Employer(name="威宁县宏发建筑劳务有限公司", county_id=site.county_id, lat=site.lat, lon=site.lon,
                        approved=True)
    session.add(employer)
    session.flush()
    vacancy = Vacancy(employer_id=employer.id, title="电焊工", skills=["电焊"], openings=1, county_id=site.county_id,
                      lat=site.lat + 0.01, lon=site.lon, physical_demand="medium", wage_min=4500, wage_max=6000,
                      posted_at=ledger.utcnow())
    session.add(vacancy)
    session.flush()
    return vacancy.id


def _site_id(session) -> int:
    return session.scalar(select(Settlement.id).where(Settlement.name == SITE))


def _county_id(session) -> int:
    return session.scalar(select(Settlement.county_id).where(Settlement.name == SITE))


def _person_id(session, name: str) -> int:
    return session.scalar(select(Person.id).where(Person.name == name))


def _phone_of(sessions, person_id: int) -> str:
    with sessions() as session:
        return session.get(Person, person_id).phone
