"""The employer's side of an offer: who accepted, interviews, hire or no hire; the hiring subsidy.

Decisions:
- Employers see workers who accepted (phone shown), who are hired (phone shown), on the
  waiting list or not hired (phone masked). Never workers who were only sent an offer.
  Nothing about the household's need reaches them: not the zero-employment flag (it is
  social-assistance information), not the reasons that speak of the family, the
  worker's labour capacity or children, and not the order either (candidates are listed
  by who answered first). Only the reasons about the job itself are kept
  (EMPLOYER_REASON_PREFIXES, a list of what may go out, so a new reason stays in).
- A hire ends the person's current spells (a new job replaces the old) and opens a spell
  whose kind follows the vacancy: relief → work_for_relief, welfare → welfare_post,
  gig → flexible, an assistance-workshop employer → workshop; otherwise by where the
  workplace is against the household's county: same county (or unknown) → within_county,
  same province (or either province unknown) → within_province, else outside_province.
- A hire withdraws the worker's other live offers (sent, accepted, waitlisted): each
  frees its place as a "no" would (offers.release_place), with an ``offer_withdrawn``
  event and no SMS (the hire notice is the news).
- A hire ends the worker's public-welfare place, if they hold one, on the first day of the
  new job ("found other employment"; an unanswered welfare offer is withdrawn) and the
  place goes to the next ranked candidate (jobmatch.services.welfare.exits).
- Hiring subsidy (rule 7): jobmatch.services.subsidies.hiring.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch.clock import utcnow
from jobmatch.models import County, EmploymentSpell, Household, Offer, Person, Vacancy
from jobmatch.models.offers import EMPLOYER_VISIBLE_STATUSES, FILLING_STATUSES, OfferChannel, OfferStatus
from jobmatch.privacy import mask_phone
from jobmatch.services.errors import WorkflowError, require
from jobmatch.services.households.status import refresh_households
from jobmatch.services.offers.lifecycle import (
    ANSWERABLE_NO,
    OfferSettings,
    OfferStateError,
    current_settings,
    fill_freed_place,
    fresh_offer,
    lock_vacancies,
    record_offer_event,
    release_place,
    transition_offer,
)
from jobmatch.services.offers.matching_input import vacancy_county
from jobmatch.services.sms.messaging import normalised_phone, queue_message
from jobmatch.services.welfare.exits import vacate_for_other_work
from jobmatch.vocabulary.staff import OFFER_STATUS_LABELS
from matching.province import province_of
from notifications.kinds import MessageKind
from notifications.wording import day_text

# Reasons (matching.reasons) about the fit of worker and job, safe to show an employer.
EMPLOYER_REASON_PREFIXES = ("技能相符", "技能相近", "不要求技能", "持有相关证书", "离家", "包住宿", "工资",
                            "以工代赈", "零工")
EMPLOYER_REASONS = ("公益性岗位",)  # exactly: "公益性岗位，照顾不能外出的家庭" speaks of the family


@dataclass
class Candidate:
    """A worker as the employer sees them."""

    offer_id: int
    vacancy_id: int
    vacancy_title: str
    person_id: int
    name: str
    phone: str  # full only once the worker accepted
    status: str
    reasons: list[str]  # only those about the job (employer_reasons)
    interview_on: date | None


def _phone_for_employer(person: Person, status: str) -> str:
    if status in FILLING_STATUSES:
        return person.phone or ""
    return mask_phone(normalised_phone(person.phone)[0])


def employer_reasons(reasons) -> list[str]:
    """The reasons an employer may read: about the job, never about the household's need."""
    return [r for r in reasons or [] if r in EMPLOYER_REASONS or r.startswith(EMPLOYER_REASON_PREFIXES)]


def employer_candidates(session: Session, employer_id: int, *, vacancy_id: int | None = None) -> list[Candidate]:
    """Workers who said yes to the employer's vacancies, by vacancy and who answered first."""
    query = (
        select(Offer).join(Vacancy, Offer.vacancy_id == Vacancy.id)
        .where(Vacancy.employer_id == employer_id, Offer.status.in_(EMPLOYER_VISIBLE_STATUSES))
        .options(selectinload(Offer.person), selectinload(Offer.vacancy))
        .order_by(Offer.vacancy_id, Offer.responded_at, Offer.id))
    if vacancy_id is not None:
        query = query.where(Offer.vacancy_id == vacancy_id)
    return [
        Candidate(offer.id, offer.vacancy_id, offer.vacancy.title, offer.person_id, offer.person.name,
                  _phone_for_employer(offer.person, offer.status), offer.status, employer_reasons(offer.reasons),
                  offer.interview_on)
        for offer in session.scalars(query)
    ]


@dataclass(frozen=True)
class WithdrawnCandidate:
    """A worker who had accepted the employer's vacancy and was placed elsewhere: the employer is told why."""

    vacancy_title: str
    name: str
    reason: str
    withdrawn_at: object


