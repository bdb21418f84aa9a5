"""The employer portal's forms: sign-up, company profile, vacancy; hiring steps on a candidate."""

import re
import unicodedata

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import ValidationError

from jobmatch.db import MAX_ID
from jobmatch.models.employers import EMPLOYER_KINDS, EmployerKind, VacancyKind
from jobmatch.services.employers.accounts import COMPANY_FIELDS, VACANCY_FIELDS
from jobmatch.views.fields import Choice, Day, Flag, Number, Phone, Text
from jobmatch.vocabulary.employer import DEMAND_LABELS, HOURS_LABELS, VACANCY_KIND_LABELS

# Mainland China, roughly: a coordinate outside it is a typo (lat and lon swapped, a lost digit).
LAT_RANGE, LON_RANGE = (18.0, 54.0), (73.0, 135.5)
WAGE_RANGE = (500, 100_000)  # yuan per month
# Letters of any script (王大姐), digits and _ . -; a worker's own account name is never free.
_USERNAME = re.compile(r"^[\w.-]{2,60}$")
_RESERVED_USERNAME = re.compile(r"^worker-", re.IGNORECASE)
_SKILL_SEPARATORS = re.compile(r"[、，,；;/\s]+")


def _check_location(form) -> None:
    """Latitude and longitude come together or not at all."""
    lat, lon = form.lat, form.lon
    if (lat.data is None) != (lon.data is None) and not lat.errors and not lon.errors:
        missing = lon if lon.data is None else lat
        missing.errors.append("纬度和经度要一起填。")


class CompanyForm(FlaskForm):
    name = Text("单位名称", max_length=120, required=True)
    kind = Choice("单位类型", choices=EMPLOYER_KINDS, default=EmployerKind.COMPANY)
    contact_name = Text("联系人", max_length=40, required=True)
    contact_phone = Phone("联系电话")
    address = Text("地址", max_length=200)
    lat = Number("纬度", low=LAT_RANGE[0], high=LAT_RANGE[1], kind=float)
    lon = Number("经度", low=LON_RANGE[0], high=LON_RANGE[1], kind=float)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        _check_location(self)
        return not self.errors

    def values(self) -> dict:
        return {name: self[name].data for name in COMPANY_FIELDS}


class SignUpForm(CompanyForm):
    """The company form plus the county and the first user's sign-in; ``county_ids`` are the counties offered."""

    county_id = Number("所在县区", low=1, high=MAX_ID, required=True)
    username = StringField(default="", filters=[lambda text: unicodedata.normalize("NFKC", (text or "").strip())])
    password = StringField(default="")
    password_again = StringField(default="")

    def __init__(self, county_ids, **kwargs):
        super().__init__(**kwargs)
        self.county_ids = county_ids

    def validate_county_id(self, field):
        if field.data not in self.county_ids:
            raise ValidationError("请选择所在县区。")

    def validate_username(self, field):
        if not _USERNAME.fullmatch(field.data or "") or _RESERVED_USERNAME.match(field.data or ""):
            raise ValidationError("用户名用 2 到 60 个汉字、字母、数字或 _ . -，例如“王大姐”。")

    def validate_password(self, field):
        if len(field.data or "") < 8:
            raise ValidationError("密码至少 8 位。")

    def validate_password_again(self, field):
        if len(self.password.data or "") >= 8 and field.data != self.password.data:
            raise ValidationError("两次输入的密码不一样。")

    def values(self) -> dict:
        return {**super().values(), "county_id": self.county_id.data, "username": self.username.data,
                "password": self.password.data}


class VacancyForm(FlaskForm):
    title = Text("岗位名称", max_length=80, required=True)
    description = Text("岗位说明", max_length=2000)
    kind = Choice("岗位类型", choices=VACANCY_KIND_LABELS, default=VacancyKind.REGULAR)
    openings = Number("招聘人数", low=1, high=10_000, required=True)
    wage_min = Number("最低月工资", low=WAGE_RANGE[0], high=WAGE_RANGE[1], required=True)
    wage_max = Number("最高月工资", low=WAGE_RANGE[0], high=WAGE_RANGE[1], required=True)
    age_min = Number("最小年龄", low=16, high=70)
    age_max = Number("最大年龄", low=16, high=70)
    lat = Number("纬度", low=LAT_RANGE[0], high=LAT_RANGE[1], kind=float, required=True)
    lon = Number("经度", low=LON_RANGE[0], high=LON_RANGE[1], kind=float, required=True)
    physical_demand = Choice("体力要求", choices=DEMAND_LABELS, default="medium")
    hours = Choice("工作时间", choices=HOURS_LABELS, default="any")
    dormitory = Flag("提供住宿")
    skills = Text("技能要求", max_length=300)

    def validate_wage_max(self, field):
        if self.wage_min.data is not None and self.wage_min.data > field.data:
            raise ValidationError("最高月工资不能低于最低月工资。")

    def validate_age_max(self, field):
        if self.age_min.data is not None and field.data is not None and self.age_min.data > field.data:
            raise ValidationError("最大年龄不能小于最小年龄。")

    def values(self) -> dict:
        values = {name: self[name].data for name in VACANCY_FIELDS}
        values["skills"] = [s for s in _SKILL_SEPARATORS.split(self.skills.data) if s][:20]
        return values


class InterviewForm(FlaskForm):
    interview_on = Day("面试日期")
    note = Text("备注", max_length=2000)


class HireForm(FlaskForm):
    start_date = Day("上班日期")
    contract_months = Number("合同期限（月）", low=1, high=120, required=True)
    monthly_wage = Number("月工资（元）", low=1, high=100_000, required=True)
    social_insurance = Choice("是否缴纳社会保险", choices=("yes", "no"))
    # What the worker reads on their page once hired (issue 17).
    work_place = Text("上班地点", max_length=120)
    contact = Text("到了找谁", max_length=60)
    bring = Text("要带的东西", max_length=200)


class PhotoForm(FlaskForm):
    """One photo of the workplace (checked and resized by jobmatch.services.employers.photos)."""

    photo = FileField("照片")
