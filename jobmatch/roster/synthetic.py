"""Realistic, valid synthetic rosters for the demo, tests and benchmarks; deterministic per seed."""

import csv
import os
import random
from dataclasses import replace
from datetime import date, timedelta
from itertools import accumulate

from jobmatch import gazetteer
from jobmatch.idnumber import make_id_number
from jobmatch.roster import synthetic_words as words
from jobmatch.roster.columns import COLUMNS
from jobmatch.roster.labels import person_texts
from jobmatch.roster.records import PersonRecord
from notifications.phones import InvalidPhone, normalise_phone

# Ages are counted at a fixed day so a seed gives the same roster whenever it runs.
AS_OF = date(2026, 1, 1)
_HOUSEHOLD_SIZES = ((1, 5), (2, 12), (3, 20), (4, 25), (5, 20), (6, 12), (7, 6))
_EMPLOYMENT_KINDS = (
    ("within_county", 28), ("outside_province", 24), ("within_province", 12), ("workshop", 12),
    ("welfare_post", 8), ("flexible", 10), ("self_employed", 3), ("work_for_relief", 3),
)  # fmt: skip
# Half and weak labour take light, local work.
_LOCAL_KINDS = (("workshop", 35), ("welfare_post", 30), ("flexible", 20), ("within_county", 15))
_INCOME_RANGE = {
    "within_county": (2500, 4500), "outside_province": (4000, 7000), "within_province": (3000, 5500),
    "workshop": (1800, 3500), "welfare_post": (1000, 2000), "flexible": (1500, 4000),
    "self_employed": (2000, 8000), "work_for_relief": (2500, 4000),
}  # fmt: skip
_PHONE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 155 156 157 158 159 166 "
    "173 175 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199"
).split()
_ZERO_EMPLOYMENT_SHARE = 0.02
_EMPLOYED_SHARE = 0.9


