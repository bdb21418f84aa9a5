"""Which province a free-text county name lies in, from the adcode table shipped with cpca.

Used only for the dormitory rule of workers with mobility "province": a county string
resolves to a province when it names a province (e.g. "贵州省望谟县", "贵州") or when its
county-level name (e.g. "望谟县") is unique to one province in the table. Anything else
resolves to "" (unknown), and the caller falls back to a distance radius.
"""
from __future__ import annotations

import csv
import importlib.util
import os
from functools import lru_cache

_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def adcode_table_path() -> str | None:
    spec = importlib.util.find_spec("cpca")  # locate the data file without importing cpca itself
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(list(spec.submodule_search_locations)[0], "resources", "adcodes.csv")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(province short name → 2-digit code, place name → 2-digit code when unique)."""
    provinces: dict[str, str] = {}
    places: dict[str, set[str]] = {}
    path = adcode_table_path()
    if path is None or not os.path.exists(path):
        return provinces, {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code, name = row["adcode"], row["name"]
            prefix = code[:2]
            if code[2:].strip("0") == "":
                short = name
                for suffix in _PROVINCE_SUFFIXES:
                    if short.endswith(suffix) and len(short) > len(suffix):
                        short = short[: -len(suffix)]
                        break
                provinces[short] = prefix
            else:
                places.setdefault(name, set()).add(prefix)
    unique_places = {name: next(iter(codes)) for name, codes in places.items() if len(codes) == 1}
    return provinces, unique_places


@lru_cache(maxsize=4096)
def province_of(county: str) -> str:
    """Two-digit province code of a county text, or "" when it cannot be told."""
    text = county.strip()
    if not text:
        return ""
    provinces, places = _tables()
    for short, prefix in provinces.items():
        if text.startswith(short):
            return prefix
    if text in places:
        return places[text]
    # "黔西南州望谟县": try the longest trailing piece that is a known place name.
    for start in range(1, len(text) - 1):
        if text[start:] in places:
            return places[text[start:]]
    return ""
