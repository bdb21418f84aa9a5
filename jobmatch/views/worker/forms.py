"""The worker's own forms: their profile (skills, how far they can travel, wage wish)."""

import re

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from jobmatch.views.fields import Number
from jobmatch.vocabulary import MOBILITY_LABELS

MAX_SKILLS, MAX_SKILL_CHARS = 20, 20
_SKILL_SEPARATORS = re.compile(r"[、，,；;/\s]+")


class ProfileForm(FlaskForm):
    """Errors are plain words next to the field."""

    skills = StringField(default="")
    max_commute_km = Number("能走多远", low=0, high=3000, kind=float,
                            message="能走多远请写 0 到 3000 之间的公里数。")
    mobility = StringField(default="")
    wage_expectation = Number("月工资", low=0, high=100_000, message="月工资请写 0 到 100000 之间的数字（元）。")

    def skill_list(self) -> list[str]:
        return [s for s in _SKILL_SEPARATORS.split((self.skills.data or "").strip()) if s]

    def validate_skills(self, field):
        skills = self.skill_list()
        if len(skills) > MAX_SKILLS or any(len(s) > MAX_SKILL_CHARS for s in skills):
            raise ValidationError("技能写得太长了，每样技能用顿号隔开，最多 20 样。")

    def validate_mobility(self, field):
        if field.data and field.data not in MOBILITY_LABELS:
            raise ValidationError("请从列表里选一项。")

    def values(self) -> dict:
        """What ``people.profile.update_profile`` takes."""
        return {"skills": self.skill_list()[:MAX_SKILLS], "max_commute_km": self.max_commute_km.data,
                "mobility": self.mobility.data or None, "wage_expectation": self.wage_expectation.data}
