"""A worker editing their own profile: skills, how far they can travel, wage wish.

The form (jobmatch.views.worker.forms.ProfileForm) checks what the worker typed.
"""

from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.models import Person

EDITABLE_FIELDS = ("skills", "max_commute_km", "mobility", "wage_expectation")


def update_profile(session: Session, person: Person, values: dict, *, actor: str) -> dict:
    """Apply the changed fields and write one ``profile_changed`` event; returns the changes."""
    changes = {f: [getattr(person, f), values[f]] for f in EDITABLE_FIELDS
               if f in values and getattr(person, f) != values[f]}
    if not changes:
        return {}
    for field, (_old, new) in changes.items():
        setattr(person, field, new)
    ledger.append(session, "profile_changed", actor=actor, data=changes, household_id=person.household_id,
                  person_id=person.id, subject=f"person:{person.id}")
    return changes
