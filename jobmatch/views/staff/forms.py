"""The staff console's forms: fairs, welfare posts, courses, door visits, follow-ups.

Forms that offer the user's own settlements (or a list of vacancies) take the ids offered
when they are created; anything else in the field is "please pick one".
"""

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField
from wtforms.validators import ValidationError

from jobmatch.clock import local_today
from jobmatch.models.geography import PlaceKind
from jobmatch.models.problems import ProblemCategory
from jobmatch.services.households import followups, monitoring, monitoring_alerts, problems, zero_employment
from jobmatch.services.households import listing as household_listing
from jobmatch.services.households.employment_changes import NewJob
from jobmatch.services.households.follow_up_changes import JOB_KIND_LABELS, MemberJob
from jobmatch.services.households.followups import JobLoss
from jobmatch.services.welfare.posts import MAX_TERM_MONTHS
from jobmatch.views.fields import Choice, Day, Flag, Number, Text, TimeOfDay
from jobmatch.vocabulary import MONITORING_LABELS, SPELL_KINDS
from jobmatch.vocabulary import staff as staff_words

MAX_MONTHLY_INCOME = 100_000


class _SettlementForm(FlaskForm):
    """A form for one of the user's settlements, picked from ``settlement_ids``."""

    settlement_id = Choice("您负责的安置点", coerce=int)

    def __init__(self, settlement_ids, **kwargs):
        super().__init__(**kwargs)
        self.settlement_id.choices = settlement_ids


class FairForm(_SettlementForm):
    name = Text("招聘会名称", max_length=120, required=True)
    place = Text("地点", max_length=120, required=True)
    held_on = Day("举办日期")
    starts_at = TimeOfDay("开始时间")  # blank: 9:00


class FairInviteForm(FlaskForm):
    limit = Number("邀请人数", low=1, high=5000)


class WelfarePostForm(_SettlementForm):
    title = Text("岗位名称", max_length=80, required=True)
    duties = Text("工作内容", max_length=500)
    quota = Number("名额", low=1, high=500, required=True)
    monthly_subsidy = Number("月补贴（元）", low=1, high=10_000, required=True)
    term_months = Number("任期（月）", low=1, high=MAX_TERM_MONTHS, required=True)
    age_min = Number("最低年龄（不填为16）", low=16, high=80)
    age_max = Number("最高年龄（不填为65）", low=16, high=80)


class CourseForm(_SettlementForm):
    name = Text("课程名称", max_length=120, required=True)
    skill = Text("技能", max_length=40, required=True)
    place = Text("培训地点", max_length=120, required=True)
    starts_on = Day("开课日期")
    ends_on = Day("结课日期")
    capacity = Number("名额", low=1, high=500, required=True)

    def course_values(self) -> dict:
        return {name: self[name].data for name in ("name", "skill", "place", "starts_on", "ends_on", "capacity")}


class DoorVisitForm(FlaskForm):
    """A job taken to the door: one of ``vacancy_ids`` (or none) and a note."""

    note = Text("情况说明", max_length=zero_employment.NOTE_MAX_CHARS)
    vacancy_id = StringField(default="")

    def __init__(self, vacancy_ids, **kwargs):
        super().__init__(**kwargs)
        self.vacancy_ids = vacancy_ids

    def validate_vacancy_id(self, field):
        if field.data and self.vacancy() not in self.vacancy_ids:
            raise ValidationError("请从列表中选择岗位。")

    def vacancy(self) -> int | None:
        text = self.vacancy_id.data or ""
        return int(text) if text.isdigit() and len(text) < 10 else None


class FollowUpForm(FlaskForm):
    method = Choice("回访方式", choices=followups.CONTACT_CHOICES)
    summary = Text("回访情况", max_length=followups.SUMMARY_MAX_CHARS)
    problem = Text("反映的问题", max_length=problems.DESCRIPTION_MAX_CHARS)
    category = Choice("问题类别", choices=staff_words.PROBLEM_CATEGORY_LABELS, default=ProblemCategory.OTHER)
    # A monitored household's follow-up (the service says they are required there).
    employment_state = StringField(default="")
    needs = Text("帮扶需求", max_length=followups.NOTES_MAX_CHARS)
    training_wish = Text("培训意愿", max_length=followups.NOTES_MAX_CHARS)

    def monitoring_notes(self) -> followups.MonitoringNotes:
        return followups.MonitoringNotes(self.employment_state.data or "", self.needs.data or "",
                                         self.training_wish.data or "")


