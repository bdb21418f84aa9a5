"""Recording what coverage is measured against: special employment actions (rule 3) and a site's
employment baseline (the floor of seed 003, entered once). Each write is a ledger event."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import local_today, utcnow
from jobmatch.models import EmploymentBaseline, Settlement, SpecialAction
from jobmatch.models.coverage import SPECIAL_ACTION_KINDS, BaselineSource
from jobmatch.services.coverage.sites import employed_on
from jobmatch.services.errors import UserError, get_or_fail, require
from jobmatch.vocabulary.staff import SPECIAL_ACTION_KIND_LABELS

TITLE_MAX_CHARS = 120
EMPLOYED_MAX = 1_000_000


def record_special_action(session: Session, *, settlement_id: int, kind: str, held_on: date, title: str,
                          user_id: int | None, actor: str) -> SpecialAction:
    """A 招聘活动 or 培训行动 held at a site (fairs are recorded as fairs and count on their own)."""
    settlement = get_or_fail(session, Settlement, settlement_id, "settlement_id", "安置点")
    title = (title or "").strip()
    require(kind in SPECIAL_ACTION_KINDS, "kind", f"行动类别应为：{'、'.join(SPECIAL_ACTION_KIND_LABELS.values())}")
    require(bool(title), "title", "请写明行动名称")
    require(len(title) <= TITLE_MAX_CHARS, "title", f"行动名称最多 {TITLE_MAX_CHARS} 字")
    require(isinstance(held_on, date), "held_on", "请填写举办日期")
    require(held_on <= local_today(), "held_on", "举办日期不能晚于今天：办完再登记")
    action = SpecialAction(settlement_id=settlement.id, kind=kind, held_on=held_on, title=title,
                           recorded_by_user_id=user_id, recorded_at=utcnow())
    duplicate = UserError(f"{settlement.name}{held_on:%Y-%m-%d}的“{title}”已经登记过", "title", status=409)
    if session.scalar(select(SpecialAction.id).where(SpecialAction.settlement_id == settlement.id,
                                                     SpecialAction.held_on == held_on, SpecialAction.title == title)):
        raise duplicate
    try:
        with session.begin_nested():  # sent twice at once: the second is told, not crashed
            session.add(action)
    except IntegrityError:
        raise duplicate from None
    ledger.append(session, "special_action_recorded", actor=actor, subject=f"settlement:{settlement.id}",
                  data={"special_action_id": action.id, "kind": kind, "held_on": held_on.isoformat(), "title": title})
    return action


def special_actions(session: Session, settlement_ids, year: int) -> list[SpecialAction]:
    """The special actions of these sites held in ``year``, newest first."""
    return list(session.scalars(select(SpecialAction).where(
        SpecialAction.settlement_id.in_(list(settlement_ids)), SpecialAction.held_on >= date(year, 1, 1),
        SpecialAction.held_on <= date(year, 12, 31)).order_by(SpecialAction.held_on.desc(), SpecialAction.id.desc())))


def set_employment_baseline(session: Session, *, settlement_id: int, employed: int | None, as_of: date | None,
                            user_id: int | None, actor: str) -> EmploymentBaseline:
    """Enter a site's baseline employed count with its date, once (a second entry is refused)."""
    require(isinstance(employed, int) and 0 <= employed <= EMPLOYED_MAX, "employed",
            "就业基数应为不小于 0 的整数（人）")
    assert employed is not None  # require() raised otherwise
    return _record_baseline(session, settlement_id, employed, as_of, BaselineSource.ENTERED, user_id, actor)


def baseline_from_roster(session: Session, *, settlement_id: int, as_of: date | None, user_id: int | None,
                         actor: str) -> EmploymentBaseline:
    """Take a site's baseline from the roster: the labourers the imported records show employed on ``as_of``."""
    get_or_fail(session, Settlement, settlement_id, "settlement_id", "安置点")
    require(isinstance(as_of, date), "as_of", "请填写基数日期")
    assert as_of is not None
    employed = employed_on(session, [settlement_id], as_of).get(settlement_id, 0)
    return _record_baseline(session, settlement_id, employed, as_of, BaselineSource.ROSTER, user_id, actor)


def _record_baseline(session: Session, settlement_id: int, employed: int, as_of: date | None, source: str,
                     user_id: int | None, actor: str) -> EmploymentBaseline:
    settlement = get_or_fail(session, Settlement, settlement_id, "settlement_id", "安置点")
    require(isinstance(as_of, date), "as_of", "请填写基数日期")
    assert as_of is not None
    require(as_of <= local_today(), "as_of", "基数日期不能晚于今天")
    _refuse_second_entry(session.get(EmploymentBaseline, settlement.id), settlement)
    baseline = EmploymentBaseline(settlement_id=settlement.id, employed=employed, as_of=as_of, source=source,
                                  recorded_by_user_id=user_id, recorded_at=utcnow())
    try:
        with session.begin_nested():  # two people entering it at once: the second is told, not crashed
            session.add(baseline)
    except IntegrityError:
        _refuse_second_entry(session.get(EmploymentBaseline, settlement.id, populate_existing=True), settlement)
        raise
    ledger.append(session, "employment_baseline_set", actor=actor, subject=f"settlement:{settlement.id}",
                  data={"employed": employed, "as_of": as_of.isoformat(), "source": source})
    return baseline


def _refuse_second_entry(existing: EmploymentBaseline | None, settlement: Settlement) -> None:
    if existing is not None:
        raise UserError(f"{settlement.name}的就业基数已登记（{existing.as_of:%Y-%m-%d} {existing.employed} 人），"
                        "只能登记一次", "employed", status=409)
