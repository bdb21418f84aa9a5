"""Issue 13: public-welfare posts and subsidies as the policy says (rules 2, 7, 9; seeds 001–003).

Each of the seven defects of the issue is reproduced here first; every test runs on SQLite
and PostgreSQL.
"""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select

from jobmatch.clock import FixedClock, Month, use_clock
from jobmatch.models import EmploymentSpell, LedgerEvent, Message, Offer, WelfareAppointment
from jobmatch.models.welfare import AppointmentStatus
from jobmatch.services.answers import answer_ask
from jobmatch.services.employers.policy import set_employer_policy
from jobmatch.services.errors import WorkflowError
from jobmatch.services.fairs.events import create_fair
from jobmatch.services.fairs.report import record_outcome
from jobmatch.services.households.employment_changes import NewJob
from jobmatch.services.households.followups import JobLoss, record_follow_up
from jobmatch.services.households.status import refresh_households
from jobmatch.services.offers.hiring import employer_candidates, employer_withdrawn, record_hire
from jobmatch.services.offers.matching_input import build_engine_input
from jobmatch.services.offers.rounds import propose_round
from jobmatch.services.people.site_bound import set_cannot_leave_site
from jobmatch.services.reports.monthly import monthly_report
from jobmatch.services.subsidies.hiring import hiring_subsidies
from jobmatch.services.subsidies.monthly_list import monthly_subsidy_list, write_subsidy_list
from jobmatch.services.subsidies.startups import (
    decide_application,
    incubator_amount,
    record_application,
    record_business,
    startup_subsidy_lines,
)
from jobmatch.services.welfare import posts
from jobmatch.services.welfare.appointments import appoint
from jobmatch.services.welfare.attendance import record_attendance
from jobmatch.services.welfare.exits import vacate_ended_terms
from jobmatch.services.welfare.needs import check_household_needs, decide_review
from jobmatch.services.welfare.roll import subsidy_roll
from tests.factories import (
    frozen_clock,
    make_county,
    make_employer,
    make_household,
    make_person,
    make_sent_offers,
    make_settlement,
    make_spell,
    make_user,
    make_vacancy,
    make_welding_site,
    make_welfare_post,
)
from tests.web.helpers import add_user, bearer, login, token_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)


def at(year, month, day, hour=9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _clock():
    with frozen_clock(NOW):
        yield


@contextmanager
def on(moment):
    with frozen_clock(moment):
        yield
    use_clock(FixedClock(NOW))


def offer_and_accept(session, post_id, person_id, *, override_reason="") -> WelfareAppointment:
    appointment = appoint(session, post_id, person_id, actor="user:1", override_reason=override_reason)
    ask = session.scalar(select(Message).where(Message.person_id == person_id, Message.expects_reply,
                                               Message.subject == f"welfare_post:{post_id}")
                         .order_by(Message.id.desc()))
    assert answer_ask(session, person_id, ask.id, True) == "confirm_accepted"
    session.refresh(appointment)
    return appointment


def zero_employment_person(session, site, **overrides):
    person = make_person(session, make_household(session, site), **overrides)
    refresh_households(session, [person.household_id], actor="test")
    return person


# -- one money figure ---------------------------------------------------------------------

def test_county_report_roll_and_subsidy_list_show_the_same_pro_rated_amount(session):
    """Defect: for the same post and month the county report said 900 yuan and the roll 464.52."""
    site = make_settlement(session)
    worker = zero_employment_person(session, site)
    post = make_welfare_post(session, site, quota=1, monthly_subsidy=900)
    with on(at(2026, 10, 16)):
        offer_and_accept(session, post.id, worker.id)
    roll = subsidy_roll(session, post.id, "2026-10")
    assert [(line.days_on_post, line.subsidy) for line in roll.lines] == [(16, Decimal("464.52"))]
    report = monthly_report(session, site.county, 2026, 10)
    assert [p["subsidy_total"] for p in report.welfare_posts] == [Decimal("464.52")]
    listed = monthly_subsidy_list(session, Month(2026, 10), [site.id])
    assert [(line.kind, line.amount) for line in listed] == [("welfare_post", Decimal("464.52"))]


def test_absent_days_are_not_paid_everywhere(session):
    site = make_settlement(session)
    worker = zero_employment_person(session, site)
    post = make_welfare_post(session, site, quota=1, monthly_subsidy=1500)
    with on(at(2026, 10, 1)):
        appointment = offer_and_accept(session, post.id, worker.id)
    with pytest.raises(WorkflowError) as too_many:
        record_attendance(session, appointment.id, "2026-10", 32, actor="user:1")
    assert too_many.value.field == "days_absent" and "0 到 31" in too_many.value.message
    record_attendance(session, appointment.id, "2026-10", 4, actor="user:1")
    line = subsidy_roll(session, post.id, "2026-10").lines[0]
    assert (line.days_on_post, line.days_absent, line.days_present, line.subsidy) == (31, 4, 27, Decimal("1306.45"))
    report = monthly_report(session, site.county, 2026, 10)
    assert report.welfare_posts[0]["subsidy_total"] == Decimal("1306.45")


# -- orderly exit -------------------------------------------------------------------------

def test_a_term_that_ended_draws_nothing_and_is_vacated_with_the_worker_told(session):
    """Defect: a post whose term ended on 2026-06-01 still drew 800 yuan on the October roll."""
    site = make_settlement(session)
    worker = zero_employment_person(session, site, name="任满")
    following = zero_employment_person(session, site, name="接任")
    post = make_welfare_post(session, site, quota=1, monthly_subsidy=800, term_months=1)
    with on(at(2026, 5, 1)):
        appointment = offer_and_accept(session, post.id, worker.id)
    assert appointment.term_ends_on == date(2026, 6, 1)
    assert subsidy_roll(session, post.id, "2026-10").lines == []  # before the daily check has even run
    assert subsidy_roll(session, post.id, "2026-05").total == Decimal("800.00")
    assert subsidy_roll(session, post.id, "2026-06").lines == []  # the roll stops on the term's end day

    vacated = vacate_ended_terms(session, actor="system")
    assert [r.appointment.id for r in vacated] == [appointment.id]
    assert (appointment.status, appointment.exit_reason, appointment.exited_on) == ("exited", "term_end", date(2026, 6, 1))
    assert appointment.spell.ended_on == date(2026, 6, 1)
    told = session.scalar(select(Message).where(Message.person_id == worker.id, Message.kind == "welfare_term_end"))
    assert "届满" in told.body
    assert vacated[0].next_candidate.name == "接任"  # the place reopens for the next ranked candidate
    assert session.scalar(select(WelfareAppointment.status).where(
        WelfareAppointment.person_id == following.id)) == AppointmentStatus.OFFERED
    assert vacate_ended_terms(session, actor="system") == []


def test_the_monthly_check_flags_a_household_that_no_longer_needs_the_post(session, app):
    site = make_settlement(session)
    holder = zero_employment_person(session, site, name="岗上人")
    earner = make_person(session, holder.household, name="家里人", relation="配偶", wants_work=True)
    post = make_welfare_post(session, site, quota=1)
    offer_and_accept(session, post.id, holder.id)
    appointment = posts.active_appointments(session, post.id)[0]
    assert appointment.priority_grounds[0] == "zero_employment"
    assert check_household_needs(session, Month(2026, 11), income_line=3000) == []
    make_spell(session, earner, monthly_income=4200, employer_name="鞋厂", started_on=date(2026, 11, 10))
    flags = check_household_needs(session, Month(2026, 11), income_line=3000)
    assert [f.reason for f in flags] == ["家庭成员家里人已在鞋厂就业，月收入4200元（不低于3000元）"]
    assert check_household_needs(session, Month(2026, 11), income_line=3000) == []  # once a month
    with pytest.raises(WorkflowError, match="写明理由"):
        decide_review(session, flags[0].id, keep=True, note="", actor="user:1")
    decide_review(session, flags[0].id, keep=False, note="", actor="user:1")
    assert (appointment.status, appointment.exit_reason) == ("exited", "no_longer_needed")
    assert session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "welfare_need_reviewed")).data["decision"] == "exited"


