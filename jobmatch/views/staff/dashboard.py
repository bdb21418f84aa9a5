"""The day's overview: totals and chart by settlement, zero-employment households, follow-ups, vacancies."""

from flask import render_template
from flask_login import current_user

from jobmatch.access import inbound_text_scope, visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.services.households import dashboard as day
from jobmatch.services.households import problems
from jobmatch.services.households.day_figures import day_figures
from jobmatch.services.offers.queries import offers_waiting
from jobmatch.services.province.figures import WAITING_KEPT
from jobmatch.services.sms.inbound import unread_count
from jobmatch.views.charts import horizontal_bars
from jobmatch.views.staff import STAFF_ROLES, bp


@bp.get("/")
@roles_required(*STAFF_ROLES)
def dashboard():
    session = get_session()
    settlement_ids = visible_settlement_ids(session, current_user)
    figures = day_figures(session, settlement_ids)
    overview = day.day_overview(session, settlement_ids, limit=20, totals=figures.totals)
    waiting_total, waiting = offers_waiting(session, settlement_ids, limit=WAITING_KEPT, total=figures.waiting_offers,
                                            among=figures.waiting_first)
    chart = horizontal_bars([(t.settlement.name, t.employment_rate) for t in overview.totals], title="各安置点就业率")
    return render_template("staff/dashboard.html", totals=overview.totals, chart=chart,
                           zero_households=overview.zero_households, follow_ups_due=overview.follow_ups_due,
                           new_vacancies=overview.new_vacancies, waiting_total=waiting_total, waiting=waiting,
                           unread_texts=unread_count(session, inbound_text_scope(session, current_user)),
                           monitored=figures.monitored, monitoring_alerts=figures.open_alerts,
                           problems=problems.open_problems_tile(session, settlement_ids, figures.open_problems))
