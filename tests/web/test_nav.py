"""The top navigation: each role sees exactly the pages it saw before the menu was grouped (and only
pages its role may open), each at most two clicks away (open a group, follow a link); the page shown
is marked; the menu is data (jobmatch/views/navigation.py), so a link appended at the end shows."""

import re
from html.parser import HTMLParser

import pytest

from jobmatch.views import navigation
from jobmatch.views.navigation import LINKS, NavLink
from tests.web.helpers import login

STAFF = {"今日概况": "/staff/", "查找": "/staff/search", "匹配推荐": "/staff/rounds",
         "零就业": "/staff/zero-employment", "监测户": "/staff/monitoring", "回访": "/staff/follow-ups",
         "问题": "/staff/problems", "公益岗位": "/staff/welfare", "补贴": "/staff/subsidies",
         "招聘会": "/staff/fairs", "培训": "/staff/training", "户清单": "/staff/households", "零工": "/staff/gigs",
         "覆盖情况": "/staff/coverage", "我的账号": "/staff/account", "劳务输出": "/staff/labour-export"}
WRITERS = {"上传台账": "/staff/roster/upload", "导出台账": "/staff/roster/export", "单位审核": "/staff/employers/pending",
           "单位政策属性": "/staff/employers/policy", "地点": "/staff/places"}
COUNTY = {"全县": "/county/"}
# What each role's bar linked to before it was grouped (templates/_nav.html at 35fd735).
BEFORE = {
    "admin": STAFF | WRITERS | COUNTY | {"全省概况": "/staff/province"},
    "staff": STAFF | WRITERS,
    "county": STAFF | COUNTY | {"各点概况": "/staff/province"},
    "province": {"全省概况": "/staff/province"},
    "employer": {"我的岗位": "/e/", "应聘人员": "/e/candidates", "就业补贴": "/e/subsidies", "单位信息": "/e/company",
                 "零工": "/e/gigs"},
}


class _Bar(HTMLParser):
    """The header's links: (label, href, depth in <details>), and the group summaries."""

    def __init__(self):
        super().__init__()
        self.links, self.summaries, self.current = [], [], []
        self._in_header = self._details = 0
        self._href = self._text = None
        self._summary = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "header":
            self._in_header += 1
        elif self._in_header and tag == "details":
            self._details += 1
        elif self._in_header and tag == "summary":
            self._summary = [attrs.get("class") or ""]
        elif self._in_header and tag == "a":
            self._href, self._text = attrs.get("href"), ""
            if attrs.get("aria-current") == "page":
                self.current.append(attrs.get("href"))

    def handle_endtag(self, tag):
        if tag == "header":
            self._in_header -= 1
        elif self._in_header and tag == "details":
            self._details -= 1
        elif self._in_header and tag == "summary" and self._summary is not None:
            self.summaries.append((self._summary[1:] and "".join(self._summary[1:]).strip(), self._summary[0]))
            self._summary = None
        elif self._in_header and tag == "a" and self._href is not None:
            self.links.append((self._text.strip(), self._href, self._details))
            self._href = None

    def handle_data(self, data):
        if self._summary is not None:
            self._summary.append(data)
        elif self._href is not None:
            self._text += data


def _bar(client, url="/staff/account") -> _Bar:
    bar = _Bar()
    bar.feed(client.get(url).get_data(as_text=True))
    return bar


def _menu_links(bar: _Bar) -> dict[str, str]:
    """The bar's page links (not the brand, the language switch or the sign-out)."""
    return {label: href for label, href, _ in bar.links if href.startswith(("/staff", "/county", "/e/"))}


@pytest.mark.parametrize("username", BEFORE)
def test_each_role_reaches_exactly_its_pages_within_two_clicks(app, session, client, demo, username):
    login(client, username)
    home = {"employer": "/e/", "province": "/staff/province"}.get(username, "/staff/account")
    bar = _bar(client, home)
    assert _menu_links(bar) == BEFORE[username]
    for label, href, depth in bar.links:
        if href in BEFORE[username].values():
            assert depth <= 1, f"{label} is more than one group deep"
            assert client.get(href).status_code == 200, f"{username} cannot open {label} ({href})"


