"""The employer portal: sign-up, approval by staff, vacancies validated and kept to their own."""

from sqlalchemy import select

from jobmatch.models import Employer, LedgerEvent, User, Vacancy
from tests.web.helpers import load_small_demo, login

VACANCY = {"title": "熨烫工", "kind": "regular", "openings": "2", "wage_min": "3000", "wage_max": "4000",
           "place_text": "五里岗安置点旁", "physical_demand": "light", "hours": "day", "skills": "熨烫、缝纫"}


def _sign_up(client, county_id, **overrides):
    form = {"name": "威宁县新星制衣厂", "kind": "company", "county_id": str(county_id), "contact_name": "张厂长",
            "contact_phone": "13985012345", "address": "五里岗工业园", "username": "xinxing",
            "password": "longenough1", "password_again": "longenough1", **overrides}
    return client.post("/e/signup", data=form)


def test_sign_up_waits_for_staff_approval_then_posts(app, session, client):
    load_small_demo(session)
    county_id = session.scalar(select(Employer.county_id).where(Employer.approved))
    session.rollback()
    assert _sign_up(client, county_id, password_again="different").status_code == 400
    assert _sign_up(client, county_id).status_code == 302
    assert "等待" in client.get("/e/").get_data(as_text=True)
    assert client.get("/e/vacancies/new").status_code == 403
    client.post("/logout")
    login(client, "staff")
    assert "威宁县新星制衣厂" in client.get("/staff/employers/pending").get_data(as_text=True)
    employer_id = session.scalar(select(Employer.id).where(Employer.name == "威宁县新星制衣厂"))
    session.rollback()
    assert client.post(f"/staff/employers/{employer_id}/decision", data={"decision": "approve"}).status_code == 302
    client.post("/logout")
    client.post("/login", data={"username": "xinxing", "password": "longenough1"})
    assert client.post("/e/vacancies/new", data=VACANCY).status_code == 302
    kinds = session.scalars(select(LedgerEvent.kind).where(LedgerEvent.subject.in_(
        [f"employer:{employer_id}"] + [f"vacancy:{v}" for v in session.scalars(select(Vacancy.id))]))).all()
    assert {"employer_signed_up", "employer_approved", "vacancy_posted"} <= set(kinds)
    session.rollback()


def test_rejected_employer_cannot_sign_in(app, session, client):
    load_small_demo(session)
    county_id = session.scalar(select(Employer.county_id))
    session.rollback()
    _sign_up(client, county_id)
    client.post("/logout")
    employer_id = session.scalar(select(Employer.id).where(Employer.name == "威宁县新星制衣厂"))
    session.rollback()
    login(client, "staff")
    client.post(f"/staff/employers/{employer_id}/decision", data={"decision": "reject", "reason": "营业执照不符"})
    client.post("/logout")
    assert client.post("/login", data={"username": "xinxing", "password": "longenough1"}).status_code == 200
    assert session.scalar(select(User.active).where(User.username == "xinxing")) is False
    session.rollback()


def test_vacancy_validation_names_each_field(app, session, client):
    load_small_demo(session)
    session.rollback()
    login(client, "employer")
    bad = {**VACANCY, "wage_min": "5000", "wage_max": "4000", "openings": "0", "place_text": "火星基地",
           "physical_demand": "extreme"}
    page = client.post("/e/vacancies/new", data=bad)
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    for message in ("最高月工资不能低于最低月工资。", "招聘人数应在 1 到 10000 之间。", "找不到“火星基地”这个地方",
                    "请选择体力要求。"):
        assert message in text
    assert session.scalar(select(Vacancy).where(Vacancy.title == "熨烫工")) is None
    session.rollback()


def test_employers_edit_and_close_only_their_own_vacancies(app, session, client):
    load_small_demo(session)
    own_employer = session.scalar(select(User).where(User.username == "employer")).employer_id
    own = session.scalar(select(Vacancy.id).where(Vacancy.employer_id == own_employer))
    other = session.scalar(select(Vacancy.id).where(Vacancy.employer_id != own_employer))
    session.rollback()
    login(client, "employer")
    assert client.get(f"/e/vacancies/{other}/edit").status_code == 404
    assert client.post(f"/e/vacancies/{other}/close").status_code == 404
    assert client.post(f"/e/vacancies/{own}/edit", data={**VACANCY, "openings": "9"}).status_code == 302
    assert client.post(f"/e/vacancies/{own}/close").status_code == 302
    vacancy = session.get(Vacancy, own)
    assert (vacancy.openings, vacancy.status) == (9, "closed")
    changed = session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "vacancy_changed"))
    assert changed.data["openings"][1] == 9 and changed.actor.startswith("user:")
    session.rollback()


def test_a_chinese_user_name_is_accepted_and_signs_in(app, session, client):
    """Issue 17: "王大姐" was refused because user names had to be ASCII."""
    load_small_demo(session)
    county_id = session.scalar(select(Employer.county_id))
    session.rollback()
    assert _sign_up(client, county_id, username="王大姐").status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"username": "王大姐", "password": "longenough1"}).status_code == 302
    assert session.scalar(select(User.role).where(User.username == "王大姐")) == "employer"
    session.rollback()
    client.post("/logout")
    refused = _sign_up(client, county_id, name="另一家厂", username="worker-12")
    assert refused.status_code == 400 and "王大姐" in refused.get_data(as_text=True)
