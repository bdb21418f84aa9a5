"""Recruitment fairs: create, invite, who registered and came, a check-in page for a phone at
the door, outcomes per employer, and the fair's report (.xlsx)."""

import io

from flask import abort, current_app, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.clock import local_today
from jobmatch.db import get_session
from jobmatch.models import Settlement
from jobmatch.services.fairs import check_in as fair_check_in
from jobmatch.services.fairs import events as fair_service
from jobmatch.services.fairs import queries as fair_pages
from jobmatch.services.fairs.report import fair_report, record_outcome, write_fair_report_xlsx
from jobmatch.services.offers.queries import vacancies_for_rounds
from jobmatch.views import wechat as wechat_views
from jobmatch.views.fields import first_errors
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.staff.forms import FairForm, FairInviteForm
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import staff as staff_words

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible(session):
    return visible_settlement_ids(session, current_user)


def _fair(session, fair_id):
    return fair_pages.fair_in_scope(session, _visible(session), fair_id) or abort(404)


def _list_page(session, errors=None, status=200):
    visible = _visible(session)
    settlements = session.scalars(select(Settlement).where(Settlement.id.in_(visible)).order_by(Settlement.name)).all()
    due = [d for d in fair_service.sites_due_fairs(session) if d.settlement_id in visible]
    return render_template("staff/fairs.html", fairs=fair_pages.visible_fairs(session, visible), due=due,
                           settlement_options={s.id: s.name for s in settlements}, vacancies=vacancies_for_rounds(session, visible),
                           errors=errors or {}, form=request.form, today=local_today()), status


@bp.route("/fairs", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def fairs():
    session = get_session()
    if request.method == "GET":
        return _list_page(session)
    if current_user.role not in WRITER_ROLES:
        abort(403)
    form = FairForm(_visible(session))
    if not form.validate():
        return _list_page(session, first_errors(form), 400)
    site = session.get(Settlement, form.settlement_id.data)
    vacancy_ids = [int(v) for v in request.form.getlist("vacancy_ids") if v.isdigit() and len(v) < 10]
    fair, error = commit_or_error(session, lambda: fair_service.create_fair(
        session, name=form.name.data, held_on=form.held_on.data, place=form.place.data, county_id=site.county_id,
        settlement_id=site.id, vacancy_ids=vacancy_ids, actor=f"user:{current_user.id}",
        starts_at=form.starts_at.data))
    if error:
        return _list_page(session, {error.field: error.message}, 400)
    flash(f"已创建招聘会“{fair.name}”。")
    return redirect(url_for("staff.fair", fair_id=fair.id))


@bp.get("/fairs/<id:fair_id>")
@roles_required(*STAFF_ROLES)
def fair(fair_id):
    session = get_session()
    found = _fair(session, fair_id)
    employers = {v.employer_id: v.employer.name for v in found.vacancies}
    attendees = fair_pages.attendees_in_scope(session, found.id, _visible(session))
    return render_template("staff/fair.html", fair=found, report=fair_report(session, found.id), employers=employers,
                           attendees=attendees, stages=staff_words.OUTCOME_STAGE_LABELS, today=local_today(),
                           opens=fair_check_in.opens_text(found),
                           candidates=len(fair_service.invitation_candidates(session, found))
                           if found.held_on >= local_today() else 0)


@bp.post("/fairs/<id:fair_id>/invite")
@roles_required(*WRITER_ROLES)
def invite(fair_id):
    session = get_session()
    found = _fair(session, fair_id)
    form = FairInviteForm()
    form.validate()  # a limit that is not a number in range counts as blank: no limit
    invited, error = commit_or_error(session, lambda: fair_service.invite_workers(
        session, found.id, actor=f"user:{current_user.id}", limit=form.limit.data))
    flash(error.message if error else f"已发出 {len(invited)} 条邀请短信。")
    return redirect(url_for("staff.fair", fair_id=found.id))


@bp.post("/fairs/<id:fair_id>/outcomes")
@roles_required(*WRITER_ROLES)
def fair_outcome(fair_id):
    session = get_session()
    found = _fair(session, fair_id)
    attendee_ids = {a.person_id for a in fair_pages.attendees_in_scope(session, found.id, _visible(session))}
    person_id = request.form.get("person_id", type=int)
    if person_id not in attendee_ids:
        flash("请选择来参加招聘会的群众。")
        return redirect(url_for("staff.fair", fair_id=found.id))
    _, error = commit_or_error(session, lambda: record_outcome(
        session, found.id, employer_id=request.form.get("employer_id", type=int) or 0, person_id=person_id,
        stage=request.form.get("stage", ""), actor=f"user:{current_user.id}"))
    flash(error.message if error else "已登记。")
    return redirect(url_for("staff.fair", fair_id=found.id) + "#outcomes")


@bp.route("/fairs/<id:fair_id>/check-in", methods=["GET", "POST"])
@roles_required(*WRITER_ROLES)
def check_in(fair_id):
    """Made for a phone at the door: scan result, or a phone or ID number typed in."""
    session = get_session()
    found = _fair(session, fair_id)
    result, error = None, None
    if request.method == "POST":
        result, failure = commit_or_error(session, lambda: _check_in(session, found.id, request.form))
        error = failure.message if failure else None
    checked_in = sum(a.checked_in_at is not None for a in found.attendees)
    scan = wechat_views.wechat_scan_wanted()  # in WeChat: its scanner reads the QR code (JS-SDK)
    response = make_response(render_template(
        "staff/fair_check_in.html", fair=found, result=result, error=error, checked_in=checked_in,
        window=fair_check_in.check_in_window(found), opens=fair_check_in.opens_text(found), wechat_scan=scan,
        wechat_js_sdk=wechat_views.WECHAT_JS_SDK), 400 if error else 200)
    if scan:
        response.headers["Content-Security-Policy"] = wechat_views.WECHAT_SCAN_CSP
    return response


def _check_in(session, fair_id: int, form):
    """By the scanned QR code's token, else by the phone or ID number typed at the door."""
    actor = f"user:{current_user.id}"
    if form.get("token", "").strip():
        secret_key = current_app.secret_key
        assert isinstance(secret_key, str)  # create_app always sets SECRET_KEY to a str
        return fair_check_in.check_in_by_token(session, fair_id, form["token"].strip(),
                                               secret_key=secret_key, actor=actor,
                                               settlement_ids=_visible(session))
    return fair_check_in.check_in_by_identity(session, fair_id, actor=actor, settlement_ids=_visible(session),
                                              phone=form.get("phone", ""), id_number=form.get("id_number", ""),
                                              name=form.get("name", ""))


@bp.get("/fairs/<id:fair_id>/report.xlsx")
@roles_required(*STAFF_ROLES)
def fair_report_xlsx(fair_id):
    session = get_session()
    found = _fair(session, fair_id)
    buffer = io.BytesIO()
    write_fair_report_xlsx(fair_report(session, found.id), buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=f"{found.name}情况统计.xlsx")
