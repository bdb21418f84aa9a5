"""Training (rule 5): the training-need ledger, courses planned from vacancy demand (以岗定培),
enrolment, completion with a certificate."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.models import Household, Person, Settlement, TrainingCourse, TrainingEnrolment
from jobmatch.services.people.worker_home import skill_name
from jobmatch.services.training import courses as training_service
from jobmatch.services.training.needs import (
    course_candidates,
    skill_demand,
    trained_households,
    training_needs,
    unmet_training_demand,
)
from jobmatch.views.fields import first_errors
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.staff.forms import CourseForm
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import staff as staff_words

NEEDS_SHOWN = 200


def _courses_query(visible):
    counties = select(Settlement.county_id).where(Settlement.id.in_(list(visible)))
    return select(TrainingCourse).where(or_(TrainingCourse.settlement_id.in_(list(visible)),
                                            TrainingCourse.settlement_id.is_(None)
                                            & TrainingCourse.county_id.in_(counties)))


def _course(session, course_id) -> TrainingCourse:
    visible = visible_settlement_ids(session, current_user)
    course = session.scalar(_courses_query(visible).where(TrainingCourse.id == course_id))
    return course or abort(404)


def _list_page(session, errors=None, status=200):
    visible = visible_settlement_ids(session, current_user)
    settlements = session.scalars(select(Settlement).where(Settlement.id.in_(visible)).order_by(Settlement.name)).all()
    county_ids = sorted({s.county_id for s in settlements})
    needs = training_needs(session, visible)
    return render_template(
        "staff/training.html", needs=needs[:NEEDS_SHOWN], needs_total=len(needs),
        demand=[d for county_id in county_ids for d in skill_demand(session, county_id)],
        courses=session.scalars(_courses_query(visible).order_by(TrainingCourse.starts_on.desc())).all(),
        trained=trained_households(session, visible)[:50], skill_name=skill_name,
        unmet=unmet_training_demand(session, visible),
        settlement_options={s.id: s.name for s in settlements}, errors=errors or {},
        form=request.form if request.method == "POST" else request.args), status


@bp.route("/training", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def training():
    session = get_session()
    if request.method == "GET":
        return _list_page(session)
    if current_user.role not in WRITER_ROLES:
        abort(403)
    form = CourseForm(visible_settlement_ids(session, current_user))
    if not form.validate():
        return _list_page(session, first_errors(form), 400)
    site = session.get(Settlement, form.settlement_id.data)
    course, error = commit_or_error(session, lambda: training_service.create_course(
        session, **form.course_values(), county_id=site.county_id, settlement_id=site.id,
        actor=f"user:{current_user.id}"))
    if error:
        return _list_page(session, {error.field: error.message}, 400)
    flash(f"已开设“{course.name}”。")
    return redirect(url_for("staff.course", course_id=course.id))


@bp.get("/training/courses/<id:course_id>")
@roles_required(*STAFF_ROLES)
def course(course_id):
    session = get_session()
    found = _course(session, course_id)
    visible = visible_settlement_ids(session, current_user)
    enrolments = session.scalars(
        select(TrainingEnrolment).join(Person, Person.id == TrainingEnrolment.person_id)
        .join(Household, Household.id == Person.household_id)
        .where(TrainingEnrolment.course_id == found.id, Household.settlement_id.in_(visible))
        .order_by(TrainingEnrolment.id)).all()
    wanting = course_candidates(session, found, visible)[:100]
    return render_template("staff/course.html", course=found, skill=skill_name(found.occupation_code),
                           enrolments=enrolments, wanting=wanting, places_left=found.capacity - len(found.enrolments),
                           assessment_labels=staff_words.ASSESSMENT_RESULT_LABELS)


@bp.post("/training/courses/<id:course_id>/enrol")
@roles_required(*WRITER_ROLES)
def course_enrol(course_id):
    session = get_session()
    found = _course(session, course_id)
    person_id = request.form.get("person_id", type=int) or 0
    person = session.get(Person, person_id)
    if person is None or person.household.settlement_id not in visible_settlement_ids(session, current_user):
        abort(404)
    placed, error = commit_or_error(session, lambda: training_service.request_place(
        session, found.id, person.id, actor=f"user:{current_user.id}"))
    if error:
        flash(error.message)
    elif placed is not None and placed.turned_away:
        flash(f"名额已满，{person.name}已记入未满足的培训需求。")
    else:
        flash(f"已为{person.name}报名。")
    return redirect(url_for("staff.course", course_id=found.id))


@bp.post("/training/enrolments/<id:enrolment_id>/complete")
@roles_required(*WRITER_ROLES)
def course_complete(enrolment_id):
    session = get_session()
    enrolment = session.get(TrainingEnrolment, enrolment_id)
    if enrolment is None or enrolment.person.household.settlement_id not in visible_settlement_ids(session, current_user):
        abort(404)
    done, error = commit_or_error(session, lambda: training_service.complete(
        session, enrolment.id, certificate=request.form.get("certificate", ""),
        assessment=request.form.get("assessment", ""), actor=f"user:{current_user.id}"))
    flash(error.message if error else
          f"{enrolment.person.name}已结业，技能“{done.skill_added}”已记入个人信息，并重新匹配岗位。")
    return redirect(url_for("staff.course", course_id=enrolment.course_id))


@bp.post("/training/people/<id:person_id>/confirm-skill")
@roles_required(*WRITER_ROLES)
def confirm_skill(person_id):
    """Staff confirm a practical skill without certificate or assessment, with a reason (rule 5)."""
    session = get_session()
    person = session.get(Person, person_id)
    if person is None or person.household.settlement_id not in visible_settlement_ids(session, current_user):
        abort(404)
    _, error = commit_or_error(session, lambda: training_service.confirm_practical_skill(
        session, person.id, skill=request.form.get("skill", ""), reason=request.form.get("reason", ""),
        actor=f"user:{current_user.id}"))
    flash(error.message if error else f"已确认{person.name}掌握实用技能。")
    return redirect(url_for("staff.training") + "#trained")
