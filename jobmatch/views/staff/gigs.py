"""The gig station (零工对接服务站) at the door: today's gigs, posting for a walk-in employer, walk-in
workers by name and phone, placing them on the spot, the printable list of who goes where, unpaid
gigs by employer, and the monthly gig report."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.clock import Month, local_today
from jobmatch.config import current_settings
from jobmatch.db import get_session
from jobmatch.models import Settlement
from jobmatch.services.errors import UserError
from jobmatch.services.gigs import counting, offering, pay, posting, station
from jobmatch.services.scope import person_in_scope
from jobmatch.views.fields import first_errors
from jobmatch.views.gig_forms import NEW_GIG_DEFAULTS, OPTION_LABELS, StationGigForm, WalkInForm
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import staff as staff_words


def _sites(session) -> list[Settlement]:
    visible = visible_settlement_ids(session, current_user)
    return list(session.scalars(select(Settlement).where(Settlement.id.in_(visible)).order_by(Settlement.name)))


def _day() -> date:
    try:
        return date.fromisoformat(request.args.get("day", "")) if request.args.get("day") else local_today()
    except ValueError:
        raise UserError("日期要写成 2026-12-01 这样", "day") from None


def _station_page(session, *, errors=None, form=None, status=200):
    sites = _sites(session)
    day = _day()
    board = station.station_board(session, [s.id for s in sites], day)
    return render_template(
        "staff/gigs.html", board=board, day=day, sites={s.id: s.name for s in sites}, errors=errors or {},
        form=form if form is not None else {"work_date": day.isoformat(), **NEW_GIG_DEFAULTS},
        gig_places=posting.gig_places(session, {s.county_id for s in sites}),
        options=OPTION_LABELS, unpaid=pay.unpaid_by_employer(session, [s.id for s in sites]),
        placement_labels=staff_words.GIG_PLACEMENT_STATUS_LABELS, pay_labels=staff_words.GIG_PAY_STATUS_LABELS,
        pay_text=posting.pay_text, writer=current_user.role in WRITER_ROLES), status


@bp.get("/gigs")
@roles_required(*STAFF_ROLES)
def gigs():
    return _station_page(get_session())


@bp.post("/gigs")
@roles_required(*WRITER_ROLES)
def post_gig():
    session = get_session()
    sites = _sites(session)
    form = StationGigForm([s.id for s in sites], posting.gig_places(session, {s.county_id for s in sites}))
    if not form.validate():
        return _station_page(session, errors=first_errors(form), form=request.form, status=400)
    site = next(s for s in sites if s.id == form.settlement_id.data)
    actor = f"user:{current_user.id}"

    def post():
        employer = posting.walk_in_employer(session, form.employer_name.data, form.employer_phone.data,
                                            site.county_id, actor=actor)
        gig = posting.post_gig(session, employer.id, form.new_gig(), actor=actor)
        return gig, offering.offer_gig(session, gig.id, actor=actor)

    result, error = commit_or_error(session, post)
    if error:
        return _station_page(session, errors={error.field or "title": error.message}, form=request.form, status=400)
    gig, sent = result
    flash(f"已发布“{gig.title}”：短信推送 {len(sent.offered)} 人，需电话通知 {len(sent.to_call)} 人。")
    return redirect(url_for("staff.gigs", day=gig.work_date.isoformat()))


@bp.post("/gigs/walk-in")
@roles_required(*WRITER_ROLES)
def gig_walk_in():
    session = get_session()
    form = WalkInForm()
    if not form.validate():
        return _station_page(session, errors=first_errors(form), status=400)
    sites = [s.id for s in _sites(session)]
    person, error = commit_or_error(session, lambda: station.register_walk_in(
        session, sites, form.name.data, form.phone.data, actor=f"user:{current_user.id}"))
    if error:
        return _station_page(session, errors={f"walk_in_{error.field}": error.message}, status=400)
    flash(f"{person.name}今天可以打零工，已登记。")
    return redirect(url_for("staff.gigs"))


@bp.post("/gigs/<id:gig_id>/assign")
@roles_required(*WRITER_ROLES)
def gig_assign(gig_id):
    session = get_session()
    gig = _gig_in_scope(session, gig_id)
    try:
        person_id = int(request.form.get("person_id", ""))
    except ValueError:
        person_id = 0
    person = person_in_scope(session, current_user, person_id) or abort(404)
    _placement, error = commit_or_error(session, lambda: offering.assign_on_the_spot(
        session, gig.id, person.id, actor=f"user:{current_user.id}"))
    flash(error.message if error else f"已安排{person.name}去“{gig.title}”。")
    return redirect(url_for("staff.gigs", day=gig.work_date.isoformat()))


@bp.get("/gigs/print")
@roles_required(*STAFF_ROLES)
def gigs_print():
    session = get_session()
    day = _day()
    board = station.station_board(session, [s.id for s in _sites(session)], day)
    return render_template("staff/gigs_print.html", day=day, rows=station.who_goes_where(board),
                           pay_text=posting.pay_text)


@bp.get("/gigs/report")
@roles_required(*STAFF_ROLES)
def gigs_report():
    session = get_session()
    month = Month.parse(request.args["month"]) if request.args.get("month") else Month.current()
    sites = _sites(session)
    reports = [counting.monthly_gig_report(session, county_id, month, current_settings().gig_days_flexible,
                                           settlement_ids=[s.id for s in sites])
               for county_id in sorted({s.county_id for s in sites})]
    return render_template("staff/gigs_report.html", month=month, reports=reports,
                           flexible_days=current_settings().gig_days_flexible)


def _gig_in_scope(session, gig_id):
    from jobmatch.models import Gig

    gig = session.get(Gig, gig_id)
    if gig is None or gig.settlement_id not in visible_settlement_ids(session, current_user):
        abort(404)
    return gig


@bp.post("/gigs/<id:gig_id>/cancel")
@roles_required(*WRITER_ROLES)
def gig_cancel(gig_id):
    session = get_session()
    gig = _gig_in_scope(session, gig_id)
    day = gig.work_date.isoformat()
    told, error = commit_or_error(session, lambda: offering.cancel_gig(session, gig.id,
                                                                       actor=f"user:{current_user.id}"))
    flash(error.message if error else f"零工已取消，已短信告诉 {told} 位工人不用去了。")
    return redirect(url_for("staff.gigs", day=day))
