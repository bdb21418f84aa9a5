"""A county sending a labour-export group to an employer in another province, with workers of every kind."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from jobmatch.models import EmploymentSpell, Message
from jobmatch.models.labour_export import TransportMode
from jobmatch.services.households.status import refresh_households
from jobmatch.services.labour_export.groups import NewGroup, create_group
from tests.factories import make_county, make_employer, make_household, make_person, make_settlement, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)
DEPARTS = datetime(2026, 11, 25, 7, 0, tzinfo=SHANGHAI)
SECRET = "test-secret"


@dataclass
class Setting:
    county: object
    site: object
    other_site: object
    employer: object
    cooperative: object
    leader: object
    people: dict = field(default_factory=dict)


def make_setting(session) -> Setting:
    county = make_county(session)
    site, other_site = make_settlement(session, county), make_settlement(session, county)
    employer = make_employer(session, None, name=f"东莞电子厂{county.id}")
    cooperative = make_employer(session, county, name=f"劳务合作社{county.id}", kind="cooperative")
    leader = make_user(session, "staff", settlements=[site, other_site], display_name="带队专干")
    return Setting(county, site, other_site, employer, cooperative, leader)


def add_workers(session, setting: Setting) -> dict:
    """Workers of every kind: who may go to another province, and who may not."""
    site, other_site = setting.site, setting.other_site
    working_home, monitored_home = make_household(session, site), make_household(session, site, monitoring="unstable")
    for home in (working_home, monitored_home):  # someone in work: not zero-employment households
        make_person(session, home, name="家里在岗", mobility="county", relation="配偶", spells=[
            EmploymentSpell(kind="workshop", employer_name="车间", started_on=date(2025, 1, 1))])
    people = {
        "anywhere": make_person(session, working_home, name="愿去省外", mobility="any"),
        "zero": make_person(session, make_household(session, other_site), name="零就业", mobility="any"),
        "monitored": make_person(session, monitored_home, name="监测户", mobility="any"),
        "province_only": make_person(session, make_household(session, site), name="只去省内", mobility="province"),
        "county_only": make_person(session, make_household(session, site), name="只在县内", mobility="county"),
        "site_bound": make_person(session, make_household(session, site), name="不能离开", mobility="any",
                                  cannot_leave_site=True, cannot_leave_reason="caring_children"),
        "opted_out": make_person(session, make_household(session, site), name="退订", mobility="any",
                                 sms_opt_out=True),
        "far": make_person(session, make_household(session, make_settlement(session)), name="外县", mobility="any"),
    }
    busy_home = make_household(session, site)
    people["employed"] = make_person(session, busy_home, name="在岗", mobility="any", spells=[
        EmploymentSpell(kind="within_county", employer_name="厂", started_on=date(2025, 1, 1))])
    refresh_households(session, [p.household_id for p in people.values()], actor="system")
    return people


def new_group(setting: Setting, **changes) -> NewGroup:
    values = dict(name="东莞电子厂春季输出团", county_id=setting.county.id, employer_id=setting.employer.id,
                  destination_province="广东省", destination_city="东莞市", jobs="电子装配工", monthly_wage=5500,
                  contract_months=12, departs_at=DEPARTS, gathering_point="安置点广场", transport=TransportMode.CHARTERED_BUS,
                  seats=45, dormitory=True, meals=True, leader_user_id=setting.leader.id)
    return NewGroup(**{**values, **changes})


def make_group(session, setting: Setting, **changes):
    return create_group(session, new_group(setting, **changes), actor="user:1")


def sent(message: Message) -> Message:
    """The ask as the provider took it: answerable by a bare "1" or "2"."""
    message.status = "sent"
    return message
