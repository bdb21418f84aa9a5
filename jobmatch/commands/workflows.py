"""Commands for the staff workflows: welfare posts, fairs, follow-ups, the zero-employment list, training, problems."""

import functools
import sys

import click
from flask.cli import with_appcontext

from jobmatch.clock import LOCAL_TZ


def _session():
    from jobmatch.db import get_session
    return get_session()


def _workflow_command(func):
    """Run with the app; commit on success, roll back and exit 1 with the Chinese message on a WorkflowError."""
    from jobmatch.services.errors import WorkflowError

    @functools.wraps(func)
    @with_appcontext
    def run(*args, **kwargs):
        try:
            func(*args, **kwargs)
            _session().commit()
        except WorkflowError as exc:
            _session().rollback()
            click.echo(f"错误：{exc}", err=True)
            sys.exit(1)
    return run


def _local(moment) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else "—"


# -- welfare posts ----------------------------------------------------------------------

@click.group("welfare")
def welfare_group():
    """Public-welfare posts (公益性岗位)."""


@welfare_group.command("roll")
@click.option("--post", "post_id", type=int, required=True)
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="FILE.xlsx")
@click.option("--user", "username", required=True, help="the staff member or admin exporting (it is ledgered)")
@_workflow_command
def welfare_roll(post_id, month, out_path, username):
    """Write a post's monthly subsidy roll (补贴花名册, full names and ID numbers) for the finance office."""
    from sqlalchemy import select

    from jobmatch.models import User
    from jobmatch.services.welfare.roll import write_subsidy_roll

    session = _session()
    user = session.scalar(select(User).where(User.username == username))
    roll = write_subsidy_roll(session, post_id, month, out_path, user=user)
    click.echo(f"wrote {len(roll.lines)} people, total {roll.total} yuan, to {out_path}")


@welfare_group.command("check")
@click.option("--month", default=None, help="YYYY-MM for the need check (default: this month)")
@_workflow_command
def welfare_check(month):
    """Daily: pass on places not answered within OFFER_EXPIRY_HOURS, vacate posts whose term has ended
    (worker told, place offered on), flag households that may no longer need their post (rule 2)."""
    from jobmatch.clock import Month
    from jobmatch.config import current_settings
    from jobmatch.services.subsidies.monthly_list import list_month
    from jobmatch.services.welfare.appointments import expire_unanswered
    from jobmatch.services.welfare.exits import vacate_ended_terms
    from jobmatch.services.welfare.needs import check_household_needs

    session = _session()
    expired = expire_unanswered(session, hours=current_settings().offer_expiry_hours, actor="cli:welfare check")
    vacated = vacate_ended_terms(session, actor="cli:welfare check")
    period = list_month(month) if month else Month.current()
    flagged = check_household_needs(session, period, actor="cli:welfare check")
    click.echo(f"unanswered offers passed on {len(expired)}, terms ended {len(vacated)}, places offered on {sum(r.next_candidate is not None for r in vacated)}, "
               f"households flagged for review {len(flagged)}")


@welfare_group.command("candidates")
@click.argument("post_id", type=int)
@click.option("--top", default=20, show_default=True)
@_workflow_command
def welfare_candidates(post_id, top):
    """The ranked candidates for a post, with points and reasons."""
    from jobmatch.services.welfare.posts import candidates_for_post

    for rank, c in enumerate(candidates_for_post(_session(), post_id)[:top], start=1):
        click.echo(f"{rank:>3}  {c.name}  {c.age}岁  {c.points}分  {c.reason}")


@click.group("subsidies")
def subsidies_group():
    """The monthly subsidy list of every kind (补贴发放表)."""


@subsidies_group.command("list")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="FILE.xlsx")
@click.option("--user", "username", required=True, help="who exports it (ID numbers masked unless their role needs them)")
@_workflow_command
def subsidies_list(month, out_path, username):
    """Write the month's subsidy list for finance: welfare posts, hiring, start-up and incubator subsidies."""
    from sqlalchemy import select

    from jobmatch.models import User
    from jobmatch.services.subsidies.monthly_list import total, write_subsidy_list

    session = _session()
    user = session.scalar(select(User).where(User.username == username))
    lines = write_subsidy_list(session, month, out_path, user=user)
    click.echo(f"wrote {len(lines)} lines, total {total(lines)} yuan, to {out_path}")


# -- fairs ------------------------------------------------------------------------------

@click.group("fairs")
def fairs_group():
    """Recruitment fairs (专场招聘会)."""


@fairs_group.command("invite")
@click.argument("fair_id", type=int)
@click.option("--limit", type=int, default=None)
@_workflow_command
def fairs_invite(fair_id, limit):
    """Invite the county's jobless workers by SMS, zero-employment households first."""
    from jobmatch.services.fairs.events import invite_workers

    invited = invite_workers(_session(), fair_id, actor="cli:fairs-invite", limit=limit)
    click.echo(f"invited {len(invited)} workers")


@fairs_group.command("remind")
@click.argument("fair_id", type=int)
@_workflow_command
def fairs_remind(fair_id):
    """Queue the day-before reminders for the registered workers."""
    from jobmatch.services.fairs.events import queue_reminders

    click.echo(f"queued {queue_reminders(_session(), fair_id, actor='cli:fairs-remind')} reminders")


