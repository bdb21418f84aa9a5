"""The OpenAPI 3 description of /api/v1, built next to the endpoints it describes."""

import re
from typing import Any

from jobmatch.db import MAX_ID
from jobmatch.models.employers import VACANCY_STATUSES
from jobmatch.models.followups import EmploymentState
from jobmatch.models.ledger import EventKind
from jobmatch.models.offers import OFFER_STATUSES
from jobmatch.vocabulary.employer import DEMAND_LABELS, HOURS_LABELS, VACANCY_KIND_LABELS


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind, **extra):
    return {"type": kind, "nullable": True, **extra}


_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
_ERROR_RESPONSES = {
    "400": {"description": "A bad parameter", "content": {"application/json": {"schema": _ref("Error")}}},
    "401": {"description": "No valid token", "content": {"application/json": {"schema": _ref("Error")}}},
    "403": {"description": "This account may not use the API",
            "content": {"application/json": {"schema": _ref("Error")}}},
}
_NOT_FOUND = {"404": {"description": "Not found or not in your settlements",
                      "content": {"application/json": {"schema": _ref("Error")}}}}
_PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
]

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "field": {"type": "string", "description": "The field, parameter or header at fault"}}}}},
    "Settlement": {"type": "object", "required": ["id", "name", "county_id", "county"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "county_id": {"type": "integer"},
        "county": {"type": "string"}, "lat": _nullable("number"), "lon": _nullable("number"),
        "relocated_people": _nullable("integer")}},
    "Household": {"type": "object", "required": ["id", "household_no", "settlement_id"], "properties": {
        "id": {"type": "integer"}, "household_no": {"type": "string"}, "settlement_id": {"type": "integer"},
        "county_id": {"type": "integer"}, "labourers": {"type": "integer"}, "employed": {"type": "integer"},
        "zero_employment": {"type": "boolean"}, "zero_employment_since": _nullable("string", format="date-time")}},
    "Person": {"type": "object", "required": ["id", "household_id", "name", "id_number", "id_masked"], "properties": {
        "id": {"type": "integer"}, "household_id": {"type": "integer"}, "name": {"type": "string"},
        "gender": {"type": "string"}, "birth_year": {"type": "integer"}, "relation": {"type": "string"},
        "id_number": {"type": "string", "description": "Masked (520526********6809) unless the role needs it"},
        "phone": _nullable("string", description="Masked (139****5678) unless the role needs it"),
        "id_masked": {"type": "boolean"}, "capacity": {"type": "string", "enum": ["full", "half", "weak", "none"]},
        "wants_work": _nullable("boolean"), "mobility": _nullable("string"), "max_commute_km": _nullable("number"),
        "skills": {"type": "array", "items": {"type": "string"}}, "wage_expectation": _nullable("integer"),
        "employment": {"type": "string"}, "cannot_leave_site": {"type": "boolean"},
        "cannot_leave_reason": _nullable("string", enum=["caring_elders", "caring_children", "caring_sick",
                                                         "own_disability", "other", None])}},
    "Policy": {"type": "object", "required": ["id", "government_funded", "work_for_relief"], "properties": {
        "id": {"type": "integer"}, "government_funded": {"type": "boolean"}, "work_for_relief": {"type": "boolean"},
        "entrepreneur_settlement_id": _nullable("integer")}},
    "SubsidyList": {"type": "object", "required": ["month", "items", "total"], "properties": {
        "month": {"type": "string"}, "total": {"type": "string"}, "items": {"type": "array", "items": {
            "type": "object", "required": ["kind", "payee", "person_id", "amount", "reason"], "properties": {
                "kind": {"type": "string", "enum": ["welfare_post", "hiring", "startup", "incubator_rent", "training",
                                                       "certification", "export_transport"]},
                "payee": {"type": "string"}, "person_id": {"type": "integer"}, "name": {"type": "string"},
                "id_number": {"type": "string"}, "amount": {"type": "string"}, "reason": {"type": "string"}}}}}},
    "Vacancy": {"type": "object", "required": ["id", "employer_id", "title", "openings", "status"], "properties": {
        "id": {"type": "integer"}, "employer_id": {"type": "integer"}, "employer_name": {"type": "string"},
        "title": {"type": "string"}, "skills": {"type": "array", "items": {"type": "string"}},
        "openings": {"type": "integer"}, "kind": {"type": "string"}, "physical_demand": {"type": "string"},
        "wage_min": _nullable("integer"), "wage_max": _nullable("integer"), "lat": {"type": "number"},
        "lon": {"type": "number"}, "dormitory": {"type": "boolean"}, "hours": {"type": "string"},
        "status": {"type": "string", "enum": list(VACANCY_STATUSES)}, "posted_at": {"type": "string", "format": "date-time"}}},
    "Offer": {"type": "object", "required": ["id", "round_id", "vacancy_id", "person_id", "household_id", "status"],
              "properties": {
        "id": {"type": "integer"}, "round_id": {"type": "integer"}, "vacancy_id": {"type": "integer"},
        "person_id": {"type": "integer"}, "household_id": {"type": "integer"},
        "status": {"type": "string", "enum": list(OFFER_STATUSES)}, "rank": {"type": "integer"},
        "score": {"type": "number"}, "reasons": {"type": "array", "items": {"type": "string"}},
        "channel": _nullable("string", enum=["sms", "visit", None]),
        "sent_at": _nullable("string", format="date-time"), "expires_at": _nullable("string", format="date-time"),
        "responded_at": _nullable("string", format="date-time")}},
    "Fair": {"type": "object", "required": ["id", "name", "held_on", "place", "county_id"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "held_on": {"type": "string", "format": "date"},
        "place": {"type": "string"}, "county_id": {"type": "integer"}, "settlement_id": _nullable("integer"),
        "vacancy_ids": {"type": "array", "items": {"type": "integer"}}, "invited": {"type": "integer"},
        "registered": {"type": "integer"}, "checked_in": {"type": "integer"}}},
    "LedgerEvent": {"type": "object", "required": ["id", "seq", "occurred_at", "actor", "kind"], "properties": {
        "id": {"type": "integer"}, "seq": _nullable("integer"), "occurred_at": {"type": "string", "format": "date-time"},
        "actor": {"type": "string"}, "kind": {"type": "string"}, "household_id": _nullable("integer"),
        "person_id": _nullable("integer"), "subject": {"type": "string"}, "data": {"type": "object"}}},
}