MONITORING_CHOICES = {**{str(c): MONITORING_LABELS[c] for c in monitoring.URGENCY}, "none": "解除监测"}


class MonitoringFlagForm(FlaskForm):
    """Flag a household for poverty-relapse monitoring (a category) or end it ("none"), with a reason."""

    category = Choice("监测类型", choices=MONITORING_CHOICES)
    reason = Text("原因", max_length=monitoring.REASON_MAX_CHARS, required=True)


class AlertCloseForm(FlaskForm):
    note = Text("帮扶措施", max_length=monitoring_alerts.NOTE_MAX_CHARS, required=True)


class MemberJobForm(Form):
    """One member's rows of the follow-up form: a job lost (离职) and a job found (新就业).

    The page names the fields after the member (``found_kind_12``, ``lost_12``); the form reads
    them under its own names and gives its errors back under the page's. Only the rows the
    staff member filled in are checked.
    """

    lost = StringField(default="")
    lost_on = Day("离职日期", required=False)
    found_kind = StringField(default="")
    found_employer = Text("工作单位", max_length=120, required=True)
    found_income = Number("月收入（元）", low=0, high=MAX_MONTHLY_INCOME)
    found_on = Day("上岗日期", required=False)

    def __init__(self, member: MemberJob, submitted):
        suffix = f"_{member.person.id}"
        super().__init__(formdata=MultiDict({name.removesuffix(suffix): value for name, value in submitted.items()
                                             if name.endswith(suffix)}))
        self.member = member

    @property
    def leaving(self) -> bool:
        return self.member.current is not None and self.lost.data == "1"

    @property
    def finding(self) -> bool:
        return bool(self.found_kind.data)

    def validate_lost_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError("离职日期不能晚于今天。")
        if field.data and self.member.current is not None and field.data < self.member.current.started_on:
            raise ValidationError(f"离职日期不能早于上岗日期（{self.member.current.started_on}）。")

    def validate_found_kind(self, field):
        if field.data not in JOB_KIND_LABELS:
            raise ValidationError("请选择就业类型。")
        if self.member.current is not None and not self.leaving:
            raise ValidationError(f"{self.member.person.name}已有在岗记录，换工作请先勾选离职。")

    def validate_found_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError("上岗日期不能晚于今天。")

    def member_errors(self) -> dict[str, str]:
        """Errors of the rows in use, under the page's field names (``found_on_12``)."""
        checked = ["lost_on"] if self.leaving else []
        if self.finding:
            known_kind = self.found_kind.data in JOB_KIND_LABELS
            checked += ["found_kind", "found_employer", "found_income", "found_on"] if known_kind else ["found_kind"]
        return {f"{name}_{self.member.person.id}": self[name].errors[0] for name in checked if self[name].errors}

    def job_lost(self) -> JobLoss | None:
        return JobLoss(self.member.person.id, ended_on=self.lost_on.data) if self.leaving else None

    def job_found(self) -> NewJob | None:
        if not self.finding:
            return None
        return NewJob(self.member.person.id, self.found_kind.data, self.found_employer.data,
                      started_on=self.found_on.data, monthly_income=self.found_income.data)


def job_changes(members: list[MemberJob], submitted) -> tuple[list[NewJob], list[JobLoss], dict[str, str]]:
    """The jobs found and lost that the follow-up form asks for, and its errors by the page's field names."""
    found, lost, errors = [], [], {}
    for member in members:
        form = MemberJobForm(member, submitted)
        form.validate()
        errors.update(form.member_errors())
        found += [job for job in [form.job_found()] if job]
        lost += [loss for loss in [form.job_lost()] if loss]
    return found, lost, errors


