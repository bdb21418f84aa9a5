"""Poverty-relapse monitoring (防返贫监测, DOMAIN.md rule 10): which households are watched.

A household is monitored when it is flagged 脱贫不稳定户, 边缘易致贫户 or 突发严重困难户
(``Household.monitoring``, a MonitoringCategory). The flag comes from the roster's 监测对象
column (the most urgent of its members' values) or from staff, who flag and unflag with a
reason; only this module writes it, and every change is a ``monitoring_flagged`` or
``monitoring_unflagged`` ledger event, so the flag on any past day is read back from the
ledger (``monitored_on``). Staff flagging a household also writes the members' roster
column, so an exported roster re-imports unchanged.

Monitored households rank right after zero-employment ones wherever people are ranked
(matching rounds, fairs, training); their monthly follow-up records the employment state,
needs and training wish; a drop in their employment raises an alert (monitoring_alerts.py).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import Month, utcnow
from jobmatch.db import id_conditions, in_chunks, update_by_id
from jobmatch.models import Household, LedgerEvent, MonitoringAlert, MonitoringCategory, Person, Settlement
from jobmatch.models.types import as_utc
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households.status import expire_loaded
from jobmatch.vocabulary import HEAD_RELATION, MONITORING_LABELS

FLAGGED, UNFLAGGED = "monitoring_flagged", "monitoring_unflagged"
REASON_MAX_CHARS = 200
ROSTER_REASON = "台账导入（监测对象）"
# When members of one household carry different flags, the household takes the most urgent.
URGENCY = (MonitoringCategory.HARDSHIP, MonitoringCategory.UNSTABLE, MonitoringCategory.MARGINAL)


def is_monitored(category: str) -> bool:
    return category != MonitoringCategory.NONE


def flag_household(session: Session, household_id: int, category: str, *, reason: str, actor: str) -> Household:
    """Staff put a household under monitoring (or change its category), saying why."""
    household = get_or_fail(session, Household, household_id, "household_id", "该户")
    require(category in URGENCY, "category", f"监测类型应为：{'、'.join(MONITORING_LABELS[c] for c in URGENCY)}")
    reason = _checked_reason(reason)
    require(household.monitoring != category, "category",
            f"该户已经是{MONITORING_LABELS[category]}")
    _set_category(session, household, MonitoringCategory(category), reason, actor)
    _write_members(session, household.id, category)
    return household


def unflag_household(session: Session, household_id: int, *, reason: str, actor: str) -> Household:
    """Staff end a household's monitoring (risk removed, 风险消除), saying why."""
    household = get_or_fail(session, Household, household_id, "household_id", "该户")
    reason = _checked_reason(reason)
    require(is_monitored(household.monitoring), "household_id", "该户不是监测对象")
    _set_category(session, household, MonitoringCategory.NONE, reason, actor)
    _write_members(session, household.id, MonitoringCategory.NONE)
    return household


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    require(bool(reason), "reason", "请写明标注或解除监测的原因")
    require(len(reason) <= REASON_MAX_CHARS, "reason", f"原因最多 {REASON_MAX_CHARS} 字")
    return reason


def _set_category(session: Session, household: Household, category: MonitoringCategory, reason: str,
                  actor: str) -> None:
    ledger.append_many(session, [_category_event(household, category, reason, actor)])


def _category_event(household: Household, category: MonitoringCategory, reason: str, actor: str) -> ledger.NewEvent:
    """Set the household's flag; the event that records it (the caller appends it)."""
    previous = household.monitoring
    household.monitoring = category
    household.monitoring_since = utcnow() if is_monitored(category) else None
    return _flag_event(household.id, category, previous, reason, actor)


def _flag_event(household_id: int, category: str, previous: str, reason: str, actor: str) -> ledger.NewEvent:
    return ledger.NewEvent(FLAGGED if is_monitored(category) else UNFLAGGED, actor,
                           {"category": str(category), "previous": str(previous), "reason": reason},
                           household_id=household_id, subject=f"household:{household_id}")


def _write_members(session: Session, household_id: int, category: str) -> None:
    session.execute(update(Person).where(Person.household_id == household_id).values(monitoring=str(category)))


def household_category(member_categories) -> MonitoringCategory:
    """The household's flag from its members' roster values: the most urgent one."""
    present = set(member_categories)
    return next((c for c in URGENCY if c in present), MonitoringCategory.NONE)


def sync_from_roster(session: Session, household_ids, *, actor: str) -> list[int]:
    """After a roster import: set each household's flag from its members' 监测对象; returns the changed ids."""
    session.flush()
    household_ids = sorted(set(household_ids))
    changes, events = [], []
    now = utcnow()
    members: dict[int, set[str]] = {}
    for among in id_conditions(session, Person.household_id, household_ids):
        for household_id, category in session.execute(
                select(Person.household_id, Person.monitoring).where(among).distinct()):
            members.setdefault(household_id, set()).add(category)
    for among in id_conditions(session, Household.id, household_ids):
        for household_id, previous in session.execute(select(Household.id, Household.monitoring).where(among)
                                                             .order_by(Household.id)):
            category = household_category(members.get(household_id, ()))
            if previous != category:
                changes.append({"id": household_id, "monitoring": category,
                                "monitoring_since": now if is_monitored(category) else None})
                events.append(_flag_event(household_id, category, previous, ROSTER_REASON, actor))
    update_by_id(session, Household.__table__, changes)
    expire_loaded(session, {change["id"] for change in changes})
    ledger.append_stream(session, events)
    return [change["id"] for change in changes]