def employer_withdrawn(session: Session, employer_id: int, limit: int = 20) -> list[WithdrawnCandidate]:
    """Offers of the employer's vacancies withdrawn after the worker had said yes (newest first)."""
    rows = session.scalars(
        select(Offer).join(Vacancy, Offer.vacancy_id == Vacancy.id)
        .where(Vacancy.employer_id == employer_id, Offer.status == OfferStatus.WITHDRAWN, Offer.responded_at.is_not(None))
        .options(selectinload(Offer.person), selectinload(Offer.vacancy))
        .order_by(Offer.decided_at.desc(), Offer.id.desc()).limit(limit))
    return [WithdrawnCandidate(o.vacancy.title, o.person.name, o.outcome_note, o.decided_at) for o in rows]


def _present_offer(session: Session, offer_id: int) -> Offer:
    """The offer as the database has it now, for an offer known to be there (locked or just updated)."""
    offer = fresh_offer(session, offer_id)
    assert offer is not None
    return offer


def _locked_offer(session: Session, offer_id: int, employer_id: int | None, statuses: tuple, action: str) -> Offer:
    """The offer, fresh, with its vacancy locked; checks the employer and the status."""
    offer = session.get(Offer, offer_id) if isinstance(offer_id, int) else None
    if offer is None or (employer_id is not None and offer.vacancy.employer_id != employer_id):
        raise WorkflowError("offer_id", f"找不到这个应聘记录（编号 {offer_id}）")
    lock_vacancies(session, [offer.vacancy_id])
    offer = _present_offer(session, offer_id)
    if offer.status not in statuses:
        raise OfferStateError("offer_id",
                              f"只有已接受岗位的人才能{action}（现在的状态：{OFFER_STATUS_LABELS[OfferStatus(offer.status)]}）")
    return offer


def record_interview(session: Session, offer_id: int, *, interview_on: date, note: str = "", actor: str,
                     employer_id: int | None = None) -> Offer:
    """Record that the worker was (or will be) interviewed."""
    require(isinstance(interview_on, date), "interview_on", "请填写面试日期")
    require(len(note or "") <= 2000, "note", "备注太长（最多 2000 字）")
    offer = _locked_offer(session, offer_id, employer_id, (OfferStatus.ACCEPTED,), "记录面试")
    offer.interview_on, offer.interview_note = interview_on, note or ""
    record_offer_event(session, "interview_recorded", offer, actor, interview_on=interview_on, note=note or "")
    return offer


def _validate_hire(start_date, contract_months, social_insurance, monthly_wage) -> None:
    require(isinstance(start_date, date), "start_date", "请填写上班日期")
    require(isinstance(contract_months, int) and not isinstance(contract_months, bool) and 1 <= contract_months <= 120,
            "contract_months", "合同期限要填 1 到 120 之间的月数")
    require(isinstance(social_insurance, bool), "social_insurance", "请选择是否缴纳社会保险")
    require(isinstance(monthly_wage, int) and not isinstance(monthly_wage, bool) and 0 < monthly_wage <= 100_000,
            "monthly_wage", "月工资要填 1 到 100000 之间的整数（元）")


def _province(county: County) -> str:
    return province_of(f"{county.province or ''}{county.name}") or province_of(county.province or "")


def spell_kind_for(vacancy: Vacancy, household: Household) -> str:
    """The employment spell kind a hire on this vacancy opens for this household."""
    if vacancy.kind == "relief":
        return "work_for_relief"
    if vacancy.kind == "welfare":
        return "welfare_post"
    if vacancy.kind == "gig":
        return "flexible"
    if vacancy.employer.kind == "workshop":
        return "workshop"
    workplace, home = vacancy_county(vacancy), household.county
    if workplace is None or workplace.id == home.id:
        return "within_county"
    work_province, home_province = _province(workplace), _province(home)
    if work_province and home_province and work_province != home_province:
        return "outside_province"
    return "within_province"


def _end_current_spells(session: Session, person_id: int, start_date: date) -> list[int]:
    current = session.scalars(select(EmploymentSpell).where(
        EmploymentSpell.person_id == person_id, EmploymentSpell.ended_on.is_(None))).all()
    for spell in current:
        spell.ended_on = max(spell.started_on, start_date)
        spell.end_reason = "入职新岗位"
    return [spell.id for spell in current]


HIRE_NOTE_LIMITS = {"work_place": 120, "contact": 60, "bring": 200}  # the columns' lengths


def _hire_notes(work_place: str, contact: str, bring: str) -> dict[str, str]:
    """Where to go, whom to ask for, what to bring: what the hired worker reads on their page."""
    notes = {"work_place": (work_place or "").strip(), "contact": (contact or "").strip(), "bring": (bring or "").strip()}
    words = {"work_place": "上班地点", "contact": "联系人", "bring": "要带的东西"}
    for field, limit in HIRE_NOTE_LIMITS.items():
        require(len(notes[field]) <= limit, field, f"{words[field]}太长（最多 {limit} 字）")
    return notes