def _page_schema(item):
    return {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
        "items": {"type": "array", "items": _ref(item)}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"}}}


def _list(item, summary, filters=()):
    return {"get": {"summary": summary, "parameters": [*_PAGING, *filters], "responses": {
        "200": {"description": "One page", "content": {"application/json": {"schema": _page_schema(item)}}},
        **_ERROR_RESPONSES}}}


def _one(item, summary, id_name):
    return {"get": {"summary": summary,
                    "parameters": [{"name": id_name, "in": "path", "required": True, "schema": _ID}],
                    "responses": {"200": {"description": item, "content": {"application/json": {"schema": _ref(item)}}},
                                  **_ERROR_RESPONSES, **_NOT_FOUND}}}


def _query(name, schema):
    return {"name": name, "in": "query", "schema": schema}


def _put(item, summary, id_name, body):
    return {"put": {"summary": summary,
                    "parameters": [{"name": id_name, "in": "path", "required": True, "schema": _ID}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                    "responses": {"200": {"description": item, "content": {"application/json": {"schema": _ref(item)}}},
                                  **_ERROR_RESPONSES, **_NOT_FOUND}}}


_FLAGS: dict[str, Any] = {"type": "object", "required": ["government_funded", "work_for_relief"], "additionalProperties": False,
          "properties": {"government_funded": {"type": "boolean"}, "work_for_relief": {"type": "boolean"},
                         "entrepreneur_settlement_id": _nullable("integer", minimum=1, maximum=MAX_ID)}}
_VACANCY_FLAGS = {**_FLAGS, "properties": {k: v for k, v in _FLAGS["properties"].items()
                                           if k != "entrepreneur_settlement_id"}}


# -- the daily writes: employers' vacancies and hires, staff's follow-ups and door answers -------------

_IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": True,
                    "description": "Any 1-100 visible ASCII characters (e.g. a UUID), the same on every retry of one "
                                   "write: a retry gets the first response and changes nothing twice",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[!-~]+$"}}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


_WRITE_ERRORS = {
    **_ERROR_RESPONSES,
    "400": _error("A bad header or body: error.field names it"),
    "403": _error("This token may not make this write (another kind of user; an employer not yet approved)"),
    "404": _error("Not found, or not yours (another employer's, another settlement's)"),
    "409": _error("The record is not in a state that allows this (e.g. the offer was hired already)"),
    "422": _error("The Idempotency-Key was used for another request"),
}


def _write(method, summary, body, item, *, status="200", id_name=None):
    parameters = [_IDEMPOTENCY_KEY]
    if id_name:
        parameters.insert(0, {"name": id_name, "in": "path", "required": True, "schema": _ID})
    return {method: {"summary": summary, "parameters": parameters,
                     "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                     "responses": {status: {"description": item, "content": {"application/json": {
                         "schema": _ref(item)}}}, **_WRITE_ERRORS}}}


