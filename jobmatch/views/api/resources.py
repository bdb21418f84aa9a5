"""The API's read endpoints: settlements, households, persons, vacancies, ledger events."""

from flask import g, jsonify, request
from sqlalchemy import func, select

from jobmatch.access import sees_unmasked_ids, visible_settlement_ids
from jobmatch.db import MAX_ID, get_session
from jobmatch.models import Household, LedgerEvent, Person, Settlement, Vacancy
from jobmatch.models.employers import VACANCY_STATUSES
from jobmatch.models.ledger import EventKind
from jobmatch.services.households.zero_employment import IS_ZERO_EMPLOYMENT
from jobmatch.services.people.data_views import record_unmasked_view
from jobmatch.services.scope import household_in_scope, ledger_events_query, person_in_scope, settlement_in_scope
from jobmatch.views.api import ApiError, bp, serializers
from jobmatch.views.api.openapi import openapi_document

EVENT_KIND_VALUES = frozenset(kind.value for kind in EventKind)

MAX_PER_PAGE = 200


def _int_arg(name: str, default=None, low: int = 1, high: int = MAX_ID):
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(400, "bad_parameter", f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def _bool_arg(name: str):
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise ApiError(400, "bad_parameter", f"{name} must be true or false.")
    return raw == "true"


def _page(query, serialize):
    """One page of ``query``: ?page= (from 1) and ?per_page= (1..200, default 50)."""
    page = _int_arg("page", 1, high=100_000)
    per_page = _int_arg("per_page", 50, high=MAX_PER_PAGE)
    session = get_session()
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [serialize(r) for r in rows], "page": page, "per_page": per_page, "total": total}, rows


def _not_found(what: str):
    return ApiError(404, "not_found", f"No {what} with this id that you may see.")


def _visible():
    return visible_settlement_ids(get_session(), g.api_user)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/settlements")
def settlements():
    query = select(Settlement).where(Settlement.id.in_(_visible())).order_by(Settlement.id)
    body, _rows = _page(query, serializers.settlement)
    return jsonify(body)


@bp.get("/settlements/<id:settlement_id>")
def settlement(settlement_id):
    found = settlement_in_scope(get_session(), g.api_user, settlement_id) or _raise(_not_found("settlement"))
    return jsonify(serializers.settlement(found))


@bp.get("/households")
def households():
    query = select(Household).where(Household.settlement_id.in_(_visible())).order_by(Household.id)
    settlement_id = _int_arg("settlement_id")
    if settlement_id is not None:
        query = query.where(Household.settlement_id == settlement_id)
    zero = _bool_arg("zero_employment")
    if zero is not None:
        query = query.where(IS_ZERO_EMPLOYMENT if zero else ~IS_ZERO_EMPLOYMENT)
    body, _rows = _page(query, serializers.household)
    return jsonify(body)


@bp.get("/households/<id:household_id>")
def household(household_id):
    found = household_in_scope(get_session(), g.api_user, household_id) or _raise(_not_found("household"))
    return jsonify(serializers.household(found))


@bp.get("/persons")
def persons():
    query = (select(Person).join(Household).where(Household.settlement_id.in_(_visible()))
             .order_by(Person.id))
    household_id = _int_arg("household_id")
    if household_id is not None:
        query = query.where(Person.household_id == household_id)
    unmasked = sees_unmasked_ids(g.api_user)
    body, rows = _page(query, lambda p: serializers.person(p, unmasked=unmasked))
    _record_unmasked(rows, unmasked, "api.persons")
    return jsonify(body)


@bp.get("/persons/<id:person_id>")
def person(person_id):
    found = person_in_scope(get_session(), g.api_user, person_id) or _raise(_not_found("person"))
    unmasked = sees_unmasked_ids(g.api_user)
    body = serializers.person(found, unmasked=unmasked)
    _record_unmasked([found], unmasked, "api.person")
    return jsonify(body)


@bp.get("/vacancies")
def vacancies():
    query = select(Vacancy).order_by(Vacancy.id)
    status = request.args.get("status")
    if status is not None:
        if status not in VACANCY_STATUSES:
            raise ApiError(400, "bad_parameter", "status must be open or closed.")
        query = query.where(Vacancy.status == status)
    body, _rows = _page(query, serializers.vacancy)
    return jsonify(body)


@bp.route("/vacancies/<id:vacancy_id>", methods=["GET", "PATCH"])
def vacancy(vacancy_id):
    if request.method == "PATCH":  # an employer changes its vacancy
        from jobmatch.views.api.employer_writes import patch_vacancy

        return patch_vacancy(vacancy_id)
    found = get_session().get(Vacancy, vacancy_id)
    return jsonify(serializers.vacancy(found or _raise(_not_found("vacancy"))))


@bp.get("/ledger-events")
def ledger_events():
    query = ledger_events_query(get_session(), g.api_user)
    for name, column in (("household_id", LedgerEvent.household_id), ("person_id", LedgerEvent.person_id)):
        value = _int_arg(name)
        if value is not None:
            query = query.where(column == value)
    kind = request.args.get("kind")
    if kind is not None:
        if kind not in EVENT_KIND_VALUES:
            raise ApiError(400, "bad_parameter", "kind is not one of the ledger's event kinds (see the OpenAPI document).")
        query = query.where(LedgerEvent.kind == kind)
    body, _rows = _page(query, serializers.ledger_event)
    return jsonify(body)


def _record_unmasked(persons, unmasked: bool, where: str) -> None:
    if unmasked and persons:
        session = get_session()
        record_unmasked_view(session, g.api_user, list(persons), where=where)
        session.commit()


def _raise(error: ApiError):
    raise error
