"""Public-welfare posts (rule 2): set up on need (按需设岗), the places a post has, who holds them.

Appointing, answering and exiting lock the post row (SELECT ... FOR UPDATE on PostgreSQL;
SQLite's BEGIN IMMEDIATE already serialises writers) after the ledger chain's lock, so
two staff filling the last place at once cannot both succeed.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.models import Settlement, WelfareAppointment, WelfarePost
from jobmatch.models.welfare import PLACE_HOLDING, AppointmentStatus, WelfarePostStatus
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.welfare.ranking import WelfareCandidate, rank_candidates

MAX_TERM_MONTHS = 36
DEFAULT_AGE_RANGE = (16, 65)
AGE_LIMITS = (16, 80)


def _check_age_range(age_min, age_max) -> None:
    low, high = AGE_LIMITS
    require(isinstance(age_min, int) and low <= age_min <= high, "age_min", f"最低年龄应在 {low} 到 {high} 岁之间")
    require(isinstance(age_max, int) and age_min <= age_max <= high, "age_max",
            f"最高年龄应在最低年龄到 {high} 岁之间")


def create_post(session: Session, *, settlement_id: int, title: str, quota: int, monthly_subsidy: int,
                term_months: int = 12, duties: str = "", age_min: int = DEFAULT_AGE_RANGE[0],
                age_max: int = DEFAULT_AGE_RANGE[1], actor: str) -> WelfarePost:
    """Set up a post at a site (按需设岗)."""
    get_or_fail(session, Settlement, settlement_id, "settlement_id", "安置点")
    title = (title or "").strip()
    require(0 < len(title) <= 80, "title", "请填写岗位名称（最多 80 字）")
    require(isinstance(quota, int) and 1 <= quota <= 500, "quota", "名额应在 1 到 500 之间")
    require(isinstance(monthly_subsidy, int) and 1 <= monthly_subsidy <= 10_000, "monthly_subsidy",
            "月补贴应在 1 到 10000 元之间")
    require(isinstance(term_months, int) and 1 <= term_months <= MAX_TERM_MONTHS, "term_months",
            f"任期应在 1 到 {MAX_TERM_MONTHS} 个月之间")
    _check_age_range(age_min, age_max)
    post = WelfarePost(settlement_id=settlement_id, title=title, duties=(duties or "").strip(), quota=quota,
                       monthly_subsidy=monthly_subsidy, term_months=term_months, age_min=age_min, age_max=age_max,
                       status=WelfarePostStatus.OPEN)
    session.add(post)
    session.flush()
    ledger.append(session, "welfare_post_created", actor=actor, subject=f"welfare_post:{post.id}",
                  data={"title": title, "quota": quota, "monthly_subsidy": monthly_subsidy,
                        "term_months": term_months, "settlement_id": settlement_id,
                        "age_min": age_min, "age_max": age_max})
    return post


def set_age_range(session: Session, post_id: int, *, age_min: int, age_max: int, actor: str) -> WelfarePost:
    """Change who may be a candidate by age (e.g. 16–70 for a post an older person can do)."""
    post = locked_post(session, post_id)
    _check_age_range(age_min, age_max)
    before = {"age_min": post.age_min, "age_max": post.age_max}
    post.age_min, post.age_max = age_min, age_max
    ledger.append(session, "welfare_post_settings_changed", actor=actor, subject=f"welfare_post:{post.id}",
                  data={"before": before, "after": {"age_min": age_min, "age_max": age_max}})
    return post


def locked_post(session: Session, post_id: int) -> WelfarePost:
    """The post, read again under its row lock (after the ledger chain's lock)."""
    get_or_fail(session, WelfarePost, post_id, "post_id", "公益性岗位")
    ledger.lock_chain(session)
    # populate_existing: read the row again under the lock, not the copy already in the session.
    return session.scalars(select(WelfarePost).where(WelfarePost.id == post_id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def _appointments(session: Session, post_id: int, statuses) -> list[WelfareAppointment]:
    return list(session.scalars(select(WelfareAppointment).where(
        WelfareAppointment.post_id == post_id, WelfareAppointment.status.in_(list(statuses)))
        .order_by(WelfareAppointment.id)))


def active_appointments(session: Session, post_id: int) -> list[WelfareAppointment]:
    """Who holds the post now (accepted and not exited)."""
    return _appointments(session, post_id, [AppointmentStatus.ACTIVE])


def offered_appointments(session: Session, post_id: int) -> list[WelfareAppointment]:
    """Offers of the post waiting for the worker's answer (each reserves a place)."""
    return _appointments(session, post_id, [AppointmentStatus.OFFERED])


def places_left(session: Session, post: WelfarePost) -> int:
    """Free places on the post: quota minus holders and open offers."""
    held = session.scalar(select(func.count()).select_from(WelfareAppointment).where(
        WelfareAppointment.post_id == post.id, WelfareAppointment.status.in_(list(PLACE_HOLDING))))
    return post.quota - int(held or 0)


def candidates_for_post(session: Session, post_id: int) -> list[WelfareCandidate]:
    """The ranked candidates for a post, each with points and a plain-Chinese reason."""
    post = get_or_fail(session, WelfarePost, post_id, "post_id", "公益性岗位")
    return rank_candidates(session, post)
