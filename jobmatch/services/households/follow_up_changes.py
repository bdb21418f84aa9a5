"""The follow-up form's job changes: per household member, a job lost (离职) and a job found (新就业).

Field names carry the member's id (``found_kind_12``, ``lost_12``) so each error is shown
next to its field; what the form can check is checked here, the rest by
``followups.record_follow_up``.
"""

from dataclasses import dataclass

from jobmatch.clock import local_today
from jobmatch.models import EmploymentSpell, Person
from jobmatch.services.households.employment_changes import NewJob
from jobmatch.services.households.followups import JobLoss
from jobmatch.services.form_fields import FormErrors, date_field, number_field, text_field
from jobmatch.vocabulary import EMPLOYMENT_LABELS, SPELL_KINDS

JOB_KIND_LABELS = {kind: EMPLOYMENT_LABELS[kind] for kind in SPELL_KINDS}
MAX_MONTHLY_INCOME = 100_000


@dataclass(frozen=True)
class MemberJob:
    """A member as the form shows them: their current job, if any."""

    person: Person
    current: EmploymentSpell | None


def member_jobs(household) -> list[MemberJob]:
    return [MemberJob(p, next((s for s in p.spells if s.ended_on is None), None)) for p in household.members]


def job_changes(form, members: list[MemberJob], errors: FormErrors) -> tuple[list[NewJob], list[JobLoss]]:
    """The jobs found and lost that the form asks for; problems go to ``errors`` under the field's name."""
    found, lost = [], []
    for member in members:
        pid, name = member.person.id, member.person.name
        leaving = member.current is not None and form.get(f"lost_{pid}") == "1"
        if leaving:
            ended_on = date_field(form, f"lost_on_{pid}", errors, label="离职日期", required=False)
            if ended_on and ended_on > local_today():
                errors[f"lost_on_{pid}"] = "离职日期不能晚于今天。"
            elif ended_on and ended_on < member.current.started_on:
                errors[f"lost_on_{pid}"] = f"离职日期不能早于上岗日期（{member.current.started_on}）。"
            lost.append(JobLoss(pid, ended_on=ended_on))
        kind = form.get(f"found_kind_{pid}") or ""
        if not kind:
            continue
        if kind not in JOB_KIND_LABELS:
            errors[f"found_kind_{pid}"] = "请选择就业类型。"
            continue
        if member.current is not None and not leaving:
            errors[f"found_kind_{pid}"] = f"{name}已有在岗记录，换工作请先勾选离职。"
        employer = text_field(form, f"found_employer_{pid}", errors, label="工作单位", max_length=120, required=True)
        income = number_field(form, f"found_income_{pid}", errors, label="月收入（元）", low=0,
                              high=MAX_MONTHLY_INCOME)
        started_on = date_field(form, f"found_on_{pid}", errors, label="上岗日期", required=False)
        if started_on and started_on > local_today():
            errors[f"found_on_{pid}"] = "上岗日期不能晚于今天。"
        found.append(NewJob(pid, kind, employer, started_on=started_on, monthly_income=income))
    return found, lost
