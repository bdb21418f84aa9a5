"""Plain records the engine reads and writes: workers, vacancies, matches."""
from __future__ import annotations

from dataclasses import dataclass, field

CAPACITIES = ("full", "half", "weak")
MOBILITIES = ("site", "county", "province", "any")
WORKER_HOURS = ("any", "day", "school_hours")
VACANCY_KINDS = ("regular", "gig", "welfare", "relief")
PHYSICAL_DEMANDS = ("light", "medium", "heavy")
VACANCY_HOURS = ("any", "day", "shift", "school_hours")

DEFAULT_MAX_COMMUTE_KM = 15.0
SITE_MAX_COMMUTE_KM = 3.0


@dataclass(frozen=True)
class Worker:
    """One relocated worker, as in a line of workers.jsonl."""

    id: str
    household_id: str
    lat: float
    lon: float
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    capacity: str = "full"
    mobility: str = "county"
    max_commute_km: float | None = None  # None: 15 km, or 3 km for mobility "site"
    county: str = ""
    age: int | None = None
    wage_expectation: int | None = None
    zero_employment_household: bool = False
    monitored_household: bool = False  # poverty-relapse monitoring (防返贫监测)
    welfare_eligible: bool = False
    available_hours: str = "any"
    employed: bool = False

    @property
    def commute_limit_km(self) -> float:
        """Everyday distance limit: the worker's own, and never over 3 km for mobility "site"."""
        if self.mobility == "site":
            own = SITE_MAX_COMMUTE_KM if self.max_commute_km is None else self.max_commute_km
            return min(own, SITE_MAX_COMMUTE_KM)
        return DEFAULT_MAX_COMMUTE_KM if self.max_commute_km is None else self.max_commute_km


@dataclass(frozen=True)
class Vacancy:
    """One vacancy, as in a line of vacancies.jsonl."""

    id: str
    title: str
    openings: int
    lat: float
    lon: float
    skills: tuple[str, ...] = ()
    description: str = ""
    county: str = ""
    kind: str = "regular"
    physical_demand: str = "medium"
    wage_min: int | None = None
    wage_max: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    dormitory: bool = False
    hours: str = "any"


@dataclass
class Match:
    """One ranked (vacancy, worker) pair, as in a line of matches.jsonl."""

    vacancy_id: str
    worker_id: str
    rank: int
    score: float
    allocated: bool = False
    reasons: list[str] = field(default_factory=list)

    def to_json_dict(self) -> dict:
        """The output line's keys, in the contract's order."""
        return {
            "vacancy_id": self.vacancy_id,
            "worker_id": self.worker_id,
            "rank": self.rank,
            "score": round(self.score, 4),
            "allocated": self.allocated,
            "reasons": list(self.reasons),
        }
