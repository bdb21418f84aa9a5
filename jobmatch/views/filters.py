"""Template filters and globals: local times, masking, vocabulary labels, the status enums."""

from collections.abc import Callable
from typing import Any

from jobmatch.clock import LOCAL_TZ
from jobmatch.models.employers import EmployerApproval, VacancyStatus
from jobmatch.models.employment import SubsidyStatus
from jobmatch.models.fairs import Attendance, CheckInWindow
from jobmatch.models.offers import FILLING_STATUSES, OfferChannel, OfferStatus, RoundScope
from jobmatch.models.problems import ProblemSource, ProblemStage
from jobmatch.models.training import EnrolmentStatus
from jobmatch.models.welfare import WelfarePostStatus
from jobmatch.privacy import mask_id_number, mask_phone
from jobmatch.vocabulary import staff
from jobmatch.vocabulary.staff import CAPACITY_LABELS, MOBILITY_LABELS
from jobmatch.vocabulary.worker import reason_message
from notifications.phones import national_digits


def localtime(value) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def localdate(value) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d") if value else ""


def waited(age) -> str:
    """A waiting time in plain words: 2天3小时, 3小时5分钟, 4分钟."""
    if age is None:
        return "—"
    minutes = max(0, int(age.total_seconds() // 60))
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days}天{hours}小时"
    return f"{hours}小时{minutes}分钟" if hours else f"{minutes}分钟"


def employment_label(person) -> str:
    """学龄前, 在校 and 无劳动能力 for those not in the workforce, never 未就业 (households.status decides)."""
    from jobmatch.clock import local_today
    from jobmatch.services.households.status import work_status_label

    return work_status_label(person, local_today())


def percent(value) -> str:
    return f"{100 * value:.1f}%" if value is not None else "—"


def wage_range(vacancy) -> str:
    if vacancy.wage_min and vacancy.wage_max:
        return f"{vacancy.wage_min}–{vacancy.wage_max} 元/月"
    return f"{vacancy.wage_min or vacancy.wage_max} 元/月" if (vacancy.wage_min or vacancy.wage_max) else "面议"


def _words_locale() -> str:
    """The locale plain words are written in: "en" on the English pages, else "zh"."""
    from flask_babel import get_locale

    locale = get_locale()
    return "en" if locale and locale.language == "en" else "zh"


def deadline_words(moment) -> str:
    """A deadline as a worker reads it: 12月3日 周四 中午12点前 (the words the SMS use)."""
    from notifications.wording import deadline_text

    return deadline_text(moment, _words_locale()) if moment else ""


def moment_words(moment) -> str:
    """A moment as a worker reads it: 12月4日 周五 早上7点."""
    from notifications.wording import moment_text

    return moment_text(moment, _words_locale()) if moment else ""


def answer_by(offer) -> str:
    """An offer's answer deadline in plain words, the same words its SMS used."""
    from jobmatch.services.offers.lifecycle import answer_deadline, current_settings

    return deadline_words(answer_deadline(offer, current_settings()))


def welfare_answer_by(appointment) -> str:
    """The day and hour an offered welfare place passes on unless the worker answers."""
    from jobmatch.config import current_settings
    from jobmatch.services.welfare.appointments import answer_deadline

    return deadline_words(answer_deadline(appointment, current_settings().offer_expiry_hours))


def gig_where(gig) -> str:
    """Where a gig is: its known place with the address, else the address or the settlement."""
    from jobmatch.services.gigs.posting import where_words

    return where_words(gig)


def day_words(day) -> str:
    """A day as a worker reads it: 12月7日 周一 (the year too when it is not this year's)."""
    from jobmatch.clock import local_today
    from notifications.wording import day_text

    if not day:
        return ""
    english = _words_locale() == "en"
    words = day_text(day, "en" if english else "zh")
    if day.year == local_today().year:
        return words
    return f"{words} {day.year}" if english else f"{day.year}年{words}"


FILTERS: dict[str, Callable[..., Any]] = {
    "answer_by": answer_by,
    "localtime": localtime,
    "localdate": localdate,
    "mask_id": mask_id_number,
    "mask_phone": mask_phone,
    "national": lambda phone: national_digits(phone) if phone else "",
    "capacity_label": lambda code: CAPACITY_LABELS.get(code, code),
    "employment_label": employment_label,
    "event_label": staff.event_label,
    "mobility_label": lambda code: MOBILITY_LABELS.get(code, code or ""),
    "percent": percent,
    "waited": waited,
    "wage_range": wage_range,
    "offer_status": lambda code: staff.OFFER_STATUS_LABELS.get(code, code),
    "offer_channel": lambda code: staff.OFFER_CHANNEL_LABELS.get(code, ""),
    "round_status": lambda code: staff.ROUND_STATUS_LABELS.get(code, code),
    "welfare_post_status": lambda code: staff.WELFARE_POST_STATUS_LABELS.get(code, code),
    "welfare_answer_by": welfare_answer_by,
    "day_words": day_words,
    "deadline_words": deadline_words,
    "moment_words": moment_words,
    "gig_where": gig_where,
    "reason_message": reason_message,
}

# Templates compare statuses with these, never with bare strings.
STATUS_GLOBALS = {enum.__name__: enum for enum in (
    OfferStatus, OfferChannel, RoundScope, VacancyStatus, EmployerApproval, WelfarePostStatus, Attendance,
    EnrolmentStatus, ProblemStage, SubsidyStatus, CheckInWindow, ProblemSource)} | {"FILLING_STATUSES": FILLING_STATUSES}


def register(app) -> None:
    for name, function in FILTERS.items():
        app.add_template_filter(function, name)
    app.jinja_env.globals.update(STATUS_GLOBALS)
