"""Reading numbers and text from submitted forms, with the error a person can act on."""


class FormErrors(dict):
    """Field name -> message, in Chinese; empty when the form is fine."""


def text_field(form, name: str, errors: FormErrors, *, label: str, max_length: int, required: bool = False) -> str:
    value = (form.get(name) or "").strip()
    if required and not value:
        errors[name] = f"请填写{label}。"
    elif len(value) > max_length:
        errors[name] = f"{label}最多 {max_length} 个字。"
    return value[:max_length]


def number_field(form, name: str, errors: FormErrors, *, label: str, low: float, high: float,
                 kind=int, required: bool = False):
    """The number in the field, None when blank; an error when it is not a number in [low, high]."""
    text = (form.get(name) or "").strip().replace(",", "").replace("，", "")
    if not text:
        if required:
            errors[name] = f"请填写{label}。"
        return None
    try:
        value = float(text)
        if kind is int:
            if value != int(value):
                raise ValueError(text)
            value = int(value)
    except (ValueError, OverflowError):
        errors[name] = f"{label}要写数字。"
        return None
    if value != value or not low <= value <= high:  # value != value: NaN
        errors[name] = f"{label}应在 {low:g} 到 {high:g} 之间。"
        return None
    return value


def choice_field(form, name: str, errors: FormErrors, *, label: str, choices, default=None):
    value = form.get(name) or default
    if value not in choices:
        errors[name] = f"请选择{label}。"
        return default
    return value


def date_field(form, name: str, errors: FormErrors, *, label: str, required: bool = True):
    """A date written 2026-11-05 (what <input type=date> sends); None when blank or wrong."""
    from datetime import date

    text = (form.get(name) or "").strip()
    if not text:
        if required:
            errors[name] = f"请填写{label}。"
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = f"{label}要写成 2026-11-05 这样。"
        return None
