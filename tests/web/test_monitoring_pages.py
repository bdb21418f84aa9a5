"""Staff flag a household for poverty-relapse monitoring on its page, see it on the dashboard and the
list, are refused a flag without a reason, close an alert, and a follow-up of a monitored household
asks for its employment state, needs and training wish."""

from sqlalchemy import select

from jobmatch.models import FollowUp, Household, LedgerEvent
from jobmatch.services.households.employment_changes import current_spell, end_spell
from jobmatch.services.households.status import refresh_households
from tests.factories import make_spell
from tests.web.helpers import load_small_demo, login


def test_staff_flag_a_household_then_act_on_its_alert(app, session, client):
    demo = load_small_demo(session)
    household = session.get(Household, demo.household_a)
    worker = household.members[0]
    if current_spell(session, worker.id) is None:
        make_spell(session, worker, monthly_income=3000)
        refresh_households(session, [household.id], actor="test")
    number, household_id, worker_id = household.household_no, household.id, worker.id
    session.commit()
    login(client, "staff_a")
    refused = client.post(f"/staff/households/{household_id}/monitoring", data={"category": "marginal", "reason": ""},
                          follow_redirects=True).get_data(as_text=True)
    assert "请填写原因" in refused or "原因" in refused
    assert session.get(Household, household_id).monitoring == "none"
    session.rollback()
    page = client.post(f"/staff/households/{household_id}/monitoring",
                       data={"category": "marginal", "reason": "家中老人重病，开支大"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"已将 {number} 列为边缘易致贫户" in page and "标注防返贫监测" in page
    session.rollback()

    end_spell(session, current_spell(session, worker_id), reason="工厂裁员", actor="test")
    session.commit()
    dashboard = client.get("/staff/").get_data(as_text=True)
    assert '监测预警</a><b class="flag">1</b>' in dashboard
    listing = client.get("/staff/monitoring").get_data(as_text=True)
    assert f">{number}</a>" in listing and "家庭成员失业" in listing and "边缘易致贫户" in listing
    other = client.get("/staff/monitoring").get_data(as_text=True)
    assert demo.household_b_no not in other
    alert_id = session.scalar(select(LedgerEvent.data).where(LedgerEvent.kind == "monitoring_alert_raised"))["alert_id"]
    session.rollback()
    client.post(f"/staff/monitoring/alerts/{alert_id}/close", data={"note": "推荐帮扶车间岗位"})
    assert "没有待处理的预警" in client.get("/staff/monitoring").get_data(as_text=True)

    form = client.get(f"/staff/households/{household_id}/follow-up").get_data(as_text=True)
    assert "就业状态" in form and "培训意愿" in form
    missing = client.post(f"/staff/households/{household_id}/follow-up", data={"method": "phone"})
    assert missing.status_code == 400 and "防返贫监测户的回访请登记就业状态" in missing.get_data(as_text=True)
    done = client.post(f"/staff/households/{household_id}/follow-up",
                       data={"method": "visit", "employment_state": "unemployed", "needs": "就近岗位",
                             "training_wish": "家政"})
    assert done.status_code == 302
    follow_up = session.scalars(select(FollowUp).where(FollowUp.household_id == household_id)
                                .order_by(FollowUp.id.desc()).limit(1)).one()
    assert (follow_up.employment_state, follow_up.needs, follow_up.training_wish) == ("unemployed", "就近岗位", "家政")


def test_county_officers_read_the_list_but_cannot_flag(app, session, client):
    demo = load_small_demo(session)
    login(client, "county")
    assert client.get("/staff/monitoring").status_code == 200
    assert client.post(f"/staff/households/{demo.household_a}/monitoring",
                       data={"category": "unstable", "reason": "x"}).status_code == 403
