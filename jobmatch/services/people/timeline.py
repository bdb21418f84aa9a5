"""A household's or a person's ledger as people read it: sentences with names and titles, newest first.

Views of unmasked personal data (``personal_data_viewed``) are ledger events like any other, but
they are about who looked, not about the family: they are left out of the timeline and listed
on the household's access log instead. Names are looked up in one query per kind of subject,
for the events of the page only.

A timeline is read a page at a time, newest first: a page holds TIMELINE_PAGE events and names
the id of its oldest event, and the next page holds the events before it (keyset paging: a page
stays the same however many events are written meanwhile). Pages are cut by id, not by ledger
position: an event gets its ``seq`` only when sealed, just after its commit.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.models import Employer, EmploymentSpell, Household, LedgerEvent, Person, User, Vacancy
from jobmatch.models.fairs import Fair
from jobmatch.models.ledger import EventKind
from jobmatch.models.offers import Offer
from jobmatch.models.startups import Business
from jobmatch.models.training import TrainingCourse
from jobmatch.models.welfare import WelfarePost
from jobmatch.vocabulary.staff import EMPLOYMENT_LABELS, event_label, event_sentence

TIMELINE_LENGTH = 200  # the access log's length
TIMELINE_PAGE = 50
ACCESS = EventKind.PERSONAL_DATA_VIEWED
SYSTEM_ACTORS = {"system": "系统", "import": "台账导入", "sms": "短信", "api": "接口"}
# Actors named by a word (translated on the page) rather than by a person's name.
ACTOR_WORDS = frozenset(SYSTEM_ACTORS.values()) | {"工作人员", "本人", "用人单位"}


@dataclass(frozen=True)
class TimelineEntry:
    event_id: int  # pages are cut by it
    occurred_at: datetime
    kind: str
    sentence: str  # a msgid of jobmatch.vocabulary.staff.EVENT_SENTENCES, with %(name)s places
    values: dict = field(default_factory=dict)
    actor: str = ""

    @property
    def actor_is_word(self) -> bool:
        return self.actor in ACTOR_WORDS

    @property
    def text(self) -> str:
        return self.sentence % self.values


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    kinds: list[tuple[str, str]]  # (kind, label) of the kinds this timeline holds, for its filter
    kind: str = ""
    earlier: int | None = None  # the event id to ask for older events before (``before=``); None: this is the oldest page
    before: int | None = None  # the event id this page starts before; None: the newest page


@dataclass(frozen=True)
class AccessEntry:
    occurred_at: datetime
    viewer: str
    person: str
    fields: list[str]
    where: str


def _ids(events, prefix: str) -> set[int]:
    ids = set()
    for event in events:
        name, _, number = (event.subject or "").partition(":")
        if name == prefix and number.isdigit():
            ids.add(int(number))
    return ids


def _data_ids(events, key: str) -> set[int]:
    return {e.data[key] for e in events if isinstance(e.data, dict) and isinstance(e.data.get(key), int)}


def _actor_ids(events, prefix: str) -> set[int]:
    ids = set()
    for event in events:
        name, _, number = (event.actor or "").partition(":")
        if name == prefix and number.isdigit():
            ids.add(int(number))
    return ids


class _Names:
    """Every name the events of one page need, each kind looked up once."""

    def __init__(self, session: Session, events):
        person_ids = {e.person_id for e in events if e.person_id} | _ids(events, "person") | _actor_ids(events, "person")
        self.persons = dict(self._rows(session, select(Person.id, Person.name), Person.id, person_ids))
        household_ids = {e.household_id for e in events if e.household_id} | _ids(events, "household")
        self.households = dict(self._rows(session, select(Household.id, Household.household_no), Household.id,
                                          household_ids))
        user_ids = _actor_ids(events, "user")
        self.users = {uid: display or username for uid, display, username in self._rows(
            session, select(User.id, User.display_name, User.username), User.id, user_ids)}
        self.things: dict[str, dict[int, str]] = {
            "offer": self._vacancies(session, select(Offer.id, Employer.name, Vacancy.title)
                                     .join(Vacancy, Vacancy.id == Offer.vacancy_id)
                                     .join(Employer, Employer.id == Vacancy.employer_id), Offer.id,
                                     _ids(events, "offer")),
            "vacancy": self._vacancies(session, select(Vacancy.id, Employer.name, Vacancy.title)
                                       .join(Employer, Employer.id == Vacancy.employer_id), Vacancy.id,
                                       _ids(events, "vacancy") | _data_ids(events, "vacancy_id")),
            "spell": {sid: name or EMPLOYMENT_LABELS.get(kind, "") for sid, name, kind in self._rows(
                session, select(EmploymentSpell.id, EmploymentSpell.employer_name, EmploymentSpell.kind),
                EmploymentSpell.id, _ids(events, "spell"))},
            "employer": self._named(session, Employer.id, Employer.name, _ids(events, "employer")),
            "fair": self._named(session, Fair.id, Fair.name, _ids(events, "fair")),
            "welfare_post": self._named(session, WelfarePost.id, WelfarePost.title, _ids(events, "welfare_post")),
            "course": self._named(session, TrainingCourse.id, TrainingCourse.name, _ids(events, "course")),
            "business": self._named(session, Business.id, Business.name, _ids(events, "business")),
        }

    @staticmethod
    def _rows(session, statement, key, ids):
        return session.execute(statement.where(key.in_(ids))).all() if ids else []

    def _vacancies(self, session, statement, key, ids) -> dict[int, str]:
        return {row_id: f"{employer} {title}" for row_id, employer, title in self._rows(session, statement, key, ids)}

    def _named(self, session, key, name, ids) -> dict[int, str]:
        return dict(self._rows(session, select(key, name), key, ids))  # type: ignore[arg-type]

    def actor(self, actor: str) -> str:
        prefix, _, number = (actor or "").partition(":")
        if prefix == "user" and number.isdigit():
            return self.users.get(int(number), "工作人员")
        if prefix == "person" and number.isdigit():
            return self.persons.get(int(number), "本人")
        if prefix == "employer":
            return "用人单位"
        return SYSTEM_ACTORS.get(prefix, "系统")

    def what(self, event) -> str:
        prefix, _, number = (event.subject or "").partition(":")
        known = self.things.get(prefix, {}).get(int(number)) if number.isdigit() else None
        if known:
            return known
        data = event.data if isinstance(event.data, dict) else {}
        if isinstance(data.get("vacancy_id"), int) and data["vacancy_id"] in self.things["vacancy"]:
            return self.things["vacancy"][data["vacancy_id"]]
        return str(data.get("employer_name") or data.get("title") or data.get("name") or "")

    def values(self, event) -> dict:
        household = self.households.get(event.household_id, "") if event.household_id else ""
        person = self.persons.get(event.person_id, "") if event.person_id else ""
        return {"person": person or household, "household": household, "actor": self.actor(event.actor),
                "what": self.what(event)}


def _events(session: Session, *, household_id: int | None, person_id: int | None, kinds, exclude=(), limit: int,
            before: int | None = None):
    statement = select(LedgerEvent)
    if before is not None:
        statement = statement.where(LedgerEvent.id < before)
    if household_id is not None:
        statement = statement.where(LedgerEvent.household_id == household_id)
    if person_id is not None:
        statement = statement.where(LedgerEvent.person_id == person_id)
    if kinds:
        statement = statement.where(LedgerEvent.kind.in_(list(kinds)))
    if exclude:
        statement = statement.where(LedgerEvent.kind.not_in(list(exclude)))
    return session.scalars(statement.order_by(LedgerEvent.id.desc()).limit(limit)).all()


def timeline(session: Session, *, household_id: int | None = None, person_id: int | None = None,
             kind: str = "", before: int | None = None, limit: int = TIMELINE_PAGE) -> Timeline:
    """A page of a household's (or a person's) events as sentences, newest first: the newest ``limit``,
    or the newest ``limit`` before event id ``before``; only ``kind`` when given."""
    kind = kind if kind in EventKind.__members__.values() and kind != ACCESS else ""
    events = _events(session, household_id=household_id, person_id=person_id, kinds=[kind] if kind else (),
                     exclude=(ACCESS,), limit=limit + 1, before=before)
    more, events = len(events) > limit, events[:limit]
    names = _Names(session, events)
    entries = [TimelineEntry(e.id, e.occurred_at, e.kind, event_sentence(e.kind), names.values(e),
                             names.actor(e.actor))
               for e in events]
    held = select(LedgerEvent.kind).where(LedgerEvent.kind != ACCESS).distinct()
    held = held.where(LedgerEvent.household_id == household_id) if household_id is not None else held
    held = held.where(LedgerEvent.person_id == person_id) if person_id is not None else held
    kinds = sorted(((k, event_label(k)) for k in session.scalars(held)), key=lambda pair: pair[1])
    return Timeline(entries, kinds, kind, earlier=entries[-1].event_id if more else None, before=before)


def access_log(session: Session, household_id: int, limit: int = TIMELINE_LENGTH) -> list[AccessEntry]:
    """Who saw the household's members' unmasked ID numbers and phones, where and when: newest first."""
    events = _events(session, household_id=household_id, person_id=None, kinds=(ACCESS,), limit=limit)
    names = _Names(session, events)
    return [AccessEntry(e.occurred_at, names.actor(e.actor), names.persons.get(e.person_id, "") if e.person_id else "",
                        list((e.data or {}).get("fields", [])), str((e.data or {}).get("where", "")))
            for e in events]