def test_the_household_off_both_lists_is_flagged_even_below_the_income_line(session):
    site = make_settlement(session)
    holder = zero_employment_person(session, site)
    other = make_person(session, holder.household, relation="子女")
    post = make_welfare_post(session, site, quota=1)
    offer_and_accept(session, post.id, holder.id)
    make_spell(session, other, monthly_income=1800, started_on=date(2026, 11, 1))
    [flag] = check_household_needs(session, Month(2026, 11), income_line=3000)
    assert flag.reason == "家庭已不在零就业家庭和防返贫监测名单上（其他成员已就业）"


# -- priority, enforced ---------------------------------------------------------------------

def test_choosing_anyone_but_the_best_ranked_needs_a_reason_kept_in_the_ledger_and_shown(session, client):
    """Defect: appoint() took the lowest-ranked candidate over a zero-employment one and kept no reason."""
    site = make_settlement(session)
    zero = zero_employment_person(session, site, name="零就业")
    lowest_home = make_household(session, site)
    make_spell(session, make_person(session, lowest_home, relation="配偶"))
    lowest = make_person(session, lowest_home, name="排最后")
    refresh_households(session, [lowest_home.id], actor="test")
    post = make_welfare_post(session, site, quota=2)
    assert [c.name for c in posts.candidates_for_post(session, post.id)] == ["零就业", "排最后"]
    with pytest.raises(WorkflowError) as refused:
        appoint(session, post.id, lowest.id, actor="user:1")
    assert refused.value.field == "override_reason" and "零就业" in refused.value.message
    assert session.scalar(select(WelfareAppointment)) is None
    chosen = appoint(session, post.id, lowest.id, actor="user:1", override_reason="零就业户本人已外出务工，电话确认")
    offered = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "welfare_post_offered"))
    assert offered.data["override_reason"] == chosen.override_reason and offered.data["best_person_id"] == zero.id
    make_user(session, "staff", settlements=[site], username="zhuan")
    add_user(session, "zhuangan", "staff", settlements=[site])
    post_id = post.id
    session.commit()
    login(client, "zhuangan")
    page = client.get(f"/staff/welfare/{post_id}").get_data(as_text=True)
    assert "零就业户本人已外出务工，电话确认" in page and "非第一顺位" in page


