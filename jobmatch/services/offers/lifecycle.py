"""Job offers after approval: sending, answers, expiry, replacements and the waiting list.

Lifecycle: proposed → sent → accepted | waitlisted | declined | expired → hired | not_hired
(reserve → sent for automatic replacements; proposed/reserve → skipped when a worker
cannot be sent one; sent/accepted/waitlisted → withdrawn when the worker is hired for
another vacancy). Decisions:
- Delivery: an offer goes by SMS when the person has a usable phone and has not opted
  out; otherwise it is still sent, with channel "visit": staff deliver it at the door
  (送岗位上门) and record the answer with the same handler (via "visit").
- Expiry: the answer window (OFFER_EXPIRY_HOURS) starts when the SMS reaches the worker:
  delivered, or sent when the provider gives no receipts; an offer delivered at the door
  starts it at once. The SMS states a deadline in plain words, computed when it is queued
  (``promised_deadline``: the window from the first moment it may go, rounded up to noon
  or 6 pm); the real end is never earlier than what the SMS said
  (``start_answer_window``). `jobmatch offers expire` (run every few minutes) expires the
  overdue ones; an SMS that never settles (cancelled, stuck) expires a day after its window.
- A declined or expired offer is replaced by the next reserve of the same round for that
  vacancy (zero-employment households first, then rank), one for one, while the vacancy
  has openings not claimed by sent, accepted or hired offers.
- A freed place (an accepted offer declined, or not hired) goes first to the waiting list
  (zero-employment households first, then who said yes first), else to a replacement.
- A withdrawn offer frees its place exactly as a "no" does (the same path).
- A late "1" to an expired or declined offer is taken like any yes: a place if one is
  free, else the waiting list.

Concurrency: every change here starts with ``lock_vacancies``: the ledger chain's lock
(taken first by every ledger writer's transaction anyway, so taking it first everywhere
means one lock order and no deadlock), then the vacancy rows FOR UPDATE on PostgreSQL
(SQLite's BEGIN IMMEDIATE already serialises writers). Counts of places are read after
the locks. Every status change is a conditional UPDATE (WHERE status IN the expected
ones), so a second approver or a repeated answer changes nothing and sends nothing.
A unique partial index allows one ``sent`` offer per person.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import LOCAL_TZ, utcnow
from jobmatch.config import Settings
from jobmatch.config import current_settings as current_app_settings
from jobmatch.models import EmploymentSpell, Household, Message, Offer, Person, Vacancy
from jobmatch.models.employers import VacancyStatus
from jobmatch.models.messages import NEVER_SENT_STATUSES, MessageStatus
from jobmatch.models.offers import (
    ANSWERABLE_NO,
    ANSWERABLE_YES,
    CLAIMING_STATUSES,
    FILLING_STATUSES,
    SENDABLE_STATUSES,
    OfferChannel,
    OfferStatus,
)
from jobmatch.services.errors import WorkflowError
from jobmatch.services.sms.messaging import normalised_phone, queue_message
from notifications.kinds import MessageKind
from notifications.rules import send_time_for
from notifications.wording import moment_text

# An SMS offer whose text never settled (cancelled by an opt-out, stuck) still expires this
# long after its window would have ended, so its place is not held for ever.
UNSETTLED_GRACE_HOURS = 24


class OfferStateError(WorkflowError):
    """The offer is not in a state that allows this step: a conflict, not bad input."""

    status = 409


@dataclass(frozen=True)
class OfferSettings:
    """What sending needs from the configuration."""

    public_base_url: str
    expiry_hours: int

    @classmethod
    def from_settings(cls, settings: Settings) -> "OfferSettings":
        return cls(settings.public_base_url, settings.offer_expiry_hours)


def current_settings() -> OfferSettings:
    """The offer settings of the running app."""
    return OfferSettings.from_settings(current_app_settings())


@dataclass
class SendResult:
    """Offers sent now, offers skipped (id → why), offers someone else had already handled,
    and of the sent ones' SMS: how many go out now and how many wait for the end of quiet hours."""

    sent: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)
    already_handled: list[int] = field(default_factory=list)
    sms_now: int = 0
    sms_waiting: int = 0
    sms_waiting_until: datetime | None = None
    visits: int = 0


# -- locks and counts ------------------------------------------------------------------------

