"""Who cannot leave the site (rule 2's first priority group): set with a reason, by staff or the API.

The roster sets it too (column 不能离开安置点原因, jobmatch.services.roster.importing); every
path stores the reason and the flag together and writes the change to the ledger.
"""

from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.models import Person
from jobmatch.models.people import CannotLeaveReason
from jobmatch.services.errors import get_or_fail, require
from jobmatch.vocabulary import CANNOT_LEAVE_REASON_LABELS


def set_cannot_leave_site(session: Session, person_id: int, reason: str, *, actor: str) -> Person:
    """Record why the person cannot leave the settlement; ``reason`` "" means they can."""
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    reason = (reason or "").strip()
    reason = {label: code for code, label in CANNOT_LEAVE_REASON_LABELS.items()}.get(reason, reason)
    allowed = [r.value for r in CannotLeaveReason]
    require(reason == "" or reason in allowed, "cannot_leave_reason",
            f"不能离开安置点原因应为：{'、'.join(CANNOT_LEAVE_REASON_LABELS.values())}，或留空（可以离开）")
    before = [person.cannot_leave_reason, person.cannot_leave_site]
    if before == [reason, bool(reason)]:
        return person
    person.cannot_leave_reason, person.cannot_leave_site = reason, bool(reason)
    ledger.append(session, "profile_changed", actor=actor, household_id=person.household_id, person_id=person.id,
                  subject=f"person:{person.id}",
                  data={"cannot_leave_reason": [before[0], reason], "cannot_leave_site": [before[1], bool(reason)]})
    return person
