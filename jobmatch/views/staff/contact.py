"""The settlement office's phone (/staff/contact): the number the help SMS and the worker's page give."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.config import current_settings
from jobmatch.db import get_session
from jobmatch.models import Settlement
from jobmatch.services.sms.sender_settings import set_contact_phone
from jobmatch.views.staff import WRITER_ROLES, bp
from jobmatch.views.transactions import commit_or_error


@bp.route("/contact", methods=["GET", "POST"])
@roles_required(*WRITER_ROLES)
def contact_phones():
    session = get_session()
    visible = visible_settlement_ids(session, current_user)
    error = None
    if request.method == "POST":
        settlement_id = request.form.get("settlement_id", type=int)
        if settlement_id not in visible:
            abort(404)
        _, failure = commit_or_error(session, lambda: set_contact_phone(
            session, settlement_id, request.form.get("contact_phone", ""), actor=f"user:{current_user.id}"))
        if failure is None:
            flash("已保存联系电话。")
            return redirect(url_for("staff.contact_phones"))
        error = (settlement_id, failure.message)
    settlements = session.scalars(select(Settlement).where(Settlement.id.in_(visible)).order_by(Settlement.name)).all()
    return render_template("staff/contact_phones.html", settlements=settlements, error=error,
                           fallback=current_settings().sms_contact_phone), 400 if error else 200
