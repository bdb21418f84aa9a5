"""Public-welfare posts (rule 2): posts, ranked candidates with reasons, offer a place (a reason
when not the best-ranked), exit with a reason, attendance, need reviews, the age range, and
the monthly subsidy roll (.xlsx, full ID numbers: ledgered)."""

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.clock import Month
from jobmatch.db import get_session
from jobmatch.models import Settlement, WelfareAppointment, WelfareNeedReview, WelfarePost
from jobmatch.services.subsidies.welfare_pay import welfare_pay_lines
from jobmatch.services.welfare import appointments, attendance, exits, needs
from jobmatch.services.welfare import posts as welfare
from jobmatch.services.welfare.ranking import POINTS
from jobmatch.services.welfare.roll import write_subsidy_roll
from jobmatch.views.fields import first_errors
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.staff.forms import WelfarePostForm
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import WELFARE_APPOINTMENT_STATUS_LABELS, WELFARE_PRIORITY_LABELS
from jobmatch.vocabulary import staff as staff_words

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CANDIDATES_SHOWN = 30


def _post(session, post_id) -> WelfarePost:
    post = session.get(WelfarePost, post_id)
    if post is None or post.settlement_id not in visible_settlement_ids(session, current_user):
        abort(404)
    return post


def _list_page(session, errors=None, status=200):
    visible = visible_settlement_ids(session, current_user)
    posts = session.scalars(select(WelfarePost).where(WelfarePost.settlement_id.in_(visible))
                            .order_by(WelfarePost.settlement_id, WelfarePost.id)).all()
    settlements = session.scalars(select(Settlement).where(Settlement.id.in_(visible)).order_by(Settlement.name)).all()
    return render_template("staff/welfare_posts.html", posts=[(p, welfare.places_left(session, p)) for p in posts],
                           settlement_options={s.id: s.name for s in settlements}, errors=errors or {},
                           form=request.form), status


@bp.route("/welfare", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def welfare_posts():
    session = get_session()
    if request.method == "GET":
        return _list_page(session)
    if current_user.role not in WRITER_ROLES:
        abort(403)
    form = WelfarePostForm(visible_settlement_ids(session, current_user))
    if not form.validate():
        return _list_page(session, first_errors(form), 400)
    post, error = commit_or_error(session, lambda: welfare.create_post(
        session, settlement_id=form.settlement_id.data, title=form.title.data, quota=form.quota.data,
        monthly_subsidy=form.monthly_subsidy.data, term_months=form.term_months.data, duties=form.duties.data,
        age_min=form.age_min.data or 16, age_max=form.age_max.data or 65, actor=f"user:{current_user.id}"))
    if error:
        return _list_page(session, {error.field: error.message}, 400)
    flash(f"已设立“{post.title}”。")
    return redirect(url_for("staff.welfare_post", post_id=post.id))


@bp.get("/welfare/<id:post_id>")
@roles_required(*STAFF_ROLES)
def welfare_post(post_id):
    session = get_session()
    post = _post(session, post_id)
    month = Month.current()
    history = session.scalars(select(WelfareAppointment).where(WelfareAppointment.post_id == post.id)
                              .order_by(WelfareAppointment.id.desc())).all()
    return render_template("staff/welfare_post.html", post=post, places_left=welfare.places_left(session, post),
                           holders=welfare.active_appointments(session, post.id),
                           offered=welfare.offered_appointments(session, post.id), history=history,
                           candidates=welfare.candidates_for_post(session, post.id)[:CANDIDATES_SHOWN],
                           best=appointments.best_candidate(session, post),
                           pay={line.appointment_id: line for line in welfare_pay_lines(session, month, post_ids=[post.id])},
                           reviews=needs.open_reviews(session, post.id), exit_reasons=staff_words.EXIT_REASON_LABELS,
                           status_labels=WELFARE_APPOINTMENT_STATUS_LABELS,
                           ranking=[(WELFARE_PRIORITY_LABELS[g.value], points) for g, points in POINTS.items()],
                           month=str(month))


def _back(post, message):
    flash(message)
    return redirect(url_for("staff.welfare_post", post_id=post.id))


@bp.post("/welfare/<id:post_id>/appoint")
@roles_required(*WRITER_ROLES)
def appoint(post_id):
    session = get_session()
    post = _post(session, post_id)
    appointment, error = commit_or_error(session, lambda: appointments.appoint(
        session, post.id, request.form.get("person_id", type=int) or 0, actor=f"user:{current_user.id}",
        override_reason=request.form.get("override_reason", "")))
    return _back(post, error.message if error else f"已短信通知{appointment.person.name}，本人回复接受后上岗。")


@bp.post("/welfare/<id:post_id>/ages")
@roles_required(*WRITER_ROLES)
def welfare_ages(post_id):
    session = get_session()
    post = _post(session, post_id)
    _, error = commit_or_error(session, lambda: welfare.set_age_range(
        session, post.id, age_min=request.form.get("age_min", type=int), age_max=request.form.get("age_max", type=int),
        actor=f"user:{current_user.id}"))
    return _back(post, error.message if error else f"年龄范围已改为{post.age_min}–{post.age_max}岁。")


@bp.post("/welfare/appointments/<id:appointment_id>/exit")
@roles_required(*WRITER_ROLES)
def exit_post(appointment_id):
    session = get_session()
    appointment = session.get(WelfareAppointment, appointment_id) or abort(404)
    post = _post(session, appointment.post_id)
    result, error = commit_or_error(session, lambda: exits.exit_post(
        session, appointment.id, reason=request.form.get("reason", ""), actor=f"user:{current_user.id}"))
    if error:
        return _back(post, error.message)
    nxt = result.next_candidate
    return _back(post, f"{appointment.person.name}已退岗。" + (f"空出的名额已短信推送给{nxt.name}。" if nxt else ""))


@bp.post("/welfare/appointments/<id:appointment_id>/attendance")
@roles_required(*WRITER_ROLES)
def welfare_attendance(appointment_id):
    session = get_session()
    appointment = session.get(WelfareAppointment, appointment_id) or abort(404)
    post = _post(session, appointment.post_id)
    month = request.form.get("month", "")
    _, error = commit_or_error(session, lambda: attendance.record_attendance(
        session, appointment.id, month, request.form.get("days_absent", type=int), note=request.form.get("note", ""),
        actor=f"user:{current_user.id}"))
    return _back(post, error.message if error else f"已登记{appointment.person.name}{month}的缺勤天数。")


@bp.post("/welfare/reviews/<id:review_id>")
@roles_required(*WRITER_ROLES)
def welfare_review(review_id):
    session = get_session()
    review = session.get(WelfareNeedReview, review_id) or abort(404)
    post = _post(session, review.appointment.post_id)
    keep = request.form.get("decision") == "keep"
    _, error = commit_or_error(session, lambda: needs.decide_review(
        session, review.id, keep=keep, note=request.form.get("note", ""), actor=f"user:{current_user.id}"))
    return _back(post, error.message if error else ("已决定继续在岗。" if keep else "已按“家庭不再需要”退岗。"))


@bp.get("/welfare/<id:post_id>/roll.xlsx")
@roles_required(*WRITER_ROLES)
def welfare_roll(post_id):
    session = get_session()
    post = _post(session, post_id)
    month = request.args.get("month") or str(Month.current())
    buffer = io.BytesIO()
    _, error = commit_or_error(session, lambda: write_subsidy_roll(session, post.id, month, buffer, user=current_user))
    if error:
        raise error
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=f"{post.title}补贴花名册{month}.xlsx")
