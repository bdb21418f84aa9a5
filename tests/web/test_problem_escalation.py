"""Rule 8 on the pages: the staff dashboard shows the oldest open problem's wait, the county page
lists problems past their 3 days."""

from datetime import timedelta

from sqlalchemy import delete

from jobmatch.clock import utcnow
from jobmatch.models import Problem
from jobmatch.models.problems import ProblemCategory, ProblemSource
from tests.web.helpers import load_small_demo, login


def _problem(session, household_id, description, waited):
    session.add(Problem(household_id=household_id, source=ProblemSource.STAFF, category=ProblemCategory.LIVING, description=description,
                        reported_at=utcnow() - waited, resolution=""))


def test_dashboard_tile_and_county_escalation(app, session, client):
    demo = load_small_demo(session)
    session.execute(delete(Problem))
    _problem(session, demo.household_a, "屋顶漏水四天了", timedelta(days=4, hours=2))
    _problem(session, demo.household_a, "刚反映的问题", timedelta(minutes=1))
    _problem(session, demo.household_b, "另一个安置点的问题", timedelta(days=5))
    session.commit()
    login(client, "staff_a")
    dashboard = client.get("/staff/").get_data(as_text=True)
    tile = dashboard.split("待处理问题")[1].split("</div>")[0]
    assert ">2</b>" in tile and "最早的已等 4天2小时" in tile  # staff_a sees settlement A only
    client.post("/logout")
    login(client, "county")
    county = client.get("/county/").get_data(as_text=True)
    escalated = county.split("超过3天未解决的问题（2）")[1].split("零就业家庭")[0]
    assert "屋顶漏水四天了" in escalated and "另一个安置点的问题" in escalated and "刚反映的问题" not in escalated
    assert "5天0小时" in escalated
