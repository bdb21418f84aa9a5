"""The worker's gig page (/w/gigs): say when they are free, answer gig offers and the pay question.
Every answer goes through the same service as an SMS "1"/"2"."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.models import Person
from jobmatch.models.gigs import ANSWERABLE_NO, ANSWERABLE_YES, AvailabilitySource, PayStatus, PlacementStatus
from jobmatch.models.messages import AskAnswer
from jobmatch.services import answers
from jobmatch.services.errors import UserError
from jobmatch.services.gigs import availability, offering, posting, station
from jobmatch.services.gigs.offering import SUBJECT
from jobmatch.services.gigs.pay import PAY_SUBJECT
from jobmatch.views.transactions import commit_or_error
from jobmatch.views.worker import bp
from jobmatch.vocabulary import worker as worker_words

GIG_CONFIRMATIONS = {"gig_placed": "您接下了这个活，请按时到。", "confirm_waitlisted": "人已经招满，您在候补名单上，有空位会通知您。",
                     "confirm_declined": "好的，您不去这个活。"}


@bp.get("/gigs")
@roles_required("worker")
def gigs():
    db, person_id = get_session(), current_user.person_id
    person = db.get(Person, person_id)
    mine = station.worker_gigs(db, person_id)
    taken = {p.gig_id for p in mine}
    return render_template(
        "worker/gigs.html", days=availability.available_days(db, person_id),
        open_gigs=[g for g in offering.open_gigs_for(db, person) if g.id not in taken and offering.fits(g, person)],
        placements=mine, when_labels=availability.WHEN_LABELS,
        status_labels=worker_words.GIG_PLACEMENT_STATUS_LABELS, pay_labels=worker_words.GIG_PAY_STATUS_LABELS,
        pay_text=posting.pay_text, can_accept=ANSWERABLE_YES, can_decline=ANSWERABLE_NO,
        PlacementStatus=PlacementStatus, PayStatus=PayStatus)


@bp.post("/gigs/free")
@roles_required("worker")
def gigs_free():
    db, person_id = get_session(), current_user.person_id
    when = request.form.get("when", "")
    days, error = commit_or_error(db, lambda: availability.say_available(
        db, person_id, when, source=AvailabilitySource.WEB, actor=f"person:{person_id}"))
    flash(error.message if error else f"好的，您{availability.WHEN_LABELS[when]}可以打零工。有活会发短信告诉您。")
    return redirect(url_for("worker.gigs"))


@bp.post("/gigs/<id:placement_id>/answer")
@roles_required("worker")
def gig_answer(placement_id):
    db, person_id = get_session(), current_user.person_id
    answer = request.form.get("answer")
    if answer not in tuple(AskAnswer):
        raise UserError("请选择“接受”或“不接受”。", "answer")
    subject = f"{PAY_SUBJECT if request.form.get('about') == 'pay' else SUBJECT}:{placement_id}"
    confirmation, error = commit_or_error(db, lambda: answers.answer(
        db, subject, person_id, answer == AskAnswer.ACCEPT, actor=f"person:{person_id}", via="web"))
    if error:
        flash(error.message)
    elif request.form.get("about") == "pay":
        flash("谢谢，收到了就好。" if answer == AskAnswer.ACCEPT else "工作人员会尽快帮您讨工钱。")
    else:
        flash(GIG_CONFIRMATIONS.get(confirmation or "") or "您已经答复过了，不用再答复。")
    return redirect(url_for("worker.gigs"))


@bp.post("/gigs/open/<id:gig_id>/take")
@roles_required("worker")
def gig_take(gig_id):
    db, person_id = get_session(), current_user.person_id
    confirmation, error = commit_or_error(db, lambda: offering.take_gig(db, gig_id, person_id))
    flash(error.message if error else GIG_CONFIRMATIONS.get(confirmation or "") or "您已经报过名了。")
    return redirect(url_for("worker.gigs"))
