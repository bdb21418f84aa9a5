"""The worker's answers on the web: an offer (the SMS link /w/o/<id>), fairs with the check-in
QR code, training sign-up, and the SMS switch. Every answer goes through the same service
as an SMS "1"/"2", so a repeated answer changes nothing. No JavaScript needed."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from jobmatch.auth import roles_required
from jobmatch.clock import utcnow
from jobmatch.db import get_session
from jobmatch.models.employers import VacancyStatus
from jobmatch.models.fairs import Attendance
from jobmatch.models.messages import AskAnswer
from jobmatch.models.offers import OfferStatus
from jobmatch.services import answers
from jobmatch.services.errors import UserError
from jobmatch.services.fairs.check_in import check_in_qr_svg
from jobmatch.services.offers.lifecycle import wage_text
from jobmatch.services.people import worker_home as pages
from jobmatch.services.sms import messaging
from jobmatch.services.training import courses as training
from jobmatch.views.transactions import commit_or_error
from jobmatch.views.worker import bp
from jobmatch.vocabulary import worker as worker_words

NOT_YOUR_OFFER = "这条工作推荐不是发给{name}的，也可能已经撤回了。"
CONFIRMATIONS = {"confirm_accepted": "您已接受这份工作。单位会打电话联系您，请留意来电。",
                 "confirm_waitlisted": "岗位暂时满了，您已在候补名单上，有空位会通知您。",
                 "confirm_declined": "好的，您没有接受这份工作。有合适的岗位会再告诉您。"}


def _answer_flag() -> bool:
    answer = request.form.get("answer")
    if answer not in tuple(AskAnswer):
        raise UserError("请选择“接受”或“不接受”。", "answer")
    return answer == AskAnswer.ACCEPT


@bp.route("/o/<id:offer_id>", methods=["GET", "POST"])
@roles_required("worker")
def offer(offer_id):
    db, person_id = get_session(), current_user.person_id
    found = pages.worker_offer(db, person_id, offer_id) or abort(404, NOT_YOUR_OFFER.format(
        name=current_user.display_name or "您"))
    if request.method == "POST":
        accepted = _answer_flag()
        confirmation, error = commit_or_error(db, lambda: answers.answer(
            db, f"offer:{found.id}", person_id, accepted, actor=f"person:{person_id}", via="web"))
        flash(error.message if error else CONFIRMATIONS.get(confirmation) or "您已经答复过了，不用再答复。")
        return redirect(url_for("worker.offer", offer_id=found.id))
    vacancy, reasons = found.vacancy, pages.worker_reasons(found)
    hire = found.spell if found.status == OfferStatus.HIRED else None
    place = pages.job_place(db, vacancy)
    return render_template("worker/offer.html", offer=found, vacancy=vacancy, employer=vacancy.employer,
                           wage=wage_text(vacancy), reasons=reasons, hire=hire, place=place,
                           speech=pages.offer_speech(found, wage_text(vacancy), reasons, hire, place),
                           status_text=worker_words.OFFER_STATUS_LABELS.get(found.status, ""),
                           can_accept=found.status in pages.CAN_ACCEPT, can_decline=found.status in pages.CAN_DECLINE)


WELFARE_CONFIRMATIONS = {"confirm_accepted": "您已接受这个公益性岗位，工作人员会联系您安排上岗。",
                         "confirm_declined": "好的，您没有接受这个公益性岗位。"}


@bp.post("/welfare/<id:post_id>")
@roles_required("worker")
def welfare_answer(post_id):
    """The worker's "1"/"2" to a public-welfare place offered to them (the same path as the SMS)."""
    db, person_id = get_session(), current_user.person_id
    accepted = _answer_flag()
    confirmation, error = commit_or_error(db, lambda: answers.answer(
        db, f"welfare_post:{post_id}", person_id, accepted, actor=f"person:{person_id}", via="web"))
    flash(error.message if error else WELFARE_CONFIRMATIONS.get(confirmation) or "您已经答复过了，不用再答复。")
    return redirect(url_for("worker.home"))


