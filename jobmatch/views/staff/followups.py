"""Monthly follow-ups (rule 6) per staff member, the record-contact form, problems under the
三个三 rule (rule 8), and the zero-employment drive (rule 1)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.clock import utcnow
from jobmatch.db import get_session
from jobmatch.models import Problem
from jobmatch.services.households import followups, problems, text_problems, worker_answers
from jobmatch.services.households.follow_up_changes import JOB_KIND_LABELS, member_jobs
from jobmatch.services.households.problems import NewProblem
from jobmatch.services.households.zero_employment import zero_employment_households
from jobmatch.services.scope import household_in_scope
from jobmatch.views.fields import first_errors
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.staff.forms import FollowUpForm, job_changes
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import FOLLOW_UP_EMPLOYMENT_STATE_LABELS, MONITORING_LABELS
from jobmatch.vocabulary import staff as staff_words


@bp.get("/follow-ups")
@roles_required(*STAFF_ROLES)
def follow_ups():
    session = get_session()
    visible = visible_settlement_ids(session, current_user)
    if current_user.role == "staff":
        mine = followups.StaffFollowUps(current_user.username, current_user.display_name,
                                        followups.due_follow_ups(session, visible))
        by_staff = [mine]
    else:  # county officers and admins: every staff member's list, and the unstaffed sites' households
        by_staff = followups.follow_ups_for_officer(session, current_user, visible)
    return render_template("staff/follow_ups.html", by_staff=by_staff)


@bp.route("/households/<id:household_id>/follow-up", methods=["GET", "POST"])
@roles_required(*WRITER_ROLES)
def record_follow_up(household_id):
    session = get_session()
    household = household_in_scope(session, current_user, household_id) or abort(404)
    members = member_jobs(household)
    errors = {}
    if request.method == "POST":
        form = FollowUpForm()
        errors = {} if form.validate() else first_errors(form)
        found_work, lost_work, job_errors = job_changes(members, request.form)
        errors.update(job_errors)
        if not errors and form.method.data == followups.NO_ANSWER:
            if found_work or lost_work or form.problem.data:
                errors["method"] = "电话未接通，不能登记就业变化或问题；联系上后再记录回访"
            else:
                _, error = commit_or_error(session, lambda: followups.record_unanswered_call(
                    session, household_id=household.id, staff_user_id=current_user.id,
                    actor=f"user:{current_user.id}", note=form.summary.data))
                if error:
                    errors[error.field] = error.message
                else:
                    flash(f"已记下给 {household.household_no} 的电话未接通；该户本月仍待回访。")
                    return redirect(url_for("staff.follow_ups"))
        if not errors:
            problem_text, category = form.problem.data, form.category.data
            result, error = commit_or_error(session, lambda: followups.record_follow_up(
                session, household_id=household.id, staff_user_id=current_user.id, method=form.method.data,
                actor=f"user:{current_user.id}", summary=form.summary.data, contacted_at=utcnow(),
                found_work=found_work, lost_work=lost_work,
                problems=[NewProblem(problem_text, category)] if problem_text else [],
                monitoring=form.monitoring_notes()))
            if error:
                errors[error.field] = error.message
            else:
                flash(f"已记录对 {household.household_no} 的回访。"
                      + ("该户已成为零就业家庭，请 3 天内联系、5 天内推荐岗位。" if result.became_zero_employment else ""))
                return redirect(url_for("staff.follow_ups"))
    return render_template("staff/follow_up_form.html", household=household, methods=followups.CONTACT_CHOICES,
                           categories=staff_words.PROBLEM_CATEGORY_LABELS, members=members,
                           employment_states=FOLLOW_UP_EMPLOYMENT_STATE_LABELS, monitoring_labels=MONITORING_LABELS,
                           job_kinds=JOB_KIND_LABELS, errors=errors, form=request.form), 400 if errors else 200


@bp.get("/problems", endpoint="problems")
@roles_required(*STAFF_ROLES)
def problems_page():
    session = get_session()
    statuses = problems.open_problems(session, visible_settlement_ids(session, current_user))
    return render_template("staff/problems.html", statuses=statuses,
                           texts=text_problems.texts_of_problems(session, [s.problem.id for s in statuses]),
                           stage_names=staff_words.PROBLEM_STAGE_LABELS, stage_labels=staff_words.PROBLEM_DEADLINE_LABELS,
                           categories=staff_words.PROBLEM_CATEGORY_LABELS,
                           not_a_problem_reasons=staff_words.NOT_A_PROBLEM_LABELS)



@bp.post("/problems/<id:problem_id>/<any(acknowledge, on_site, resolve, not_a_problem):step>")
@roles_required(*WRITER_ROLES)
def problem_step(problem_id, step):
    session = get_session()
    problem = session.get(Problem, problem_id)
    if problem is None or household_in_scope(session, current_user, problem.household_id) is None:
        abort(404)
    common = {"user_id": current_user.id, "actor": f"user:{current_user.id}"}
    steps = {
        "acknowledge": lambda: problems.acknowledge(session, problem.id, **common),
        "on_site": lambda: problems.arrive_on_site(session, problem.id, **common),
        "resolve": lambda: problems.resolve(session, problem.id, resolution=request.form.get("resolution", ""), **common),
        "not_a_problem": lambda: text_problems.close_as_not_a_problem(
            session, problem.id, request.form.get("reason", ""), **common),
    }
    _, error = commit_or_error(session, steps[step])
    flash(error.message if error else {"acknowledge": "已响应。", "on_site": "已登记到场。", "resolve": "已解决。",
                                       "not_a_problem": "已关闭：不是问题。"}[step])
    return redirect(url_for("staff.problems") + f"#problem-{problem.id}")


@bp.post("/problems/<id:problem_id>/answer")
@roles_required(*WRITER_ROLES)
def answer_problem(problem_id):
    """Answer the worker by SMS: the problem counts as answered."""
    session = get_session()
    problem = session.get(Problem, problem_id)
    if problem is None or household_in_scope(session, current_user, problem.household_id) is None:
        abort(404)
    _, error = commit_or_error(session, lambda: worker_answers.answer_problem(
        session, problem.id, request.form.get("answer", ""), user_id=current_user.id, actor=f"user:{current_user.id}"))
    flash(error.message if error else "答复短信已发出，问题已响应。")
    return redirect(url_for("staff.problems") + f"#problem-{problem.id}")


@bp.get("/zero-employment")
@roles_required(*STAFF_ROLES)
def zero_employment():
    session = get_session()
    return render_template("staff/zero_employment.html",
                           lines=zero_employment_households(session, visible_settlement_ids(session, current_user)),
                           writer=current_user.role in WRITER_ROLES)
