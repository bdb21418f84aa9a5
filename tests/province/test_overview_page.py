"""/staff/province: a county officer sees only their county, a province officer their province's
counties; a county opens to its sites, sorted by any column; the .xlsx holds the page's figures."""

import io
import re

import pytest
from openpyxl import load_workbook

from jobmatch.services.province.figures import rebuild_site_figures
from jobmatch.vocabulary.staff import PROVINCE_FIGURE_LABELS
from tests.factories import make_county, make_imported_household, make_settlement
from tests.web.helpers import add_user, login

WORKER, IDLE = {}, {"wants_work": True}
CHILD = {"capacity": "none", "wants_work": False}


@pytest.fixture
def province(session):
    """Two counties of 贵州省 (two sites and one), one of 云南省; officers of each."""
    guizhou_a = make_county(session, name="威宁县", province="贵州省")
    guizhou_b = make_county(session, name="赫章县", province="贵州省")
    yunnan = make_county(session, name="会泽县", province="云南省")
    sites = {name: make_settlement(session, county, name=name) for name, county in
             (("五里岗安置点", guizhou_a), ("陕桥安置点", guizhou_a), ("白果安置点", guizhou_b), ("钟屏安置点", yunnan))}
    for number, (site, members) in enumerate([("五里岗安置点", (IDLE, CHILD)), ("五里岗安置点", (IDLE, IDLE)),
                                              ("陕桥安置点", (IDLE,)), ("白果安置点", (IDLE, IDLE, CHILD)),
                                              ("钟屏安置点", (IDLE,))], start=1):
        make_imported_household(session, sites[site], f"H{number:03d}", *members)
    add_user(session, "county_a", "county_officer", county_id=guizhou_a.id)
    add_user(session, "guizhou", "province_officer", county_id=guizhou_b.id)
    add_user(session, "site_staff", "staff", settlements=[sites["白果安置点"]])
    rebuild_site_figures(session)
    session.commit()
    return {"guizhou_a": guizhou_a, "guizhou_b": guizhou_b, "yunnan": yunnan, "sites": sites}


def _rows(html: str) -> dict[str, list[str]]:
    """Each body or footer row of the page's tables: its heading -> its cells' text."""
    rows = {}
    for heading, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', html, re.S):
        name = re.sub(r"<[^>]+>", "", heading).strip()
        rows[name] = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", cells, re.S)]
    return rows


def test_a_county_officer_sees_only_their_county(client, province):
    login(client, "county_a")
    page = client.get("/staff/province").get_data(as_text=True)
    rows = _rows(page)
    assert set(rows) == {"威宁县", "合计"}
    # 2 sites, 3 households, 4 labourers (the children are not), nobody employed: all zero-employment.
    assert rows["威宁县"][:6] == ["2", "3", "4", "0", "0.0%", "3"]
    other = client.get(f"/staff/province?county_id={province['guizhou_b'].id}").get_data(as_text=True)
    assert "白果安置点" not in other and "赫章县" not in other


def test_a_province_officer_sees_the_provinces_counties_and_opens_one(client, province):
    login(client, "guizhou")
    rows = _rows(client.get("/staff/province").get_data(as_text=True))
    assert set(rows) == {"威宁县", "赫章县", "合计"}
    assert rows["合计"][:3] == ["3", "4", "6"]
    page = client.get(f"/staff/province?county_id={province['guizhou_a'].id}&sort=households&desc=1")
    rows = _rows(page.get_data(as_text=True))
    site_names = [name for name in rows if name.endswith("安置点")]
    assert site_names == ["五里岗安置点", "陕桥安置点"]  # two households before one
    assert 'aria-sort="descending"' in page.get_data(as_text=True)


def test_staff_of_a_site_do_not_open_the_province_page(client, province):
    login(client, "site_staff")
    assert client.get("/staff/province").status_code == 403


def test_the_export_holds_the_pages_figures(client, province):
    login(client, "guizhou")
    query = f"?county_id={province['guizhou_a'].id}"
    html = client.get(f"/staff/province{query}").get_data(as_text=True)
    sites_table, counties_table = html.split("<table")[1:]
    response = client.get(f"/staff/province.xlsx{query}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["各县", "威宁县各安置点"]
    for sheet, table in zip(workbook.worksheets, (counties_table, sites_table)):
        page_rows = _rows(table)
        header, *lines = list(sheet.iter_rows(min_row=2, values_only=True))
        assert set(header[1:]) <= set(PROVINCE_FIGURE_LABELS.values())
        for name, *values in lines:
            assert [_as_page_text(label, v) for label, v in zip(header[1:], values)] == page_rows.pop(name), name
        assert page_rows == {}  # every line of the page is in the sheet


def _as_page_text(label: str, value) -> str:
    rate = label == PROVINCE_FIGURE_LABELS["employment_rate"] and value != "无数据"
    return f"{value * 100:.1f}%" if rate else str(value)


def test_a_change_shows_as_waiting_until_refreshed(client, session, province):
    from jobmatch.services.households import monitoring

    login(client, "guizhou")
    household = make_imported_household(session, province["sites"]["白果安置点"], "H900", IDLE)[0]
    monitoring.flag_household(session, household.id, "hardship", reason="火灾", actor="test")
    session.commit()
    page = client.get("/staff/province").get_data(as_text=True)
    assert "有 1 个安置点的新变动尚未计入" in page
    assert _rows(page)["赫章县"][1] == "1"  # households: not counted yet
    response = client.post("/staff/province/refresh")
    assert response.status_code == 302
    page = client.get("/staff/province").get_data(as_text=True)
    assert "所有变动均已计入" in page
    assert _rows(page)["赫章县"][1:3] == ["2", "3"] and _rows(page)["赫章县"][6] == "1"  # monitored


def test_the_page_reads_the_replica_when_there_is_one(pg_url):
    from sqlalchemy.orm import Session

    from jobmatch.db import make_engine
    from jobmatch.migrate import upgrade
    from jobmatch.services.province.figures import refresh_site_figures
    from tests import services
    from tests.app.test_replica import _fill
    from tests.conftest import make_test_app

    replica_url = services.create_pg_database("jobmatch_replica")
    try:
        upgrade(replica_url)
        _fill(pg_url)
        _fill(replica_url, replica_only=True)  # a change the primary's readers have not seen yet
        for url in (pg_url, replica_url):
            engine = make_engine(url)
            with Session(engine) as session:
                refresh_site_figures(session)
                session.commit()
            engine.dispose()
        app = make_test_app(pg_url, DATABASE_REPLICA_URL=replica_url)
        client = app.test_client()
        assert client.post("/login", data={"username": "boss", "password": "pw-123456"}).status_code == 302
        rows = _rows(client.get("/staff/province").get_data(as_text=True))
        assert rows["威宁县（副本）"][1] == "2"  # the replica's two households
        for engine_key in ("jobmatch.engine", "jobmatch.replica_engine"):
            app.extensions[engine_key].dispose()
    finally:
        services.drop_pg_database(replica_url)
