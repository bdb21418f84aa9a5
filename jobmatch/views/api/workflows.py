"""The API's read endpoints for offers and fairs, scoped like the web pages."""

from flask import jsonify, request
from sqlalchemy import select

from jobmatch.db import get_session
from jobmatch.models import Household, Offer, Person
from jobmatch.models.offers import OFFER_STATUSES
from jobmatch.services.fairs.queries import fair_in_scope, visible_fairs_query
from jobmatch.views.api import ApiError, bp
from jobmatch.views.api.resources import _int_arg, _not_found, _page, _raise, _visible
from jobmatch.views.api.serializers import iso


def offer_json(o: Offer) -> dict:
    return {"id": o.id, "round_id": o.round_id, "vacancy_id": o.vacancy_id, "person_id": o.person_id,
            "household_id": o.person.household_id, "status": o.status, "rank": o.rank, "score": round(o.score, 4),
            "reasons": list(o.reasons or []), "channel": o.channel or None, "sent_at": iso(o.sent_at),
            "expires_at": iso(o.expires_at), "responded_at": iso(o.responded_at)}


def fair_json(f) -> dict:
    attendees = f.attendees
    return {"id": f.id, "name": f.name, "held_on": f.held_on.isoformat(), "place": f.place, "county_id": f.county_id,
            "settlement_id": f.settlement_id, "vacancy_ids": sorted(v.id for v in f.vacancies),
            "invited": sum(a.invited_at is not None for a in attendees),
            "registered": sum(a.registered_at is not None for a in attendees),
            "checked_in": sum(a.checked_in_at is not None for a in attendees)}


def _offers_query():
    return (select(Offer).join(Person, Person.id == Offer.person_id).join(Household, Household.id == Person.household_id)
            .where(Household.settlement_id.in_(_visible())))


@bp.get("/offers")
def offers():
    query = _offers_query().order_by(Offer.id)
    status = request.args.get("status")
    if status is not None:
        if status not in OFFER_STATUSES:
            raise ApiError(400, "bad_parameter", f"status must be one of: {', '.join(OFFER_STATUSES)}.")
        query = query.where(Offer.status == status)
    for name, column in (("round_id", Offer.round_id), ("person_id", Offer.person_id)):
        value = _int_arg(name)
        if value is not None:
            query = query.where(column == value)
    body, _rows = _page(query, offer_json)
    return jsonify(body)


@bp.get("/offers/<id:offer_id>")
def offer(offer_id):
    found = get_session().scalar(_offers_query().where(Offer.id == offer_id))
    return jsonify(offer_json(found or _raise(_not_found("offer"))))


@bp.get("/fairs")
def fairs():
    from jobmatch.models import Fair

    body, _rows = _page(visible_fairs_query(_visible()).order_by(Fair.held_on.desc(), Fair.id.desc()), fair_json)
    return jsonify(body)


@bp.get("/fairs/<id:fair_id>")
def fair(fair_id):
    found = fair_in_scope(get_session(), _visible(), fair_id)
    return jsonify(fair_json(found or _raise(_not_found("fair"))))

