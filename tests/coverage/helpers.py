"""A site whose roster holds a given number of people, inserted in one flush (rule 3 counts people)."""

import itertools
from datetime import date

from jobmatch.models import Person
from tests.factories import make_household, make_settlement

_serial = itertools.count(1)


def site_of(session, county, people: int, name: str):
    """A site of ``people`` labourers, ten to a household; returns (site, persons)."""
    site = make_settlement(session, county, name=name)
    household = None
    persons = []
    for index in range(people):
        if index % 10 == 0:
            household = make_household(session, site, household_no=f"COV{next(_serial):07d}")
        serial = next(_serial)
        persons.append(Person(household_id=household.id, name=f"居民{serial}", gender="female",
                              id_number=f"X{serial:017d}", birth_date=date(1980, 1, 1), relation="户主",
                              capacity="full", wants_work=True, mobility="county", skills=[], certificates=[],
                              training_wishes=[]))
    session.add_all(persons)
    session.flush()
    return site, persons
