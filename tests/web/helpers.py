"""Helpers the web, API and access tests share: a small demo, users, sign-in, tokens."""

from dataclasses import dataclass

from sqlalchemy import select

from jobmatch.models import Household, Person, Settlement, User
from jobmatch.services.accounts.api_tokens import create_token
from jobmatch.services.demo import DEMO_PASSWORD, load_demo

SITE_A, SITE_B = "五里岗安置点", "陕桥安置点"


@dataclass
class Demo:
    """Ids of the demo's records: settlement A is staff_a's, B is the other one."""

    settlement_a: int
    settlement_b: int
    household_a: int
    household_b: int
    person_a: int
    person_b: int
    person_b_name: str
    person_b_id_number: str
    household_b_no: str


def load_small_demo(session, households: int = 12) -> Demo:
    """The demo county plus ``staff_a``, who keeps only settlement A. Commits."""
    load_demo(session, households=households, seed=3)
    site_a = session.scalar(select(Settlement).where(Settlement.name == SITE_A))
    site_b = session.scalar(select(Settlement).where(Settlement.name == SITE_B))
    add_user(session, "staff_a", "staff", settlements=[site_a])
    household_a = _first_household(session, site_a.id)
    household_b = _first_household(session, site_b.id)
    person_b = household_b.members[0]
    demo = Demo(site_a.id, site_b.id, household_a.id, household_b.id, household_a.members[0].id, person_b.id,
                person_b.name, person_b.id_number, household_b.household_no)
    session.commit()
    return demo


def _first_household(session, settlement_id) -> Household:
    return session.scalar(select(Household).where(Household.settlement_id == settlement_id,
                                                  Household.id.in_(select(Person.household_id)))
                          .order_by(Household.id).limit(1))


def add_user(session, username: str, role: str, **fields) -> User:
    user = User(username=username, role=role, display_name=username, **fields)
    user.set_password(DEMO_PASSWORD)
    session.add(user)
    session.flush()
    return user


def login(client, username: str):
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in"
    return response


def token_for(session, username: str) -> str:
    token = create_token(session, username, actor="test")
    session.commit()
    return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
