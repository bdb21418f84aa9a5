"""The household list (/staff/households): every household of the user's settlements, filtered,
searched, sorted and paged. /staff/search shows the same list for what was typed."""

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.models import Settlement
from jobmatch.services.households.listing import list_households
from jobmatch.views.staff import STAFF_ROLES, bp
from jobmatch.views.staff.forms import HouseholdListForm
from jobmatch.vocabulary import EMPLOYMENT_LABELS, MONITORING_LABELS, SPELL_KINDS


@bp.get("/households")
@roles_required(*STAFF_ROLES)
def households():
    return household_list_page()


def household_list_page():
    session = get_session()
    visible = visible_settlement_ids(session, current_user)
    settlements = session.execute(select(Settlement.id, Settlement.name).where(Settlement.id.in_(sorted(visible)))
                                  .order_by(Settlement.name)).all()
    form = HouseholdListForm(request.args)
    form.settlement_id.choices = [site_id for site_id, _ in settlements]
    form.validate()
    result = list_households(session, visible, form.filters())
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("staff/households.html", result=result, settlements=settlements, args=args,
                           spell_kinds={kind: EMPLOYMENT_LABELS[kind] for kind in SPELL_KINDS},
                           monitoring_labels=MONITORING_LABELS)
