"""The province overview (/staff/province, issue 19): counties with their totals, a county's sites, the
figures' time, an .xlsx of the same rows; read from the maintained site figures, on the replica when set."""

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from jobmatch.access import visible_settlement_ids
from jobmatch.auth import roles_required
from jobmatch.db import get_report_session, get_session
from jobmatch.services.province.figures import refresh_site_figures
from jobmatch.services.province.overview import ProvinceOverview, province_overview
from jobmatch.services.province.overview_xlsx import write_overview_xlsx
from jobmatch.views.staff import bp
from jobmatch.vocabulary.staff import PROVINCE_FIGURE_LABELS

PROVINCE_ROLES = ("admin", "province_officer", "county_officer")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _overview() -> ProvinceOverview:
    session = get_report_session()
    return province_overview(session, visible_settlement_ids(session, current_user),
                             county_id=request.args.get("county_id", type=int),
                             sort=request.args.get("sort", "name"), descending=request.args.get("desc") == "1")


def _title() -> str:
    return "本县就业概况" if current_user.role == "county_officer" else "全省就业概况"


@bp.get("/province")
@roles_required(*PROVINCE_ROLES)
def province():
    return render_template("staff/province.html", overview=_overview(), labels=PROVINCE_FIGURE_LABELS, title=_title())


@bp.get("/province.xlsx")
@roles_required(*PROVINCE_ROLES)
def province_xlsx():
    overview = _overview()
    buffer = io.BytesIO()
    write_overview_xlsx(overview, buffer, title=_title())
    buffer.seek(0)
    name = f"{overview.county.name}各安置点就业概况" if overview.county else _title()
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=f"{name}.xlsx")


@bp.post("/province/refresh")
@roles_required(*PROVINCE_ROLES)
def refresh_province():
    """Count the changes waiting now rather than at the next scheduled refresh (a few sites: milliseconds)."""
    session = get_session()
    refresh_site_figures(session)
    session.commit()
    flash("已更新数字。")
    return redirect(url_for("staff.province", **request.args))
