"""Every GET route of the app, opened by a staff member of settlement A with settlement B's ids:
nothing of settlement B comes back (403/404 where the URL names a B record, no B data elsewhere).

Ids of records that belong to no settlement (vacancies, employers) get a real record's id;
rounds, offers, fairs, welfare posts and courses get a real record of settlement B; other
ids get 1 and the weaker check: no server error and no B data. Add new ones to
SCOPED_ARGUMENTS with a B record.
"""

import io
import re
import shutil
from datetime import time

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from jobmatch import create_app
from jobmatch.clock import local_today
from jobmatch.db import MAX_ID
from jobmatch.models import Offer, Person, Settlement, Vacancy, WelfarePost
from jobmatch.privacy import mask_id_number
from jobmatch.routing import IdConverter
from jobmatch.services.fairs.events import create_fair
from jobmatch.services.offers.rounds import propose_round
from jobmatch.services.sms.inbound import receive_reply
from jobmatch.services.sms.short_links import links_for
from jobmatch.services.training.courses import create_course
from tests.conftest import make_test_app
from tests.web.helpers import bearer, load_small_demo, login, token_for

SCOPED_ARGUMENTS = {"code": "link_b", "household_id": "household_b", "person_id": "person_b", "settlement_id": "settlement_b",
                    "round_id": "round_b", "offer_id": "offer_b", "fair_id": "fair_b", "post_id": "post_b",
                    "course_id": "course_b"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


RULES = list(create_app({"TESTING": True, "DATABASE_URL": "sqlite://"}).url_map.iter_rules())
GET_RULES = sorted({rule.rule: rule for rule in RULES if "GET" in rule.methods and rule.endpoint != "static"}.values(),
                   key=lambda r: r.rule)
ID_RULES = sorted((rule for rule in RULES if any(isinstance(c, IdConverter) for c in rule._converters.values())),
                  key=lambda r: r.rule)
OUT_OF_RANGE_IDS = ("99999999999", "2147483648", "0")


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("access") / "access.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_test_app(f"sqlite:///{path}")
    session = app.extensions["jobmatch.sessionmaker"]()
    demo = load_small_demo(session)
    _settlement_b_samples(session, demo)
    vacancy_id = session.scalar(select(func.min(Vacancy.id)))
    token = token_for(session, "staff_a")
    session.close()
    client = app.test_client()
    login(client, "staff_a")
    yield app, demo, client, token, vacancy_id
    app.extensions["jobmatch.engine"].dispose()


def _settlement_b_samples(session, demo) -> None:
    """A round, an offer, a fair, a welfare post, a course and an unread text of settlement B, on ``demo``."""
    settlement_b = session.get(Settlement, demo.settlement_b)
    match_round = propose_round(session, actor="test", settlement_id=settlement_b.id)
    demo.round_b = match_round.id
    demo.offer_b = session.scalar(select(Offer.id).where(Offer.round_id == match_round.id).limit(1))
    assert demo.offer_b is not None, "the round of settlement B proposed nothing"
    demo.fair_b = create_fair(session, name="陕桥专场招聘会", held_on=local_today(), place="陕桥广场",
                              county_id=settlement_b.county_id, settlement_id=settlement_b.id, actor="test",
                              starts_at=time(0, 0)).id  # check-in open all day
    demo.post_b = session.scalar(select(WelfarePost.id).where(WelfarePost.settlement_id == settlement_b.id).limit(1))
    demo.course_b = create_course(session, name="陕桥家政培训班", skill="家政", county_id=settlement_b.county_id,
                                  settlement_id=settlement_b.id, starts_on=local_today(), ends_on=local_today(),
                                  place="陕桥社区", capacity=10, actor="test").id
    person_b = session.get(Person, demo.person_b)
    receive_reply(session, from_phone=person_b.phone, body="陕桥的群众想问问工资", provider_sid="SM-B-UNREAD")
    demo.link_b = links_for(session, [(person_b.id, f"offer:{demo.offer_b}")])[0]  # an SMS short link
    session.commit()


def _url(rule, demo, vacancy_id) -> str:
    values = {}
    for argument in rule.arguments:
        if argument in SCOPED_ARGUMENTS:
            values[argument] = getattr(demo, SCOPED_ARGUMENTS[argument])
        elif argument in ("vacancy_id", "employer_id"):
            values[argument] = vacancy_id
        elif isinstance(rule._converters[argument], IntegerConverter):
            values[argument] = 1
        else:
            pytest.fail(f"{rule.rule}: no sample value for <{argument}>; add one to this test")
    path = rule.rule
    for argument, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{argument}>", str(value), path)
    if any(argument in SCOPED_ARGUMENTS for argument in rule.arguments):
        return path
    query = (f"?q={demo.person_b_name}&household_id={demo.household_b}&person_id={demo.person_b}"
             f"&settlement_id={demo.settlement_b}")
    return path + query


def _text_of(response) -> str:
    if response.mimetype == XLSX:
        workbook = load_workbook(io.BytesIO(response.data))
        return "\n".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    return response.get_data(as_text=True)


def _api_items(response) -> list[dict]:
    body = response.get_json(silent=True) or {}
    return body.get("items", [body]) if isinstance(body, dict) else []


@pytest.mark.parametrize("rule", GET_RULES, ids=[r.rule for r in GET_RULES])
def test_staff_of_settlement_a_gets_nothing_of_settlement_b(site, rule):
    app, demo, client, token, vacancy_id = site
    url = _url(rule, demo, vacancy_id)
    response = client.get(url, headers=bearer(token) if rule.rule.startswith("/api/") else {})
    assert response.status_code < 500, f"{url}: {response.status_code}"
    if any(argument in SCOPED_ARGUMENTS for argument in rule.arguments):
        assert response.status_code in (403, 404), f"{url} answered {response.status_code}"
        return
    text = _text_of(response)
    assert demo.person_b_id_number not in text and mask_id_number(demo.person_b_id_number) not in text, url
    assert f">{demo.household_b_no}<" not in text and "陕桥的群众想问问工资" not in text, url
    for item in _api_items(response):
        assert item.get("household_id") != demo.household_b and item.get("person_id") != demo.person_b, url
        if "household_no" in item:
            assert item.get("settlement_id") != demo.settlement_b, url


def _url_with_id(rule, id_text: str) -> str:
    """The rule's URL with ``id_text`` for every id and a valid value for the rest (a step's first name)."""
    def sample(match):
        converter = rule._converters[match.group(2)]
        return id_text if isinstance(converter, IdConverter) else min(converter.items)
    return re.sub(r"<(?:([^<>]+):)?(\w+)>", sample, rule.rule)


@pytest.mark.parametrize("bad_id", OUT_OF_RANGE_IDS)
def test_an_id_out_of_range_is_not_found_on_every_id_route(database_url, bad_id):
    """Ids PostgreSQL's INTEGER cannot hold (and 0) are a 404 on every route and method, signed in or not."""
    app = make_test_app(database_url)
    session = app.extensions["jobmatch.sessionmaker"]()
    load_small_demo(session)
    token = token_for(session, "staff_a")
    session.close()
    client = app.test_client()
    login(client, "staff_a")
    answers = {}
    for rule in ID_RULES:
        url = _url_with_id(rule, bad_id)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            headers = bearer(token) if rule.rule.startswith("/api/") else {}
            answers[f"{method} {url}"] = client.open(url, method=method, headers=headers).status_code
    app.extensions["jobmatch.engine"].dispose()
    assert ID_RULES and {request: code for request, code in answers.items() if code != 404} == {}


def test_the_largest_id_reaches_the_view(pg_url):
    """MAX_ID itself is routed: the page looks for household MAX_ID on PostgreSQL and finds none."""
    app = make_test_app(pg_url)
    _endpoint, arguments = app.url_map.bind("jobmatch.test").match(f"/staff/households/{MAX_ID}")
    assert arguments == {"household_id": MAX_ID}
    session = app.extensions["jobmatch.sessionmaker"]()
    load_small_demo(session)
    session.close()
    client = app.test_client()
    login(client, "staff_a")
    assert client.get(f"/staff/households/{MAX_ID}").status_code == 404
    app.extensions["jobmatch.engine"].dispose()
