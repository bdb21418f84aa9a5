"""Template filters: local times, masking, vocabulary labels."""

from jobmatch.clock import LOCAL_TZ
from jobmatch.privacy import mask_id_number, mask_phone
from jobmatch.vocabulary import CAPACITY_LABELS, EMPLOYMENT_LABELS, EVENT_LABELS
from notifications.phones import national_digits


def localtime(value) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def localdate(value) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d") if value else ""


def employment_label(person) -> str:
    current = [s for s in person.spells if s.ended_on is None]
    return EMPLOYMENT_LABELS[current[-1].kind] if current else EMPLOYMENT_LABELS["unemployed"]


FILTERS = {
    "localtime": localtime,
    "localdate": localdate,
    "mask_id": mask_id_number,
    "mask_phone": mask_phone,
    "national": lambda phone: national_digits(phone) if phone else "",
    "capacity_label": lambda code: CAPACITY_LABELS.get(code, code),
    "employment_label": employment_label,
    "event_label": lambda kind: EVENT_LABELS.get(kind, kind),
}


def register(app) -> None:
    for name, function in FILTERS.items():
        app.add_template_filter(function, name)
