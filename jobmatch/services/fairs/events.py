"""Recruitment fairs (rules 3-4): set up, invite by SMS, register, remind, and which sites need one.

Who is invited (a documented rule, simpler than a matching round): members of households
in the fair's county who have labour capacity, want work, hold no current job and have
a phone that is neither invalid nor opted out; zero-employment households first, then
monitored households (防返贫监测), then
people of the fair's own site, then by person id. Registration is a "1" to the
invitation (SMS or the worker's page) or staff registering someone; a "2" declines.
Reminders go to the registered the day before at 10:00 local time (the outbox holds
them until then and keeps quiet hours).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import LOCAL_TZ, local_today, utcnow
from jobmatch.models import (
    County,
    EmploymentSpell,
    Fair,
    FairAttendee,
    Household,
    MonitoringCategory,
    Person,
    Settlement,
    Vacancy,
)
from jobmatch.models.employers import VacancyStatus
from jobmatch.models.fairs import DEFAULT_FAIR_START
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.sms.messaging import QueuedRow, queue_message, queue_messages_bulk
from notifications.rules import next_send_time
from notifications.wording import day_text

LARGE_SITE_PEOPLE = 800  # rule 3: sites of 800+ relocated people run a special employment action
FAIRS_PER_YEAR = 2  # rule 4
REMINDER_LOCAL_TIME = time(10, 0)
REGISTRATION_CHANNELS = ("sms", "web", "staff")


def create_fair(session: Session, *, name: str, held_on: date, place: str, county_id: int,
                settlement_id: int | None = None, vacancy_ids=(), actor: str, starts_at: time | None = None) -> Fair:
    """Set up a fair with the vacancies its employers bring; it opens at ``starts_at`` (local, 9:00 if None)."""
    require(starts_at is None or isinstance(starts_at, time), "starts_at", "开始时间请写成 9:00 这样")
    name, place = (name or "").strip(), (place or "").strip()
    require(0 < len(name) <= 120, "name", "请填写招聘会名称（最多 120 字）")
    require(0 < len(place) <= 120, "place", "请填写举办地点（最多 120 字）")
    require(isinstance(held_on, date), "held_on", "请填写举办日期")
    require(held_on >= local_today(), "held_on", "举办日期不能早于今天")
    get_or_fail(session, County, county_id, "county_id", "县区")
    if settlement_id is not None:
        site = get_or_fail(session, Settlement, settlement_id, "settlement_id", "安置点")
        require(site.county_id == county_id, "settlement_id", "安置点不在该县区")
    vacancies = _open_vacancies(session, vacancy_ids)
    fair = Fair(name=name, held_on=held_on, place=place, county_id=county_id, settlement_id=settlement_id,
                vacancies=vacancies, starts_at=starts_at or DEFAULT_FAIR_START)
    session.add(fair)
    session.flush()
    ledger.append(session, "fair_created", actor=actor, subject=f"fair:{fair.id}",
                  data={"name": name, "held_on": held_on, "vacancy_ids": [v.id for v in vacancies]})
    return fair


def add_vacancies(session: Session, fair_id: int, vacancy_ids, *, actor: str) -> Fair:
    """Add employers' vacancies to a fair not yet held."""
    fair = get_or_fail(session, Fair, fair_id, "fair_id", "招聘会")
    require(fair.held_on >= local_today(), "fair_id", "招聘会已经举办，不能再加岗位")
    added = [v for v in _open_vacancies(session, vacancy_ids) if v not in fair.vacancies]
    fair.vacancies.extend(added)
    ledger.append(session, "fair_vacancies_added", actor=actor, subject=f"fair:{fair.id}",
                  data={"vacancy_ids": [v.id for v in added]})
    return fair


def _open_vacancies(session: Session, vacancy_ids) -> list[Vacancy]:
    ids = list(dict.fromkeys(vacancy_ids))
    found = {v.id: v for v in session.scalars(select(Vacancy).where(Vacancy.id.in_(ids)))} if ids else {}
    missing = [i for i in ids if i not in found]
    require(not missing, "vacancy_ids", f"找不到岗位：{'、'.join(map(str, missing))}")
    closed = [i for i in ids if found[i].status != VacancyStatus.OPEN]
    require(not closed, "vacancy_ids", f"岗位已关闭：{'、'.join(map(str, closed))}")
    return [found[i] for i in ids]


