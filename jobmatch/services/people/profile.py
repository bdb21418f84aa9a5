"""A worker editing their own profile: skills, how far they can travel, wage wish."""

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.models import Person
from jobmatch.vocabulary import MOBILITY_LABELS

EDITABLE_FIELDS = ("skills", "max_commute_km", "mobility", "wage_expectation")
_SKILL_SEPARATORS = re.compile(r"[、，,；;/\s]+")


@dataclass
class ProfileForm:
    values: dict
    errors: dict[str, str]


def parse_profile_form(form) -> ProfileForm:
    """Read the worker's form; errors are plain words next to the field."""
    values, errors = {}, {}
    skills = [s for s in _SKILL_SEPARATORS.split(form.get("skills", "").strip()) if s]
    if len(skills) > 20 or any(len(s) > 20 for s in skills):
        errors["skills"] = "技能写得太长了，每样技能用顿号隔开，最多 20 样。"
    values["skills"] = skills[:20]
    values["max_commute_km"] = _number(form.get("max_commute_km"), 0, 3000, "max_commute_km",
                                       "能走多远请写 0 到 3000 之间的公里数。", errors, float)
    mobility = form.get("mobility") or None
    if mobility is not None and mobility not in MOBILITY_LABELS:
        errors["mobility"] = "请从列表里选一项。"
    values["mobility"] = mobility
    values["wage_expectation"] = _number(form.get("wage_expectation"), 0, 100000, "wage_expectation",
                                         "月工资请写 0 到 100000 之间的数字（元）。", errors, int)
    return ProfileForm(values, errors)


def _number(raw, low, high, field, message, errors, kind):
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = kind(float(text)) if kind is int else kind(text)
    except ValueError:
        errors[field] = message
        return None
    if not low <= value <= high:
        errors[field] = message
        return None
    return value


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
