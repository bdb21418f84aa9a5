"""Employers waiting for approval: staff approve or reject, each decision in the ledger."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.models import Employer, Settlement
from jobmatch.services.employers import accounts as employer_service
from jobmatch.views.staff import WRITER_ROLES, bp
from jobmatch.vocabulary.staff import EMPLOYER_KIND_LABELS


def _county_ids(session) -> set[int] | None:
    if current_user.role == "admin":
        return None
    settlement_ids = visible_settlement_ids(session, current_user)
    return set(session.scalars(select(Settlement.county_id).where(Settlement.id.in_(settlement_ids))))


@bp.get("/employers/pending")
@roles_required(*WRITER_ROLES)
def pending_employers():
    session = get_session()
    return render_template("staff/employers_pending.html", kinds=EMPLOYER_KIND_LABELS,
                           employers=employer_service.pending_employers(session, _county_ids(session)))


@bp.post("/employers/<id:employer_id>/decision")
@roles_required(*WRITER_ROLES)
def decide_employer(employer_id):
    session = get_session()
    employer = session.get(Employer, employer_id)
    if employer is None or employer not in employer_service.pending_employers(session, _county_ids(session)):
        abort(404)
    approve = request.form.get("decision") == "approve"
    employer_service.decide(session, employer, approve=approve, actor=f"user:{current_user.id}",
                            reason=request.form.get("reason", "").strip()[:200])
    session.commit()
    flash(f"已通过“{employer.name}”。" if approve else f"已拒绝“{employer.name}”。")
    return redirect(url_for("staff.pending_employers"))


@bp.route("/places", methods=["GET", "POST"])
@roles_required(*WRITER_ROLES)
def places():
    """Places employers choose their location from: staff add a township or a park with its
    coordinates once; settlements and county towns are listed beside them."""
    from jobmatch.models import County
    from jobmatch.services.employers import places as place_service
    from jobmatch.views.fields import first_errors
    from jobmatch.views.staff.forms import PlaceForm
    from jobmatch.views.transactions import commit_or_error
    from jobmatch.vocabulary.staff import PLACE_KIND_LABELS

    session = get_session()
    county_ids = _county_ids(session)
    counties = session.scalars(select(County).order_by(County.name).where(
        *([County.id.in_(county_ids)] if county_ids is not None else []))).all()
    errors = {}
    if request.method == "POST":
        form = PlaceForm({c.id for c in counties})
        errors = {} if form.validate() else first_errors(form)
        if not errors:
            place, failure = commit_or_error(session, lambda: place_service.add_place(
                session, county_id=form.county_id.data, name=form.name.data, kind=form.kind.data,
                lat=float(form.lat.data), lon=float(form.lon.data), actor=f"user:{current_user.id}"))
            if failure is None:
                flash(f"已添加地点“{place.name}”，单位登记时可以选它。")
                return redirect(url_for("staff.places"))
            errors = {failure.field or "name": failure.message}
    return render_template("staff/places.html", places=place_service.known_places(session, county_ids),
                           county_options={c.id: c.name for c in counties}, kinds=PLACE_KIND_LABELS,
                           form=request.form, errors=errors), 400 if errors else 200