def test_people_who_cannot_leave_family_of_the_disabled_and_left_behind_women_rank_with_reasons(session):
    site = make_settlement(session)
    employed_home = make_household(session, site)
    make_spell(session, make_person(session, employed_home, name="在外打工", relation="配偶"), kind="outside_province")
    make_person(session, employed_home, name="留守", gender="female", birth_date=date(1992, 1, 1))
    carer_home = make_household(session, site)
    make_spell(session, make_person(session, carer_home, relation="户主"))
    make_person(session, carer_home, name="残疾儿子", relation="子女", capacity="none", disability="2", wants_work=False)
    carer = make_person(session, carer_home, name="照料者", relation="配偶", birth_date=date(1990, 1, 1))
    set_cannot_leave_site(session, carer.id, "caring_sick", actor="user:1")
    refresh_households(session, [employed_home.id, carer_home.id], actor="test")
    post = make_welfare_post(session, site)
    ranked = {c.name: c for c in posts.candidates_for_post(session, post.id)}
    assert ranked["照料者"].reason == "不能离开安置点，残疾人家庭成员" and ranked["照料者"].points == 45
    assert ranked["留守"].reason == "留守妇女" and ranked["留守"].points == 15


def test_an_older_half_labourer_is_a_candidate_where_the_post_allows(session, client):
    """Defect: a 66-year-old half-labourer was not a candidate at all."""
    site = make_settlement(session)
    older = zero_employment_person(session, site, name="老人", capacity="half", birth_date=date(1960, 3, 1))
    post = make_welfare_post(session, site)
    assert posts.candidates_for_post(session, post.id) == []
    with pytest.raises(WorkflowError, match="66岁，不在该岗位的年龄范围"):
        appoint(session, post.id, older.id, actor="user:1")
    add_user(session, "ages", "staff", settlements=[site])
    post_id = post.id
    session.commit()
    login(client, "ages")  # staff widen the post's age range on its page
    assert client.post(f"/staff/welfare/{post_id}/ages", data={"age_min": "16", "age_max": "70"}).status_code == 302
    session.expire_all()
    assert (post.age_min, post.age_max) == (16, 70)
    [candidate] = posts.candidates_for_post(session, post.id)
    assert candidate.name == "老人" and candidate.reason == "零就业家庭，半劳力，年龄较大（66岁）"
    with pytest.raises(WorkflowError) as bad:
        posts.set_age_range(session, post.id, age_min=40, age_max=30, actor="user:1")
    assert bad.value.field == "age_max"


def test_matching_rounds_treat_as_welfare_eligible_exactly_the_groups_the_ranking_counts(session):
    """One ranking: a welfare vacancy in a matching round is open to the same priority groups as a
    welfare post (seeds 002/003 add family of the disabled and left-behind women; rule 10 monitored
    households), and to nobody the ranking gives no ground."""
    site = make_settlement(session)
    away_home = make_household(session, site)
    make_spell(session, make_person(session, away_home, name="外出", relation="配偶"), kind="outside_province")
    left_behind = make_person(session, away_home, name="留守", gender="female", birth_date=date(1995, 1, 1))
    carer_home = make_household(session, site)
    make_spell(session, make_person(session, carer_home, relation="户主"))
    make_person(session, carer_home, name="残疾女儿", relation="子女", capacity="none", disability="2", wants_work=False)
    carer = make_person(session, carer_home, name="照料者", relation="配偶", gender="male", birth_date=date(1990, 1, 1))
    watched_home = make_household(session, site, monitoring="marginal")
    make_spell(session, make_person(session, watched_home, relation="户主"))
    watched = make_person(session, watched_home, name="监测户成员", relation="子女", birth_date=date(1998, 1, 1),
                          monitoring="marginal")
    plain_home = make_household(session, site)
    make_spell(session, make_person(session, plain_home, relation="户主"))
    plain = make_person(session, plain_home, name="普通", relation="子女", gender="male", birth_date=date(1998, 1, 1))
    refresh_households(session, [away_home.id, carer_home.id, watched_home.id, plain_home.id], actor="test")
    engine_input = build_engine_input(session, county_id=site.county_id, settlement_id=site.id, vacancies=[])
    names = {str(p.id): p.name for p in (left_behind, carer, watched, plain)}
    eligible = {names[w.id]: w.welfare_eligible for w in engine_input.workers if w.id in names}
    assert eligible == {"留守": True, "照料者": True, "监测户成员": True, "普通": False}
    post = make_welfare_post(session, site)
    ranked = {c.name for c in posts.candidates_for_post(session, post.id) if c.points > 0}
    assert ranked == {"留守", "照料者", "监测户成员"}


# -- who cannot leave the site: roster, page, API -------------------------------------------

ROSTER_HEADER = ("户编号,县区,安置点,姓名,身份证号,与户主关系,手机号,劳动能力,就业意愿,外出意愿,通勤上限(公里),技能,证书,"
                 "培训意愿,期望月薪(元),就业状态,就业单位,月收入(元),残疾等级,监测对象")


def _roster(tmp_path, name, reason_column: str | None):
    header = ROSTER_HEADER + (",不能离开安置点原因" if reason_column is not None else "")
    row = ("H1,威宁彝族回族苗族自治县,甲安置点,李照料,520526199001010029,户主,13900000001,强劳力,是,县内,,,,,,未就业,,,无,无"
           + (f",{reason_column}" if reason_column is not None else ""))
    path = tmp_path / name
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return path