def lock_vacancies(session: Session, vacancy_ids) -> dict[int, Vacancy]:
    """Serialise with every other offer change on these vacancies; their fresh rows by id."""
    ledger.lock_chain(session)
    rows = session.scalars(
        select(Vacancy).where(Vacancy.id.in_(sorted(set(vacancy_ids)))).order_by(Vacancy.id)
        .with_for_update().execution_options(populate_existing=True))
    return {vacancy.id: vacancy for vacancy in rows}


def count_offers(session: Session, vacancy_id: int, statuses) -> int:
    """Offers of a vacancy in these statuses, counted in the database."""
    return session.scalar(select(func.count()).select_from(Offer).where(
        Offer.vacancy_id == vacancy_id, Offer.status.in_(statuses))) or 0


def fresh_offer(session: Session, offer_id: int) -> Offer | None:
    """The offer as the database has it now."""
    return session.get(Offer, offer_id, populate_existing=True)


def reload_offer(session: Session, offer_id: int) -> Offer:
    """``fresh_offer`` for an offer known to exist (just found or moved; offers are never deleted)."""
    offer = fresh_offer(session, offer_id)
    assert offer is not None, f"offer {offer_id} vanished"
    return offer


def transition_offer(session: Session, offer_id: int, from_statuses, to_status: str, **values) -> bool:
    """Move one offer from one of ``from_statuses`` to ``to_status``; False when it was not there."""
    result = session.execute(
        update(Offer).where(Offer.id == offer_id, Offer.status.in_(from_statuses))
        .values(status=to_status, **values).execution_options(synchronize_session=False))
    loaded = session.identity_map.get(session.identity_key(Offer, offer_id))
    if loaded is not None:
        session.expire(loaded)
    return result.rowcount == 1  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult


def record_offer_event(session: Session, kind: str, offer: Offer, actor: str, **data) -> None:
    """Append an event about an offer: subject "offer:<id>", with its offer, round and vacancy ids."""
    person = offer.person
    ledger.append(session, kind, actor=actor, person_id=person.id, household_id=person.household_id,
                  subject=f"offer:{offer.id}",
                  data={"offer_id": offer.id, "round_id": offer.round_id, "vacancy_id": offer.vacancy_id, **data})


# -- SMS ----------------------------------------------------------------------------------------

def wage_text(vacancy: Vacancy) -> str:
    """Pay as a worker reads it."""
    low, high = vacancy.wage_min, vacancy.wage_max
    if low and high and low != high:
        return f"月薪{low}-{high}元"
    if low or high:
        return f"月薪{low or high}元"
    return "工资面议"


def wage_variable(vacancy: Vacancy) -> str:
    """Pay as the SMS template's {wage} after 月薪: "4500-6000元", "4500元" or "面议"."""
    low, high = vacancy.wage_min, vacancy.wage_max
    if low and high and low != high:
        return f"{low}-{high}元"
    return f"{low or high}元" if low or high else "面议"


def offer_message_data(offer: Offer, settings: OfferSettings) -> dict:
    """Template fields of the job_offer SMS and its confirmations; the link opens the offer."""
    vacancy = offer.vacancy
    return {"title": vacancy.title, "employer": vacancy.employer.name, "wage": wage_variable(vacancy),
            "deadline": moment_text(promised_deadline(offer.sent_at or utcnow(), settings.expiry_hours)),
            "link": f"offer:{offer.id}"}


# The answer deadline a worker is told falls on one of these local times.
_DEADLINE_TIMES = (time(12, 0), time(18, 0))


def promised_deadline(queued_at: datetime, expiry_hours: int, kind: MessageKind = MessageKind.JOB_OFFER) -> datetime:
    """The deadline an offer's SMS (of ``kind``: a job, a welfare place) states: the window from the moment
    the SMS may first go (after quiet hours), rounded up to the next noon or 6 pm local time."""
    end = (send_time_for(kind, queued_at) + timedelta(hours=expiry_hours)).astimezone(LOCAL_TZ)
    for day in (end.date(), end.date() + timedelta(days=1)):
        for at in _DEADLINE_TIMES:
            candidate = datetime.combine(day, at, tzinfo=LOCAL_TZ)
            if candidate >= end:
                return candidate
    raise AssertionError("unreachable: a later noon always exists")


def answer_deadline(offer: Offer, settings: OfferSettings) -> datetime | None:
    """When the worker must answer by: the window's end once it started, else what the SMS said."""
    if offer.expires_at is not None or offer.sent_at is None:
        return offer.expires_at
    return promised_deadline(offer.sent_at, settings.expiry_hours)