@bp.route("/fairs/<id:fair_id>", methods=["GET", "POST"])
@roles_required("worker")
def fair(fair_id):
    db, person = get_session(), current_user.person
    found = pages.worker_fair(db, person, fair_id) or abort(404)
    if request.method == "POST":
        accepted = _answer_flag()
        actor = f"person:{person.id}"
        _, error = commit_or_error(db, lambda: answers.answer(db, f"fair_invitation:{found.id}", person.id,
                                                              accepted, actor=actor, via="web"))
        flash(error.message if error else
              "报名成功。当天请到门口出示下面的二维码签到。" if accepted else "好的，已记下您不参加。")
        return redirect(url_for("worker.fair", fair_id=found.id))
    attendee = pages.worker_attendee(db, found.id, person.id)
    item = pages.FairForWorker(found, attendee)
    qr = (Markup(check_in_qr_svg(current_app.secret_key, attendee))
          if attendee is not None and item.state == Attendance.REGISTERED else None)
    employers = sorted({v.employer.name for v in found.vacancies})
    return render_template("worker/fair.html", fair=found, item=item, qr=qr, employers=employers,
                           vacancies=[v for v in found.vacancies if v.status == VacancyStatus.OPEN])


@bp.post("/training/<id:course_id>")
@roles_required("worker")
def enrol(course_id):
    db, person = get_session(), current_user.person
    course = pages.worker_course(db, person, course_id) or abort(404)
    placed, error = commit_or_error(db, lambda: training.request_place(db, course.id, person.id,
                                                                       actor=f"person:{person.id}"))
    if error:
        flash(error.message)
    elif placed is not None and placed.turned_away:
        flash(f"“{course.name}”名额已满。已记下您想学，有新的培训班社区会通知您。")
    else:
        flash(f"已报名“{course.name}”。开课前社区会通知您。")
    return redirect(url_for("worker.home") + "#training")


@bp.post("/sms")
@roles_required("worker")
def sms_switch():
    db = get_session()
    opted_out = request.form.get("sms") == "off"
    messaging.set_opt_out(db, current_user.person_id, opted_out, via="web")
    db.commit()
    flash("已关闭短信通知。岗位和招聘会还会显示在这个页面上。" if opted_out else "已打开短信通知。")
    return redirect(url_for("worker.home") + "#sms")


EXPORT_ANSWERS = {"accept": "报名成功。出发那天到集合地点，把下面的二维码给工作人员扫一扫。",
                  "decline": "好的，已记下您不去。", "arrived": "好的，已记下您平安到达。祝工作顺利！"}


@bp.route("/export/<id:group_id>", methods=["GET", "POST"])
@roles_required("worker")
def export_group(group_id):
    """A labour-export group (劳务输出): sign up or not, the check-in QR code, "我已到达"."""
    from jobmatch.models.labour_export import ExportMemberStatus
    from jobmatch.services.labour_export.departure import check_in_qr_svg
    from jobmatch.services.labour_export.groups import has_left

    db, person = get_session(), current_user.person
    item = pages.worker_export_group(db, person, group_id) or abort(404)
    group = item.group
    if request.method == "POST":
        choice = request.form.get("answer", "")
        if choice not in EXPORT_ANSWERS:
            raise UserError("请选择“我要报名”、“我不去”或“我已到达”。", "answer")
        subject = f"export_arrival:{group.id}" if choice == "arrived" else f"export_invitation:{group.id}"
        _, error = commit_or_error(db, lambda: answers.answer(db, subject, person.id, choice != "decline",
                                                              actor=f"person:{person.id}", via="web"))
        flash(error.message if error else EXPORT_ANSWERS[choice])
        return redirect(url_for("worker.export_group", group_id=group.id))
    status = item.member.status if item.member else None
    qr = (Markup(check_in_qr_svg(current_app.secret_key, item.member))
          if item.member is not None and status == ExportMemberStatus.SIGNED_UP else None)
    return render_template("worker/export.html", group=group, member=item.member, status=status, qr=qr,
                           Status=ExportMemberStatus, open=not has_left(group) and group.departs_at > utcnow(),
                           status_text=worker_words.EXPORT_MEMBER_STATUS_LABELS,
                           transport=worker_words.TRANSPORT_MODE_LABELS)
