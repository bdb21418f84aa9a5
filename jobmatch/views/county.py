"""County officer (/county/): read-only overview of the county's settlements, trend chart, monthly report."""

import io

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select

from jobmatch.auth import roles_required
from jobmatch.clock import Month, utcnow
from jobmatch.config import settings_of
from jobmatch.db import get_report_session, get_session
from jobmatch.models import County, Settlement
from jobmatch.services.coverage import coverage_rows
from jobmatch.services.households import dashboard as day
from jobmatch.services.households import monitoring, monitoring_alerts, problems
from jobmatch.services.labour_export.report import export_report, write_export_report_xlsx
from jobmatch.services.reports.monthly import employment_trend, monthly_report
from jobmatch.services.reports.monthly_xlsx import write_report_xlsx
from jobmatch.services.training.needs import unmet_training_demand
from jobmatch.views.charts import horizontal_bars, monthly_columns

bp = Blueprint("county", __name__, url_prefix="/county")
COUNTY_ROLES = ("county_officer", "admin")
ZERO_HOUSEHOLDS_SHOWN = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _county(session) -> County:
    """The officer's county; an admin picks one with ?county_id= (the first by default)."""
    if current_user.role == "county_officer":
        return session.get(County, current_user.county_id) or abort(404)
    chosen = request.args.get("county_id", type=int)
    query = select(County).order_by(County.id)
    county = session.get(County, chosen) if chosen else session.scalar(query.limit(1))
    return county or abort(404)


@bp.get("/")
@roles_required(*COUNTY_ROLES)
def overview():
    session = get_report_session()
    county = _county(session)
    settlement_ids = set(session.scalars(select(Settlement.id).where(Settlement.county_id == county.id)))
    totals = day.settlement_totals(session, settlement_ids)
    return render_template(
        "county/overview.html", county=county, totals=totals,
        rate_chart=horizontal_bars([(t.settlement.name, t.employment_rate) for t in totals], title="各安置点就业率"),
        trend_chart=monthly_columns(employment_trend(session, settlement_ids), title="近12个月就业率"),
        zero_households=day.zero_employment_summary(session, settlement_ids, limit=ZERO_HOUSEHOLDS_SHOWN),
        last_full_month=str(Month.current().previous()),
        monitored=monitoring.monitored_count(session, settlement_ids),
        monitoring_alerts=len(monitoring_alerts.open_alerts(session, settlement_ids)),
        escalated=problems.escalated_problems(session, settlement_ids), now=utcnow(),
        coverage=coverage_rows(session, county.id, Month.current()),
        unmet_training=unmet_training_demand(session, settlement_ids),
        labour_export=export_report(session, [county.id]))


@bp.get("/report.xlsx")
@roles_required(*COUNTY_ROLES)
def report():
    session = get_report_session()
    county = _county(session)
    # A MonthError is a UserError: jobmatch.views.errors shows its message. By default the last
    # full month: the current one is still partial.
    month = Month.parse(request.args["month"]) if request.args.get("month") else Month.current().previous()
    buffer = io.BytesIO()
    write_report_xlsx(monthly_report(session, county, month.year, month.number), buffer,
                      filed_by=current_user.display_name or current_user.username)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True,
                     download_name=f"{county.name}就业月报{month}.xlsx")


@bp.route("/signature", methods=["GET", "POST"])
@roles_required(*COUNTY_ROLES)
def signature():
    """The county's own registered SMS signature (its 人社局 name) at the start of every SMS."""
    from flask import current_app, flash, redirect, url_for

    from jobmatch.services.sms.sender_settings import set_signature
    from jobmatch.views.transactions import commit_or_error

    session = get_session()
    county = _county(session)
    error = None
    if request.method == "POST":
        _, failure = commit_or_error(session, lambda: set_signature(
            session, county.id, request.form.get("sms_signature", ""), actor=f"user:{current_user.id}"))
        if failure is None:
            flash("已保存短信签名。")
            return redirect(url_for("county.signature", county_id=county.id))
        error = failure.message
    return render_template("county/signature.html", county=county, error=error,
                           default=settings_of(current_app).sms_signature), 400 if error else 200


@bp.get("/labour-export.xlsx")
@roles_required(*COUNTY_ROLES)
def labour_export_xlsx():
    """Organised labour export: exported workers by destination and employer, rates, subsidies."""
    session = get_report_session()
    county = _county(session)
    buffer = io.BytesIO()
    write_export_report_xlsx(export_report(session, [county.id]), buffer, title=f"{county.name}劳务输出情况")
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=f"{county.name}劳务输出情况.xlsx")