def start_answer_window(session: Session, offer_id: int, arrived_at: datetime,
                        settings: OfferSettings | None = None) -> None:
    """The offer's SMS reached the worker (or settled) at ``arrived_at``: the answer window runs
    from then, and never ends before the deadline the SMS stated. A later receipt moves it later."""
    settings = settings or current_settings()
    offer = session.get(Offer, offer_id)
    if offer is None or offer.status != OfferStatus.SENT or offer.channel != OfferChannel.SMS or offer.sent_at is None:
        return
    end = max(promised_deadline(offer.sent_at, settings.expiry_hours), arrived_at + timedelta(hours=settings.expiry_hours))
    if offer.expires_at is None or end > offer.expires_at:
        session.execute(update(Offer).where(Offer.id == offer_id, Offer.status == OfferStatus.SENT)
                        .values(expires_at=end).execution_options(synchronize_session=False))
        session.expire(offer)


def delivery_channel(person: Person) -> str:
    """"sms" when a text can reach the person, else "visit" (staff deliver it)."""
    phone, _problem = normalised_phone(person.phone)
    return OfferChannel.SMS if phone and not person.phone_invalid and not person.sms_opt_out else OfferChannel.VISIT


def _confirm(session: Session, offer: Offer, kind: MessageKind, actor: str, settings: OfferSettings) -> str:
    if offer.channel == OfferChannel.SMS:
        data = offer_message_data(offer, settings)
        fields = {"title", "link"} if kind == MessageKind.CONFIRM_DECLINED else {"employer", "title", "link"}
        queue_message(session, person_id=offer.person_id, kind=kind, subject=f"offer:{offer.id}", actor=actor,
                      data={name: data[name] for name in fields})
    return kind.value


# -- sending ----------------------------------------------------------------------------------

def _blocker(session: Session, offer: Offer) -> str:
    """Why this offer cannot be sent now, or ""."""
    if session.scalar(select(EmploymentSpell.id).where(
            EmploymentSpell.person_id == offer.person_id, EmploymentSpell.ended_on.is_(None)).limit(1)):
        return "已就业"
    if session.scalar(select(Offer.id).where(Offer.person_id == offer.person_id, Offer.status == OfferStatus.SENT).limit(1)):
        return "正在等另一份岗位的答复"
    if session.scalar(select(Offer.id).where(
            Offer.person_id == offer.person_id, Offer.vacancy_id == offer.vacancy_id,
            Offer.status.in_((OfferStatus.ACCEPTED, OfferStatus.WAITLISTED, OfferStatus.HIRED))).limit(1)):
        return "已接受或候补这个岗位"
    return ""


def send_one(session: Session, offer_id: int, *, actor: str, automatic: bool, settings: OfferSettings) -> str:
    """Send one offer (its vacancy already locked): "sent", "handled" or why it was skipped."""
    offer = fresh_offer(session, offer_id)
    if offer is None or offer.status not in SENDABLE_STATUSES:
        return "handled"
    reason = _blocker(session, offer)
    if reason:
        if offer.status == OfferStatus.PROPOSED:  # reserves stay in the list for a later replacement
            transition_offer(session, offer.id, (OfferStatus.PROPOSED,), OfferStatus.SKIPPED, skip_reason=reason)
            record_offer_event(session, "offer_skipped", offer, actor, reason=reason)
        return reason
    now = utcnow()
    channel = delivery_channel(offer.person)
    # By SMS the window starts when the text arrives (start_answer_window); at the door, now.
    expires_at = None if channel == OfferChannel.SMS else now + timedelta(hours=settings.expiry_hours)
    values = {"sent_at": now, "expires_at": expires_at, "channel": channel, "automatic": automatic}
    try:
        with session.begin_nested():
            moved = transition_offer(session, offer.id, SENDABLE_STATUSES, OfferStatus.SENT, **values)
    except IntegrityError:  # another transaction sent this person an offer first
        return "正在等另一份岗位的答复"
    if not moved:
        return "handled"
    offer = reload_offer(session, offer.id)
    if channel == OfferChannel.SMS:
        queue_message(session, person_id=offer.person_id, kind=MessageKind.JOB_OFFER, expects_reply=True,
                      data=offer_message_data(offer, settings), subject=f"offer:{offer.id}", actor=actor)
    record_offer_event(session, "offer_sent", offer, actor, person_id=offer.person_id, score=offer.score, rank=offer.rank,
           features=dict(offer.features or {}), channel=channel, automatic=automatic, expires_at=offer.expires_at)
    return "sent"


