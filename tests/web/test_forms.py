"""What people type into the forms: numbers with separators, impossible numbers, dates, phones,
and the follow-up form's per-member rows; each mistake is a Chinese message under its field."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import Form

from jobmatch.clock import local_today
from jobmatch.models import LedgerEvent
from jobmatch.services.households.follow_up_changes import MemberJob
from jobmatch.views.fields import Choice, Day, Number, Phone, Text
from jobmatch.views.staff.forms import job_changes
from tests.web.helpers import load_small_demo
from tests.web.test_worker_and_security import _code, _worker


class _Sample(Form):
    wage = Number("月工资（元）", low=1, high=100_000, required=True)
    km = Number("距离", low=0, high=3000, kind=float)
    day = Day("上班日期")
    note = Text("备注", max_length=5)
    kind = Choice("岗位类型", choices={"regular": "长期岗位"}, default="regular")
    phone = Phone("联系电话")


def _checked(**typed):
    form = _Sample(formdata=MultiDict({"wage": "3000", "day": "2026-11-05", "phone": "13800138000", **typed}))
    form.validate()
    return form, {name: messages[0] for name, messages in form.errors.items()}


def test_a_filled_in_form_gives_typed_values():
    form, errors = _checked(wage=" 3，000 ", km="12.5", note=" 早班 ")
    assert errors == {}
    assert (form.wage.data, form.km.data, form.day.data, form.note.data, form.kind.data, form.phone.data) == (
        3000, 12.5, date(2026, 11, 5), "早班", "regular", "+8613800138000")


@pytest.mark.parametrize(("typed", "field", "message"), [
    ({"wage": ""}, "wage", "请填写月工资（元）。"),
    ({"wage": "三千"}, "wage", "月工资（元）要写数字。"),
    ({"wage": "3000.5"}, "wage", "月工资（元）要写数字。"),
    ({"wage": "1e400"}, "wage", "月工资（元）要写数字。"),  # infinity: no whole number
    ({"wage": "99999999999"}, "wage", "月工资（元）应在 1 到 100000 之间。"),
    ({"km": "nan"}, "km", "距离应在 0 到 3000 之间。"),
    ({"day": "2026/11/05"}, "day", "上班日期要写成 2026-11-05 这样。"),
    ({"day": ""}, "day", "请填写上班日期。"),
    ({"note": "一二三四五六"}, "note", "备注最多 5 个字。"),
    ({"kind": "forever"}, "kind", "请选择岗位类型。"),
    ({"phone": "12345"}, "phone", "联系电话不对："),
])
def test_each_mistake_is_one_message_under_its_field(typed, field, message):
    _form, errors = _checked(**typed)
    assert list(errors) == [field] and errors[field].startswith(message)


def test_worker_profile_with_an_impossible_number_says_so_and_changes_nothing(app, session, client):
    load_small_demo(session)
    person_id, phone = _worker(session)
    session.rollback()
    client.post("/w/login", data={"phone": phone})
    client.post("/w/login/code", data={"code": _code(session, person_id)})
    response = client.post("/w/profile", data={"skills": "电焊", "max_commute_km": "12", "wage_expectation": "inf"})
    assert response.status_code == 400
    assert "月工资请写 0 到 100000 之间的数字（元）。" in response.get_data(as_text=True)
    assert session.scalar(select(LedgerEvent).where(LedgerEvent.kind == "profile_changed")) is None


def _member(person_id: int, started_on: date | None):
    person = SimpleNamespace(id=person_id, name="李梅")
    current = SimpleNamespace(started_on=started_on) if started_on else None
    return MemberJob(person, current)


def test_follow_up_rows_left_alone_are_not_checked_and_filled_rows_are():
    employed, jobless = _member(7, date(2025, 3, 1)), _member(8, None)
    submitted = MultiDict({"lost_on_7": "not a date",  # lost_7 not ticked: the date is ignored
                           "found_kind_8": "workshop", "found_employer_8": "", "found_income_8": "2,800"})
    found, lost, errors = job_changes([employed, jobless], submitted)
    assert errors == {"found_employer_8": "请填写工作单位。"} and lost == []
    assert found[0].monthly_income == 2800


def test_follow_up_job_for_a_member_still_at_work_asks_to_tick_leaving_first():
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    submitted = MultiDict({"found_kind_7": "workshop", "found_employer_7": "扶贫车间", "found_on_7": tomorrow})
    _found, _lost, errors = job_changes([_member(7, date(2025, 3, 1))], submitted)
    assert errors == {"found_kind_7": "李梅已有在岗记录，换工作请先勾选离职。", "found_on_7": "上岗日期不能晚于今天。"}


def test_follow_up_unknown_job_kind_is_the_only_message_for_that_member():
    _found, _lost, errors = job_changes([_member(8, None)], MultiDict({"found_kind_8": "astronaut"}))
    assert errors == {"found_kind_8": "请选择就业类型。"}
