"""What a worker's own pages show: their offers, the fairs and courses of their county.

Read-only query helpers; the answers go through jobmatch.services.offers.lifecycle/replies,
fairs, training and messaging like every other channel.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch.clock import local_today
from jobmatch.models import (
    Fair,
    FairAttendee,
    Offer,
    Person,
    TrainingCourse,
    TrainingEnrolment,
    Vacancy,
    WelfareAppointment,
)
from jobmatch.models.fairs import Attendance
from jobmatch.models.offers import ANSWERABLE_NO, ANSWERABLE_YES, WORKER_VISIBLE_STATUSES, OfferStatus
from jobmatch.models.welfare import AppointmentStatus
from jobmatch.vocabulary.worker import reason_sentence
from matching.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from jobmatch.models import ExportGroup, ExportMember

# Which answers the page offers in each status: those the offer lifecycle takes.
CAN_ACCEPT = ANSWERABLE_YES
CAN_DECLINE = ANSWERABLE_NO
STAFF_ONLY_REASONS = ("零就业家庭优先", "防返贫监测户优先")  # a household's standing is for staff


def worker_reasons(offer: Offer) -> list[str]:
    """The reasons a worker reads, as plain sentences (reasons meant for staff left out)."""
    return [reason_sentence(r) for r in offer.reasons or [] if r not in STAFF_ONLY_REASONS]



def offer_speech(offer: Offer, wage: str, reasons: list[str], hire=None, place: str | None = None) -> str:
    """What 听一听 reads aloud: whose offer, the job, the pay, the place, why, and what to do."""
    vacancy = offer.vacancy
    employer = vacancy.employer
    parts = [f"{offer.person.name}，这是给您的工作推荐", f"{employer.name}招{vacancy.title}", f"工资{wage}"]
    place = employer.address if place is None else place
    if place:
        parts.append(f"地点在{place}")
    parts += reasons
    if hire is not None:
        parts.append(f"您已被录用，{hire.started_on.month}月{hire.started_on.day}日上班")
        if hire.work_place:
            parts.append(f"到{hire.work_place}")
        if hire.bring:
            parts.append(f"要带{hire.bring}")
    elif offer.status == OfferStatus.SENT:
        parts.append("愿意去请按“我愿意去”，也可以回短信1；不去回2")
    return "。".join(part.strip("。") for part in parts) + "。"


def worker_welfare_places(session: Session, person_id: int, limit: int = 5) -> list[WelfareAppointment]:
    """Public-welfare places offered to or held by the worker: open offers first, then the newest."""
    places = session.scalars(select(WelfareAppointment).where(WelfareAppointment.person_id == person_id)
                             .options(selectinload(WelfareAppointment.post))
                             .order_by(WelfareAppointment.id.desc()).limit(limit)).all()
    return sorted(places, key=lambda a: a.status != AppointmentStatus.OFFERED)


def worker_offers(session: Session, person_id: int, limit: int = 10) -> list[Offer]:
    """The worker's offers: those waiting for an answer first, then the newest."""
    offers = session.scalars(
        select(Offer).where(Offer.person_id == person_id, Offer.status.in_(WORKER_VISIBLE_STATUSES))
        .options(selectinload(Offer.vacancy).selectinload(Vacancy.employer))
        .order_by(Offer.sent_at.desc(), Offer.id.desc()).limit(limit)).all()
    return sorted(offers, key=lambda o: o.status != OfferStatus.SENT)


def worker_offer(session: Session, person_id: int, offer_id: int) -> Offer | None:
    """An offer sent to the worker, or to a member of their household who shares their phone
    (the SMS went to that phone, and sign-in by that phone picks one member); else None."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.status not in WORKER_VISIBLE_STATUSES:
        return None
    if offer.person_id != person_id:
        me = session.get(Person, person_id)
        other = offer.person
        if me is None or not me.phone or other.household_id != me.household_id or other.phone != me.phone:
            return None
    return offer


@dataclass(frozen=True)
class FairForWorker:
    fair: Fair
    attendee: FairAttendee | None

    @property
    def state(self) -> Attendance:
        return Attendance.OPEN if self.attendee is None else self.attendee.attendance


def worker_fairs(session: Session, person: Person) -> list[FairForWorker]:
    """Fairs in the worker's county from today on, soonest first."""
    fairs = session.scalars(select(Fair).where(Fair.county_id == person.household.county_id,
                                               Fair.held_on >= local_today())
                            .order_by(Fair.held_on, Fair.id).limit(10)).all()
    return [FairForWorker(f, worker_attendee(session, f.id, person.id)) for f in fairs]


