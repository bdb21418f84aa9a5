"""Workers and vacancies as numpy columns, so hard rules and features run on whole arrays."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from matching.geo import unit_vectors
from matching.province import province_of
from matching.records import (
    CAPACITIES,
    DEFAULT_MAX_COMMUTE_KM,
    MOBILITIES,
    PHYSICAL_DEMANDS,
    SITE_MAX_COMMUTE_KM,
    VACANCY_HOURS,
    VACANCY_KINDS,
    WORKER_HOURS,
    Vacancy,
    Worker,
)


def _codes(values: Sequence[str], choices: tuple[str, ...]) -> np.ndarray:
    position = {choice: index for index, choice in enumerate(choices)}
    return np.array(list(map(position.__getitem__, values)), dtype=np.int8)


def _floats(values: Sequence[float | None]) -> np.ndarray:
    """Numbers as float64, with NaN for unknown (None)."""
    return np.array(values, dtype=object).astype(np.float64) if None in values else np.array(values, dtype=np.float64)


def _commute_limits(own_km: np.ndarray, mobility: np.ndarray) -> np.ndarray:
    """Worker.commute_limit_km for whole arrays: own limit or 15 km; never over 3 km for mobility "site"."""
    site = mobility == MOBILITIES.index("site")
    limit = np.where(np.isnan(own_km), np.where(site, SITE_MAX_COMMUTE_KM, DEFAULT_MAX_COMMUTE_KM), own_km)
    return np.where(site, np.minimum(limit, SITE_MAX_COMMUTE_KM), limit)


def _provinces(counties: Sequence[str]) -> np.ndarray:
    """Province number (first two adcode digits) per county text, 0 when unknown."""
    number = {county: int(province_of(county) or 0) for county in set(counties)}
    return np.fromiter(map(number.__getitem__, counties), dtype=np.int16, count=len(counties))


def _first_seen_ids(values: Sequence[str]) -> np.ndarray:
    """0, 1, 2, ... per distinct value, numbered in order of first appearance."""
    ids = {value: index for index, value in enumerate(dict.fromkeys(values))}
    return np.fromiter(map(ids.__getitem__, values), dtype=np.int64, count=len(values))


def _fields(records: Sequence, names: str) -> dict[str, tuple]:
    """One tuple of values per attribute name, read in a single pass."""
    keys = names.split()
    return dict(zip(keys, zip(*map(attrgetter(*keys), records)))) if records else {k: () for k in keys}


@dataclass
class WorkerColumns:
    """One array per worker attribute the engine computes with; index i is workers[i]."""

    lat: np.ndarray
    lon: np.ndarray
    points: np.ndarray  # (3, n) unit vectors of lat/lon, for fast great-circle distances
    commute_limit_km: np.ndarray
    capacity: np.ndarray  # index into CAPACITIES: 0 full, 1 half, 2 weak
    mobility: np.ndarray  # index into MOBILITIES
    hours: np.ndarray  # index into WORKER_HOURS
    age: np.ndarray  # NaN when unknown
    wage_expectation: np.ndarray  # NaN when unknown
    zero_employment: np.ndarray  # bool: the household is flagged zero-employment
    monitored: np.ndarray  # bool: the household is under poverty-relapse monitoring
    welfare_eligible: np.ndarray
    employed: np.ndarray
    has_certificate: np.ndarray
    household: np.ndarray  # int household number, 0..households-1
    household_has_employed: np.ndarray  # bool per worker: someone in the household is employed
    province: np.ndarray  # province number (first two adcode digits), 0 unknown

    @classmethod
    def of(cls, workers: Sequence[Worker]) -> WorkerColumns:
        """Columns of a list of workers."""
        f = _fields(
            workers,
            "household_id lat lon max_commute_km capacity mobility available_hours age wage_expectation "
            "zero_employment_household monitored_household welfare_eligible employed certificates county",
        )
        household = _first_seen_ids(f["household_id"])
        employed = np.array(f["employed"], dtype=bool)
        mobility = _codes(f["mobility"], MOBILITIES)
        lat, lon = _floats(f["lat"]), _floats(f["lon"])
        # A household counts as zero-employment when any member carries the flag.
        n_households = int(household.max()) + 1 if len(household) else 0
        zero_by_household = np.zeros(n_households, dtype=bool)
        zero_by_household[household[np.array(f["zero_employment_household"], dtype=bool)]] = True
        monitored_by_household = np.zeros(n_households, dtype=bool)
        monitored_by_household[household[np.array(f["monitored_household"], dtype=bool)]] = True
        employed_by_household = np.zeros(n_households, dtype=bool)
        employed_by_household[household[employed]] = True
        return cls(
            lat=lat,
            lon=lon,
            points=unit_vectors(lat, lon),
            commute_limit_km=_commute_limits(_floats(f["max_commute_km"]), mobility),
            capacity=_codes(f["capacity"], CAPACITIES),
            mobility=mobility,
            hours=_codes(f["available_hours"], WORKER_HOURS),
            age=_floats(f["age"]),
            wage_expectation=_floats(f["wage_expectation"]),
            zero_employment=zero_by_household[household],
            monitored=monitored_by_household[household],
            welfare_eligible=np.array(f["welfare_eligible"], dtype=bool),
            employed=employed,
            has_certificate=np.fromiter(map(bool, f["certificates"]), dtype=bool, count=len(workers)),
            household=household,
            household_has_employed=employed_by_household[household],
            province=_provinces(f["county"]),
        )


@dataclass
class VacancyColumns:
    """One array per vacancy attribute the engine computes with; index j is vacancies[j]."""

    lat: np.ndarray
    lon: np.ndarray
    points: np.ndarray
    openings: np.ndarray
    kind: np.ndarray  # index into VACANCY_KINDS
    physical_demand: np.ndarray  # index into PHYSICAL_DEMANDS: 0 light, 1 medium, 2 heavy
    hours: np.ndarray  # index into VACANCY_HOURS
    wage_min: np.ndarray
    wage_max: np.ndarray
    age_min: np.ndarray
    age_max: np.ndarray
    dormitory: np.ndarray
    province: np.ndarray  # province number, 0 unknown

    @classmethod
    def of(cls, vacancies: Sequence[Vacancy]) -> VacancyColumns:
        """Columns of a list of vacancies."""
        f = _fields(vacancies, "lat lon openings kind physical_demand hours wage_min wage_max age_min age_max dormitory county")
        lat, lon = _floats(f["lat"]), _floats(f["lon"])
        return cls(
            lat=lat,
            lon=lon,
            points=unit_vectors(lat, lon),
            openings=np.array(f["openings"], dtype=np.int64),
            kind=_codes(f["kind"], VACANCY_KINDS),
            physical_demand=_codes(f["physical_demand"], PHYSICAL_DEMANDS),
            hours=_codes(f["hours"], VACANCY_HOURS),
            wage_min=_floats(f["wage_min"]),
            wage_max=_floats(f["wage_max"]),
            age_min=_floats(f["age_min"]),
            age_max=_floats(f["age_max"]),
            dormitory=np.array(f["dormitory"], dtype=bool),
            province=_provinces(f["county"]),
        )