def test_cannot_leave_site_comes_from_the_roster_column_and_files_without_it_keep_it(session, cli, tmp_path):
    from jobmatch.models import Person

    def recorded():
        values = session.execute(select(Person.cannot_leave_site, Person.cannot_leave_reason)
                                 .where(Person.name == "李照料")).one()
        session.rollback()  # SQLite: end the read before the next import writes
        return tuple(values)

    session.commit()
    assert cli("roster", "import", str(_roster(tmp_path, "a.csv", "照料子女"))).exit_code == 0
    assert recorded() == (True, "caring_children")
    assert cli("roster", "import", str(_roster(tmp_path, "b.csv", None))).exit_code == 0
    assert recorded() == (True, "caring_children")
    bad = cli("roster", "import", str(_roster(tmp_path, "c.csv", "在家")))
    assert bad.exit_code == 1 and "row 2, column 不能离开安置点原因" in bad.output
    assert cli("roster", "import", str(_roster(tmp_path, "d.csv", ""))).exit_code == 0
    assert recorded() == (False, "")


def test_staff_page_and_api_set_who_cannot_leave_the_site(session, client):
    site = make_settlement(session)
    person = make_person(session, make_household(session, site))
    add_user(session, "zg", "staff", settlements=[site])
    add_user(session, "xian", "county_officer")
    session.commit()
    login(client, "zg")
    response = client.post(f"/staff/persons/{person.id}/cannot-leave-site", data={"cannot_leave_reason": "caring_elders"})
    assert response.status_code == 302
    assert "照料老人" in client.get(f"/staff/persons/{person.id}").get_data(as_text=True)
    token = token_for(session, "zg")
    refused = client.put(f"/api/v1/persons/{person.id}/cannot-leave-site", json={"reason": "在家"}, headers=bearer(token))
    assert refused.status_code == 400 and "不能离开安置点原因应为" in refused.json["error"]["message"]
    done = client.put(f"/api/v1/persons/{person.id}/cannot-leave-site", json={"reason": ""}, headers=bearer(token))
    assert done.status_code == 200 and done.json["cannot_leave_site"] is False
    officer = client.put(f"/api/v1/persons/{person.id}/cannot-leave-site", json={"reason": "other"},
                         headers=bearer(token_for(session, "xian")))
    assert officer.status_code == 403


# -- consent ---------------------------------------------------------------------------------

def test_an_appointment_is_offered_and_counts_only_once_accepted_withdrawing_other_offers(session, client):
    """Defects: appointed with one click, no SMS, nothing on their page, still "accepted" for another job."""
    settlement, vacancy, (worker,) = make_welding_site(session, workers=1)
    [job_offer] = make_sent_offers(session, vacancy, [worker])
    job_offer.status, job_offer.responded_at = "accepted", job_offer.sent_at
    session.flush()
    post = make_welfare_post(session, settlement, quota=1)
    appointment = appoint(session, post.id, worker.id, actor="user:1")
    assert appointment.status == "offered" and appointment.spell_id is None
    assert worker.household.zero_employment and subsidy_roll(session, post.id, "2026-11").lines == []
    ask = session.scalar(select(Message).where(Message.person_id == worker.id, Message.kind == "welfare_post"))
    assert ask.expects_reply and "回1接受 回2不要" in ask.body
    assert posts.places_left(session, post) == 0  # the offer holds the place

    add_user(session, "gong", "worker", person_id=worker.id)
    session.commit()
    login(client, "gong")
    home = client.get("/w/").get_data(as_text=True)
    assert post.title in home and "接受这个岗位" in home
    assert "答复期限：11月22日 周日 中午12点前" in home  # OFFER_EXPIRY_HOURS (48) from the offer
    assert client.post(f"/w/welfare/{post.id}", data={"answer": "accept"}).status_code == 302
    session.expire_all()
    appointment = session.get(WelfareAppointment, appointment.id)
    assert appointment.status == "active" and appointment.started_on == date(2026, 11, 20)
    assert session.get(Offer, job_offer.id).status == "withdrawn"
    assert employer_candidates(session, vacancy.employer_id) == []  # no longer "已接受，待面试/录用"
    [told] = employer_withdrawn(session, vacancy.employer_id)  # the employer's page says why
    assert (told.name, told.reason) == (worker.name, "已安排公益性岗位")
    withdrawn = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "offer_withdrawn"))
    assert withdrawn.data["reason"] == "已安排公益性岗位"
    assert not worker.household.zero_employment
    add_user(session, "hanjie", "employer", employer_id=vacancy.employer_id)
    session.commit()
    client.post("/logout")
    login(client, "hanjie")
    candidates = client.get("/e/candidates").get_data(as_text=True)  # the employer is told on their page
    assert "已撤回" in candidates and f"{worker.name} · {vacancy.title} · 已安排公益性岗位" in candidates


def test_a_no_passes_the_place_to_the_next_ranked_candidate(session):
    site = make_settlement(session)
    first = zero_employment_person(session, site, name="甲", birth_date=date(1970, 1, 1))
    second = zero_employment_person(session, site, name="乙")
    post = make_welfare_post(session, site, quota=1)
    appoint(session, post.id, first.id, actor="user:1")
    ask = session.scalar(select(Message).where(Message.person_id == first.id, Message.kind == "welfare_post"))
    assert answer_ask(session, first.id, ask.id, False) == "confirm_declined"
    statuses = dict(session.execute(select(WelfareAppointment.person_id, WelfareAppointment.status)).all())
    assert statuses == {first.id: "declined", second.id: "offered"}


