"""送岗位上门: recording a door visit to a household of the zero-employment drive (rule 1)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.auth import roles_required
from jobmatch.clock import utcnow
from jobmatch.db import get_session
from jobmatch.models import DoorVisit
from jobmatch.services.households import zero_employment
from jobmatch.services.offers.queries import vacancies_for_rounds
from jobmatch.services.scope import household_in_scope
from jobmatch.views.fields import first_errors
from jobmatch.views.staff import WRITER_ROLES, bp
from jobmatch.views.staff.forms import DoorVisitForm
from jobmatch.views.transactions import commit_or_error

VISITS_SHOWN = 20


@bp.route("/households/<id:household_id>/door-visit", methods=["GET", "POST"])
@roles_required(*WRITER_ROLES)
def door_visit(household_id):
    session = get_session()
    household = household_in_scope(session, current_user, household_id) or abort(404)
    vacancies = vacancies_for_rounds(session, [household.settlement_id])
    errors = {}
    if request.method == "POST":
        form = DoorVisitForm({v.id for v in vacancies})
        errors = {} if form.validate() else first_errors(form)
        if not errors:
            _, error = commit_or_error(session, lambda: zero_employment.record_door_visit(
                session, household_id=household.id, staff_user_id=current_user.id, actor=f"user:{current_user.id}",
                vacancy_id=form.vacancy(), note=form.note.data, visited_at=utcnow()))
            if error:
                errors[error.field] = error.message
            else:
                flash(f"已登记对 {household.household_no} 的送岗上门。")
                return redirect(url_for("staff.household", household_id=household.id))
    visits = session.scalars(select(DoorVisit).where(DoorVisit.household_id == household.id)
                             .order_by(DoorVisit.visited_at.desc()).limit(VISITS_SHOWN)).all()
    return render_template("staff/door_visit.html", household=household, vacancies=vacancies, visits=visits,
                           errors=errors, form=request.form), 400 if errors else 200
