"""Employer portal (/e/): sign-up, company profile, vacancies of the employer's own."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from jobmatch.auth import roles_required, sign_in
from jobmatch.db import get_session
from jobmatch.models import County, Vacancy
from jobmatch.security import limiter
from jobmatch.services.employers import accounts as employers
from jobmatch.services.employers import places as place_service
from jobmatch.services.errors import UserError
from jobmatch.views.employer import bp
from jobmatch.views.employer.forms import CompanyForm, SignUpForm, VacancyForm
from jobmatch.views.fields import first_errors
from jobmatch.vocabulary.employer import (
    APPROVAL_LABELS,
    DEMAND_LABELS,
    EMPLOYER_KIND_LABELS,
    HOURS_LABELS,
    VACANCY_KIND_LABELS,
    VACANCY_STATUS_LABELS,
)
from notifications.phones import national_digits

LABELS = {"employer_kinds": EMPLOYER_KIND_LABELS, "vacancy_kinds": VACANCY_KIND_LABELS,
          "demands": DEMAND_LABELS, "hours": HOURS_LABELS, "vacancy_status_labels": VACANCY_STATUS_LABELS,
          "approval_labels": APPROVAL_LABELS}


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def signup():
    db = get_session()
    counties = db.scalars(select(County).order_by(County.name)).all()
    errors = {}
    if request.method == "POST":
        county = request.form.get("county_id", "")
        data, place_errors = _located(db, county_ids={int(county)} if county.isdigit() else set(), required=False,
                                      address_field="address")
        form = SignUpForm({c.id for c in counties}, formdata=data)
        errors = {**place_errors, **({} if form.validate() else first_errors(form))}
        if not errors:
            try:
                user = employers.sign_up(db, form.values())
            except employers.EmployerFormError as exc:
                db.rollback()
                errors = exc.errors
            else:
                db.commit()
                sign_in(user)
                flash("注册成功。社区就业专干审核通过后，您就可以发布岗位。")
                return redirect(url_for("employer.home"))
    return render_template("employer/signup.html", county_options={c.id: c.name for c in counties},
                           places=place_service.known_places(db),
                           form=request.form, errors=errors,
                           **LABELS), 400 if errors else 200


@bp.get("/")
@roles_required("employer")
def home():
    employer = current_user.employer
    vacancies = get_session().scalars(select(Vacancy).where(Vacancy.employer_id == employer.id)
                                      .order_by(Vacancy.status.desc(), Vacancy.posted_at.desc())).all()
    return render_template("employer/home.html", employer=employer, vacancies=vacancies, **LABELS)


@bp.route("/company", methods=["GET", "POST"])
@roles_required("employer")
def company():
    db, employer, errors = get_session(), current_user.employer, {}
    if request.method == "POST":
        data, place_errors = _located(db, county_ids=_employer_counties(employer), required=False,
                                      address_field="address", keep=(employer.lat, employer.lon))
        form = CompanyForm(formdata=data)
        errors = {**place_errors, **({} if form.validate() else first_errors(form))}
        if not errors:
            try:
                employers.update_company(db, employer, form.values(), actor=f"user:{current_user.id}")
            except employers.EmployerFormError as exc:
                db.rollback()
                errors = exc.errors
            else:
                db.commit()
                flash("单位信息已保存。")
                return redirect(url_for("employer.home"))
    choices = _place_choices(db, employer, employer.lat, employer.lon)
    form = request.form if request.method == "POST" else {**_company_values(employer), "place": choices["current"]}
    return render_template("employer/company.html", employer=employer, form=form, errors=errors, **choices,
                           **LABELS), 400 if errors else 200


@bp.route("/vacancies/new", methods=["GET", "POST"])
@roles_required("employer")
def new_vacancy():
    employer = _approved_employer()
    if request.method == "POST":
        return _save_vacancy(employer, None)
    choices = _place_choices(get_session(), employer, employer.lat, employer.lon, keep_words="单位所在的位置")
    defaults = {"place": choices["current"], "openings": 1, "kind": "regular", "physical_demand": "medium",
                "hours": "any"}
    return render_template("employer/vacancy_form.html", vacancy=None, form=defaults, errors={}, **choices, **LABELS)


@bp.route("/vacancies/<id:vacancy_id>/edit", methods=["GET", "POST"])
@roles_required("employer")
def edit_vacancy(vacancy_id):
    employer = _approved_employer()
    vacancy = employers.own_vacancy(get_session(), employer.id, vacancy_id) or abort(404)
    if request.method == "POST":
        return _save_vacancy(employer, vacancy)
    choices = _place_choices(get_session(), employer, vacancy.lat, vacancy.lon)
    return render_template("employer/vacancy_form.html", vacancy=vacancy,
                           form={**_vacancy_values(vacancy), "place": choices["current"]}, errors={}, **choices,
                           **LABELS)


@bp.post("/vacancies/<id:vacancy_id>/close")
@roles_required("employer")
def close_vacancy(vacancy_id):
    db, employer = get_session(), _approved_employer()
    vacancy = employers.own_vacancy(db, employer.id, vacancy_id) or abort(404)
    employers.close_vacancy(db, vacancy, actor=f"user:{current_user.id}")
    db.commit()
    flash(f"岗位“{vacancy.title}”已停止招聘。")
    return redirect(url_for("employer.home"))


def _save_vacancy(employer, vacancy):
    db = get_session()
    here = (vacancy.lat, vacancy.lon) if vacancy is not None else (employer.lat, employer.lon)
    data, place_errors = _located(db, county_ids=_employer_counties(employer), required=True,
                                  address_field="place_text", keep=here)
    form = VacancyForm(formdata=data)
    errors = {**place_errors, **({} if form.validate() else first_errors(form))}
    if errors:
        return render_template("employer/vacancy_form.html", vacancy=vacancy, form=request.form, errors=errors,
                               **_place_choices(db, employer, *here), **LABELS), 400
    actor = f"user:{current_user.id}"
    if vacancy is None:
        vacancy = employers.post_vacancy(db, employer, form.values(), actor=actor)
        message = f"岗位“{vacancy.title}”已发布。"
    else:
        employers.edit_vacancy(db, vacancy, form.values(), actor=actor)
        message = f"岗位“{vacancy.title}”已保存。"
    db.commit()
    flash(message)
    return redirect(url_for("employer.home"))


def _approved_employer():
    employer = current_user.employer
    if employer is None or not employer.approved:
        abort(403)
    return employer


def _company_values(employer) -> dict:
    values = {f: getattr(employer, f) for f in employers.COMPANY_FIELDS}
    values["contact_phone"] = national_digits(employer.contact_phone) if employer.contact_phone else ""
    return {k: ("" if v is None else v) for k, v in values.items()}


def _vacancy_values(vacancy) -> dict:
    values = {f: getattr(vacancy, f) for f in employers.VACANCY_FIELDS}
    values["skills"] = "、".join(vacancy.skills or [])
    values["dormitory"] = "1" if vacancy.dormitory else ""
    return {k: ("" if v is None else v) for k, v in values.items()}




KEEP_PLACE = "keep"  # the form's choice "where it is now", for a location no known place matches


def _employer_counties(employer) -> set[int] | None:
    return {employer.county_id} if employer.county_id else None


def _place_choices(db, employer, lat, lon, keep_words: str = "原来的位置（不改）") -> dict:
    """The known places of the employer's county, which one is the current location, and whether
    a "where it is now" choice is needed (an old location no known place matches)."""
    places = place_service.known_places(db, _employer_counties(employer))
    current = place_service.place_at(places, lat, lon)
    keep = lat is not None and lon is not None and current is None
    return {"places": places, "current": current.key if current else (KEEP_PLACE if keep else ""),
            "keep_label": keep_words if keep else ""}


def _located(db, *, county_ids, required: bool, address_field: str, keep=(None, None)):
    """The posted form with latitude and longitude taken from the place chosen, or named in the
    address, never typed by the employer; errors on "place" when nothing known is chosen or named."""
    data = request.form.copy()
    data.pop("lat", None)
    data.pop("lon", None)
    key, address = data.get("place", ""), data.get(address_field, "")
    if key == KEEP_PLACE and keep[0] is not None:
        data["lat"], data["lon"] = str(keep[0]), str(keep[1])
        return data, {}
    try:
        # A vacancy's address is there to name a place; a company's is its postal address.
        found = place_service.resolve_place(db, "" if key == KEEP_PLACE else key, address if required else "",
                                            county_ids=county_ids)
    except UserError as error:
        return data, {"place": error.message}
    if found is None and not required:
        found = place_service.place_named_in(place_service.known_places(db, county_ids), address)
    if found is not None:
        data["lat"], data["lon"] = str(found.lat), str(found.lon)
    elif keep[0] is not None:  # nothing chosen: where it is now (a new vacancy: where the employer is)
        data["lat"], data["lon"] = str(keep[0]), str(keep[1])
    elif required:
        return data, {"place": "请选择在哪里上班，或写上带地点名称的地址。"}
    return data, {}
