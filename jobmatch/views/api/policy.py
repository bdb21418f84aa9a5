"""The API's writes staff need for rules 2, 7 and 9, and the monthly subsidy list (read).

PUT bodies are JSON objects; a wrong value is a 400 with a Chinese message naming the field.
County officers read; only staff and admins write.
"""

from flask import g, jsonify, request

from jobmatch.access import sees_unmasked_ids, visible_settlement_ids
from jobmatch.db import get_session
from jobmatch.models import Employer, Settlement, Vacancy
from jobmatch.privacy import mask_id_number
from jobmatch.services.employers import policy
from jobmatch.services.people.site_bound import set_cannot_leave_site
from jobmatch.services.scope import person_in_scope
from jobmatch.services.subsidies.monthly_list import list_month, monthly_subsidy_list, total
from jobmatch.views.api import ApiError, bp, serializers
from jobmatch.views.api.resources import _not_found, _raise

WRITER_ROLES = ("admin", "staff")


def _writer() -> None:
    if g.api_user.role not in WRITER_ROLES:
        raise ApiError(403, "forbidden", "Only staff and admins may change records.")


def _body(*required: str, optional: tuple[str, ...] = ()) -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_body", "The body must be a JSON object.")
    unknown = sorted(set(body) - set(required) - set(optional))
    if unknown:
        raise ApiError(400, "bad_body", f"Unknown field: {unknown[0][:40]}.")
    missing = [name for name in required if name not in body]
    if missing:
        raise ApiError(400, "bad_body", f"Missing field: {missing[0]}.")
    return body


def _optional_id(value, field: str):
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ApiError(400, "bad_body", f"{field} must be a positive integer or null.")
    return value


def _employer_in_scope(session, employer_id: int) -> Employer:
    employer = session.get(Employer, employer_id)
    if employer is None:
        _raise(_not_found("employer"))
    if g.api_user.role != "admin":
        counties = {s.county_id for s in session.query(Settlement).filter(
            Settlement.id.in_(visible_settlement_ids(session, g.api_user)))}
        if employer.county_id not in counties:
            _raise(_not_found("employer"))
    return employer


def _policy_json(row) -> dict:
    data = {"id": row.id, "government_funded": row.government_funded, "work_for_relief": row.work_for_relief}
    if isinstance(row, Employer):
        data["entrepreneur_settlement_id"] = row.entrepreneur_settlement_id
    return data


@bp.put("/persons/<id:person_id>/cannot-leave-site")
def put_cannot_leave_site(person_id):
    _writer()
    session = get_session()
    person = person_in_scope(session, g.api_user, person_id) or _raise(_not_found("person"))
    reason = _body("reason")["reason"]
    if not isinstance(reason, str):
        raise ApiError(400, "bad_body", "reason must be a string (\"\" when the person can leave).")
    set_cannot_leave_site(session, person.id, reason, actor=f"user:{g.api_user.id}")
    session.commit()
    return jsonify(serializers.person(person, unmasked=False))


@bp.put("/employers/<id:employer_id>/policy")
def put_employer_policy(employer_id):
    _writer()
    session = get_session()
    employer = _employer_in_scope(session, employer_id)
    body = _body("government_funded", "work_for_relief", optional=("entrepreneur_settlement_id",))
    policy.set_employer_policy(session, employer.id, government_funded=body["government_funded"],
                               work_for_relief=body["work_for_relief"],
                               entrepreneur_settlement_id=_optional_id(body.get("entrepreneur_settlement_id"),
                                                                       "entrepreneur_settlement_id"),
                               actor=f"user:{g.api_user.id}")
    session.commit()
    return jsonify(_policy_json(employer))


@bp.put("/vacancies/<id:vacancy_id>/policy")
def put_vacancy_policy(vacancy_id):
    _writer()
    session = get_session()
    vacancy = session.get(Vacancy, vacancy_id) or _raise(_not_found("vacancy"))
    _employer_in_scope(session, vacancy.employer_id)
    body = _body("government_funded", "work_for_relief")
    policy.set_vacancy_policy(session, vacancy.id, government_funded=body["government_funded"],
                              work_for_relief=body["work_for_relief"], actor=f"user:{g.api_user.id}")
    session.commit()
    return jsonify(_policy_json(vacancy))


@bp.get("/subsidies")
def subsidies():
    """The monthly subsidy list of the caller's settlements (the same figures as the xlsx for finance)."""
    session = get_session()
    month = list_month(request.args.get("month", ""))
    lines = monthly_subsidy_list(session, month, visible_settlement_ids(session, g.api_user))
    unmasked = sees_unmasked_ids(g.api_user)
    items = [{"kind": line.kind, "payee": line.payee, "person_id": line.person.id, "name": line.person.name,
              "id_number": line.person.id_number if unmasked else mask_id_number(line.person.id_number),
              "amount": str(line.amount), "reason": line.reason} for line in lines]
    return jsonify({"month": str(month), "items": items, "total": str(total(lines))})