def send_offers(session: Session, offer_ids, *, actor: str, settings: OfferSettings | None = None) -> SendResult:
    """Send the given proposed offers (approval); safe to call twice or from two approvers at once."""
    settings = settings or current_settings()
    offers = session.scalars(select(Offer).where(Offer.id.in_(list(offer_ids))).order_by(Offer.id)).all()
    lock_vacancies(session, {offer.vacancy_id for offer in offers})
    result = SendResult()
    for offer in offers_in_priority_order(session, [o.id for o in offers]):
        outcome = send_one(session, offer.id, actor=actor, automatic=False, settings=settings)
        if outcome == "sent":
            result.sent.append(offer.id)
        elif outcome == "handled":
            result.already_handled.append(offer.id)
        else:
            result.skipped[offer.id] = outcome
    _count_sms_timing(session, result)
    return result


def _count_sms_timing(session: Session, result: SendResult) -> None:
    """How many of the sent offers' SMS go out now, how many wait for 08:00, how many go by visit."""
    if not result.sent:
        return
    rows = session.execute(select(Message.status, Message.due_at).where(
        Message.kind == MessageKind.JOB_OFFER.value,
        Message.subject.in_([f"offer:{offer_id}" for offer_id in result.sent]))).all()
    waiting = [due_at for status, due_at in rows if status == MessageStatus.HELD]
    result.sms_waiting, result.sms_waiting_until = len(waiting), min(waiting, default=None)
    result.sms_now = sum(1 for status, _ in rows if status not in (MessageStatus.HELD, *NEVER_SENT_STATUSES))
    result.visits = len(result.sent) - len(rows)


def offers_in_priority_order(session: Session, offer_ids) -> list[Offer]:
    """Offers with zero-employment households first, then by vacancy and rank."""
    return list(session.scalars(
        select(Offer).join(Person, Offer.person_id == Person.id).join(Household, Person.household_id == Household.id)
        .where(Offer.id.in_(list(offer_ids)))
        .order_by(Household.zero_employment.desc(), Offer.vacancy_id, Offer.rank, Offer.id)))


def send_replacement(session: Session, vacancy: Vacancy, round_id: int, *, actor: str,
                     settings: OfferSettings) -> int | None:
    """Send the next reserve of the round for this vacancy when an opening is unclaimed."""
    if count_offers(session, vacancy.id, CLAIMING_STATUSES) >= vacancy.openings or vacancy.status != VacancyStatus.OPEN:
        return None
    reserves = session.scalars(
        select(Offer.id).join(Person, Offer.person_id == Person.id).join(Household, Person.household_id == Household.id)
        .where(Offer.vacancy_id == vacancy.id, Offer.round_id == round_id, Offer.status == OfferStatus.RESERVE)
        .order_by(Household.zero_employment.desc(), Offer.rank, Offer.id)).all()
    for offer_id in reserves:
        if send_one(session, offer_id, actor=actor, automatic=True, settings=settings) == "sent":
            return offer_id
    return None


def fill_freed_place(session: Session, vacancy: Vacancy, round_id: int, *, actor: str,
                     settings: OfferSettings) -> int | None:
    """A place came free: the waiting list first, else a replacement offer. Returns the offer id."""
    if count_offers(session, vacancy.id, FILLING_STATUSES) >= vacancy.openings:
        return None
    for offer in waiting_list(session, vacancy.id):
        if transition_offer(session, offer.id, (OfferStatus.WAITLISTED,), OfferStatus.ACCEPTED):
            offer = reload_offer(session, offer.id)
            record_offer_event(session, "offer_accepted", offer, actor, from_waiting_list=True)
            _confirm(session, offer, MessageKind.CONFIRM_ACCEPTED, actor, settings)
            return offer.id
    return send_replacement(session, vacancy, round_id, actor=actor, settings=settings)


def waiting_list(session: Session, vacancy_id: int) -> list[Offer]:
    """Who said yes to a full vacancy: zero-employment households first, then who answered first."""
    return list(session.scalars(
        select(Offer).join(Person, Offer.person_id == Person.id).join(Household, Person.household_id == Household.id)
        .where(Offer.vacancy_id == vacancy_id, Offer.status == OfferStatus.WAITLISTED)
        .order_by(Household.zero_employment.desc(), Offer.responded_at, Offer.id)
        .execution_options(populate_existing=True)))


# -- answers ---------------------------------------------------------------------------------