class _Weighted:
    """Fast repeated weighted choice from (value, weight) pairs."""

    def __init__(self, pairs) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))

    def pick(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


_SURNAMES = _Weighted(words.SURNAMES)
_SIZES = _Weighted(_HOUSEHOLD_SIZES)
_KINDS = _Weighted(_EMPLOYMENT_KINDS)
_LOCAL = _Weighted(_LOCAL_KINDS)


def county_region_code(county_name: str) -> str:
    """The 6-digit region code of a county from the gazetteer (e.g. 威宁… -> 520526)."""
    place = gazetteer.find_county(county_name)
    if place is None:
        raise ValueError(f"no county named {county_name!r} in the gazetteer")
    return place.adcode


def generate_roster(
    county_name: str, settlements: list[str], households: int, seed: int
) -> list[PersonRecord]:
    """``households`` households of 1-7 persons, every record valid; the same seed gives the same roster."""
    generator = _RosterGenerator(county_name, settlements, seed)
    records: list[PersonRecord] = []
    for index in range(1, households + 1):
        records.extend(generator.household(f"H{index:05d}"))
    return records


def write_roster_csv(
    path: str | os.PathLike, records: list[PersonRecord], encoding: str = "utf-8-sig", title_row: str | None = None
) -> None:
    """Write records as a roster CSV (header row, one row per person), optionally under a title row."""
    with open(path, "w", encoding=encoding, newline="") as file:
        writer = csv.writer(file)
        if title_row:
            writer.writerow([title_row])
        writer.writerow([column.header for column in COLUMNS])
        writer.writerows(person_texts(record) for record in records)


class _RosterGenerator:
    """Draws households one at a time, keeping ID numbers and phones unique."""

    def __init__(self, county_name: str, settlements: list[str], seed: int) -> None:
        self.rng = random.Random(seed)
        self.county = county_name
        self.settlements = settlements
        self.region = county_region_code(county_name)
        self.county_short = county_name[:2]
        self.capital = words.PROVINCE_CAPITALS.get(self.region[:2], "省会")
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()

    def household(self, household_no: str) -> list[PersonRecord]:
        """The members of one household, head first."""
        rng = self.rng
        settlement = rng.choice(self.settlements)
        monitoring = rng.choices(("none", "unstable", "marginal", "hardship"), (92, 4, 3, 1))[0]
        zero_employment = rng.random() < _ZERO_EMPLOYMENT_SHARE
        people = self._members(_SIZES.pick(rng))
        surname = _SURNAMES.pick(rng)
        records = []
        for relation, age, male in people:
            # Wives and mothers keep their own surname; everyone else bears the family's.
            person_surname = _SURNAMES.pick(rng) if relation in ("配偶", "母亲") else surname
            records.append(self._person(household_no, settlement, monitoring, relation, age, male, person_surname))
        return self._settle_employment(records, zero_employment)

    def _members(self, size: int) -> list[tuple[str, int, bool]]:
        """(relation, age, male) for each member: head, spouse, parents, children, grandchildren."""
        rng = self.rng
        head_age = rng.randint(24, 72)
        head_male = rng.random() < 0.8
        members = [("户主", head_age, head_male)]
        if size > 1 and rng.random() < 0.85:
            members.append(("配偶", max(20, head_age + rng.randint(-5, 5)), not head_male))
        if head_age <= 50 and len(members) < size and rng.random() < 0.4:
            for male in (True, False)[: size - len(members)]:
                members.append(("父亲" if male else "母亲", min(95, head_age + rng.randint(22, 32)), male))
        oldest_child_age = None
        while len(members) < size and head_age >= 20:
            child_age = max(0, head_age - rng.randint(20, 38))
            male = rng.random() < 0.52
            if oldest_child_age is not None and oldest_child_age >= 22 and rng.random() < 0.5:
                members.append(("孙子女", max(0, oldest_child_age - rng.randint(20, 28)), male))
                continue
            oldest_child_age = max(child_age, oldest_child_age or 0)
            members.append((rng.choice(("子女", "儿子" if male else "女儿")), child_age, male))
        return members

    def _person(
        self, household_no: str, settlement: str, monitoring: str, relation: str, age: int, male: bool, surname: str
    ) -> PersonRecord:
        rng = self.rng
        born = AS_OF - timedelta(days=age * 365 + rng.randint(1, 364))
        disability = rng.choices(("none", "1", "2", "3", "4"), (96, 0.5, 0.8, 1.2, 1.5))[0]
        capacity = self._capacity(age, disability)
        labourer = capacity != "none"
        wants_work = None if not labourer else rng.random() < {"full": 0.93, "half": 0.8, "weak": 0.65}[capacity]
        return PersonRecord(
            household_no=household_no,
            county=self.county,
            settlement=settlement,
            name=surname + self._given_name(born, male),
            id_number=self._id_number(born, male),
            relation=relation,
            phone=self._phone() if age >= 16 and rng.random() < (0.9 if labourer else 0.6) else None,
            capacity=capacity,
            wants_work=wants_work,
            mobility=self._mobility(capacity) if labourer else None,
            max_commute_km=None,
            skills=self._sample(words.SKILLS, 0.8, 3) if labourer else (),
            certificates=self._sample(words.CERTIFICATES, 0.06, 1) if labourer else (),
            training_wishes=self._sample(words.COURSES, 0.3, 2) if labourer else (),
            wage_expectation=rng.randrange(2000, 6500, 500) if labourer and rng.random() < 0.6 else None,
            employment_status="unemployed" if labourer else None,
            employer_name=None,
            monthly_income=None,
            disability=disability,
            monitoring=monitoring,
            cannot_leave_reason="",
            notes=self._notes(age, capacity),
            gender="male" if male else "female",
            birth_date=born,
        )

    def _capacity(self, age: int, disability: str) -> str:
        rng = self.rng
        if age < 16 or disability in ("1", "2"):
            return "none"
        if age < 19:
            return rng.choices(("none", "full"), (60, 40))[0]
        if age < 60:
            capacity = rng.choices(("full", "half", "weak", "none"), (82, 9, 6, 3))[0]
            return "weak" if disability != "none" and capacity == "full" else capacity
        if age < 65:
            return rng.choices(("full", "half", "weak", "none"), (20, 40, 30, 10))[0]
        if age < 75:
            return rng.choices(("half", "weak", "none"), (15, 45, 40))[0]
        return rng.choices(("weak", "none"), (20, 80))[0]

    def _mobility(self, capacity: str) -> str:
        if capacity == "full":
            return self.rng.choices(("site", "county", "province", "any"), (20, 35, 20, 25))[0]
        return self.rng.choices(("site", "county"), (70, 30))[0]

    def _settle_employment(self, records: list[PersonRecord], zero_employment: bool) -> list[PersonRecord]:
        """Give jobs to most who want one; at least one per household unless it is zero-employment."""
        rng = self.rng
        seekers = [i for i, r in enumerate(records) if r.wants_work]
        employed = set() if zero_employment else {i for i in seekers if rng.random() < _EMPLOYED_SHARE}
        if seekers and not zero_employment and not employed:
            employed.add(seekers[0])
        for index, record in enumerate(records):
            if record.wants_work is False and rng.random() < 0.15:
                employed.add(index)
        for index in sorted(employed):
            records[index] = self._employ(records[index])
        return [self._commute(record) for record in records]

    def _employ(self, record: PersonRecord) -> PersonRecord:
        rng = self.rng
        kind = _KINDS.pick(rng) if record.capacity == "full" else _LOCAL.pick(rng)
        low, high = _INCOME_RANGE[kind]
        return replace(
            record,
            employment_status=kind,
            employer_name=self._employer(kind, record),
            monthly_income=rng.randrange(low, high + 1, 100) if rng.random() < 0.9 else None,
        )

    def _commute(self, record: PersonRecord) -> PersonRecord:
        if record.mobility is None or self.rng.random() < 0.3:
            return record
        ranges = {"site": (1, 5), "county": (5, 40), "province": (20, 150), "any": (20, 300)}
        low, high = ranges[record.mobility]
        distance = float(self.rng.randint(low, high)) if self.rng.random() < 0.8 else self.rng.randint(low * 2, high * 2) / 2
        return replace(record, max_commute_km=distance)

    def _employer(self, kind: str, record: PersonRecord) -> str | None:
        rng = self.rng
        brand = "".join(rng.sample(words.BRAND_WORDS, 2))
        industry = rng.choice(words.INDUSTRIES)
        match kind:
            case "within_county":
                return f"{self.county_short}{brand}{industry}有限公司"
            case "within_province":
                return f"{self.capital}{brand}{industry}有限公司"
            case "outside_province":
                return f"{rng.choice(words.OUTSIDE_CITIES)}{brand}{industry}厂"
            case "workshop":
                return f"{record.settlement}{industry}帮扶车间"
            case "welfare_post":
                return f"{record.settlement}社区居委会"
            case "self_employed":
                return f"{record.name}{rng.choice(words.SHOP_KINDS)}"
            case "work_for_relief":
                return f"{self.county_short}{rng.choice(words.PUBLIC_WORKS)}以工代赈项目"
        return None  # flexible work has no single employer

    def _given_name(self, born: date, male: bool) -> str:
        young = born.year >= 2000
        pool = (words.YOUNG_MALE_GIVEN if young else words.MALE_GIVEN) if male else (
            words.YOUNG_FEMALE_GIVEN if young else words.FEMALE_GIVEN
        )
        length = 2 if self.rng.random() < 0.65 else 1
        return "".join(self.rng.choice(pool) for _ in range(length))

    def _id_number(self, born: date, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            id_number = make_id_number(self.region, born, sequence)
            if id_number not in self.used_ids:
                self.used_ids.add(id_number)
                return id_number

    def _phone_digits(self) -> str:
        return f"{self.rng.choice(_PHONE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def _phone(self) -> str:
        while True:
            digits = self._phone_digits()
            if digits in self.used_phones:
                continue
            try:
                phone = normalise_phone(digits)
            except InvalidPhone:
                continue
            self.used_phones.add(digits)
            return phone

    def _sample(self, pool: tuple[str, ...], share: float, most: int) -> tuple[str, ...]:
        if self.rng.random() >= share:
            return ()
        return tuple(self.rng.sample(pool, self.rng.randint(1, most)))

    def _notes(self, age: int, capacity: str) -> str | None:
        if 6 <= age < 19 and capacity == "none":
            return "在校学生" if self.rng.random() < 0.6 else None
        return self.rng.choice(words.NOTES) if self.rng.random() < 0.05 else None
