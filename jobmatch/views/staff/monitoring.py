"""Poverty-relapse monitoring (防返贫监测): the monitored households, their alerts, flagging and unflagging."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.models import MonitoringAlert
from jobmatch.services.households import monitoring, monitoring_alerts
from jobmatch.services.scope import household_in_scope
from jobmatch.views.fields import first_errors
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.staff.forms import AlertCloseForm, MonitoringFlagForm
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import MONITORING_LABELS


@bp.get("/monitoring")
@roles_required(*STAFF_ROLES)
def monitoring_list():
    session = get_session()
    visible = visible_settlement_ids(session, current_user)
    return render_template("staff/monitoring.html", households=monitoring.monitored_households(session, visible),
                           alerts=monitoring_alerts.open_alerts(session, visible),
                           writer=current_user.role in WRITER_ROLES)


@bp.post("/households/<id:household_id>/monitoring")
@roles_required(*WRITER_ROLES)
def flag_monitoring(household_id):
    session = get_session()
    household = household_in_scope(session, current_user, household_id) or abort(404)
    form = MonitoringFlagForm()
    if not form.validate():
        flash("；".join(first_errors(form).values()))
        return redirect(url_for("staff.household", household_id=household.id))
    actor = f"user:{current_user.id}"
    if form.category.data == "none":
        call = lambda: monitoring.unflag_household(session, household.id, reason=form.reason.data, actor=actor)  # noqa: E731
    else:
        call = lambda: monitoring.flag_household(session, household.id, form.category.data,  # noqa: E731
                                                 reason=form.reason.data, actor=actor)
    _, error = commit_or_error(session, call)
    flash(error.message if error else (f"已将 {household.household_no} 列为{MONITORING_LABELS[form.category.data]}。"
                                       if form.category.data != "none" else
                                       f"已解除 {household.household_no} 的防返贫监测。"))
    return redirect(url_for("staff.household", household_id=household.id))


@bp.post("/monitoring/alerts/<id:alert_id>/close")
@roles_required(*WRITER_ROLES)
def close_monitoring_alert(alert_id):
    session = get_session()
    alert = session.get(MonitoringAlert, alert_id)
    if alert is None or household_in_scope(session, current_user, alert.household_id) is None:
        abort(404)
    form = AlertCloseForm()
    if not form.validate():
        flash("；".join(first_errors(form).values()))
        return redirect(url_for("staff.monitoring_list") + f"#alert-{alert.id}")
    _, error = commit_or_error(session, lambda: monitoring_alerts.close_alert(
        session, alert.id, user_id=current_user.id, note=form.note.data, actor=f"user:{current_user.id}"))
    flash(error.message if error else "预警已处理。")
    return redirect(url_for("staff.monitoring_list"))
