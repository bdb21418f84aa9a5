"""Validation of the employer sign-up, company profile and vacancy forms, and their labels."""

import re
from dataclasses import dataclass, field

from jobmatch.models.employers import EMPLOYER_KINDS
from jobmatch.services.form_fields import FormErrors, choice_field, number_field, text_field
from notifications.phones import InvalidPhone, normalise_phone

EMPLOYER_KIND_LABELS = {"company": "企业", "workshop": "帮扶车间", "cooperative": "合作社",
                        "labour_service": "劳务公司", "public_works": "以工代赈项目", "public": "机关事业单位"}
VACANCY_KIND_LABELS = {"regular": "长期岗位", "gig": "零工 / 短期", "relief": "以工代赈"}
DEMAND_LABELS = {"light": "轻体力", "medium": "中等体力", "heavy": "重体力"}
HOURS_LABELS = {"any": "不限", "day": "白班", "shift": "倒班", "school_hours": "可接送孩子（上学时间上班）"}

# Mainland China, roughly: a coordinate outside it is a typo (lat and lon swapped, a lost digit).
LAT_RANGE, LON_RANGE = (18.0, 54.0), (73.0, 135.5)
WAGE_RANGE = (500, 100_000)  # yuan per month
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,60}$")
_SKILL_SEPARATORS = re.compile(r"[、，,；;/\s]+")


@dataclass
class ParsedForm:
    values: dict = field(default_factory=dict)
    errors: FormErrors = field(default_factory=FormErrors)


def parse_company_form(form) -> ParsedForm:
    parsed = ParsedForm()
    v, e = parsed.values, parsed.errors
    v["name"] = text_field(form, "name", e, label="单位名称", max_length=120, required=True)
    v["kind"] = choice_field(form, "kind", e, label="单位类型", choices=EMPLOYER_KINDS, default="company")
    v["contact_name"] = text_field(form, "contact_name", e, label="联系人", max_length=40, required=True)
    v["contact_phone"] = _phone(form, e)
    v["address"] = text_field(form, "address", e, label="地址", max_length=200)
    v["lat"], v["lon"] = _location(form, e, required=False)
    return parsed


def parse_sign_up_form(form, county_ids) -> ParsedForm:
    parsed = parse_company_form(form)
    v, e = parsed.values, parsed.errors
    county = number_field(form, "county_id", e, label="所在县区", low=1, high=2**31 - 1, required=True)
    if county is not None and county not in county_ids:
        e["county_id"] = "请选择所在县区。"
    v["county_id"] = county
    v["username"] = (form.get("username") or "").strip()
    if not _USERNAME.match(v["username"]):
        e["username"] = "用户名用 3 到 60 个英文字母、数字或 _ . -。"
    password = form.get("password") or ""
    if len(password) < 8:
        e["password"] = "密码至少 8 位。"
    elif password != form.get("password_again"):
        e["password_again"] = "两次输入的密码不一样。"
    v["password"] = password
    return parsed


def parse_vacancy_form(form) -> ParsedForm:
    parsed = ParsedForm()
    v, e = parsed.values, parsed.errors
    v["title"] = text_field(form, "title", e, label="岗位名称", max_length=80, required=True)
    v["description"] = text_field(form, "description", e, label="岗位说明", max_length=2000)
    v["kind"] = choice_field(form, "kind", e, label="岗位类型", choices=VACANCY_KIND_LABELS, default="regular")
    v["openings"] = number_field(form, "openings", e, label="招聘人数", low=1, high=10_000, required=True)
    v["wage_min"] = number_field(form, "wage_min", e, label="最低月工资", low=WAGE_RANGE[0], high=WAGE_RANGE[1],
                                 required=True)
    v["wage_max"] = number_field(form, "wage_max", e, label="最高月工资", low=WAGE_RANGE[0], high=WAGE_RANGE[1],
                                 required=True)
    if v["wage_min"] is not None and v["wage_max"] is not None and v["wage_min"] > v["wage_max"]:
        e["wage_max"] = "最高月工资不能低于最低月工资。"
    v["age_min"] = number_field(form, "age_min", e, label="最小年龄", low=16, high=70)
    v["age_max"] = number_field(form, "age_max", e, label="最大年龄", low=16, high=70)
    if v["age_min"] is not None and v["age_max"] is not None and v["age_min"] > v["age_max"]:
        e["age_max"] = "最大年龄不能小于最小年龄。"
    v["lat"], v["lon"] = _location(form, e, required=True)
    v["physical_demand"] = choice_field(form, "physical_demand", e, label="体力要求", choices=DEMAND_LABELS,
                                        default="medium")
    v["hours"] = choice_field(form, "hours", e, label="工作时间", choices=HOURS_LABELS, default="any")
    v["dormitory"] = form.get("dormitory") in ("1", "on", "yes", "true")
    skills_text = text_field(form, "skills", e, label="技能要求", max_length=300)
    v["skills"] = [s for s in _SKILL_SEPARATORS.split(skills_text) if s][:20]
    return parsed


def _location(form, errors, *, required: bool):
    lat = number_field(form, "lat", errors, label="纬度", low=LAT_RANGE[0], high=LAT_RANGE[1], kind=float,
                       required=required)
    lon = number_field(form, "lon", errors, label="经度", low=LON_RANGE[0], high=LON_RANGE[1], kind=float,
                       required=required)
    if (lat is None) != (lon is None) and "lat" not in errors and "lon" not in errors:
        errors["lon" if lon is None else "lat"] = "纬度和经度要一起填。"
    return lat, lon


def _phone(form, errors) -> str | None:
    raw = (form.get("contact_phone") or "").strip()
    if not raw:
        errors["contact_phone"] = "请填写联系电话。"
        return None
    try:
        return normalise_phone(raw)
    except InvalidPhone as exc:
        errors["contact_phone"] = f"联系电话不对：{exc}"
        return None
