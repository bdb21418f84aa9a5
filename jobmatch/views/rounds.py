"""Thin JSON endpoints for matching rounds and offer answers (the full pages come later).

POST /rounds                      {"settlement_id" | "county_id", "vacancy_ids"?}  staff
GET  /rounds/<id>                 the round's offers, zero-employment households first
POST /rounds/<id>/approve         {"offer_ids"?}  (all proposed offers when absent)
POST /offers/<id>/answer          {"accepted": true|false}  the worker, or staff at the door

Errors a user can fix come back as 400 (409 for a step the offer's state does not allow)
with {"error": Chinese message, "field": the input at fault}. Scope follows the staff
pages (jobmatch.services.scope): a county round only on a county the user keeps whole,
and of any round only the offers to workers of the user's settlements; anything else is 404.
"""

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.config import settings_of
from jobmatch.db import get_session
from jobmatch.models import MatchRound, Offer
from jobmatch.services import answers
from jobmatch.services.errors import WorkflowError
from jobmatch.services.offers.rounds import approve_round, load_scoring_model, propose_round
from jobmatch.services.scope import person_in_scope, round_in_scope, round_offers_in_scope, round_scope_allowed

bp = Blueprint("rounds", __name__)
ROUND_ROLES = ("admin", "staff")


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise WorkflowError("body", "请求内容必须是 JSON 对象")
    return body


def _int_or_none(body: dict, name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise WorkflowError(name, "必须是整数编号")
    return value


def _int_list_or_none(body: dict, name: str) -> list[int] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise WorkflowError(name, "必须是整数编号的列表")
    return value


def round_or_404(session, round_id: int) -> MatchRound:
    """The round, when the signed-in user may open it."""
    match_round = round_in_scope(session, current_user, round_id)
    if match_round is None:
        abort(404)
    return match_round


def _offer_json(offer: Offer) -> dict:
    return {"id": offer.id, "vacancy_id": offer.vacancy_id, "person_id": offer.person_id, "status": offer.status,
            "rank": offer.rank, "score": round(offer.score, 4), "reasons": offer.reasons, "channel": offer.channel}


@bp.post("/rounds")
@roles_required(*ROUND_ROLES)
def propose():
    session, body = get_session(), _json_body()
    county_id, settlement_id = _int_or_none(body, "county_id"), _int_or_none(body, "settlement_id")
    if not round_scope_allowed(session, current_user, county_id=county_id, settlement_id=settlement_id):
        abort(404)
    match_round = propose_round(
        session, actor=f"user:{current_user.id}", county_id=county_id, settlement_id=settlement_id,
        vacancy_ids=_int_list_or_none(body, "vacancy_ids"), min_score=settings_of(current_app).match_min_score,
        model=load_scoring_model(settings_of(current_app).match_model_path))
    session.commit()
    return jsonify(round_id=match_round.id, summary=match_round.summary), 201


@bp.get("/rounds/<id:round_id>")
@roles_required(*ROUND_ROLES, "county_officer")
def show(round_id: int):
    session = get_session()
    match_round = round_or_404(session, round_id)
    return jsonify(round_id=round_id, summary=match_round.summary,
                   offers=[_offer_json(o) for o in round_offers_in_scope(session, current_user, round_id)])


@bp.post("/rounds/<id:round_id>/approve")
@roles_required(*ROUND_ROLES)
def approve(round_id: int):
    session, body = get_session(), _json_body()
    round_or_404(session, round_id)
    offer_ids = _int_list_or_none(body, "offer_ids")
    if offer_ids is not None and not set(offer_ids) <= {o.id for o in round_offers_in_scope(session, current_user,
                                                                                            round_id)}:
        abort(404)  # another settlement's offer, or none of this round's
    result = approve_round(session, round_id, actor=f"user:{current_user.id}", offer_ids=offer_ids,
                           settlement_ids=visible_settlement_ids(session, current_user))
    session.commit()
    return jsonify(sent=result.sent, skipped={str(k): v for k, v in result.skipped.items()},
                   already_handled=result.already_handled, sms_now=result.sms_now, sms_waiting=result.sms_waiting,
                   sms_waiting_until=result.sms_waiting_until.isoformat() if result.sms_waiting_until else None,
                   visits=result.visits)


@bp.post("/offers/<id:offer_id>/answer")
@roles_required(*ROUND_ROLES, "worker")
def answer(offer_id: int):
    session, body = get_session(), _json_body()
    accepted = body.get("accepted")
    if not isinstance(accepted, bool):
        raise WorkflowError("accepted", "请回答接受（true）或不要（false）")
    offer = session.get(Offer, offer_id)
    if offer is None or not _may_answer(session, offer):
        abort(404)
    if current_user.role == "worker":
        actor, via = f"person:{current_user.person_id}", "web"
    else:
        actor, via = f"user:{current_user.id}", "visit"
    confirmation = answers.answer(session, f"offer:{offer_id}", offer.person_id, accepted, actor=actor, via=via)
    session.commit()
    offer = session.get(Offer, offer_id, populate_existing=True)
    assert offer is not None  # found above; answering an offer does not delete it
    return jsonify(offer_id=offer_id, status=offer.status, confirmation=confirmation)


def _may_answer(session, offer: Offer) -> bool:
    if current_user.role == "worker":
        return current_user.person_id == offer.person_id
    return person_in_scope(session, current_user, offer.person_id) is not None