def answer_offer(session: Session, offer_id: int, person_id: int, accepted: bool, *, actor: str, via: str,
                 settings: OfferSettings | None = None) -> str:
    """The worker's yes or no (SMS, page, or staff at the door); returns the confirmation kind or ""."""
    settings = settings or current_settings()
    offer = session.get(Offer, offer_id)
    if offer is None or offer.person_id != person_id:
        raise WorkflowError("offer_id", f"找不到这个岗位推荐（编号 {offer_id}）")
    vacancy = lock_vacancies(session, [offer.vacancy_id])[offer.vacancy_id]
    offer = reload_offer(session, offer_id)
    if accepted:
        return _take_yes(session, offer, vacancy, actor=actor, via=via, settings=settings)
    return _take_no(session, offer, vacancy, actor=actor, via=via, settings=settings)


def _take_yes(session, offer: Offer, vacancy: Vacancy, *, actor, via, settings) -> str:
    if offer.status not in ANSWERABLE_YES:
        return ""
    was = offer.status
    full = count_offers(session, vacancy.id, FILLING_STATUSES) >= vacancy.openings
    now = utcnow()
    if not transition_offer(session, offer.id, (was,), OfferStatus.WAITLISTED if full else OfferStatus.ACCEPTED,
                       responded_at=now, responded_via=via):
        return ""
    offer = reload_offer(session, offer.id)
    if full:
        position = len(waiting_list(session, vacancy.id))
        record_offer_event(session, "waitlisted", offer, actor, via=via, position=position)
        confirmation = _confirm(session, offer, MessageKind.CONFIRM_WAITLISTED, actor, settings)
    else:
        record_offer_event(session, "offer_accepted", offer, actor, via=via, late=was != OfferStatus.SENT)
        confirmation = _confirm(session, offer, MessageKind.CONFIRM_ACCEPTED, actor, settings)
    return confirmation


def _take_no(session, offer: Offer, vacancy: Vacancy, *, actor, via, settings) -> str:
    if offer.status not in ANSWERABLE_NO:
        return ""
    was = offer.status
    if not transition_offer(session, offer.id, (was,), OfferStatus.DECLINED, responded_at=utcnow(), responded_via=via):
        return ""
    offer = reload_offer(session, offer.id)
    record_offer_event(session, "offer_declined", offer, actor, via=via, previous=was)
    confirmation = _confirm(session, offer, MessageKind.CONFIRM_DECLINED, actor, settings)
    release_place(session, vacancy, offer.round_id, was, settings=settings)
    return confirmation


def release_place(session: Session, vacancy: Vacancy, round_id: int, was: str, *, settings: OfferSettings) -> None:
    """An offer in ``was`` has ended (declined, withdrawn): a held place goes to the waiting list or
    the next candidate, an unanswered one to the next candidate; a waiting-list entry frees nothing."""
    if was == OfferStatus.ACCEPTED:
        fill_freed_place(session, vacancy, round_id, actor="system", settings=settings)
    elif was == OfferStatus.SENT:
        send_replacement(session, vacancy, round_id, actor="system", settings=settings)


# -- expiry ----------------------------------------------------------------------------------

def expire_offers(session: Session, *, actor: str = "system", now: datetime | None = None,
                  settings: OfferSettings | None = None) -> list[int]:
    """Expire sent offers past their time and send replacements; returns the expired ids."""
    settings = settings or current_settings()
    now = now or utcnow()
    never_settled = now - timedelta(hours=settings.expiry_hours + UNSETTLED_GRACE_HOURS)
    due = session.execute(select(Offer.id, Offer.vacancy_id).where(
        Offer.status == OfferStatus.SENT,
        or_(Offer.expires_at <= now, and_(Offer.expires_at.is_(None), Offer.sent_at <= never_settled)))
        .order_by(Offer.vacancy_id, Offer.id)).all()
    if not due:
        return []
    vacancies = lock_vacancies(session, {vacancy_id for _id, vacancy_id in due})
    expired = []
    for offer_id, vacancy_id in due:
        if not transition_offer(session, offer_id, (OfferStatus.SENT,), OfferStatus.EXPIRED):
            continue  # answered meanwhile
        offer = reload_offer(session, offer_id)
        record_offer_event(session, "offer_expired", offer, actor, expired_at=offer.expires_at)
        expired.append(offer_id)
        send_replacement(session, vacancies[vacancy_id], offer.round_id, actor=actor, settings=settings)
    return expired
