"""What staff set on an employer or a vacancy because policy depends on it.

- Rule 9 (seed 002): government-funded and work-for-relief (以工代赈) employers or single
  vacancies hire local relocated workers first: every vacancy of such an employer is
  local-first, whatever its kind (jobmatch.services.offers.rounds.local_first_grounds).
- Rule 7 (seed 001): an entrepreneurial entity set up in the settlement area
  (在安置区自主创业的创业主体), with its settlement, may receive the hiring subsidy.
Only staff and admins set these; employers cannot.
"""

from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.models import Employer, Settlement, Vacancy
from jobmatch.services.errors import get_or_fail, require


def _flag(value, field: str, label: str) -> bool:
    require(isinstance(value, bool), field, f"请选择{label}：是或否")
    return value


def set_employer_policy(session: Session, employer_id: int, *, government_funded: bool, work_for_relief: bool,
                        entrepreneur_settlement_id: int | None, actor: str) -> Employer:
    """Set rule 9's flags and the seed-001 entrepreneur flag (with its settlement) on an employer."""
    employer = get_or_fail(session, Employer, employer_id, "employer_id", "用人单位")
    values = {"government_funded": _flag(government_funded, "government_funded", "是否政府投资项目"),
              "work_for_relief": _flag(work_for_relief, "work_for_relief", "是否以工代赈项目"),
              "entrepreneur_settlement_id": entrepreneur_settlement_id}
    if entrepreneur_settlement_id is not None:
        settlement = get_or_fail(session, Settlement, entrepreneur_settlement_id, "entrepreneur_settlement_id",
                                 "安置点")
        require(employer.kind != "public", "entrepreneur_settlement_id",
                "机关事业单位不是创业主体，不能认定为在安置区自主创业的创业主体")
        require(employer.county_id is None or settlement.county_id == employer.county_id,
                "entrepreneur_settlement_id", "安置点不在该单位所在的县")
    return _apply(session, employer, values, f"employer:{employer.id}", actor)


def set_vacancy_policy(session: Session, vacancy_id: int, *, government_funded: bool, work_for_relief: bool,
                       actor: str) -> Vacancy:
    """Set rule 9's flags on a single vacancy (a government-funded project of an ordinary employer)."""
    vacancy = get_or_fail(session, Vacancy, vacancy_id, "vacancy_id", "岗位")
    values = {"government_funded": _flag(government_funded, "government_funded", "是否政府投资项目"),
              "work_for_relief": _flag(work_for_relief, "work_for_relief", "是否以工代赈项目")}
    return _apply(session, vacancy, values, f"vacancy:{vacancy.id}", actor)


def _apply(session: Session, row, values: dict, subject: str, actor: str):
    changes = {name: [getattr(row, name), value] for name, value in values.items() if getattr(row, name) != value}
    if changes:
        for name, (_old, new) in changes.items():
            setattr(row, name, new)
        ledger.append(session, "employer_policy_flags_set", actor=actor, subject=subject, data=changes)
    return row
