"""Starting and ending employment spells outside the roster import, with the household refreshed.

Used by the welfare-post, fair and follow-up workflows. Each change writes
``employment_started`` / ``employment_ended`` (the same events the roster import writes)
and refreshes the household, flagging it at once if it became zero-employment.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import local_today
from jobmatch.models import EmploymentSpell, Person
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households.monitoring_alerts import JobEnded, alert_on_jobs_ended
from jobmatch.services.households.zero_employment import refresh_and_flag
from jobmatch.vocabulary import SPELL_KINDS


@dataclass(frozen=True)
class NewJob:
    """A job a person started: what kind, where, from when, for how much."""

    person_id: int
    kind: str
    employer_name: str
    started_on: date | None = None
    monthly_income: int | None = None
    employer_id: int | None = None
    vacancy_id: int | None = None
    contract_months: int | None = None


def validate_new_job(session: Session, job: NewJob, *, replacing_current: bool = False) -> Person:
    """Check a NewJob before anything is written; returns the person.

    ``replacing_current``: the person's current spell ends first (a change of job).
    """
    person = get_or_fail(session, Person, job.person_id, "person_id", "该人员")
    require(job.kind in SPELL_KINDS, "kind", f"就业类型不对，应为：{'、'.join(SPELL_KINDS)}")
    require(bool((job.employer_name or "").strip()), "employer_name", "请填写工作单位")
    require(len(job.employer_name) <= 120, "employer_name", "工作单位最多 120 字")
    require(job.monthly_income is None or 0 <= job.monthly_income <= 100_000, "monthly_income",
            "月收入应在 0 到 100000 元之间")
    require(job.started_on is None or job.started_on <= local_today(), "started_on", "上岗日期不能晚于今天")
    require(replacing_current or current_spell(session, job.person_id) is None, "person_id",
            f"{person.name}已有在岗记录，请先登记离职")
    return person


def start_job(session: Session, job: NewJob, *, actor: str, refresh: bool = True) -> EmploymentSpell:
    """Open an employment spell for a validated NewJob; ledger it and refresh the household."""
    person = validate_new_job(session, job)
    spell = EmploymentSpell(person_id=person.id, kind=job.kind, employer_id=job.employer_id,
                            employer_name=job.employer_name.strip(), vacancy_id=job.vacancy_id,
                            started_on=job.started_on or local_today(), monthly_income=job.monthly_income,
                            contract_months=job.contract_months)
    session.add(spell)
    session.flush()
    ledger.append(session, "employment_started", actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=f"spell:{spell.id}",
                  data={"spell_id": spell.id, "kind": spell.kind, "employer_name": spell.employer_name,
                        "monthly_income": spell.monthly_income, "on": spell.started_on})
    if refresh:
        refresh_and_flag(session, [person.household_id], actor=actor)
    return spell


def current_spell(session: Session, person_id: int) -> EmploymentSpell | None:
    """The person's current (open) employment spell, if any."""
    return session.scalars(select(EmploymentSpell).where(
        EmploymentSpell.person_id == person_id, EmploymentSpell.ended_on.is_(None))
        .order_by(EmploymentSpell.started_on.desc()).limit(1)).first()


def end_spell(session: Session, spell: EmploymentSpell, *, reason: str, actor: str,
              ended_on: date | None = None, refresh: bool = True) -> list[int]:
    """Close a spell; ledger it, refresh the household and alert its staff if it is monitored.
    Returns households that became zero-employment. With ``refresh=False`` the caller does both."""
    ended_on = ended_on or local_today()
    require(spell.ended_on is None, "spell_id", "该就业记录已经结束")
    require(ended_on >= spell.started_on, "ended_on", "离职日期不能早于上岗日期")
    require(ended_on <= local_today(), "ended_on", "离职日期不能晚于今天")
    spell.ended_on, spell.end_reason = ended_on, reason[:120]
    person = session.get(Person, spell.person_id)
    assert person is not None  # a spell's person_id is a foreign key to a person
    ledger.append(session, "employment_ended", actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=f"spell:{spell.id}",
                  data={"spell_id": spell.id, "kind": spell.kind, "employer_name": spell.employer_name,
                        "monthly_income": spell.monthly_income, "on": ended_on, "reason": reason[:120]})
    if not refresh:
        return []
    became_zero = refresh_and_flag(session, [person.household_id], actor=actor)
    alert_on_jobs_ended(session, [JobEnded(person.household_id, spell.monthly_income)], actor=actor)
    return became_zero
