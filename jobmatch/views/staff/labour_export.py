"""Organised labour export (劳务输出): the groups, one group's roster with its seats, the check-in page
for a phone at the gathering point, arrivals and follow-ups, the county's transport subsidy, the report."""

import io
from datetime import datetime, time

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.clock import LOCAL_TZ, local_today
from jobmatch.db import get_session
from jobmatch.models import County, Employer, ExportMember, Household, Person, User
from jobmatch.models.labour_export import ExportMemberStatus
from jobmatch.services.labour_export import arrival, departure, recruitment
from jobmatch.services.labour_export import groups as export_groups
from jobmatch.services.labour_export.groups import LEADING_EMPLOYER_KINDS, NewGroup
from jobmatch.services.labour_export.report import export_report, write_export_report_xlsx
from jobmatch.services.labour_export.subsidy import set_transport_subsidy
from jobmatch.views.fields import first_errors
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.staff.forms import ExportGroupForm
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import staff as staff_words

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible(session):
    return visible_settlement_ids(session, current_user)


def _actor() -> str:
    return f"user:{current_user.id}"


def _group(session, group_id):
    return export_groups.group_in_scope(session, _visible(session), group_id) or abort(404)


def _counties(session):
    ids = export_groups.visible_county_ids(session, _visible(session))
    return session.scalars(select(County).where(County.id.in_(ids)).order_by(County.name)).all() if ids else []


def _choices(session, counties):
    employers = session.scalars(select(Employer).where(Employer.approved.is_(True)).order_by(Employer.name)).all()
    leaders = {f"user:{current_user.id}": current_user.display_name or current_user.username}
    leaders.update({f"coop:{e.id}": e.name for e in employers if e.kind in LEADING_EMPLOYER_KINDS})
    return {"counties": {c.id: c.name for c in counties}, "employers": {e.id: e.name for e in employers},
            "leaders": leaders}


def _list_page(session, errors=None, status=200):
    counties = _counties(session)
    return render_template("staff/labour_export.html", groups=export_groups.visible_groups(session, _visible(session)),
                           counties=counties, choices=_choices(session, counties), errors=errors or {},
                           form=request.form if errors else {}, report=export_report(session, [c.id for c in counties]),
                           transport=staff_words.TRANSPORT_MODE_LABELS, today=local_today()), status


@bp.route("/labour-export", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def labour_export():
    session = get_session()
    if request.method == "GET":
        return _list_page(session)
    if current_user.role not in WRITER_ROLES:
        abort(403)
    counties = _counties(session)
    choices = _choices(session, counties)
    form = ExportGroupForm()
    form.county_id.choices, form.employer_id.choices = tuple(choices["counties"]), tuple(choices["employers"])
    form.leader.choices = tuple(choices["leaders"])
    if not form.validate():
        return _list_page(session, first_errors(form), 400)
    kind, _, leader_id = form.leader.data.partition(":")
    hours, _, minutes = form.departs_time.data.partition(":")
    new = NewGroup(name=form.name.data, county_id=form.county_id.data, employer_id=form.employer_id.data,
                   destination_province=form.destination_province.data, destination_city=form.destination_city.data,
                   jobs=form.jobs.data, monthly_wage=form.monthly_wage.data, contract_months=form.contract_months.data,
                   dormitory=form.dormitory.data, meals=form.meals.data,
                   departs_at=datetime.combine(form.departs_on.data, time(int(hours), int(minutes)), tzinfo=LOCAL_TZ),
                   gathering_point=form.gathering_point.data, transport=form.transport.data, seats=form.seats.data,
                   leader_user_id=int(leader_id) if kind == "user" else None,
                   cooperative_id=int(leader_id) if kind == "coop" else None)
    group, error = commit_or_error(session, lambda: export_groups.create_group(session, new, actor=_actor()))
    if error:
        return _list_page(session, {error.field or "name": error.message}, 400)
    flash(f"已创建劳务输出团“{group.name}”。")
    return redirect(url_for("staff.export_group", group_id=group.id))


@bp.post("/labour-export/transport-subsidy")
@roles_required(*WRITER_ROLES)
def transport_subsidy():
    """The county's transport subsidy per exported worker (seed 003)."""
    session = get_session()
    county_id = request.form.get("county_id", type=int)
    if county_id not in {c.id for c in _counties(session)}:
        abort(404)
    raw = request.form.get("transport_subsidy_yuan", "").strip()
    yuan = int(raw) if raw.isdigit() and len(raw) < 7 else (None if not raw else -1)
    _, error = commit_or_error(session, lambda: set_transport_subsidy(session, county_id, yuan, actor=_actor()))
    flash(error.message if error else "已保存交通补贴标准。")
    return redirect(url_for("staff.labour_export") + "#subsidy")


@bp.get("/labour-export/report.xlsx")
@roles_required(*STAFF_ROLES)
def labour_export_report_xlsx():
    session = get_session()
    buffer = io.BytesIO()
    write_export_report_xlsx(export_report(session, [c.id for c in _counties(session)]), buffer,
                             title=f"劳务输出情况（截至{local_today():%Y-%m-%d}）")
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name="劳务输出情况.xlsx")


def _members_in_scope(session, group, settlement_ids) -> list[ExportMember]:
    return list(session.scalars(
        select(ExportMember).join(Person, Person.id == ExportMember.person_id).join(Household)
        .where(ExportMember.group_id == group.id, Household.settlement_id.in_(list(settlement_ids)))
        .order_by(ExportMember.id)))