def invitation_candidates(session: Session, fair: Fair) -> list[Person]:
    """Who the rule above invites to ``fair``, in invitation order, not yet invited."""
    employed = select(EmploymentSpell.person_id).where(EmploymentSpell.ended_on.is_(None))
    already = select(FairAttendee.person_id).where(FairAttendee.fair_id == fair.id,
                                                   FairAttendee.person_id.is_not(None))
    rows = session.execute(
        select(Person, Household.zero_employment, Household.settlement_id, Household.monitoring)
        .join(Household, Household.id == Person.household_id)
        .where(Household.county_id == fair.county_id, Person.capacity != "none", Person.wants_work.is_(True),
               Person.phone.is_not(None), Person.phone_invalid.is_(False), Person.sms_opt_out.is_(False),
               Person.id.not_in(employed), Person.id.not_in(already))).all()
    # Zero-employment households first, then monitored ones (防返贫监测), then the fair's own site.
    ordered = sorted(rows, key=lambda r: (not r[1], r[3] == MonitoringCategory.NONE,
                                          r[2] != fair.settlement_id, r[0].id))
    return [row[0] for row in ordered]


def invite_workers(session: Session, fair_id: int, *, actor: str, limit: int | None = None) -> list[FairAttendee]:
    """Invite the rule's workers by SMS (FAIR_INVITATION, asks for 1/2); returns the new invitations."""
    fair = get_or_fail(session, Fair, fair_id, "fair_id", "招聘会")
    require(fair.held_on >= local_today(), "fair_id", "招聘会已经举办，不能再邀请")
    require(limit is None or limit > 0, "limit", "邀请人数应大于 0")
    people = invitation_candidates(session, fair)[:limit]
    now, data = utcnow(), invitation_data(session, fair)
    invited = [FairAttendee(fair_id=fair.id, person_id=p.id, invited_at=now) for p in people]
    session.add_all(invited)
    session.flush()
    queue_messages_bulk(session, [QueuedRow(person_id=p.id, kind="fair_invitation", data=data,
                                            subject=f"fair_invitation:{fair.id}", expects_reply=True)
                                  for p in people], actor=actor)
    ledger.append(session, "fair_invitations_sent", actor=actor, subject=f"fair:{fair.id}",
                  data={"invited": len(people)})
    return invited


def invitation_data(session: Session, fair: Fair) -> dict:
    """The template fields shared by a fair's invitation and reminder."""
    employers = {v.employer_id for v in fair.vacancies}
    return {"fair_name": fair.name, "when": day_text(fair.held_on), "venue": fair.place,
            "employer_count": len(employers), "link": f"fair:{fair.id}"}


def register(session: Session, fair_id: int, person_id: int, *, via: str, actor: str) -> FairAttendee:
    """Register a worker for a fair (the web page, staff, or a "1" by SMS); idempotent."""
    attendee = _attendee_for(session, fair_id, person_id, via)
    if attendee.registered_at is None or attendee.declined_at is not None:
        attendee.registered_at, attendee.declined_at, attendee.registered_via = utcnow(), None, via
        _ledger_attendee(session, "fair_registered", attendee, actor, {"via": via})
    return attendee


def decline(session: Session, fair_id: int, person_id: int, *, via: str, actor: str) -> FairAttendee:
    """Record that a worker will not come (a "2" to the invitation or the reminder)."""
    attendee = _attendee_for(session, fair_id, person_id, via)
    if attendee.declined_at is None:
        attendee.declined_at, attendee.registered_at = utcnow(), None
        _ledger_attendee(session, "fair_declined", attendee, actor, {"via": via})
    return attendee


def _attendee_for(session: Session, fair_id: int, person_id: int, via: str) -> FairAttendee:
    fair = get_or_fail(session, Fair, fair_id, "fair_id", "招聘会")
    get_or_fail(session, Person, person_id, "person_id", "该人员")
    require(via in REGISTRATION_CHANNELS, "via", "报名方式应为短信、网页或工作人员代报")
    require(fair.held_on >= local_today(), "fair_id", "招聘会已经举办，不能再报名")
    attendee = session.scalar(select(FairAttendee).where(FairAttendee.fair_id == fair_id,
                                                         FairAttendee.person_id == person_id))
    if attendee is None:  # registering without an invitation (found the fair on the web, or via staff)
        attendee = FairAttendee(fair_id=fair_id, person_id=person_id)
        session.add(attendee)
        session.flush()
    return attendee


