"""Staff console: the day's overview and households with their ledger."""

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import case, func, select

from jobmatch.access import sees_unmasked_ids, visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.models import Household, LedgerEvent, Settlement
from jobmatch.services.household_status import last_follow_ups

bp = Blueprint("staff", __name__, url_prefix="/staff")
STAFF_ROLES = ("admin", "staff", "county_officer")


@bp.get("/")
@roles_required(*STAFF_ROLES)
def dashboard():
    session = get_session()
    settlement_ids = visible_settlement_ids(session, current_user)
    totals = session.execute(
        select(Settlement, func.count(Household.id), func.coalesce(func.sum(Household.labourers), 0),
               func.coalesce(func.sum(Household.employed), 0),
               func.coalesce(func.sum(case((Household.zero_employment, 1), else_=0)), 0))
        .join(Household, Household.settlement_id == Settlement.id, isouter=True)
        .where(Settlement.id.in_(settlement_ids))
        .group_by(Settlement.id).order_by(Settlement.name)
    ).all()
    zero_households = session.scalars(
        select(Household).where(Household.settlement_id.in_(settlement_ids), Household.zero_employment)
        .order_by(Household.zero_employment_since)
    ).all()
    return render_template("staff/dashboard.html", totals=totals, zero_households=zero_households)


@bp.get("/households/<int:household_id>")
@roles_required(*STAFF_ROLES)
def household(household_id):
    session = get_session()
    household = session.get(Household, household_id)
    if household is None or household.settlement_id not in visible_settlement_ids(session, current_user):
        abort(404)
    events = session.scalars(
        select(LedgerEvent).where(LedgerEvent.household_id == household_id).order_by(LedgerEvent.seq.desc()).limit(200)
    ).all()
    return render_template(
        "staff/household.html", household=household, events=events,
        last_follow_up=last_follow_ups(session, [household_id]).get(household_id),
        unmasked=sees_unmasked_ids(current_user),
    )