def record_hire(session: Session, offer_id: int, *, start_date: date, contract_months: int, social_insurance: bool,
                monthly_wage: int, actor: str, employer_id: int | None = None,
                settings: OfferSettings | None = None, work_place: str = "", contact: str = "",
                bring: str = "") -> EmploymentSpell:
    """Hire the worker: an employment spell, the offer hired, the household's status refreshed.
    ``work_place``, ``contact`` and ``bring`` tell the worker where to go, whom to ask for and what to bring."""
    _validate_hire(start_date, contract_months, social_insurance, monthly_wage)
    notes = _hire_notes(work_place, contact, bring)
    offer = _locked_offer(session, offer_id, employer_id, (OfferStatus.ACCEPTED,), "录用")
    vacancy, person = offer.vacancy, offer.person
    ended = _end_current_spells(session, person.id, start_date)
    spell = EmploymentSpell(
        person_id=person.id, kind=spell_kind_for(vacancy, person.household), employer_id=vacancy.employer_id,
        employer_name=vacancy.employer.name, vacancy_id=vacancy.id, started_on=start_date,
        monthly_income=monthly_wage, contract_months=contract_months, social_insurance=social_insurance, **notes)
    session.add(spell)
    session.flush()
    transition_offer(session, offer.id, (OfferStatus.ACCEPTED,), OfferStatus.HIRED, spell_id=spell.id, decided_at=utcnow())
    offer = _present_offer(session, offer.id)
    record_offer_event(session, "hired", offer, actor, spell_id=spell.id, spell_kind=spell.kind, start_date=start_date,
           contract_months=contract_months, social_insurance=social_insurance, monthly_wage=monthly_wage,
           ended_spell_ids=ended)
    refresh_households(session, [person.household_id], actor=actor)
    settings = settings or current_settings()
    withdraw_other_offers(session, person.id, hired_offer_id=offer.id, actor=actor, settings=settings,
                          reason="已在其他岗位录用")
    if spell.kind != "welfare_post":
        vacate_for_other_work(session, person.id, first_day=start_date, actor=actor,
                              details={"offer_id": offer.id, "employer": vacancy.employer.name})
    _queue_hire_notice(session, offer, spell, actor, settings)
    return spell


def withdraw_other_offers(session: Session, person_id: int, *, hired_offer_id: int, reason: str, actor: str,
                          settings: OfferSettings) -> list[int]:
    """The worker was hired: end their other live offers and pass the places on; returns the withdrawn ids."""
    live = session.execute(select(Offer.id, Offer.vacancy_id).where(
        Offer.person_id == person_id, Offer.id != hired_offer_id, Offer.status.in_(ANSWERABLE_NO))
        .order_by(Offer.id)).all()
    if not live:
        return []
    vacancies = lock_vacancies(session, {vacancy_id for _id, vacancy_id in live})
    withdrawn = []
    for offer_id, vacancy_id in live:
        was = _present_offer(session, offer_id).status
        if was not in ANSWERABLE_NO or not transition_offer(session, offer_id, (was,), OfferStatus.WITHDRAWN,
                                                           decided_at=utcnow(), outcome_note=reason):
            continue
        offer = _present_offer(session, offer_id)
        record_offer_event(session, "offer_withdrawn", offer, actor, reason=reason, previous=was,
                           hired_offer_id=hired_offer_id)
        withdrawn.append(offer_id)
        release_place(session, vacancies[vacancy_id], offer.round_id, was, settings=settings)
    return withdrawn


def _queue_hire_notice(session: Session, offer: Offer, spell: EmploymentSpell, actor: str,
                       settings: OfferSettings) -> None:
    employer = offer.vacancy.employer
    if offer.channel != OfferChannel.SMS or not employer.contact_phone:
        return
    queue_message(session, person_id=offer.person_id, kind=MessageKind.HIRE_NOTICE, subject=f"offer:{offer.id}",
                  actor=actor, data={"employer": employer.name, "title": offer.vacancy.title,
                                     "start_date": day_text(spell.started_on),
                                     "contact_phone": employer.contact_phone, "link": f"offer:{offer.id}"})


def record_no_hire(session: Session, offer_id: int, *, reason: str, actor: str, employer_id: int | None = None,
                   settings: OfferSettings | None = None) -> Offer:
    """The employer does not hire: the place goes to the waiting list or the next candidate."""
    reason = (reason or "").strip()
    require(bool(reason), "reason", "请写明不录用的原因")
    require(len(reason) <= 200, "reason", "原因太长（最多 200 字）")
    offer = _locked_offer(session, offer_id, employer_id, (OfferStatus.ACCEPTED,), "记录不录用")
    transition_offer(session, offer.id, (OfferStatus.ACCEPTED,), OfferStatus.NOT_HIRED, outcome_note=reason, decided_at=utcnow())
    offer = _present_offer(session, offer.id)
    record_offer_event(session, "not_hired", offer, actor, reason=reason)
    fill_freed_place(session, offer.vacancy, offer.round_id, actor=actor, settings=settings or current_settings())
    return offer