class SpecialActionForm(_SettlementForm):
    """A 招聘活动 or 培训行动 held at a site (rule 3's special action)."""

    kind = Choice("行动类别", choices=tuple(staff_words.SPECIAL_ACTION_KIND_LABELS))
    held_on = Day("举办日期")
    title = Text("行动名称", max_length=120, required=True)


class BaselineForm(_SettlementForm):
    """A site's employment baseline: a count typed in, or taken from the roster on the date."""

    employed = Number("就业基数（人）", low=0, high=1_000_000)
    as_of = Day("基数日期")


class StaffPhoneForm(FlaskForm):
    phone = Text("接收提醒的手机", max_length=20)


class HouseholdListForm(Form):
    """The household list's filters, read from the query string (a GET form: no CSRF token)."""

    q = Text("查找", max_length=40)
    settlement_id = Choice("安置点", coerce=int)
    zero = Flag("零就业家庭")
    monitored = Flag("防返贫监测户")
    follow_up = Choice("回访", choices=("", *household_listing.FOLLOW_UP_FILTERS), default="")
    wants_work = Flag("想就业但未就业")
    employed = Choice("就业类型", choices=("", *SPELL_KINDS), default="")
    sort = Choice("排序", choices=household_listing.SORTS, default="household_no")
    page = Number("页码", low=1, high=100_000)

    def filters(self) -> household_listing.HouseholdFilters:
        """What passed its check; a field that did not is left out (the list still shows)."""
        def ok(field, fallback):
            return fallback if field.errors or field.data is None else field.data
        return household_listing.HouseholdFilters(
            query=ok(self.q, ""), settlement_id=ok(self.settlement_id, None), zero_employment=bool(self.zero.data),
            monitored=bool(self.monitored.data), follow_up=ok(self.follow_up, ""),
            wants_work_unemployed=bool(self.wants_work.data), employed_kind=ok(self.employed, ""),
            sort=ok(self.sort, "household_no"), page=int(ok(self.page, 1)))
class PlaceForm(FlaskForm):
    """A township or industrial park with its coordinates, entered once (``county_ids``: the counties offered)."""

    county_id = Number("所在县区", low=1, high=2**31 - 1, required=True)
    name = Text("地点名称", max_length=60, required=True)
    kind = Choice("地点类型", choices=staff_words.PLACE_KIND_LABELS, default=PlaceKind.TOWNSHIP)
    lat = Number("纬度", low=18.0, high=54.0, kind=float, required=True)
    lon = Number("经度", low=73.0, high=135.5, kind=float, required=True)

    def __init__(self, county_ids, **kwargs):
        super().__init__(**kwargs)
        self.county_ids = county_ids

    def validate_county_id(self, field):
        if field.data not in self.county_ids:
            raise ValidationError("请选择所在县区。")
class ExportGroupForm(FlaskForm):
    """A labour-export group (劳务输出); county, employer and leader choices are set by the view."""

    name = Text("输出团名称", max_length=60, required=True)
    county_id = Choice("县区", coerce=int)
    employer_id = Choice("用工单位", coerce=int)
    destination_province = Text("目的地省份", max_length=30, required=True)
    destination_city = Text("目的地城市", max_length=30)
    jobs = Text("岗位（工种）", max_length=120, required=True)
    monthly_wage = Number("月工资（元）", low=1, high=100_000, required=True)
    contract_months = Number("合同期限（月）", low=1, high=60, required=True)
    dormitory = Flag("提供宿舍")
    meals = Flag("提供工作餐")
    departs_on = Day("出发日期")
    departs_time = Text("出发时间", max_length=5, required=True)
    gathering_point = Text("集合地点", max_length=60, required=True)
    transport = Choice("交通方式", choices=tuple(staff_words.TRANSPORT_MODE_LABELS))
    seats = Number("座位数", low=1, high=2000, required=True)
    leader = Choice("带队")

    def validate_departs_time(self, field):
        hours, _, minutes = (field.data or "").partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValidationError("出发时间要写成 07:30 这样。")
