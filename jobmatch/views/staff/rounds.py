"""Matching rounds: choose a site (or county) and vacancies, preview the proposed offers with
their reasons, approve all or some. The staff member at the door records answers to
offers delivered by visit."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.config import settings_of
from jobmatch.db import get_session
from jobmatch.models import Offer, Settlement
from jobmatch.services import answers
from jobmatch.services.offers import queries as round_pages
from jobmatch.services.offers.rounds import approval_summary, approve_round, load_scoring_model, propose_round
from jobmatch.services.scope import round_offers_in_scope, round_scope_allowed, whole_county_ids
from jobmatch.views.rounds import round_or_404
from jobmatch.views.staff import STAFF_ROLES, WRITER_ROLES, bp
from jobmatch.views.transactions import commit_or_error


def _ints(values) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 10]


def _form_page(session, error=None, status=200):
    visible = visible_settlement_ids(session, current_user)
    settlements = session.scalars(select(Settlement).where(Settlement.id.in_(visible)).order_by(Settlement.name)).all()
    whole = whole_county_ids(session, current_user)
    counties = {s.county_id: s.county.name for s in settlements if s.county_id in whole}
    return render_template("staff/rounds.html", settlements=settlements, counties=counties, error=error,
                           site_names={s.id: s.name for s in settlements},
                           vacancies=round_pages.vacancies_for_rounds(session, visible),
                           rounds=round_pages.recent_rounds(session, visible),
                           chosen=set(_ints(request.form.getlist("vacancy_ids"))), form=request.form,
                           reoffer_after_days=settings_of(current_app).reoffer_after_days), status


def _scope(session, value: str) -> dict | None:
    """"s:<settlement id>" or "c:<county id>", when the user may see it; else None."""
    kind, _, raw = value.partition(":")
    if kind not in ("s", "c") or not raw.isdigit() or len(raw) > 9:
        return None
    scope = {"settlement_id": None, "county_id": None, "settlement_id" if kind == "s" else "county_id": int(raw)}
    return scope if round_scope_allowed(session, current_user, **scope) else None


@bp.route("/rounds", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def rounds():
    session = get_session()
    if request.method == "GET":
        return _form_page(session)
    if current_user.role not in WRITER_ROLES:
        abort(403)
    scope = _scope(session, request.form.get("scope", ""))
    if scope is None:
        return _form_page(session, "请选择您负责的安置点或县。", 400)
    vacancy_ids = _ints(request.form.getlist("vacancy_ids"))
    match_round, error = commit_or_error(session, lambda: propose_round(
        session, actor=f"user:{current_user.id}", **scope, vacancy_ids=vacancy_ids or None,
        min_score=settings_of(current_app).match_min_score, reoffer_refused=request.form.get("reoffer_refused") == "1",
        model=load_scoring_model(settings_of(current_app).match_model_path)))
    if error:
        return _form_page(session, error.message, 400)
    return redirect(url_for("staff.round_preview", round_id=match_round.id))


@bp.get("/rounds/<id:round_id>")
@roles_required(*STAFF_ROLES)
def round_preview(round_id):
    session = get_session()
    match_round = round_or_404(session, round_id)
    # a county round's other sites stay hidden
    return render_template("staff/round.html", round=match_round,
                           reoffer_after_days=settings_of(current_app).reoffer_after_days,
                           excluded=round_pages.excluded_vacancies(session, match_round),
                           proposed=round_offers_in_scope(session, current_user, round_id, ("proposed",)),
                           others=round_offers_in_scope(
                               session, current_user, round_id, ("sent", "accepted", "waitlisted", "hired", "declined",
                                                                 "expired", "skipped", "not_hired", "withdrawn")),
                           counts=round_pages.status_counts(session, round_id),
                           may_approve=current_user.role in WRITER_ROLES)


@bp.post("/rounds/<id:round_id>/approve")
@roles_required(*WRITER_ROLES)
def approve_round_page(round_id):
    session = get_session()
    round_or_404(session, round_id)
    allowed = {o.id for o in round_offers_in_scope(session, current_user, round_id, ("proposed",))}
    offer_ids = [i for i in _ints(request.form.getlist("offer_ids")) if i in allowed]
    if not offer_ids:
        flash("请至少勾选一份推荐。")
        return redirect(url_for("staff.round_preview", round_id=round_id))
    result, error = commit_or_error(session, lambda: approve_round(session, round_id, actor=f"user:{current_user.id}",
                                                                   offer_ids=offer_ids))
    if error:
        flash(error.message)
        return redirect(url_for("staff.round_preview", round_id=round_id))
    flash(approval_summary(result))
    return redirect(url_for("staff.round_preview", round_id=round_id))


@bp.post("/offers/<id:offer_id>/answer")
@roles_required(*WRITER_ROLES)
def answer_at_door(offer_id):
    """送岗位上门: the worker's yes or no, given to staff at the door."""
    session = get_session()
    offer = session.get(Offer, offer_id)
    visible = visible_settlement_ids(session, current_user)
    if offer is None or offer.person.household.settlement_id not in visible:
        abort(404)
    accepted = request.form.get("answer") == "accept"
    confirmation, error = commit_or_error(session, lambda: answers.answer(
        session, f"offer:{offer.id}", offer.person_id, accepted, actor=f"user:{current_user.id}", via="visit"))
    if error:
        flash(error.message)
    else:
        flash(("已登记：愿意去。" if accepted else "已登记：不去。") if confirmation else "这份推荐已经答复过了。")
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith("/staff/")
                    else url_for("staff.dashboard"))
