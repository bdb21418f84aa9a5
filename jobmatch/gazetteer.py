"""County names and coordinates from the cpca package's gazetteer (shipped with it, no download)."""

import csv
from dataclasses import dataclass
from functools import lru_cache

from matching.province import adcode_table_path


@dataclass(frozen=True)
class Place:
    adcode: str  # 6 digits
    name: str
    province: str
    lat: float | None
    lon: float | None


@lru_cache(maxsize=1)
def _places() -> dict[str, list[Place]]:
    # Found without importing cpca, whose import loads pkg_resources (0.1 s, and its memory, in every process).
    path = adcode_table_path()
    assert path is not None, "cpca, which ships the gazetteer, is a dependency"
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    provinces = {r["adcode"][:2]: r["name"] for r in rows if r["adcode"][2:] == "0" * 10}
    by_name: dict[str, list[Place]] = {}
    for r in rows:
        code = r["adcode"]
        if code[6:] != "000000" or code[4:6] == "00":  # county level only
            continue
        lat = float(r["latitude"]) if r["latitude"] else None
        lon = float(r["longitude"]) if r["longitude"] else None
        place = Place(code[:6], r["name"], provinces.get(code[:2], ""), lat, lon)
        by_name.setdefault(r["name"], []).append(place)
    return by_name


def find_county(name: str, adcode_hint: str | None = None) -> Place | None:
    """The county of that exact name; an ID-number region code breaks ties (e.g. 城关区)."""
    candidates = _places().get(name.strip(), [])
    if adcode_hint:
        preferred = [p for p in candidates if p.adcode == adcode_hint[:6]]
        candidates = preferred or [p for p in candidates if p.adcode[:2] == adcode_hint[:2]] or candidates
    return candidates[0] if candidates else None


def county_by_adcode(adcode: str) -> Place | None:
    for places in _places().values():
        for place in places:
            if place.adcode == adcode[:6]:
                return place
    return None
