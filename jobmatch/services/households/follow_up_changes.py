"""The follow-up form's members: each with their current job, if any, and the kinds of job they can find.

The form (jobmatch.views.staff.forms.MemberJobForm) checks what staff type per member;
``followups.record_follow_up`` checks the rest.
"""

from dataclasses import dataclass

from jobmatch.models import EmploymentSpell, Person
from jobmatch.vocabulary import EMPLOYMENT_LABELS, SPELL_KINDS

JOB_KIND_LABELS = {kind: EMPLOYMENT_LABELS[kind] for kind in SPELL_KINDS}


@dataclass(frozen=True)
class MemberJob:
    """A member as the form shows them: their current job, if any."""

    person: Person
    current: EmploymentSpell | None


def member_jobs(household) -> list[MemberJob]:
    return [MemberJob(p, next((s for s in p.spells if s.ended_on is None), None)) for p in household.members]