def worker_fair(session: Session, person: Person, fair_id: int) -> Fair | None:
    """A fair of the worker's county, or None."""
    fair = session.get(Fair, fair_id)
    return fair if fair is not None and fair.county_id == person.household.county_id else None


def worker_attendee(session: Session, fair_id: int, person_id: int) -> FairAttendee | None:
    return session.scalar(select(FairAttendee).where(FairAttendee.fair_id == fair_id,
                                                     FairAttendee.person_id == person_id))


@dataclass(frozen=True)
class CourseForWorker:
    course: TrainingCourse
    skill: str
    enrolment: TrainingEnrolment | None
    places_left: int


def skill_name(occupation_code: str) -> str:
    try:
        return load_taxonomy().by_code(occupation_code).name
    except (KeyError, LookupError):
        return occupation_code


def worker_courses(session: Session, person: Person) -> list[CourseForWorker]:
    """Courses of the worker's county not yet over, and those the worker is enrolled in."""
    courses = session.scalars(
        select(TrainingCourse).where(TrainingCourse.county_id == person.household.county_id,
                                     TrainingCourse.ends_on >= local_today())
        .options(selectinload(TrainingCourse.enrolments)).order_by(TrainingCourse.starts_on, TrainingCourse.id)
        .limit(10)).all()
    return [CourseForWorker(c, skill_name(c.occupation_code),
                            next((e for e in c.enrolments if e.person_id == person.id), None),
                            c.capacity - len(c.enrolments)) for c in courses]


def worker_course(session: Session, person: Person, course_id: int) -> TrainingCourse | None:
    course = session.get(TrainingCourse, course_id)
    return course if course is not None and course.county_id == person.household.county_id else None


def job_place(session: Session, vacancy: Vacancy) -> str:
    """Where the job is, in words: the employer's address when the job is where the employer is, else the
    known place the employer chose for the job (an industrial park, a settlement), else the address."""
    from jobmatch.services.employers.places import SAME_SPOT_KM, known_places, place_at
    from matching.geo import haversine_km

    employer = vacancy.employer
    at_employer = (employer.lat is not None and employer.lon is not None
                   and float(haversine_km(vacancy.lat, vacancy.lon, employer.lat, employer.lon)) <= SAME_SPOT_KM)
    if at_employer and employer.address:
        return employer.address
    found = place_at(known_places(session, [vacancy.county_id]), vacancy.lat, vacancy.lon)
    return found.name if found else employer.address


@dataclass(frozen=True)
class ExportGroupForWorker:
    group: "ExportGroup"
    member: "ExportMember | None"


def worker_export_groups(session: Session, person: Person) -> list[ExportGroupForWorker]:
    """Labour-export groups on the worker's page: those they belong to (latest first), then groups of their
    county not yet gone that they may travel to (to sign up on the page)."""
    from jobmatch.clock import utcnow
    from jobmatch.models import ExportGroup, ExportMember
    from jobmatch.services.labour_export.recruitment import can_travel

    mine = session.scalars(select(ExportMember).where(ExportMember.person_id == person.id)
                           .order_by(ExportMember.id.desc()).limit(5)).all()
    joined = {m.group_id for m in mine}
    open_groups = session.scalars(select(ExportGroup).where(ExportGroup.county_id == person.household.county_id,
                                                            ExportGroup.departs_at > utcnow())
                                  .order_by(ExportGroup.departs_at).limit(10)).all()
    return [ExportGroupForWorker(m.group, m) for m in mine] + [
        ExportGroupForWorker(g, None) for g in open_groups if g.id not in joined and can_travel(person, g)]


def worker_export_group(session: Session, person: Person, group_id: int) -> "ExportGroupForWorker | None":
    """A group of the worker's county with the worker's place in it, or None."""
    from jobmatch.models import ExportGroup
    from jobmatch.services.labour_export.groups import member_of

    group = session.get(ExportGroup, group_id)
    if group is None or group.county_id != person.household.county_id:
        return None
    return ExportGroupForWorker(group, member_of(session, group.id, person.id))
