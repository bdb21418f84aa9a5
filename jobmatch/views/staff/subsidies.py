"""Subsidies: the monthly subsidy list (every kind, .xlsx for finance), start-up records and
applications, and the policy flags staff set on employers and vacancies (rules 7 and 9)."""

import io
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import sees_unmasked_ids, visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.clock import Month
from jobmatch.db import get_session
from jobmatch.models import Business, Employer, Household, Person, Settlement, SupportApplication, Vacancy
from jobmatch.models.startups import ApplicationStatus
from jobmatch.privacy import mask_id_number
from jobmatch.services.employers import policy
from jobmatch.services.errors import WorkflowError
from jobmatch.services.subsidies import startups
from jobmatch.services.subsidies.monthly_list import list_month, monthly_subsidy_list, total, write_subsidy_list
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import (
    BUSINESS_KIND_LABELS,
    HIRING_SUBSIDY_STATUS_LABELS,
    SUPPORT_APPLICATION_KIND_LABELS,
    SUPPORT_APPLICATION_STATUS_LABELS,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month_arg() -> str:
    return request.args.get("month") or str(Month.current())


@bp.get("/subsidies")
@roles_required(*STAFF_ROLES)
def subsidies():
    session = get_session()
    month_text = _month_arg()
    try:
        month = list_month(month_text)
    except WorkflowError as error:
        flash(error.message)
        month = Month.current()
    visible = visible_settlement_ids(session, current_user)
    lines = monthly_subsidy_list(session, month, visible)
    applications = session.scalars(select(SupportApplication).join(Person).join(Household)
                                   .where(Household.settlement_id.in_(visible))
                                   .order_by(SupportApplication.id.desc())).all()
    return render_template(
        "staff/subsidies.html", month=str(month), lines=lines, total=total(lines),
        unmasked=sees_unmasked_ids(current_user), mask=mask_id_number,
        startup_lines=startups.startup_subsidy_lines(session, settlement_ids=visible), applications=applications,
        business_kinds=BUSINESS_KIND_LABELS, application_kinds=SUPPORT_APPLICATION_KIND_LABELS,
        subsidy_status_labels=HIRING_SUBSIDY_STATUS_LABELS,
        application_statuses=SUPPORT_APPLICATION_STATUS_LABELS, applied=ApplicationStatus.APPLIED)


@bp.get("/subsidies/list.xlsx")
@roles_required(*STAFF_ROLES)
def subsidy_list_xlsx():
    session = get_session()
    month = _month_arg()
    buffer = io.BytesIO()
    _, error = commit_or_error(session, lambda: write_subsidy_list(session, month, buffer, user=current_user))
    if error:
        raise error
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=f"补贴发放表{month}.xlsx")


def _person_by_id_number(session) -> Person:
    id_number = (request.form.get("id_number") or "").strip().upper()
    person = session.scalar(select(Person).join(Household).where(
        Person.id_number == id_number, Household.settlement_id.in_(visible_settlement_ids(session, current_user))))
    if person is None:
        raise WorkflowError("id_number", "在您负责的安置点找不到这个身份证号")
    return person


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def _back(message: str):
    flash(message)
    return redirect(url_for("staff.subsidies"))


@bp.post("/startups")
@roles_required(*WRITER_ROLES)
def record_business():
    session = get_session()
    _, error = commit_or_error(session, lambda: startups.record_business(
        session, _person_by_id_number(session).id, name=request.form.get("name", ""), kind=request.form.get("kind", ""),
        started_on=_day("started_on"), jobs_created=request.form.get("jobs_created", type=int),
        actor=f"user:{current_user.id}"))
    return _back(error.message if error else "已登记创业主体。")


def _business_in_scope(session, business_id) -> Business:
    business = session.get(Business, business_id)
    if business is None or business.person.household.settlement_id not in visible_settlement_ids(session, current_user):
        abort(404)
    return business


