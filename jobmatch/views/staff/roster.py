"""Roster upload (checked row by row, nothing written on errors) and export for the staff's scope."""

import io

from flask import abort, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.clock import Month
from jobmatch.db import get_report_session, get_session
from jobmatch.models import Settlement
from jobmatch.roster.reading import RosterFileError
from jobmatch.services.people.data_views import record_export
from jobmatch.services.roster.exporting import export_roster
from jobmatch.services.roster.upload import confirm_upload, preview_upload
from jobmatch.views.staff import WRITER_ROLES, bp
from jobmatch.views.transactions import commit_or_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/roster/upload", methods=["GET", "POST"])
@roles_required(*WRITER_ROLES)
def roster_upload():
    """Upload: every problem in one list, or a preview of the change with a confirm button."""
    if request.method == "GET":
        return render_template("staff/roster_upload.html", report=None)
    session = get_session()
    upload = request.files.get("roster")
    options = {"partial": bool(request.form.get("partial"))}
    if upload is None or not upload.filename:
        return render_template("staff/roster_upload.html", report=None, file_error="请选择要上传的台账文件。",
                               options=options), 400
    try:
        previewed = preview_upload(session, upload.read(), upload.filename, user=current_user,
                                   settlement_ids=visible_settlement_ids(session, current_user),
                                   partial=options["partial"])
    except RosterFileError as exc:
        session.rollback()
        return render_template("staff/roster_upload.html", report=None, file_error=str(exc), options=options), 400
    session.commit()
    return render_template("staff/roster_upload.html", report=previewed.report, token=previewed.token,
                           filename=upload.filename, options=options), 200 if previewed.token else 400


@bp.post("/roster/confirm")
@roles_required(*WRITER_ROLES)
def roster_confirm():
    """Write exactly the previewed change (nothing when the file or the records changed since)."""
    session = get_session()
    report, error = commit_or_error(session, lambda: confirm_upload(
        session, request.form.get("token", ""), user=current_user,
        settlement_ids=visible_settlement_ids(session, current_user)))
    if error:
        return render_template("staff/roster_upload.html", report=None, file_error=error.message), error.status
    return render_template("staff/roster_upload.html", report=report, confirmed=True)


@bp.get("/roster/export")
@roles_required(*WRITER_ROLES)
def roster_export():
    session = get_report_session()  # the replica when there is one; the export is recorded on the primary
    settlements = session.scalars(select(Settlement).where(
        Settlement.id.in_(visible_settlement_ids(session, current_user))).order_by(Settlement.name)).all()
    chosen = request.args.get("settlement_id", type=int)
    if chosen is None:
        return render_template("staff/roster_export.html", settlements=settlements,
                               month=str(Month.current()))
    settlement = next((s for s in settlements if s.id == chosen), None) or abort(404)
    buffer = io.BytesIO()
    count = export_roster(session, buffer, county=settlement.county.name, settlement=settlement.name,
                          month=request.args.get("month") or None)
    record_export(get_session(), current_user, what="roster_export", subject=f"settlement:{settlement.id}",
                  persons=count)
    get_session().commit()
    buffer.seek(0)
    month = request.args.get("month") or str(Month.current())
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=f"{settlement.name}就业台账{month}.xlsx")