def monitored_ids(session: Session, household_ids=None) -> set[int]:
    """Ids of the monitored households (among ``household_ids`` when given)."""
    query = select(Household.id).where(Household.monitoring != MonitoringCategory.NONE)
    if household_ids is None:
        return set(session.scalars(query))
    found: set[int] = set()
    for chunk in in_chunks(list(household_ids)):
        found |= set(session.scalars(query.where(Household.id.in_(chunk))))
    return found


@dataclass(frozen=True)
class MonitoredHousehold:
    """One line of the monitoring list."""

    household_id: int
    household_no: str
    settlement: str
    head_name: str
    category: str
    since: datetime | None
    zero_employment: bool
    employed: int
    labourers: int
    followed_up_this_month: bool
    open_alerts: int

    @property
    def category_label(self) -> str:
        return MONITORING_LABELS[self.category]


def monitored_households(session: Session, settlement_ids) -> list[MonitoredHousehold]:
    """The monitored households of these settlements: open alerts first, then not yet followed up this month."""
    this_month = Month.current().local_range()[0]
    rows = session.execute(
        select(Household, Settlement.name).join(Settlement, Settlement.id == Household.settlement_id)
        .where(Household.settlement_id.in_(list(settlement_ids)),
               Household.monitoring != MonitoringCategory.NONE)).all()
    ids = [household.id for household, _ in rows]
    alerts = _open_alert_counts(session, ids)
    heads = _head_names(session, ids)
    lines = [MonitoredHousehold(
        h.id, h.household_no, name, heads.get(h.id, ""), h.monitoring, h.monitoring_since, h.zero_employment,
        h.employed, h.labourers, h.last_follow_up_at is not None and h.last_follow_up_at >= this_month,
        alerts.get(h.id, 0)) for h, name in rows]
    lines.sort(key=lambda m: (-m.open_alerts, not m.zero_employment, m.followed_up_this_month, m.household_no))
    return lines


def monitored_condition():
    """``is_monitored`` as SQL over Household rows, for statements that count monitored households."""
    return Household.monitoring != MonitoringCategory.NONE


def monitored_count(session: Session, settlement_ids) -> int:
    return session.scalar(select(func.count(Household.id)).where(
        Household.settlement_id.in_(list(settlement_ids)), monitored_condition())) or 0


def _open_alert_counts(session: Session, household_ids) -> dict[int, int]:
    counts: dict[int, int] = {}
    for chunk in in_chunks(household_ids):
        counts.update(session.execute(
            select(MonitoringAlert.household_id, func.count()).where(
                MonitoringAlert.household_id.in_(chunk), MonitoringAlert.closed_at.is_(None))
            .group_by(MonitoringAlert.household_id)).tuples().all())
    return counts


def _head_names(session: Session, household_ids) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in in_chunks(household_ids):
        query = (select(Person.household_id, Person.name).where(Person.household_id.in_(chunk))
                 .order_by(Person.household_id, Person.relation != HEAD_RELATION, Person.id))
        for household_id, name in session.execute(query):
            names.setdefault(household_id, name)
    return names


def monitored_on(session: Session, settlement_ids, moment: datetime) -> dict[int, str]:
    """Household id -> category of the households of these settlements monitored at ``moment``, read
    from the ledger's flag events (a household flagged before any such event counts as it is now)."""
    households: dict[int, str] = dict(session.execute(
        select(Household.id, Household.monitoring)
        .where(Household.settlement_id.in_(list(settlement_ids)))).tuples().all())
    with_events: set[int] = set()
    latest_before: dict[int, tuple[int, str, dict]] = {}
    for chunk in in_chunks(list(households)):
        events = session.execute(
            select(LedgerEvent.household_id, LedgerEvent.id, LedgerEvent.kind, LedgerEvent.data,
                   LedgerEvent.occurred_at)
            .where(LedgerEvent.kind.in_((FLAGGED, UNFLAGGED)), LedgerEvent.household_id.in_(chunk)))
        for household_id, event_id, kind, data, occurred_at in events:
            with_events.add(household_id)
            known = latest_before.get(household_id)
            if as_utc(occurred_at) < moment and (known is None or event_id > known[0]):
                latest_before[household_id] = (event_id, kind, data)
    monitored = {household_id: category for household_id, category in households.items()
                 if household_id not in with_events and is_monitored(category)}
    for household_id, (_, kind, data) in latest_before.items():
        if kind == FLAGGED:
            monitored[household_id] = data["category"]
    return monitored
