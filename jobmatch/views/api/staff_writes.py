"""The API's writes with a staff token: a follow-up (rule 6) and a worker's answer given at the door.

Only the households of the token's settlements (services/scope.py); the same services as the
staff pages (record_follow_up; answers.answer with via "visit", as when staff record it on the
round page). Each write takes an Idempotency-Key (jobmatch.views.api.idempotent).
"""

from datetime import UTC, datetime

from flask import g, jsonify

from jobmatch.db import get_session
from jobmatch.models import Offer
from jobmatch.services import answers
from jobmatch.services.errors import UserError
from jobmatch.services.households.followups import MonitoringNotes, record_follow_up
from jobmatch.services.scope import household_in_scope, person_in_scope
from jobmatch.views.api import ApiError, bp
from jobmatch.views.api.employer_writes import _json_object, _typed
from jobmatch.views.api.idempotent import idempotent
from jobmatch.views.api.resources import _not_found, _raise
from jobmatch.views.api.serializers import iso

WRITER_ROLES = ("admin", "staff")
FOLLOW_UP_TYPES: dict[str, tuple[type, ...]] = {
    "method": (str,), "summary": (str,), "contacted_at": (str,), "employment_state": (str,), "needs": (str,),
    "training_wish": (str,)}


def _staff() -> None:
    if g.api_user.role not in WRITER_ROLES:
        raise ApiError(403, "forbidden", "只有就业专干和管理员可以登记回访和上门答复。")


@bp.post("/households/<id:household_id>/follow-ups")
@idempotent
def post_follow_up(household_id):
    _staff()
    session = get_session()
    household = household_in_scope(session, g.api_user, household_id) or _raise(_not_found("household"))
    body = _typed(_json_object(), FOLLOW_UP_TYPES)
    if "method" not in body:
        raise UserError("缺少字段：method（phone 电话，visit 入户）。", "method")
    contacted_at = None
    if "contacted_at" in body:
        try:
            contacted_at = datetime.fromisoformat(body["contacted_at"])
            if contacted_at.tzinfo is not None:
                contacted_at = contacted_at.astimezone(UTC)
        except (ValueError, OverflowError):
            raise UserError("contacted_at 要写成 2026-12-01T09:30:00+08:00 这样（带时区）。", "contacted_at") from None
    result = record_follow_up(
        session, household_id=household.id, staff_user_id=g.api_user.id, method=body["method"],
        actor=f"user:{g.api_user.id}", summary=body.get("summary", ""), contacted_at=contacted_at,
        monitoring=MonitoringNotes(body.get("employment_state", ""), body.get("needs", ""),
                                   body.get("training_wish", "")))
    follow_up = result.follow_up
    return jsonify({"id": follow_up.id, "household_id": household.id, "method": follow_up.method,
                    "contacted_at": iso(follow_up.contacted_at), "summary": follow_up.summary,
                    "employment_state": follow_up.employment_state or None,
                    "became_zero_employment": result.became_zero_employment}), 201


@bp.post("/offers/<id:offer_id>/answer")
@idempotent
def post_offer_answer(offer_id):
    """The worker said yes or no in person; staff record it (the same handler as an SMS "1"/"2")."""
    _staff()
    session = get_session()
    offer = session.get(Offer, offer_id)
    if offer is None or person_in_scope(session, g.api_user, offer.person_id) is None:
        _raise(_not_found("offer"))
    body = _typed(_json_object(), {"accepted": (bool,)})
    if "accepted" not in body:
        raise UserError("缺少字段：accepted（true 接受，false 不要）。", "accepted")
    confirmation = answers.answer(session, f"offer:{offer_id}", offer.person_id, body["accepted"],
                                  actor=f"user:{g.api_user.id}", via="visit")
    session.flush()
    offer = session.get(Offer, offer_id, populate_existing=True)
    assert offer is not None  # found above; answering does not delete it
    return jsonify({"offer_id": offer_id, "status": offer.status, "confirmation": confirmation})