def upcoming_fairs_of(session: Session, person_id: int) -> list[tuple[Fair, FairAttendee | None]]:
    """The worker's page: fairs from today on in the worker's county, with their invitation or registration."""
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    fairs = session.scalars(select(Fair).where(Fair.county_id == person.household.county_id,
                                               Fair.held_on >= local_today()).order_by(Fair.held_on, Fair.id)).all()
    mine = {a.fair_id: a for a in session.scalars(select(FairAttendee).where(FairAttendee.person_id == person.id))}
    return [(fair, mine.get(fair.id)) for fair in fairs]


def _ledger_attendee(session: Session, kind: str, attendee: FairAttendee, actor: str, data: dict) -> None:
    person = attendee.person
    ledger.append(session, kind, actor=actor, subject=f"fair:{attendee.fair_id}", data=data,
                  person_id=person.id if person else None, household_id=person.household_id if person else None)


def answer_fair_invitation(session: Session, subject_id: int, person_id: int, accepted: bool, *,
                           actor: str, via: str) -> str:
    """The answer to "fair_invitation:<fair id>" (jobmatch.services.answers): yes registers, no declines.
    No confirmation SMS. A late "1" by SMS changes nothing; on the page it is refused with the reason."""
    fair = session.get(Fair, subject_id)
    if via == "sms" and (fair is None or fair.held_on < local_today()):
        return ""
    registered_via = "sms" if via == "sms" else "web"
    (register if accepted else decline)(session, subject_id, person_id, via=registered_via, actor=actor)
    return ""


def reminder_due_at(fair: Fair) -> datetime:
    """10:00 local on the day before the fair, or the next allowed moment when that has passed."""
    planned = datetime.combine(fair.held_on - timedelta(days=1), REMINDER_LOCAL_TIME, tzinfo=LOCAL_TZ)
    return next_send_time(max(planned.astimezone(utcnow().tzinfo), utcnow()))


def queue_reminders(session: Session, fair_id: int, *, actor: str) -> int:
    """Queue FAIR_REMINDER for every registered worker not yet reminded; returns how many."""
    fair = get_or_fail(session, Fair, fair_id, "fair_id", "招聘会")
    require(fair.held_on > local_today(), "fair_id", "招聘会是今天或已经举办，不再发提醒")
    attendees = session.scalars(select(FairAttendee).where(
        FairAttendee.fair_id == fair.id, FairAttendee.registered_at.is_not(None),
        FairAttendee.person_id.is_not(None), FairAttendee.reminder_queued_at.is_(None))).all()
    due_at, data = reminder_due_at(fair), invitation_data(session, fair)
    for attendee in attendees:
        assert attendee.person_id is not None  # the query keeps only attendees with a person
        message = queue_message(session, person_id=attendee.person_id, kind="fair_reminder", data=data,
                                subject=f"fair_invitation:{fair.id}", expects_reply=True, actor=actor)
        # queue_message takes no due time: hold the row until the day before (the outbox sends when due).
        message.due_at = max(message.due_at, due_at)
        attendee.reminder_queued_at = utcnow()
    ledger.append(session, "fair_reminders_queued", actor=actor, subject=f"fair:{fair.id}",
                  data={"reminded": len(attendees), "due_at": due_at})
    return len(attendees)


@dataclass(frozen=True)
class SiteFairNeed:
    """A large site with fewer fairs this year than rule 4 asks for."""

    settlement_id: int
    settlement: str
    county: str
    relocated_people: int
    fairs_this_year: int
    fairs_needed: int


def sites_due_fairs(session: Session, year: int | None = None) -> list[SiteFairNeed]:
    """Sites of 800+ relocated people with fewer than 2 fairs held or scheduled at the site this year."""
    year = year or local_today().year
    people: dict[int, int] = dict(session.execute(
        select(Household.settlement_id, func.count(Person.id))
        .join(Person, Person.household_id == Household.id).group_by(Household.settlement_id)).tuples().all())
    fairs: dict[int | None, int] = dict(session.execute(select(Fair.settlement_id, func.count(Fair.id)).where(
        Fair.held_on >= date(year, 1, 1), Fair.held_on <= date(year, 12, 31)).group_by(Fair.settlement_id))
        .tuples().all())
    due = []
    for site in session.scalars(select(Settlement).order_by(Settlement.county_id, Settlement.name)):
        size = site.relocated_people if site.relocated_people is not None else people.get(site.id, 0)
        held = fairs.get(site.id, 0)
        if size >= LARGE_SITE_PEOPLE and held < FAIRS_PER_YEAR:
            due.append(SiteFairNeed(site.id, site.name, site.county.name, size, held, FAIRS_PER_YEAR - held))
    return due