def _on_post_then_hired_elsewhere(session):
    """甲 accepts the cleaner's place on 11-02, then says yes to a welding job; 乙 is next in line."""
    settlement, vacancy, (jia, yi) = make_welding_site(session, workers=2)
    jia.name, jia.birth_date, yi.name = "甲", date(1970, 1, 1), "乙"
    post = make_welfare_post(session, settlement, quota=1, monthly_subsidy=1500)
    with on(at(2026, 11, 2)):
        appointment = offer_and_accept(session, post.id, jia.id)
    [job_offer] = make_sent_offers(session, vacancy, [jia])
    job_offer.status, job_offer.responded_at = "accepted", job_offer.sent_at
    session.flush()
    return post, appointment, job_offer, jia, yi


def test_a_hire_elsewhere_vacates_the_welfare_post_and_passes_the_place_on(session, client):
    """Staff expect: the post vacated on the new job's first day as "found other employment",
    in the ledger, the roll stopping that day, the place offered to the next ranked candidate."""
    post, appointment, job_offer, jia, yi = _on_post_then_hired_elsewhere(session)
    record_hire(session, job_offer.id, start_date=date(2026, 11, 23), contract_months=12, social_insurance=True,
                monthly_wage=4200, actor="user:2")
    session.refresh(appointment)
    assert (appointment.status, appointment.exit_reason, appointment.exited_on) == (
        "exited", "other_employment", date(2026, 11, 23))
    exited = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "welfare_post_exited"))
    assert exited.person_id == jia.id and exited.data["reason"] == "other_employment"
    assert exited.data["offer_id"] == job_offer.id
    [line] = subsidy_roll(session, post.id, "2026-11").lines  # 11-02 .. 11-22: 21 of 30 days
    assert (line.name, line.days_on_post, line.subsidy) == ("甲", 21, Decimal("1050.00"))
    statuses = dict(session.execute(select(WelfareAppointment.person_id, WelfareAppointment.status)).all())
    assert statuses == {jia.id: "exited", yi.id: "offered"}
    ask = session.scalar(select(Message).where(Message.person_id == yi.id, Message.kind == "welfare_post"))
    assert ask.expects_reply and "回1接受 回2不要" in ask.body
    add_user(session, "zg", "staff", settlements=[post.settlement])
    post_id = post.id
    session.commit()
    login(client, "zg")
    assert "已到其他单位就业" in client.get(f"/staff/welfare/{post_id}").get_data(as_text=True)


def test_a_hire_elsewhere_withdraws_an_unanswered_welfare_offer(session):
    settlement, vacancy, (jia, yi) = make_welding_site(session, workers=2)
    jia.birth_date = date(1970, 1, 1)
    post = make_welfare_post(session, settlement, quota=1)
    offered = appoint(session, post.id, jia.id, actor="user:1")
    [job_offer] = make_sent_offers(session, vacancy, [jia])
    job_offer.status, job_offer.responded_at = "accepted", job_offer.sent_at
    session.flush()
    record_hire(session, job_offer.id, start_date=date(2026, 11, 20), contract_months=12, social_insurance=True,
                monthly_wage=4200, actor="user:2")
    session.refresh(offered)
    assert offered.status == AppointmentStatus.WITHDRAWN and offered.spell_id is None
    withdrawn = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "welfare_post_withdrawn"))
    assert withdrawn.person_id == jia.id
    statuses = dict(session.execute(select(WelfareAppointment.person_id, WelfareAppointment.status)).all())
    assert statuses == {jia.id: "withdrawn", yi.id: "offered"}
    ask = session.scalar(select(Message).where(Message.person_id == jia.id, Message.kind == "welfare_post"))
    assert answer_ask(session, jia.id, ask.id, True) == ""  # a late "1" takes nothing
    assert subsidy_roll(session, post.id, "2026-11").lines == []