@bp.get("/labour-export/<id:group_id>")
@roles_required(*STAFF_ROLES)
def export_group(group_id):
    session = get_session()
    group = _group(session, group_id)
    members = _members_in_scope(session, group, _visible(session))
    counts = {status: 0 for status in ExportMemberStatus}
    for member in group.members:
        counts[ExportMemberStatus(member.status)] += 1
    leaving = not export_groups.has_left(group) and export_groups.departure_day(group) > local_today()
    visible_ids = {m.id for m in members}
    return render_template(
        "staff/export_group.html", group=group, members=members, counts=counts,
        seats_taken=export_groups.seats_taken(session, group.id), statuses=staff_words.EXPORT_MEMBER_STATUS_LABELS,
        transport=staff_words.TRANSPORT_MODE_LABELS, Status=ExportMemberStatus,
        candidates=len(recruitment.invitation_candidates(session, group)) if leaving else 0, can_invite=leaving,
        leaves_today=export_groups.departure_day(group) == local_today(),
        follow_ups=[(m, months) for m, months in arrival.follow_ups_due(session, group) if m.id in visible_ids],
        leader=session.get(User, group.leader_user_id) if group.leader_user_id else None)


@bp.post("/labour-export/<id:group_id>/invite")
@roles_required(*WRITER_ROLES)
def export_invite(group_id):
    session = get_session()
    group = _group(session, group_id)
    raw = request.form.get("limit", "").strip()
    limit = int(raw) if raw.isdigit() and 0 < len(raw) < 6 and int(raw) > 0 else None
    invited, error = commit_or_error(session, lambda: recruitment.invite_workers(session, group.id, actor=_actor(),
                                                                                 limit=limit))
    flash(error.message if error else f"已发出 {len(invited)} 条邀请短信。")
    return redirect(url_for("staff.export_group", group_id=group.id))


def _member_in_scope(session, group, member_id) -> ExportMember:
    member = session.get(ExportMember, member_id) if member_id else None
    if member is None or member.group_id != group.id or \
            member.person.household.settlement_id not in set(_visible(session)):
        abort(404)
    return member


@bp.post("/labour-export/<id:group_id>/arrivals")
@roles_required(*WRITER_ROLES)
def export_arrival(group_id):
    """The group leader confirms that a member arrived."""
    session = get_session()
    group = _group(session, group_id)
    member = _member_in_scope(session, group, request.form.get("member_id", type=int))
    _, error = commit_or_error(session, lambda: arrival.confirm_arrival(session, group.id, member.person_id,
                                                                        actor=_actor()))
    flash(error.message if error else f"已确认{member.person.name}到达。")
    return redirect(url_for("staff.export_group", group_id=group.id) + "#members")


@bp.post("/labour-export/<id:group_id>/follow-ups")
@roles_required(*WRITER_ROLES)
def export_follow_up(group_id):
    """A 1- or 3-month follow-up: still there, or came back with the reason."""
    session = get_session()
    group = _group(session, group_id)
    member = _member_in_scope(session, group, request.form.get("member_id", type=int))
    months = request.form.get("months", type=int) or 0
    stayed = request.form.get("stayed") == "yes"
    _, error = commit_or_error(session, lambda: arrival.record_follow_up(
        session, member.id, months=months, stayed=stayed, reason=request.form.get("reason", "")[:200],
        actor=_actor()))
    flash(error.message if error else f"已记录{member.person.name}的回访。")
    return redirect(url_for("staff.export_group", group_id=group.id) + "#follow-ups")


@bp.route("/labour-export/<id:group_id>/check-in", methods=["GET", "POST"])
@roles_required(*WRITER_ROLES)
def export_check_in(group_id):
    """Made for a phone at the gathering point: scan result, or a phone or ID number typed in."""
    session = get_session()
    group = _group(session, group_id)
    result, error = None, None
    if request.method == "POST":
        result, failure = commit_or_error(session, lambda: _check_in(session, group.id, request.form))
        error = failure.message if failure else None
    departed = sum(m.checked_in_at is not None for m in group.members)
    return render_template("staff/export_check_in.html", group=group, result=result, error=error,
                           departed=departed, seats_taken=export_groups.seats_taken(session, group.id)), \
        400 if error else 200


def _check_in(session, group_id: int, form):
    if form.get("token", "").strip():
        secret_key = current_app.secret_key
        assert isinstance(secret_key, str)  # create_app always sets SECRET_KEY to a str
        return departure.check_in_by_token(session, group_id, form["token"].strip(), secret_key=secret_key,
                                           actor=_actor(), settlement_ids=_visible(session))
    return departure.check_in_by_identity(session, group_id, actor=_actor(), settlement_ids=_visible(session),
                                          phone=form.get("phone", ""), id_number=form.get("id_number", ""))


@bp.post("/labour-export/<id:group_id>/sign-up")
@roles_required(*WRITER_ROLES)
def export_sign_up(group_id):
    """Staff sign a worker up at the office by phone or ID number (a seat, or the waiting list)."""
    session = get_session()
    group = _group(session, group_id)
    member, error = commit_or_error(session, lambda: recruitment.sign_up_by_identity(
        session, group.id, settlement_ids=_visible(session), actor=_actor(), phone=request.form.get("phone", ""),
        id_number=request.form.get("id_number", "")))
    if error:
        flash(error.message)
    else:
        assert member is not None
        flash(f"{member.person.name}：{staff_words.EXPORT_MEMBER_STATUS_LABELS[ExportMemberStatus(member.status)]}")
    return redirect(url_for("staff.export_group", group_id=group.id) + "#members")
