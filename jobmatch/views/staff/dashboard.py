"""The day's overview: totals and chart by settlement, zero-employment households, follow-ups, vacancies."""

from flask import render_template
from flask_login import current_user

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.db import get_session
from jobmatch.services import dashboard as day
from jobmatch.services.round_pages import offers_waiting
from jobmatch.views.charts import horizontal_bars
from jobmatch.views.staff import STAFF_ROLES, bp


@bp.get("/")
@roles_required(*STAFF_ROLES)
def dashboard():
    session = get_session()
    settlement_ids = visible_settlement_ids(session, current_user)
    totals = day.settlement_totals(session, settlement_ids)
    waiting_total, waiting = offers_waiting(session, settlement_ids, limit=20)
    chart = horizontal_bars([(t.settlement.name, t.employment_rate) for t in totals], title="各安置点就业率")
    return render_template("staff/dashboard.html", totals=totals, chart=chart,
                           zero_households=day.zero_employment_summary(session, settlement_ids, limit=20),
                           follow_ups_due=day.follow_ups_due_summary(session, settlement_ids, limit=20),
                           new_vacancies=day.new_vacancies(session, settlement_ids),
                           waiting_total=waiting_total, waiting=waiting)