def test_a_follow_up_or_a_fair_that_records_other_work_ends_the_welfare_place(session):
    """The other ways a new job is recorded leave the place in the same state as an employer's hire."""
    site = make_settlement(session)
    jia = zero_employment_person(session, site, name="甲", birth_date=date(1970, 1, 1))
    yi = zero_employment_person(session, site, name="乙")
    post = make_welfare_post(session, site, quota=1, monthly_subsidy=1500)
    with on(at(2026, 11, 2)):
        appointment = offer_and_accept(session, post.id, jia.id)
    with pytest.raises(WorkflowError) as bare_loss:  # a welfare place is not simply "lost"
        record_follow_up(session, household_id=jia.household_id, staff_user_id=None, method="phone", actor="user:1",
                         lost_work=[JobLoss(jia.id)])
    assert bare_loss.value.field == "lost_work" and "退岗请在该岗位页面办理" in bare_loss.value.message
    record_follow_up(session, household_id=jia.household_id, staff_user_id=None, method="visit", actor="user:1",
                     lost_work=[JobLoss(jia.id, ended_on=date(2026, 11, 15))],
                     found_work=[NewJob(jia.id, "within_county", "鞋厂", started_on=date(2026, 11, 16),
                                        monthly_income=3000)])
    session.refresh(appointment)
    assert (appointment.status, appointment.exit_reason, appointment.exited_on) == (
        "exited", "other_employment", date(2026, 11, 15))
    [line] = subsidy_roll(session, post.id, "2026-11").lines  # 11-02 .. 11-14
    assert (line.days_on_post, line.subsidy) == (13, Decimal("650.00"))
    ask = session.scalar(select(Message).where(Message.person_id == yi.id, Message.kind == "welfare_post"))
    assert answer_ask(session, yi.id, ask.id, True) == "confirm_accepted"  # the place passed to 乙, who says yes
    second = session.scalar(select(WelfareAppointment).where(WelfareAppointment.person_id == yi.id))

    employer = make_employer(session, site.county, name="招聘会上的厂")
    fair = create_fair(session, name="专场招聘会", held_on=date(2026, 11, 20), place="广场", county_id=site.county_id,
                       settlement_id=site.id, vacancy_ids=[make_vacancy(session, employer).id], actor="user:1")
    record_outcome(session, fair.id, employer_id=employer.id, person_id=yi.id, stage="hire", actor="user:1")
    session.refresh(second)
    assert (second.status, second.exit_reason) == ("exited", "other_employment")
    kinds = session.execute(select(EmploymentSpell.employer_name, EmploymentSpell.ended_on)
                            .where(EmploymentSpell.person_id == yi.id).order_by(EmploymentSpell.id)).all()
    assert kinds == [(post.title, date(2026, 11, 20)), ("招聘会上的厂", None)]
    assert posts.places_left(session, post) == 1  # nobody left to offer it to


# -- hiring subsidy per seed 001 ---------------------------------------------------------------

def test_hiring_subsidy_goes_only_to_settlement_entrepreneurs_and_once_per_worker(session):
    """Defects: paid to any employer, government bodies included; a re-hire counted twice."""
    site = make_settlement(session)
    household = make_household(session, site)
    rehired, other = make_person(session, household), make_person(session, household, relation="配偶")
    bureau = make_employer(session, site.county, kind="public", name="县某局")
    workshop = make_employer(session, site.county, kind="workshop")
    stable = dict(contract_months=12, social_insurance=True)
    make_spell(session, other, employer_id=bureau.id, started_on=date(2025, 1, 1), **stable)
    make_spell(session, rehired, employer_id=workshop.id, started_on=date(2025, 1, 1), ended_on=date(2025, 9, 1), **stable)
    make_spell(session, rehired, employer_id=workshop.id, started_on=date(2026, 1, 1), **stable)
    assert hiring_subsidies(session, bureau.id).not_eligible[0].reasons == ["单位不是经认定的安置区创业主体"]
    assert hiring_subsidies(session, workshop.id).eligible_total == 0
    with pytest.raises(WorkflowError, match="机关事业单位不是创业主体"):
        set_employer_policy(session, bureau.id, government_funded=False, work_for_relief=False,
                            entrepreneur_settlement_id=site.id, actor="user:1")
    set_employer_policy(session, workshop.id, government_funded=False, work_for_relief=False,
                        entrepreneur_settlement_id=site.id, actor="user:1")
    report = hiring_subsidies(session, workshop.id)
    assert [line.amount for line in report.eligible] == [1000] and report.eligible_total == 1000
    assert report.not_eligible[0].reasons == ["此人已在本单位计过补贴（重复录用不再补贴）"]
    [listed] = monthly_subsidy_list(session, Month(2025, 7), [site.id])
    assert (listed.kind, listed.payee, listed.amount) == ("hiring", workshop.name, Decimal("1000.00"))
    # A hire not yet six months old waits, with the day it becomes payable; one that left early is refused.
    recent, quitter = make_person(session, household, relation="子女"), make_person(session, household, relation="子女")
    make_spell(session, recent, employer_id=workshop.id, started_on=date(2026, 9, 15), **stable)
    make_spell(session, quitter, employer_id=workshop.id, started_on=date(2026, 3, 1), ended_on=date(2026, 7, 31),
               **stable)
    report = hiring_subsidies(session, workshop.id)
    assert [(line.person_id, line.eligible_on, line.amount) for line in report.pending] == [
        (recent.id, date(2027, 3, 15), 0)]
    assert report.not_eligible[-1].reasons == ["未干满六个月（2026-07-31 离职）"]


# -- rule 9 without holes -----------------------------------------------------------------------

