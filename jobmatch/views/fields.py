"""WTForms fields for what people type into our forms, each with the Chinese error a person can act on.

The pages write their own inputs; these fields only read and check what comes back, so a
form class states a field's label (used in the message), its limits and whether it is required.
"""

import math
from datetime import date, time

from wtforms import Field
from wtforms.validators import StopValidation

from notifications.phones import InvalidPhone, normalise_phone


def first_errors(form) -> dict[str, str]:
    """Field name -> its first message: what the pages show next to each field."""
    return {name: messages[0] for name, messages in form.errors.items()}


class _Checked(Field):
    """A field whose text is read in ``process_formdata`` and checked in ``pre_validate``."""

    def __init__(self, label, *, required: bool = False, **kwargs):
        super().__init__(label, **kwargs)
        self.required = required

    def pre_validate(self, form):
        if self.process_errors:  # already has its message; stop the other checks
            raise StopValidation()
        if self.required and self.data in (None, ""):
            raise StopValidation(f"请填写{self.label.text}。")


class Text(_Checked):
    """Text, trimmed; at most ``max_length`` characters."""

    def __init__(self, label, *, max_length: int, **kwargs):
        super().__init__(label, default="", **kwargs)
        self.max_length = max_length

    def process_formdata(self, valuelist):
        self.data = (valuelist[0] if valuelist else "").strip()

    def pre_validate(self, form):
        super().pre_validate(form)
        if len(self.data) > self.max_length:
            raise StopValidation(f"{self.label.text}最多 {self.max_length} 个字。")


class Number(_Checked):
    """A number in [low, high] (thousands separators allowed); None when blank.

    ``message``, when given, is the one error for anything that is not such a number.
    """

    def __init__(self, label, *, low: float, high: float, kind=int, message: str | None = None, **kwargs):
        super().__init__(label, default=None, **kwargs)
        self.low, self.high, self.kind, self.message = low, high, kind, message

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip().replace(",", "").replace("，", "")
        if not text:
            return
        try:
            value = float(text)
            if self.kind is int:
                if value != int(value):
                    raise ValueError(text)
                value = int(value)
        except (ValueError, OverflowError):
            raise ValueError(self.message or f"{self.label.text}要写数字。") from None
        if math.isnan(value) or not self.low <= value <= self.high:
            raise ValueError(self.message or f"{self.label.text}应在 {self.low:g} 到 {self.high:g} 之间。")
        self.data = value


class Choice(_Checked):
    """One of ``choices`` (a dict's keys or a sequence), read with ``coerce``; ``default`` when nothing was picked.

    Forms whose choices depend on the user (their settlements) set ``choices`` after creating the form.
    """

    def __init__(self, label, *, choices=(), default=None, coerce=str, **kwargs):
        super().__init__(label, default=default, **kwargs)
        self.choices, self.coerce = choices, coerce

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        try:
            self.data = self.coerce(text) if text else self.default
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        if self.data not in self.choices:
            self.data = self.default
            raise StopValidation(f"请选择{self.label.text}。")


class Day(_Checked):
    """A date written 2026-11-05 (what <input type=date> sends); None when blank."""

    def __init__(self, label, *, required: bool = True, **kwargs):
        super().__init__(label, required=required, default=None, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        try:
            self.data = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{self.label.text}要写成 2026-11-05 这样。") from None


class Flag(Field):
    """A checkbox: True when ticked (the browser sends 1/on)."""

    def __init__(self, label, **kwargs):
        super().__init__(label, default=False, **kwargs)

    def process_formdata(self, valuelist):
        self.data = bool(valuelist) and valuelist[0] in ("1", "on", "yes", "true")


class Phone(_Checked):
    """A mainland phone number, normalised (+86...); required."""

    def __init__(self, label, **kwargs):
        super().__init__(label, required=True, default=None, **kwargs)

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        if not raw:
            return
        try:
            self.data = normalise_phone(raw)
        except InvalidPhone as exc:
            raise ValueError(f"{self.label.text}不对：{exc}") from None


class TimeOfDay(_Checked):
    """A time of day written 9:00 or 09:00 (what <input type=time> sends); None when blank."""

    def __init__(self, label, *, required: bool = False, **kwargs):
        super().__init__(label, required=required, default=None, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip().replace("：", ":")
        if not text:
            return
        try:
            hours, minutes = text.split(":")[:2]
            self.data = time(int(hours), int(minutes))
        except ValueError:
            raise ValueError(f"{self.label.text}要写成 9:00 这样。") from None