@fairs_group.command("report")
@click.argument("fair_id", type=int)
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None, help="FILE.xlsx")
@_workflow_command
def fairs_report(fair_id, out_path):
    """Invited, registered, checked in, and interviews/offers/hires per employer."""
    from jobmatch.services.fairs.report import fair_report, write_fair_report_xlsx

    report = fair_report(_session(), fair_id)
    click.echo(f"{report.name} {report.held_on}: 邀请 {report.invited}  报名 {report.registered}  "
               f"签到 {report.checked_in}（现场 {report.walk_ins}）")
    for e in report.employers:
        click.echo(f"  {e.employer}: 面试 {e.interviews}  拟录用 {e.offers}  录用 {e.hires}")
    if out_path:
        write_fair_report_xlsx(report, out_path)
        click.echo(f"wrote {out_path}")


@fairs_group.command("due")
@click.option("--year", type=int, default=None)
@_workflow_command
def fairs_due(year):
    """Sites of 800+ relocated people with fewer than two fairs this year."""
    from jobmatch.services.fairs.events import sites_due_fairs

    due = sites_due_fairs(_session(), year)
    for site in due:
        click.echo(f"{site.county} {site.settlement}: {site.relocated_people}人, "
                   f"今年 {site.fairs_this_year} 场, 还需 {site.fairs_needed} 场")
    if not due:
        click.echo("no site is due a fair")


# -- follow-ups, zero employment, training, problems -----------------------------------

@click.group("followups")
def followups_group():
    """Monthly follow-ups (每月回访)."""


@followups_group.command("due")
@click.option("--staff", "username", default=None, help="USERNAME (default: every staff member)")
@_workflow_command
def followups_due(username):
    """Households due or overdue a follow-up, per staff member."""
    from jobmatch.services.households.followups import follow_ups_due_by_staff

    for staff in follow_ups_due_by_staff(_session(), username):
        click.echo(f"{staff.username} {staff.display_name}: {len(staff.households)} due, {staff.overdue} overdue")
        for h in staff.households:
            flags = ("零就业 " if h.zero_employment else "") + ("逾期" if h.overdue else "")
            click.echo(f"  {h.household_no} {h.settlement} {h.head_name}  上次回访 {_local(h.last_contacted_at)}  {flags}")


@click.group("zero-employment")
def zero_employment_group():
    """The zero-employment drive (零就业家庭动态清零)."""


@zero_employment_group.command("list")
@_workflow_command
def zero_employment_list():
    """Zero-employment households with days listed, offers, visits and the 3/5-day deadlines."""
    from jobmatch.services.households.zero_employment import zero_employment_households

    listed = zero_employment_households(_session())
    for z in listed:
        late = ("联系逾期 " if z.contact_overdue else "") + ("推岗逾期" if z.offer_overdue else "")
        click.echo(f"{z.household_no} {z.settlement} {z.head_name}: {z.days_on_list}天, 推送 {z.offers_sent}, "
                   f"上门 {z.door_visits}, 联系截止 {_local(z.contact_due)}, 推岗截止 {_local(z.offer_due)} {late}")
    click.echo(f"{len(listed)} zero-employment households")


@click.group("training")
def training_group():
    """Training (以岗定培)."""


@training_group.command("demand")
@click.option("--county", required=True, help="county name")
@click.option("--top", default=10, show_default=True)
@_workflow_command
def training_demand(county, top):
    """Skills to train for: vacancy openings minus local workers who have them."""
    from sqlalchemy import select

    from jobmatch.models import County
    from jobmatch.services.errors import WorkflowError
    from jobmatch.services.training.needs import skill_demand

    county_id = _session().scalar(select(County.id).where(County.name == county))
    if county_id is None:
        raise WorkflowError("county", f"找不到县区 {county}")
    for d in skill_demand(_session(), county_id, top):
        click.echo(f"{d.occupation}: 岗位 {d.openings}, 本地会的 {d.local_workers}, 缺口 {d.gap}, 想学 {d.wishes}")


@training_group.command("unmet")
@click.option("--county", required=True, help="county name")
@_workflow_command
def training_unmet(county):
    """Who wants training and has none yet (应培尽培): turned away by a full course first."""
    from sqlalchemy import select

    from jobmatch.models import County, Settlement
    from jobmatch.services.errors import WorkflowError
    from jobmatch.services.training.needs import unmet_training_demand

    county_id = _session().scalar(select(County.id).where(County.name == county))
    if county_id is None:
        raise WorkflowError("county", f"找不到县区 {county}")
    settlement_ids = list(_session().scalars(select(Settlement.id).where(Settlement.county_id == county_id)))
    unmet = unmet_training_demand(_session(), settlement_ids)
    for line in unmet:
        reason = "名额已满未能报名" if line.reason == "turned_away" else "还没有培训班"
        click.echo(f"{line.household_no} {line.name}: 想学 {'、'.join(line.wanted)}（{reason}）")
    turned_away = sum(1 for line in unmet if line.reason == "turned_away")
    click.echo(f"共 {len(unmet)} 人培训需求未满足，其中 {turned_away} 人因名额已满未能报名")


@click.group("problems")
def problems_group():
    """Problems workers raised (三个三)."""


@problems_group.command("open")
@_workflow_command
def problems_open():
    """Unresolved problems, overdue first."""
    from jobmatch.services.households.problems import open_problems
    from jobmatch.vocabulary.staff import PROBLEM_CATEGORY_LABELS, PROBLEM_DEADLINE_LABELS, PROBLEM_STAGE_LABELS

    for status in open_problems(_session()):
        overdue = "逾期：" + "、".join(PROBLEM_DEADLINE_LABELS[s] for s in status.overdue) if status.overdue else "未逾期"
        click.echo(f"#{status.problem.id} {_local(status.problem.reported_at)} "
                   f"{PROBLEM_CATEGORY_LABELS[status.problem.category]} {PROBLEM_STAGE_LABELS[status.stage]}，{overdue}")


COMMANDS = [welfare_group, subsidies_group, fairs_group, followups_group, zero_employment_group, training_group, problems_group]
