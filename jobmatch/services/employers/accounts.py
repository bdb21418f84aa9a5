"""Employer workflows: sign-up, approval by staff, company profile, vacancies (post, edit, close).

Every step is a ledger event with subject ``employer:<id>`` or ``vacancy:<id>``.
The forms (jobmatch.views.employer.forms) check what people type; these functions take clean values.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import Employer, User, Vacancy
from jobmatch.models.employers import VacancyStatus
from jobmatch.services.errors import UserError

COMPANY_FIELDS = ("name", "kind", "contact_name", "contact_phone", "address", "lat", "lon")
VACANCY_FIELDS = ("title", "description", "kind", "openings", "wage_min", "wage_max", "age_min", "age_max",
                  "lat", "lon", "physical_demand", "hours", "dormitory", "skills")


class EmployerFormError(UserError):
    """The values clash with what is stored (a taken name or username); ``errors`` per field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()), next(iter(errors), None))
        self.errors = errors


def sign_up(session: Session, values: dict) -> User:
    """An unapproved employer and its first user; staff approve before it may post."""
    errors = {}
    if session.scalar(select(Employer.id).where(Employer.name == values["name"])):
        errors["name"] = "这个单位已经注册过了，请联系社区就业专干。"
    if session.scalar(select(User.id).where(User.username == values["username"])):
        errors["username"] = "这个用户名已经有人用了，请换一个。"
    if errors:
        raise EmployerFormError(errors)
    employer = Employer(approved=False, county_id=values["county_id"], **{f: values[f] for f in COMPANY_FIELDS})
    session.add(employer)
    session.flush()
    user = User(username=values["username"], role="employer", display_name=values["contact_name"],
                employer_id=employer.id, county_id=values["county_id"])
    user.set_password(values["password"])
    session.add(user)
    session.flush()
    ledger.append(session, "employer_signed_up", actor=f"user:{user.id}", subject=f"employer:{employer.id}",
                  data={"name": employer.name, "kind": employer.kind, "county_id": employer.county_id})
    return user


def pending_employers(session: Session, county_ids: set[int] | None) -> list[Employer]:
    """Employers waiting for approval (not approved, a user still active), oldest first."""
    query = (select(Employer).where(Employer.approved.is_(False),
                                    Employer.id.in_(select(User.employer_id).where(User.active.is_(True))))
             .order_by(Employer.id))
    if county_ids is not None:
        query = query.where(Employer.county_id.in_(county_ids))
    return list(session.scalars(query))


def decide(session: Session, employer: Employer, *, approve: bool, actor: str, reason: str = "") -> None:
    """Approve the employer, or reject it and switch its users off."""
    if approve:
        employer.approved = True
    else:
        for user in session.scalars(select(User).where(User.employer_id == employer.id)):
            user.active = False
    kind = "employer_approved" if approve else "employer_rejected"
    ledger.append(session, kind, actor=actor, subject=f"employer:{employer.id}",
                  data={"name": employer.name, **({"reason": reason} if reason else {})})


def update_company(session: Session, employer: Employer, values: dict, *, actor: str) -> dict:
    changes = _apply(employer, values, COMPANY_FIELDS)
    if changes.get("name") and session.scalar(select(Employer.id).where(Employer.name == values["name"],
                                                                        Employer.id != employer.id)):
        raise EmployerFormError({"name": "这个单位名称已经有人用了。"})
    if changes:
        ledger.append(session, "employer_changed", actor=actor, subject=f"employer:{employer.id}",
                      data={f: change for f, change in changes.items() if f != "contact_phone"})
    return changes


def post_vacancy(session: Session, employer: Employer, values: dict, *, actor: str) -> Vacancy:
    vacancy = Vacancy(employer_id=employer.id, county_id=employer.county_id, status=VacancyStatus.OPEN, posted_at=utcnow(),
                      **{f: values[f] for f in VACANCY_FIELDS})
    session.add(vacancy)
    session.flush()
    ledger.append(session, "vacancy_posted", actor=actor, subject=f"vacancy:{vacancy.id}",
                  data={"employer_id": employer.id, "title": vacancy.title, "openings": vacancy.openings})
    return vacancy


def edit_vacancy(session: Session, vacancy: Vacancy, values: dict, *, actor: str) -> dict:
    changes = _apply(vacancy, values, VACANCY_FIELDS)
    if changes:
        ledger.append(session, "vacancy_changed", actor=actor, subject=f"vacancy:{vacancy.id}", data=changes)
    return changes


def close_vacancy(session: Session, vacancy: Vacancy, *, actor: str) -> None:
    if vacancy.status == VacancyStatus.CLOSED:
        return
    vacancy.status = VacancyStatus.CLOSED
    ledger.append(session, "vacancy_closed", actor=actor, subject=f"vacancy:{vacancy.id}",
                  data={"title": vacancy.title})


def own_vacancy(session: Session, employer_id: int, vacancy_id: int) -> Vacancy | None:
    """The vacancy if it belongs to this employer (None otherwise: the caller answers 404)."""
    vacancy = session.get(Vacancy, vacancy_id)
    return vacancy if vacancy is not None and vacancy.employer_id == employer_id else None


def _apply(obj, values: dict, fields) -> dict:
    changes = {f: [getattr(obj, f), values[f]] for f in fields if f in values and getattr(obj, f) != values[f]}
    for name, (_old, new) in changes.items():
        setattr(obj, name, new)
    return changes