_VACANCY_FIELDS: dict[str, Any] = {
    "title": {"type": "string", "minLength": 1, "maxLength": 80}, "description": {"type": "string", "maxLength": 2000},
    "kind": {"type": "string", "enum": list(VACANCY_KIND_LABELS)},
    "openings": {"type": "integer", "minimum": 1, "maximum": 10000},
    "wage_min": {"type": "integer", "minimum": 500, "maximum": 100000, "description": "Yuan a month"},
    "wage_max": {"type": "integer", "minimum": 500, "maximum": 100000, "description": "Not below wage_min"},
    "age_min": _nullable("integer", minimum=16, maximum=70), "age_max": _nullable("integer", minimum=16, maximum=70),
    "lat": {"type": "number", "minimum": 18, "maximum": 54, "description": "Default: the employer's"},
    "lon": {"type": "number", "minimum": 73, "maximum": 135.5, "description": "Default: the employer's"},
    "physical_demand": {"type": "string", "enum": list(DEMAND_LABELS)},
    "hours": {"type": "string", "enum": list(HOURS_LABELS)}, "dormitory": {"type": "boolean"},
    "skills": {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 20}},
}
SCHEMAS.update({
    "NewVacancy": {"type": "object", "additionalProperties": False, "properties": _VACANCY_FIELDS,
                   "required": ["title", "openings", "wage_min", "wage_max"]},
    "VacancyChanges": {"type": "object", "additionalProperties": False, "properties": _VACANCY_FIELDS,
                       "description": "Only the fields to change"},
    "Close": {"type": "object", "additionalProperties": False, "properties": {}},
    "NewHire": {"type": "object", "additionalProperties": False,
                "required": ["start_date", "contract_months", "monthly_wage", "social_insurance"], "properties": {
                    "start_date": {"type": "string", "format": "date"},
                    "contract_months": {"type": "integer", "minimum": 1, "maximum": 120},
                    "monthly_wage": {"type": "integer", "minimum": 1, "maximum": 100000},
                    "social_insurance": {"type": "boolean"}}},
    "Hire": {"type": "object", "required": ["offer_id", "status", "spell_id", "start_date"], "properties": {
        "offer_id": {"type": "integer"}, "vacancy_id": {"type": "integer"}, "person_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["hired"]}, "spell_id": {"type": "integer"},
        "start_date": {"type": "string", "format": "date"}, "contract_months": {"type": "integer"},
        "monthly_wage": {"type": "integer"}, "social_insurance": {"type": "boolean"}}},
    "NoHire": {"type": "object", "additionalProperties": False, "required": ["reason"], "properties": {
        "reason": {"type": "string", "minLength": 1, "maxLength": 200}}},
    "NotHired": {"type": "object", "required": ["offer_id", "status"], "properties": {
        "offer_id": {"type": "integer"}, "status": {"type": "string", "enum": ["not_hired"]}}},
    "NewFollowUp": {"type": "object", "additionalProperties": False, "required": ["method"], "properties": {
        "method": {"type": "string", "enum": ["phone", "visit"]}, "summary": {"type": "string", "maxLength": 2000},
        "contacted_at": {"type": "string", "format": "date-time", "description": "Default: now; never later"},
        "employment_state": {"type": "string", "enum": ["", *EmploymentState],
                             "description": "Required (with needs and training_wish) for monitored households"},
        "needs": {"type": "string", "maxLength": 500}, "training_wish": {"type": "string", "maxLength": 500}}},
    "FollowUp": {"type": "object", "required": ["id", "household_id", "method", "contacted_at"], "properties": {
        "id": {"type": "integer"}, "household_id": {"type": "integer"}, "method": {"type": "string"},
        "contacted_at": {"type": "string", "format": "date-time"}, "summary": {"type": "string"},
        "employment_state": _nullable("string"), "became_zero_employment": {"type": "boolean"}}},
    "DoorAnswer": {"type": "object", "additionalProperties": False, "required": ["accepted"], "properties": {
        "accepted": {"type": "boolean", "description": "true: the worker said yes; false: no"}}},
    "Answered": {"type": "object", "required": ["offer_id", "status", "confirmation"], "properties": {
        "offer_id": {"type": "integer"}, "status": {"type": "string", "enum": list(OFFER_STATUSES)},
        "confirmation": {"type": "string", "description": "The confirmation SMS kind queued; \"\" when nothing changed"}}},
})

# (method, path) of the writes only an employer's token may make (tests pick the token by it).
EMPLOYER_OPERATIONS = {("POST", "/vacancies"), ("PATCH", "/vacancies/{vacancy_id}"),
                       ("POST", "/vacancies/{vacancy_id}/close"), ("POST", "/offers/{offer_id}/hire"),
                       ("POST", "/offers/{offer_id}/no-hire")}


