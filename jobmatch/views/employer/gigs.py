"""Employer portal, gigs (零工): post a gig (offered at once to available workers), see who comes, and
confirm after the work who worked how long and the pay (the worker is then asked whether it arrived)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.auth import roles_required
from jobmatch.clock import local_today
from jobmatch.db import get_session
from jobmatch.models import Gig, Settlement
from jobmatch.models.gigs import GigStatus, PayStatus, PlacementStatus
from jobmatch.services.errors import UserError
from jobmatch.services.gigs import offering, pay, posting
from jobmatch.views.employer import bp
from jobmatch.views.fields import first_errors
from jobmatch.views.gig_forms import NEW_GIG_DEFAULTS, OPTION_LABELS, GigForm
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import employer as employer_words


def _employer():
    employer = current_user.employer
    if employer is None or not employer.approved:
        abort(403)
    return employer


def _places(session, employer) -> dict[int, str]:
    query = select(Settlement).order_by(Settlement.name)
    if employer.county_id is not None:
        query = query.where(Settlement.county_id == employer.county_id)
    return {s.id: s.name for s in session.scalars(query)}


def _known_places(session, employer) -> dict[int, str]:
    counties = ({employer.county_id} if employer.county_id is not None
                else set(session.scalars(select(Settlement.county_id).distinct())))
    return posting.gig_places(session, counties)


def _page(session, employer, *, form=None, errors=None, status=200):
    gigs = session.scalars(select(Gig).where(Gig.employer_id == employer.id)
                           .order_by(Gig.work_date.desc(), Gig.id.desc()).limit(50)).all()
    places = _places(session, employer)
    return render_template(
        "employer/gigs.html", employer=employer, gigs=gigs, places=places, options=OPTION_LABELS,
        gig_places=_known_places(session, employer),
        errors=errors or {}, pay_text=posting.pay_text, PlacementStatus=PlacementStatus,
        form=form if form is not None else {"work_date": local_today().isoformat(), **NEW_GIG_DEFAULTS}), status


@bp.route("/gigs", methods=["GET", "POST"])
@roles_required("employer")
def gigs():
    session, employer = get_session(), _employer()
    if request.method == "GET":
        return _page(session, employer)
    form = GigForm(list(_places(session, employer)), list(_known_places(session, employer)))
    if not form.validate():
        return _page(session, employer, form=request.form, errors=first_errors(form), status=400)
    actor = f"user:{current_user.id}"

    def post():
        gig = posting.post_gig(session, employer.id, form.new_gig(), actor=actor)
        return gig, offering.offer_gig(session, gig.id, actor=actor)

    result, error = commit_or_error(session, post)
    if error:
        return _page(session, employer, form=request.form, errors={error.field or "title": error.message}, status=400)
    gig, sent = result
    flash(f"零工“{gig.title}”已发布，已推送给 {len(sent.offered) + len(sent.to_call)} 位有空的工人。")
    return redirect(url_for("employer.gig", gig_id=gig.id))


@bp.route("/gigs/<id:gig_id>", methods=["GET", "POST"])
@roles_required("employer")
def gig(gig_id):
    session, employer = get_session(), _employer()
    found = session.get(Gig, gig_id)
    if found is None or found.employer_id != employer.id:
        abort(404)
    errors = {}
    if request.method == "POST":
        try:
            done = _work_done(found)
        except UserError as bad_input:
            errors = {"work": bad_input.message}
        else:
            _, refused = commit_or_error(session, lambda: pay.confirm_work(
                session, found.id, done, actor=f"user:{current_user.id}", employer_id=employer.id))
            if refused:
                errors = {"work": refused.message}
            else:
                flash(f"已确认 {len(done)} 人的工钱，我们会短信问工人是否收到。")
                return redirect(url_for("employer.gig", gig_id=found.id))
    crew = [p for p in found.placements if p.status == PlacementStatus.ACCEPTED]
    return render_template("employer/gig.html", gig=found, crew=crew, errors=errors, pay_text=posting.pay_text,
                           pay_labels=employer_words.GIG_PAY_STATUS_LABELS, PayStatus=PayStatus, GigStatus=GigStatus,
                           can_confirm=found.work_date <= local_today(),
                           can_confirm_any=any(p.work_confirmed_at for p in found.placements)), 400 if errors else 200


def _work_done(gig) -> list[pay.WorkDone]:
    """The ticked workers with their days and pay, as the form sent them."""
    done = []
    for placement in gig.placements:
        if request.form.get(f"worked_{placement.id}") != "1":
            continue
        try:
            days = float(request.form.get(f"days_{placement.id}") or 1)
            raw_hours = request.form.get(f"hours_{placement.id}") or ""
            hours = float(raw_hours) if raw_hours.strip() else None
            pay_yuan = int(request.form.get(f"pay_{placement.id}") or 0)
        except ValueError:
            raise UserError(f"{placement.person.name}：天数、小时和工钱要写数字", "work") from None
        done.append(pay.WorkDone(placement.id, days, hours, pay_yuan))
    if not done:
        raise UserError("请勾选干了活的人", "work")
    return done


@bp.post("/gigs/<id:gig_id>/cancel")
@roles_required("employer")
def cancel_gig(gig_id):
    session, employer = get_session(), _employer()
    told, error = commit_or_error(session, lambda: offering.cancel_gig(
        session, gig_id, actor=f"user:{current_user.id}", employer_id=employer.id))
    flash(error.message if error else f"零工已取消，已短信告诉 {told} 位工人不用去了。")
    return redirect(url_for("employer.gigs"))
