"""Workers and vacancies with sensible defaults, so each test states only what matters to it."""
from __future__ import annotations

from itertools import count

from matching.records import Vacancy, Worker

# A settlement in 望谟县, Guizhou; offsets of 0.01° latitude are about 1.1 km.
SITE_LAT, SITE_LON = 25.178, 106.0996
_ids = count(1)


def make_worker(**fields) -> Worker:
    number = next(_ids)
    values = dict(id=f"w{number}", household_id=f"h{number}", lat=SITE_LAT, lon=SITE_LON, skills=("电焊",))
    values.update(fields)
    values["skills"] = tuple(values["skills"])
    values["certificates"] = tuple(values.get("certificates", ()))
    return Worker(**values)


def make_vacancy(**fields) -> Vacancy:
    number = next(_ids)
    values = dict(id=f"v{number}", title="焊工", openings=1, lat=SITE_LAT + 0.02, lon=SITE_LON, skills=("焊工",))
    values.update(fields)
    values["skills"] = tuple(values["skills"])
    return Vacancy(**values)