def _daily_writes() -> dict:
    return {
        "/vacancies": _write("post", "Post a vacancy (employer token; the employer approved)", _ref("NewVacancy"),
                             "Vacancy", status="201"),
        "/vacancies/{vacancy_id}": _write("patch", "Change your vacancy (employer token)", _ref("VacancyChanges"),
                                          "Vacancy", id_name="vacancy_id"),
        "/vacancies/{vacancy_id}/close": _write("post", "Stop recruiting on your vacancy (employer token)",
                                                _ref("Close"), "Vacancy", id_name="vacancy_id"),
        "/offers/{offer_id}/hire": _write("post", "Hire a worker who accepted your vacancy (employer token)",
                                          _ref("NewHire"), "Hire", id_name="offer_id"),
        "/offers/{offer_id}/no-hire": _write(
            "post", "Do not hire a worker who accepted (employer token): the place goes to the next candidate",
            _ref("NoHire"), "NotHired", id_name="offer_id"),
        "/households/{household_id}/follow-ups": _write(
            "post", "Record a monthly follow-up of a household of your settlements (staff token)",
            _ref("NewFollowUp"), "FollowUp", status="201", id_name="household_id"),
        "/offers/{offer_id}/answer": _write(
            "post", "Record a worker's yes or no given in person at the door (staff token)", _ref("DoorAnswer"),
            "Answered", id_name="offer_id"),
    }


def openapi_document() -> dict:
    document = _read_document()
    for path, operations in _daily_writes().items():
        document["paths"].setdefault(path, {}).update(operations)
    return document


def _read_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "jobmatch API", "version": "1",
                 "description": "The employment ledger, scoped to the caller's settlements; employers' and staff's "
                                "daily writes, each with an Idempotency-Key."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/settlements": _list("Settlement", "Settlements you may see"),
            "/settlements/{settlement_id}": _one("Settlement", "One settlement", "settlement_id"),
            "/households": _list("Household", "Households", [
                _query("settlement_id", _ID), _query("zero_employment", {"type": "boolean"})]),
            "/households/{household_id}": _one("Household", "One household", "household_id"),
            "/persons": _list("Person", "Persons (phones and ID numbers masked unless your role needs them)",
                              [_query("household_id", _ID)]),
            "/persons/{person_id}": _one("Person", "One person", "person_id"),
            "/persons/{person_id}/cannot-leave-site": _put(
                "Person", "Record why the person cannot leave the site (\"\" when they can); staff and admins",
                "person_id", {"type": "object", "required": ["reason"], "additionalProperties": False, "properties": {
                    "reason": {"type": "string", "enum": ["", "caring_elders", "caring_children", "caring_sick",
                                                          "own_disability", "other"]}}}),
            "/employers/{employer_id}/policy": _put(
                "Policy", "Rule 9 flags and the seed-001 entrepreneur settlement of an employer", "employer_id", _FLAGS),
            "/vacancies/{vacancy_id}/policy": _put("Policy", "Rule 9 flags of one vacancy", "vacancy_id", _VACANCY_FLAGS),
            "/subsidies": {"get": {"summary": "The monthly subsidy list (every kind) of your settlements",
                                   "parameters": [{"name": "month", "in": "query", "required": True,
                                                   "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}}],
                                   "responses": {"200": {"description": "The list", "content": {"application/json": {
                                       "schema": _ref("SubsidyList")}}}, **_ERROR_RESPONSES}}},
            "/vacancies": _list("Vacancy", "Vacancies", [
                _query("status", {"type": "string", "enum": list(VACANCY_STATUSES)})]),
            "/vacancies/{vacancy_id}": _one("Vacancy", "One vacancy", "vacancy_id"),
            "/offers": _list("Offer", "Job offers to workers of your settlements", [
                _query("status", {"type": "string", "enum": list(OFFER_STATUSES)}), _query("round_id", _ID),
                _query("person_id", _ID)]),
            "/offers/{offer_id}": _one("Offer", "One job offer", "offer_id"),
            "/fairs": _list("Fair", "Recruitment fairs at your settlements or county-wide in your counties"),
            "/fairs/{fair_id}": _one("Fair", "One recruitment fair", "fair_id"),
            "/ledger-events": _list("LedgerEvent", "Ledger events about households you may see, newest first", [
                _query("household_id", _ID), _query("person_id", _ID),
                _query("kind", {"type": "string", "enum": [kind.value for kind in EventKind]})]),
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": SCHEMAS},
    }


def document_path(flask_rule: str) -> str:
    """The document's path of a Flask rule: /api/v1/vacancies/<id:vacancy_id> -> /vacancies/{vacancy_id}."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", flask_rule.removeprefix("/api/v1"))


def query_parameters(flask_rule: str) -> set[str]:
    """The query parameter names the document gives the path of a Flask rule."""
    path = document_path(flask_rule)
    operation = openapi_document()["paths"].get(path, {}).get("get", {})
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