@bp.post("/startups/<id:business_id>")
@roles_required(*WRITER_ROLES)
def update_business(business_id):
    session = get_session()
    business = _business_in_scope(session, business_id)
    _, error = commit_or_error(session, lambda: startups.update_business(
        session, business.id, jobs_created=request.form.get("jobs_created", type=int), closed_on=_day("closed_on"),
        actor=f"user:{current_user.id}"))
    return _back(error.message if error else "已更新。")


@bp.post("/support-applications")
@roles_required(*WRITER_ROLES)
def record_application():
    session = get_session()
    _, error = commit_or_error(session, lambda: startups.record_application(
        session, _person_by_id_number(session).id, kind=request.form.get("kind", ""),
        amount=request.form.get("amount", type=int), starts_on=_day("starts_on"), actor=f"user:{current_user.id}"))
    return _back(error.message if error else "已登记申请。")


@bp.post("/support-applications/<id:application_id>/decision")
@roles_required(*WRITER_ROLES)
def decide_application(application_id):
    session = get_session()
    application = session.get(SupportApplication, application_id)
    if application is None or application.person.household.settlement_id not in visible_settlement_ids(
            session, current_user):
        abort(404)
    approve = request.form.get("decision") == "approve"
    _, error = commit_or_error(session, lambda: startups.decide_application(
        session, application.id, approve=approve, note=request.form.get("note", ""), actor=f"user:{current_user.id}"))
    return _back(error.message if error else ("已批准。" if approve else "已记录不批准及原因。"))


# -- policy flags on employers and vacancies (rules 7 and 9) ------------------------------

def _visible_county_ids(session) -> set[int]:
    settlement_ids = visible_settlement_ids(session, current_user)
    return set(session.scalars(select(Settlement.county_id).where(Settlement.id.in_(settlement_ids))))


def _employer_in_scope(session, employer_id) -> Employer:
    employer = session.get(Employer, employer_id)
    if employer is None or (current_user.role != "admin" and employer.county_id not in _visible_county_ids(session)):
        abort(404)
    return employer


@bp.get("/employers/policy")
@roles_required(*WRITER_ROLES)
def employer_policy():
    session = get_session()
    query = select(Employer).where(Employer.approved.is_(True)).order_by(Employer.name)
    if current_user.role != "admin":
        query = query.where(Employer.county_id.in_(_visible_county_ids(session)))
    settlements = session.scalars(select(Settlement).where(
        Settlement.id.in_(visible_settlement_ids(session, current_user))).order_by(Settlement.name)).all()
    return render_template("staff/employer_policy.html", employers=session.scalars(query).all(),
                           settlements=settlements)


def _checked(name: str) -> bool:
    return request.form.get(name) == "1"


@bp.post("/employers/<id:employer_id>/policy")
@roles_required(*WRITER_ROLES)
def set_employer_policy(employer_id):
    session = get_session()
    employer = _employer_in_scope(session, employer_id)
    _, error = commit_or_error(session, lambda: policy.set_employer_policy(
        session, employer.id, government_funded=_checked("government_funded"), work_for_relief=_checked("work_for_relief"),
        entrepreneur_settlement_id=request.form.get("entrepreneur_settlement_id", type=int),
        actor=f"user:{current_user.id}"))
    flash(error.message if error else f"已保存“{employer.name}”的政策属性。")
    return redirect(url_for("staff.employer_policy"))


@bp.post("/vacancies/<id:vacancy_id>/policy")
@roles_required(*WRITER_ROLES)
def set_vacancy_policy(vacancy_id):
    session = get_session()
    vacancy = session.get(Vacancy, vacancy_id) or abort(404)
    _employer_in_scope(session, vacancy.employer_id)
    _, error = commit_or_error(session, lambda: policy.set_vacancy_policy(
        session, vacancy.id, government_funded=_checked("government_funded"), work_for_relief=_checked("work_for_relief"),
        actor=f"user:{current_user.id}"))
    flash(error.message if error else f"已保存岗位“{vacancy.title}”的政策属性。")
    return redirect(url_for("staff.employer_policy"))