@pytest.mark.parametrize("username", ["staff", "county", "province", "employer"])
def test_no_role_is_offered_a_page_it_may_not_open(app, session, client, demo, username):
    login(client, username)
    offered = set(BEFORE[username].values())
    everyone = {href for pages in BEFORE.values() for href in pages.values()}
    for href in everyone - offered:
        assert client.get(href).status_code in (302, 403), f"{username} may open {href} but is not offered it"


def test_staff_groups_read_as_a_day_and_the_page_shown_is_marked(app, session, client, demo):
    login(client, "staff")
    bar = _bar(client, "/staff/gigs")
    assert [label for label, _ in bar.summaries] == ["今日", "住户与人员", "岗位与匹配", "招聘会与零工",
                                                     "公益性岗位与补贴", "报表与台账", "设置"]
    assert bar.current == ["/staff/gigs"]
    assert [label for label, css in bar.summaries if "current" in css] == ["招聘会与零工"]
    dashboard = _bar(client, "/staff/")
    assert [label for label, css in dashboard.summaries if "current" in css] == ["今日"]


def test_the_county_officer_sees_no_empty_group_and_no_writer_pages(app, session, client, demo):
    login(client, "county")
    bar = _bar(client, "/county/")
    labels = [label for label, _ in bar.summaries]
    assert "报表与台账" in labels and "设置" not in labels  # 设置 holds only 我的账号 here: it stands on the bar
    assert ("我的账号", "/staff/account", 0) in bar.links
    assert not {"上传台账", "导出台账", "地点", "单位审核"} & set(_menu_links(bar))


def test_a_group_of_one_link_is_that_link_on_the_bar(app, session, client, demo):
    login(client, "province")
    bar = _bar(client, "/staff/province")
    assert bar.summaries == []  # nothing to open for the one page a province officer reads
    assert ("全省概况", "/staff/province", 0) in bar.links and bar.current == ["/staff/province"]


def test_the_english_bar_is_in_english(app, session, client, demo):
    login(client, "staff")
    bar = _bar(client, "/staff/account?lang=en")
    labels = [label for label, _ in bar.summaries]
    assert labels == ["My day", "Households", "Jobs", "Fairs & gigs", "Welfare & subsidies", "Reports", "Settings"]
    assert not any(re.search(r"[\u4e00-\u9fff]", label) for label, _, _ in bar.links if label not in ("中文",)
                   and not label.startswith("安置点"))


def test_a_link_appended_at_the_end_shows_last_in_its_group_for_the_roles_its_view_lets_in(
        app, session, client, demo, monkeypatch):
    monkeypatch.setattr(navigation, "LINKS", LINKS + (NavLink("staff.unread_replies", "短信回复", "reports"),))
    login(client, "county")
    bar = _bar(client, "/staff/account")
    reports = [label for label, href, depth in bar.links if depth and href in
               ("/county/", "/staff/province", "/staff/sms/unread")]
    assert reports == ["全县", "各点概况", "短信回复"]


def test_every_link_names_a_view_that_says_who_may_open_it(app):
    """A view without roles_required would drop out of everyone's bar without a word."""
    with app.test_request_context():
        assert [link.endpoint for link in LINKS if not navigation.allowed_roles(link.endpoint)] == []


def test_a_link_to_a_group_that_does_not_exist_stops_the_app_starting(app, monkeypatch):
    monkeypatch.setattr(navigation, "LINKS", LINKS + (NavLink("staff.account", "我的账号", "nowhere"),))
    with pytest.raises(ValueError, match="nowhere"):
        navigation.register(app)


@pytest.fixture
def demo(session):
    from tests.web.helpers import load_small_demo

    demo = load_small_demo(session)
    session.rollback()
    return demo