def test_every_vacancy_of_a_work_for_relief_employer_is_local_first_with_the_reason(session, client):
    """Defect: a 以工代赈 employer posting a "regular" vacancy escaped local-first; the flags could not be set."""
    settlement, _welding, _persons = make_welding_site(session, workers=1)
    other_county = make_county(session)
    employer = make_employer(session, other_county, name="某以工代赈项目部")
    regular = make_vacancy(session, employer, title="普工", kind="regular", county_id=other_county.id)
    assert propose_round(session, settlement_id=settlement.id, vacancy_ids=[regular.id],
                         actor="user:1").summary["excluded_vacancies"] == {}
    add_user(session, "admin9", "admin")
    session.commit()
    token = token_for(session, "admin9")
    response = client.put(f"/api/v1/employers/{employer.id}/policy", headers=bearer(token),
                          json={"government_funded": False, "work_for_relief": True})
    assert response.status_code == 200 and response.json["work_for_relief"] is True
    session.expire_all()
    excluded = propose_round(session, settlement_id=settlement.id, vacancy_ids=[regular.id],
                             actor="user:1").summary["excluded_vacancies"]
    assert excluded == {str(regular.id): "以工代赈单位：首轮只推荐给本县搬迁群众，外县群众暂不推送"}
    single = make_vacancy(session, make_employer(session, other_county), county_id=other_county.id)
    session.commit()
    assert client.put(f"/api/v1/vacancies/{single.id}/policy", headers=bearer(token),
                      json={"government_funded": True, "work_for_relief": False}).status_code == 200
    session.expire_all()
    excluded = propose_round(session, settlement_id=settlement.id, vacancy_ids=[single.id],
                             actor="user:1").summary["excluded_vacancies"]
    assert excluded == {str(single.id): "政府投资项目岗位：首轮只推荐给本县搬迁群众，外县群众暂不推送"}
    # The same flag on a single vacancy by the staff form; the round page says why it was left out.
    by_form = make_vacancy(session, make_employer(session, other_county), title="护林员", county_id=other_county.id)
    session.commit()
    login(client, "admin9")
    assert client.post(f"/staff/vacancies/{by_form.id}/policy", data={"government_funded": "1"}).status_code == 302
    session.expire_all()
    assert (by_form.government_funded, by_form.work_for_relief) == (True, False)
    left_out = propose_round(session, settlement_id=settlement.id, vacancy_ids=[by_form.id], actor="user:1")
    session.commit()
    page = client.get(f"/staff/rounds/{left_out.id}").get_data(as_text=True)
    assert "未参与的岗位" in page and "护林员" in page and "政府投资项目岗位：首轮只推荐给本县搬迁群众" in page


# -- start-up support and the monthly subsidy list ------------------------------------------------

def test_a_first_business_running_six_months_with_a_job_is_listed_once(session):
    site = make_settlement(session)
    owner = make_person(session, make_household(session, site), name="创业人")
    business = record_business(session, owner.id, name="苗绣小店", kind="self_employed", started_on=date(2026, 3, 10),
                               jobs_created=2, actor="user:1")
    record_business(session, owner.id, name="第二家店", kind="micro_enterprise", started_on=date(2026, 4, 1),
                    jobs_created=1, actor="user:1")
    lines = startup_subsidy_lines(session, settlement_ids=[site.id])
    assert [(line.business.name, line.status) for line in lines] == [("苗绣小店", "payable"), ("第二家店", "refused")]
    assert lines[1].reasons == ["非首次创业（一次性补贴只给首次创办）"]
    september = monthly_subsidy_list(session, Month(2026, 9), [site.id])
    assert [(line.kind, line.amount) for line in september] == [("startup", Decimal("5000.00"))]
    assert monthly_subsidy_list(session, Month(2026, 10), [site.id]) == []
    assert business.jobs_created == 2
    with pytest.raises(WorkflowError, match="最高 200,000 元"):
        record_application(session, owner.id, kind="startup_loan", amount=250_000, actor="user:1")


def test_incubator_fees_are_60_percent_within_10000_a_quarter_for_three_years():
    amounts = [incubator_amount(6000, date(2026, 1, 5), Month(2026, m)) for m in (1, 2, 3, 4)]
    assert amounts == [Decimal("3600.00"), Decimal("3600.00"), Decimal("2800.00"), Decimal("3600.00")]
    assert incubator_amount(6000, date(2023, 1, 5), Month(2026, 1)) == Decimal("0.00")  # past 36 months


def test_loans_and_incubator_fees_are_applications_with_a_status_and_every_kind_is_on_one_list(session, tmp_path):
    """Seed 001 (四) and seed 003: a loan and the incubator subsidy are applied for and decided; the
    month's list (and its xlsx for finance) carries all four kinds of subsidy, each from its own rule."""
    site = make_settlement(session)
    owner = make_person(session, make_household(session, site), name="开店人")
    business = record_business(session, owner.id, name="竹编作坊", kind="micro_enterprise",
                               started_on=date(2026, 4, 15), jobs_created=1, actor="user:1")
    loan = record_application(session, owner.id, kind="startup_loan", amount=200_000, business_id=business.id,
                              actor="user:1")
    incubator = record_application(session, owner.id, kind="incubator_rent", amount=2500, business_id=business.id,
                                   starts_on=date(2026, 9, 1), actor="user:1")
    assert (loan.status, incubator.status) == ("applied", "applied")
    with pytest.raises(WorkflowError, match="不批准请写明原因"):
        decide_application(session, loan.id, approve=False, note="", actor="user:1")
    decide_application(session, loan.id, approve=False, note="担保基金额度已用完，下季度再报", actor="user:1")
    decide_application(session, incubator.id, approve=True, note="", actor="user:1")
    assert (loan.status, incubator.status) == ("refused", "approved")
    decided = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "support_application_decided",
                                                       LedgerEvent.subject == f"support_application:{loan.id}"))
    assert decided.data == {"status": "refused", "note": "担保基金额度已用完，下季度再报"}

    holder = zero_employment_person(session, site, name="岗上人")
    post = make_welfare_post(session, site, quota=1, monthly_subsidy=1500)
    with on(at(2026, 10, 1)):
        offer_and_accept(session, post.id, holder.id)
    entrepreneur = make_employer(session, site.county, kind="workshop", name="竹编车间")
    set_employer_policy(session, entrepreneur.id, government_funded=False, work_for_relief=False,
                        entrepreneur_settlement_id=site.id, actor="user:1")
    make_spell(session, make_person(session, make_household(session, site), name="车间工"), employer_id=entrepreneur.id,
               employer_name=entrepreneur.name, started_on=date(2026, 4, 20), contract_months=12, social_insurance=True)
    listed = monthly_subsidy_list(session, Month(2026, 10), [site.id])
    assert [(line.kind, line.person.name, line.amount) for line in listed] == [
        ("welfare_post", "岗上人", Decimal("1500.00")), ("hiring", "车间工", Decimal("1000.00")),
        ("startup", "开店人", Decimal("5000.00")), ("incubator_rent", "开店人", Decimal("1500.00"))]  # 60% of 2,500
    path = tmp_path / "list.xlsx"
    write_subsidy_list(session, "2026-10", path, user=make_user(session, "staff", settlements=[site]))
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[2:-1]] == ["公益性岗位补贴", "吸纳就业一次性岗位补贴", "一次性创业补贴", "创业孵化基地费用补贴"]
    assert rows[-1][6] == 9000


