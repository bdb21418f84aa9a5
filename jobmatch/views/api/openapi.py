"""The OpenAPI 3 description of /api/v1, built next to the endpoints it describes."""

import re
from typing import Any

from jobmatch.db import MAX_ID
from jobmatch.models.employers import VACANCY_STATUSES
from jobmatch.models.ledger import EventKind
from jobmatch.models.offers import OFFER_STATUSES


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

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
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
                "kind": {"type": "string", "enum": ["welfare_post", "hiring", "startup", "incubator_rent", "export_transport"]},
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
        "id": {"type": "integer"}, "seq": {"type": "integer"}, "occurred_at": {"type": "string", "format": "date-time"},
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


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "jobmatch API", "version": "1",
                 "description": "Read access to the employment ledger, scoped to the caller's settlements."},
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


def query_parameters(flask_rule: str) -> set[str]:
    """The query parameter names the document gives the path of a Flask rule."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", flask_rule.removeprefix("/api/v1"))
    operation = openapi_document()["paths"].get(path, {}).get("get", {})
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
