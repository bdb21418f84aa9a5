"""Setting up a labour-export group: every field checked, a destination out of the county."""

import pytest

from jobmatch.models import LedgerEvent
from jobmatch.services.errors import WorkflowError
from jobmatch.services.labour_export.groups import create_group, spell_kind
from tests.factories import frozen_clock, make_employer, make_user
from tests.labour_export.helpers import NOON, make_setting, new_group


@pytest.fixture
def clock():
    with frozen_clock(NOON) as frozen:
        yield frozen


def test_a_group_is_set_up_with_its_terms_and_ledgered(session, clock):
    setting = make_setting(session)
    group = create_group(session, new_group(setting), actor="user:1")
    assert (group.destination_province, group.destination_city, group.seats) == ("广东省", "东莞市", 45)
    assert group.dormitory and group.meals and group.leader.display_name == "带队专干"
    assert spell_kind(group) == "outside_province"
    event = session.query(LedgerEvent).filter_by(kind="export_group_created").one()
    assert event.subject == f"export:{group.id}" and event.data["seats"] == 45


def test_a_group_in_the_province_starts_within_province_jobs(session, clock):
    setting = make_setting(session)
    group = create_group(session, new_group(setting, destination_province="贵州省", destination_city="贵阳市"),
                         actor="user:1")
    assert spell_kind(group) == "within_province"


def test_a_labour_cooperative_may_lead_a_group_but_not_an_ordinary_company(session, clock):
    setting = make_setting(session)
    group = create_group(session, new_group(setting, leader_user_id=None, cooperative_id=setting.cooperative.id),
                         actor="user:1")
    assert group.cooperative.name.startswith("劳务合作社")
    company = make_employer(session, setting.county, name="普通公司")
    with pytest.raises(WorkflowError, match="不是劳务合作社") as error:
        create_group(session, new_group(setting, leader_user_id=None, cooperative_id=company.id), actor="user:1")
    assert error.value.field == "cooperative_id"


@pytest.mark.parametrize("changes, field", [
    ({"name": " "}, "name"), ({"seats": 0}, "seats"), ({"seats": 5000}, "seats"), ({"monthly_wage": 0}, "monthly_wage"),
    ({"contract_months": 0}, "contract_months"), ({"destination_province": ""}, "destination_province"),
    ({"jobs": ""}, "jobs"), ({"gathering_point": ""}, "gathering_point"), ({"transport": "plane"}, "transport"),
    ({"departs_at": NOON}, "departs_at"), ({"leader_user_id": None}, "leader_user_id"),
    ({"employer_id": 987654}, "employer_id"), ({"county_id": 987654}, "county_id"),
])
def test_a_wrong_field_is_named_and_nothing_is_written(session, clock, changes, field):
    setting = make_setting(session)
    make_user(session)
    with pytest.raises(WorkflowError) as error:
        create_group(session, new_group(setting, **changes), actor="user:1")
    assert error.value.field == field
    assert session.query(LedgerEvent).filter_by(kind="export_group_created").count() == 0


def test_an_employer_of_the_same_county_and_province_is_not_labour_export(session, clock):
    setting = make_setting(session)
    local = make_employer(session, setting.county, name="本县工厂")
    with pytest.raises(WorkflowError, match="县外或省外"):
        create_group(session, new_group(setting, employer_id=local.id, destination_province="贵州省"), actor="user:1")
