"""The top navigation: the pages a signed-in user reaches from every page, grouped the way a
community staff member's day goes (今日 → 住户与人员 → … → 设置).

The menu is data: GROUPS in the order they show, LINKS in the order they show within their
group. A link is shown to exactly the roles its view lets in (``roles_required`` on the view),
so the menu never offers a page that answers 403. To add a page, append a NavLink at the END of
LINKS with the group it belongs to (group "" puts it on the bar itself, as the employer's are).
"""

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str  # a msgid


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str  # a msgid
    group: str = ""  # a NavGroup key; "" for a link on the bar itself
    role_labels: tuple[tuple[str, str], ...] = ()  # (role, msgid): a role that reads the page by another name

    def label_for(self, role: str) -> str:
        return dict(self.role_labels).get(role, self.label)


GROUPS = (
    NavGroup("today", "今日"),
    NavGroup("people", "住户与人员"),
    NavGroup("jobs", "岗位与匹配"),
    NavGroup("fairs", "招聘会与零工"),
    NavGroup("welfare", "公益性岗位与补贴"),
    NavGroup("reports", "报表与台账"),
    NavGroup("settings", "设置"),
)

LINKS = (
    NavLink("staff.dashboard", "今日概况", "today"),
    NavLink("staff.search", "查找", "today"),
    NavLink("staff.follow_ups", "回访", "today"),
    NavLink("staff.problems", "问题", "today"),
    NavLink("staff.households", "户清单", "people"),
    NavLink("staff.zero_employment", "零就业", "people"),
    NavLink("staff.monitoring_list", "监测户", "people"),
    NavLink("staff.coverage", "覆盖情况", "people"),
    NavLink("staff.rounds", "匹配推荐", "jobs"),
    NavLink("staff.pending_employers", "单位审核", "jobs"),
    NavLink("staff.employer_policy", "单位政策属性", "jobs"),
    NavLink("staff.labour_export", "劳务输出", "jobs"),
    NavLink("staff.fairs", "招聘会", "fairs"),
    NavLink("staff.gigs", "零工", "fairs"),
    NavLink("staff.training", "培训", "fairs"),
    NavLink("staff.welfare_posts", "公益岗位", "welfare"),
    NavLink("staff.subsidies", "补贴", "welfare"),
    NavLink("staff.roster_upload", "上传台账", "reports"),
    NavLink("staff.roster_export", "导出台账", "reports"),
    NavLink("county.overview", "全县", "reports"),
    NavLink("staff.places", "地点", "settings"),
    NavLink("staff.account", "我的账号", "settings"),
    NavLink("employer.home", "我的岗位"),
    NavLink("employer.candidates", "应聘人员"),
    NavLink("employer.subsidies", "就业补贴"),
    NavLink("employer.company", "单位信息"),
    NavLink("employer.gigs", "零工"),
    NavLink("staff.province", "全省概况", "reports", role_labels=(("county_officer", "各点概况"),)),
)


@dataclass(frozen=True)
class MenuLink:
    url: str
    label: str
    current: bool  # the page being shown


@dataclass(frozen=True)
class MenuItem:
    """One place on the bar: a group that opens to its links, or (group "") a single link."""

    label: str
    links: list[MenuLink]
    is_group: bool

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def allowed_roles(endpoint: str) -> frozenset[str]:
    """The roles the endpoint's view lets in (roles_required); none for a view without it."""
    return getattr(current_app.view_functions[endpoint], "allowed_roles", frozenset())


def links_for(role: str) -> list[NavLink]:
    return [link for link in LINKS if role in allowed_roles(link.endpoint)]


def menu_for(role: str, current_endpoint: str | None = None) -> list[MenuItem]:
    """The bar for one role: its groups in GROUPS order (empty ones left out, one of a single link
    shown as that link), then its own links."""
    links = links_for(role)

    def entry(link: NavLink) -> MenuLink:
        return MenuLink(url_for(link.endpoint), link.label_for(role), link.endpoint == current_endpoint)

    items = [MenuItem(group.label, [entry(link) for link in links if link.group == group.key], True)
             for group in GROUPS]
    # A group of one link would be a menu to open for nothing: its link stands on the bar instead.
    items = [item if len(item.links) > 1 else MenuItem(item.links[0].label, item.links, False)
             for item in items if item.links]
    return items + [MenuItem(link.label_for(role), [entry(link)], False) for link in links if not link.group]


def _menu() -> list[MenuItem]:
    if not current_user.is_authenticated:
        return []
    return menu_for(current_user.role, request.endpoint)


def register(app) -> None:
    unknown = {link.group for link in LINKS} - {group.key for group in GROUPS} - {""}
    if unknown:
        raise ValueError(f"nav links name groups that are not in GROUPS: {sorted(unknown)}")
    app.jinja_env.globals["nav_menu"] = _menu
