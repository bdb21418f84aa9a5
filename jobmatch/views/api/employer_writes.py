"""The API's writes with an employer's token: post, edit and close its own vacancies; record hires
(and no-hires).

The same service functions and the same checks as the employer pages (the VacancyForm and
HireForm rules, approval first): a bad value is a 400 whose body names the field. Each write
takes an Idempotency-Key (jobmatch.views.api.idempotent).
"""

from datetime import date

from flask import g, jsonify, request
from werkzeug.datastructures import MultiDict

from jobmatch.db import get_session
from jobmatch.models import Offer
from jobmatch.models.offers import OfferStatus
from jobmatch.services.employers import accounts as employers
from jobmatch.services.errors import UserError
from jobmatch.services.offers import hiring
from jobmatch.views.api import bp, serializers
from jobmatch.views.api.idempotent import idempotent
from jobmatch.views.api.resources import _not_found, _raise
from jobmatch.views.employer.forms import VacancyForm
from jobmatch.views.fields import first_errors

# JSON type of each vacancy field: what the body must hold before the form's own checks.
VACANCY_TYPES: dict[str, tuple[type, ...]] = {
    "title": (str,), "description": (str,), "kind": (str,), "openings": (int,), "wage_min": (int,),
    "wage_max": (int,), "age_min": (int, type(None)), "age_max": (int, type(None)), "lat": (int, float),
    "lon": (int, float), "physical_demand": (str,), "hours": (str,), "dormitory": (bool,), "skills": (list,),
}
REQUIRED_ON_POST = ("title", "openings", "wage_min", "wage_max")
TYPE_WORDS = {str: "文字", int: "整数", float: "数字", bool: "true 或 false", list: "文字的数组", type(None): "null"}


def _employer():
    return g.api_user.employer  # an approved employer's user: authenticate() checked (EMPLOYER_OPERATIONS)


def _json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise UserError("请求体要是一个 JSON 对象。", "body")
    return body


def _typed(body: dict, types: dict[str, tuple[type, ...]]) -> dict:
    unknown = sorted(set(body) - set(types))
    if unknown:
        raise UserError(f"不认识的字段：{unknown[0][:40]}。", unknown[0][:40])
    for name, value in body.items():
        allowed = types[name]
        wrong = isinstance(value, bool) and bool not in allowed
        if wrong or not isinstance(value, allowed):
            raise UserError(f"{name} 要写成{'或'.join(TYPE_WORDS[t] for t in allowed)}。", name)
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise UserError("skills 要写成文字的数组，例如 [\"缝纫\"]。", name)
    return body


def _form_value(name: str, value) -> str:
    if value is None:
        return ""
    if name == "dormitory":
        return "1" if value else ""
    if name == "skills":
        return "、".join(value)
    return str(value)


def _checked_vacancy(values: dict) -> dict:
    """The values through the employer page's VacancyForm: the same rules, the same Chinese messages."""
    form = VacancyForm(formdata=MultiDict({k: _form_value(k, v) for k, v in values.items()}), meta={"csrf": False})
    if not form.validate():
        field, message = next(iter(first_errors(form).items()))
        raise UserError(message, field)
    return form.values()


def _own_vacancy(vacancy_id: int):
    return employers.own_vacancy(get_session(), _employer().id, vacancy_id) or _raise(_not_found("vacancy"))


@bp.post("/vacancies")
@idempotent
def post_vacancy():
    employer = _employer()
    body = _typed(_json_object(), VACANCY_TYPES)
    missing = [name for name in REQUIRED_ON_POST if name not in body]
    if missing:
        raise UserError(f"缺少字段：{missing[0]}。", missing[0])
    defaults = {"kind": "regular", "physical_demand": "medium", "hours": "any", "openings": 1,
                "lat": employer.lat, "lon": employer.lon}
    values = _checked_vacancy({**defaults, **body})
    vacancy = employers.post_vacancy(get_session(), employer, values, actor=f"user:{g.api_user.id}")
    return jsonify(serializers.vacancy(vacancy)), 201


# PATCH /vacancies/<id> shares its rule with the GET in resources.py (one rule per path keeps a bad id a 404).
@idempotent
def patch_vacancy(vacancy_id):
    vacancy = _own_vacancy(vacancy_id)
    body = _typed(_json_object(), VACANCY_TYPES)
    current = {name: getattr(vacancy, name) for name in employers.VACANCY_FIELDS}
    current["skills"] = list(vacancy.skills or [])
    values = _checked_vacancy({**current, **body})
    employers.edit_vacancy(get_session(), vacancy, values, actor=f"user:{g.api_user.id}")
    return jsonify(serializers.vacancy(vacancy))


@bp.post("/vacancies/<id:vacancy_id>/close")
@idempotent
def close_vacancy(vacancy_id):
    vacancy = _own_vacancy(vacancy_id)
    employers.close_vacancy(get_session(), vacancy, actor=f"user:{g.api_user.id}")
    return jsonify(serializers.vacancy(vacancy))


HIRE_TYPES: dict[str, tuple[type, ...]] = {"start_date": (str,), "contract_months": (int,), "monthly_wage": (int,),
                                           "social_insurance": (bool,)}


@bp.post("/offers/<id:offer_id>/hire")
@idempotent
def hire(offer_id):
    employer = _employer()
    session = get_session()
    offer = session.get(Offer, offer_id)
    if offer is None or offer.vacancy.employer_id != employer.id:
        _raise(_not_found("offer"))
    body = _typed(_json_object(), HIRE_TYPES)
    missing = [name for name in HIRE_TYPES if name not in body]
    if missing:
        raise UserError(f"缺少字段：{missing[0]}。", missing[0])
    try:
        start_date = date.fromisoformat(body["start_date"])
    except ValueError:
        raise UserError("start_date 要写成 2026-12-01 这样。", "start_date") from None
    spell = hiring.record_hire(session, offer_id, start_date=start_date, contract_months=body["contract_months"],
                               social_insurance=body["social_insurance"], monthly_wage=body["monthly_wage"],
                               actor=f"user:{g.api_user.id}", employer_id=employer.id)
    return jsonify({"offer_id": offer_id, "vacancy_id": spell.vacancy_id, "person_id": spell.person_id,
                    "status": OfferStatus.HIRED.value, "spell_id": spell.id,
                    "start_date": spell.started_on.isoformat(), "contract_months": spell.contract_months,
                    "monthly_wage": spell.monthly_income, "social_insurance": spell.social_insurance})


@bp.post("/offers/<id:offer_id>/no-hire")
@idempotent
def no_hire(offer_id):
    """The employer does not hire a worker who accepted: the place goes to the waiting list or the next candidate."""
    employer = _employer()
    session = get_session()
    offer = session.get(Offer, offer_id)
    if offer is None or offer.vacancy.employer_id != employer.id:
        _raise(_not_found("offer"))
    body = _typed(_json_object(), {"reason": (str,)})
    if "reason" not in body:
        raise UserError("缺少字段：reason（不录用的原因）。", "reason")
    hiring.record_no_hire(session, offer_id, reason=body["reason"], actor=f"user:{g.api_user.id}",
                          employer_id=employer.id)
    return jsonify({"offer_id": offer_id, "status": OfferStatus.NOT_HIRED.value})