def test_the_finance_export_masks_ids_per_role_and_leaves_bank_and_signature_empty(session, tmp_path):
    site = make_settlement(session)
    worker = zero_employment_person(session, site)
    post = make_welfare_post(session, site, quota=1, monthly_subsidy=1500)
    with on(at(2026, 10, 1)):
        offer_and_accept(session, post.id, worker.id)
    staff = make_user(session, "staff", settlements=[site])
    officer = make_user(session, "county_officer", county_id=site.county_id)
    for user, expected_id in ((staff, worker.id_number), (officer, worker.id_number[:6] + "********" + worker.id_number[-4:])):
        path = tmp_path / f"{user.role}.xlsx"
        write_subsidy_list(session, "2026-10", path, user=user)
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        assert rows[1] == ("序号", "补贴类别", "领取人（单位）", "涉及人员", "身份证号", "银行卡号（财务填写）", "金额（元）",
                           "事由", "领取人签字")
        assert rows[2][4] == expected_id and rows[2][5] is None and rows[2][8] is None and rows[2][6] == 1500


def test_staff_pages_show_the_subsidy_list_start_ups_and_policy_flags(session, client):
    site = make_settlement(session)
    worker = zero_employment_person(session, site, name="页面工人")
    post = make_welfare_post(session, site, quota=1, monthly_subsidy=1500)
    with on(at(2026, 11, 2)):
        offer_and_accept(session, post.id, worker.id)
    employer = make_employer(session, site.county, name="页面车间", kind="workshop")
    add_user(session, "pages", "staff", settlements=[site])
    add_user(session, "pages_county", "county_officer", county_id=site.county_id)
    session.commit()
    post_id, id_number = post.id, worker.id_number
    session.rollback()
    login(client, "pages")
    listed = client.get("/staff/subsidies?month=2026-11")
    assert listed.status_code == 200 and "页面工人" in listed.get_data(as_text=True) and "1450.00" in listed.get_data(as_text=True)
    recorded = client.post("/staff/startups", data={"id_number": id_number, "name": "页面小店",
                                                     "kind": "self_employed", "started_on": "2026-05-01",
                                                     "jobs_created": "1"})
    assert recorded.status_code == 302 and "页面小店" in client.get("/staff/subsidies").get_data(as_text=True)
    assert "页面车间" in client.get("/staff/employers/policy").get_data(as_text=True)
    assert client.post(f"/staff/employers/{employer.id}/policy",
                       data={"work_for_relief": "1", "entrepreneur_settlement_id": str(site.id)}).status_code == 302
    session.expire_all()
    assert (employer.work_for_relief, employer.entrepreneur_settlement_id) == (True, site.id)
    session.rollback()  # SQLite: end the read before the export writes its ledger event
    xlsx = client.get("/staff/subsidies/list.xlsx?month=2026-11")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("sheet")
    page = client.get(f"/staff/welfare/{post_id}").get_data(as_text=True)
    assert "29/29" in page and "1450.00" in page  # days present / on post, and this month's pay (to the month's end)
    client.post("/logout")
    login(client, "pages_county")
    county_view = client.get("/staff/subsidies?month=2026-11").get_data(as_text=True)
    assert id_number not in county_view and id_number[-4:] in county_view


def test_the_daily_check_passes_on_unanswered_offers_and_ended_terms(session, cli):
    site = make_settlement(session)
    silent = zero_employment_person(session, site, name="不回复", birth_date=date(1970, 1, 1))
    waiting = zero_employment_person(session, site, name="下一位")
    post = make_welfare_post(session, site, quota=1)
    with on(at(2026, 11, 17)):
        appoint(session, post.id, silent.id, actor="user:1")
    session.commit()
    result = cli("welfare", "check")
    assert result.exit_code == 0, result.output
    assert "unanswered offers passed on 1, terms ended 0" in result.output
    statuses = dict(session.execute(select(WelfareAppointment.person_id, WelfareAppointment.status)).all())
    assert statuses == {silent.id: "declined", waiting.id: "offered"}
