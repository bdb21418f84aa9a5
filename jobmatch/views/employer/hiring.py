"""Employer portal, hiring: the workers who accepted (phone shown only then), interview,
hire or no hire, and the hiring subsidy (rule 7). Full phones shown are ledgered."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.models import Person
from jobmatch.models.employment import SubsidyStatus
from jobmatch.models.offers import FILLING_STATUSES
from jobmatch.services.offers import hiring
from jobmatch.services.offers.lifecycle import OfferStateError
from jobmatch.services.people.data_views import record_unmasked_view
from jobmatch.services.subsidies import hiring as hiring_subsidy
from jobmatch.views.employer import bp
from jobmatch.views.employer.forms import HireForm, InterviewForm
from jobmatch.views.fields import first_errors
from jobmatch.views.transactions import commit_or_error
from jobmatch.vocabulary import employer as employer_words


def _employer():
    employer = current_user.employer
    if employer is None or not employer.approved:
        abort(403)
    return employer


@bp.get("/candidates")
@roles_required("employer")
def candidates():
    return _candidates_page(_employer())


def _candidates_page(employer, errors=None, failed_offer=None, status=200):
    session = get_session()
    found = hiring.employer_candidates(session, employer.id)
    shown = [c.person_id for c in found if c.status in FILLING_STATUSES]
    if shown:  # a full phone left the service: ledgered
        persons = session.scalars(select(Person).where(Person.id.in_(shown))).all()
        record_unmasked_view(session, current_user, persons, where="employer.candidates", fields=("phone",))
        session.commit()
    return render_template("employer/candidates.html", employer=employer, candidates=found,
                           labels=employer_words.OFFER_STATUS_LABELS,
                           withdrawn=hiring.employer_withdrawn(session, employer.id),
                           errors=errors or {}, failed_offer=failed_offer, form=request.form), status


def _act(employer, offer_id, action):
    session = get_session()
    message, error = commit_or_error(session, lambda: action(session))
    if isinstance(error, OfferStateError):  # the step no longer applies: back to the list
        flash(error.message)
        return redirect(url_for("employer.candidates"))
    if error:
        return _candidates_page(employer, {error.field: error.message}, offer_id, 400)
    flash(message)
    return redirect(url_for("employer.candidates") + f"#offer-{offer_id}")


@bp.post("/offers/<id:offer_id>/interview")
@roles_required("employer")
def interview(offer_id):
    employer, form = _employer(), InterviewForm()
    if not form.validate():
        return _candidates_page(employer, first_errors(form), offer_id, 400)
    return _act(employer, offer_id, lambda s: (
        hiring.record_interview(s, offer_id, interview_on=form.interview_on.data, note=form.note.data,
                                actor=f"user:{current_user.id}",
                                employer_id=employer.id), "已记录面试。")[1])


@bp.post("/offers/<id:offer_id>/hire")
@roles_required("employer")
def hire(offer_id):
    employer, form = _employer(), HireForm()
    if not form.validate():
        return _candidates_page(employer, first_errors(form), offer_id, 400)
    return _act(employer, offer_id, lambda s: (
        hiring.record_hire(s, offer_id, start_date=form.start_date.data, contract_months=form.contract_months.data,
                           social_insurance=form.social_insurance.data == "yes", monthly_wage=form.monthly_wage.data,
                           actor=f"user:{current_user.id}", employer_id=employer.id,
                           work_place=form.work_place.data or "", contact=form.contact.data or "",
                           bring=form.bring.data or ""),
        "已录用。")[1])


@bp.post("/offers/<id:offer_id>/no-hire")
@roles_required("employer")
def no_hire(offer_id):
    employer = _employer()
    reason = (request.form.get("reason") or "").strip()
    return _act(employer, offer_id, lambda s: (
        hiring.record_no_hire(s, offer_id, reason=reason, actor=f"user:{current_user.id}", employer_id=employer.id),
        "已记录不录用，名额会推荐给下一位。")[1])


@bp.get("/subsidies")
@roles_required("employer")
def subsidies():
    employer = _employer()
    words = employer_words.SUBSIDY_STATUS_LABELS
    labels = {"eligible": words[SubsidyStatus.PAYABLE], "pending": words[SubsidyStatus.PENDING],
              "not_eligible": words[SubsidyStatus.REFUSED]}
    return render_template("employer/subsidies.html", employer=employer, labels=labels,
                           report=hiring_subsidy.hiring_subsidies(get_session(), employer.id),
                           rule=(hiring_subsidy.SUBSIDY_YUAN, hiring_subsidy.MIN_CONTRACT_MONTHS,
                                 hiring_subsidy.STABLE_MONTHS))
