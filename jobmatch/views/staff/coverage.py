"""Site coverage (/staff/coverage): special employment actions (rule 3) and each site's employment
baseline (seed 003); the staff member's own mobile for problem alerts (/staff/account)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.clock import Month, local_today
from jobmatch.db import get_session
from jobmatch.models import Settlement
from jobmatch.services.accounts.staff_phone import set_staff_phone
from jobmatch.services.coverage import coverage_rows
from jobmatch.services.coverage.records import (
    baseline_from_roster,
    record_special_action,
    set_employment_baseline,
    special_actions,
)
from jobmatch.views.fields import first_errors
from jobmatch.views.staff import STAFF_ROLES, bp
from jobmatch.views.staff.forms import BaselineForm, SpecialActionForm, StaffPhoneForm
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import staff as staff_words


def _page(session, errors=None, status=200):
    visible = visible_settlement_ids(session, current_user)
    sites = session.scalars(select(Settlement).where(Settlement.id.in_(visible)).order_by(Settlement.name)).all()
    rows = [row for county_id in sorted({s.county_id for s in sites})
            for row in coverage_rows(session, county_id, Month.current()) if row.settlement_id in visible]
    return render_template("staff/coverage.html", rows=rows, actions=special_actions(session, visible, local_today().year),
                           settlement_options={s.id: s.name for s in sites},
                           kinds=staff_words.SPECIAL_ACTION_KIND_LABELS, sources=staff_words.BASELINE_SOURCE_LABELS,
                           errors=errors or {}, form=request.form), status


@bp.get("/coverage")
@roles_required(*STAFF_ROLES)
def coverage():
    return _page(get_session())


@bp.post("/coverage/actions")
@roles_required(*STAFF_ROLES)
def record_action():
    session = get_session()
    form = SpecialActionForm(visible_settlement_ids(session, current_user))
    if not form.validate():
        return _page(session, first_errors(form), 400)
    _, error = commit_or_error(session, lambda: record_special_action(
        session, settlement_id=form.settlement_id.data, kind=form.kind.data, held_on=form.held_on.data,
        title=form.title.data, user_id=current_user.id, actor=f"user:{current_user.id}"))
    if error:
        return _page(session, {error.field or "title": error.message}, 400)
    flash("已登记专项就业行动。")
    return redirect(url_for("staff.coverage"))


@bp.post("/coverage/baseline")
@roles_required(*STAFF_ROLES)
def record_baseline():
    session = get_session()
    form = BaselineForm(visible_settlement_ids(session, current_user))
    errors = {} if form.validate() else first_errors(form)
    from_roster = request.form.get("from_roster") == "1"
    if not errors and not from_roster and form.employed.data is None:
        errors["employed"] = "请填写就业基数（人），或选择按台账统计"
    if errors:
        return _page(session, errors, 400)
    actor = f"user:{current_user.id}"
    if from_roster:
        _, error = commit_or_error(session, lambda: baseline_from_roster(
            session, settlement_id=form.settlement_id.data, as_of=form.as_of.data, user_id=current_user.id,
            actor=actor))
    else:
        _, error = commit_or_error(session, lambda: set_employment_baseline(
            session, settlement_id=form.settlement_id.data, employed=form.employed.data, as_of=form.as_of.data,
            user_id=current_user.id, actor=actor))
    if error:
        return _page(session, {error.field or "employed": error.message}, error.status)
    flash("已登记就业基数。")
    return redirect(url_for("staff.coverage"))


@bp.route("/account", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def account():
    """The signed-in staff member's own mobile, for texts telling them of a worker's problem."""
    session = get_session()
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = StaffPhoneForm()
        errors = {} if form.validate() else first_errors(form)
        if not errors:
            _, error = commit_or_error(session, lambda: set_staff_phone(
                session, current_user.id, form.phone.data, actor=f"user:{current_user.id}"))
            if error is None:
                flash("已保存手机号码。")
                return redirect(url_for("staff.account"))
            errors[error.field or "phone"] = error.message
    return render_template("staff/account.html", errors=errors,
                           form=request.form if errors else {"phone": current_user.phone or ""}), 400 if errors else 200
