"""Places an employer chooses its location from, so nobody types coordinates (issue 17).

Known places of a county: its settlements (coordinates from staff or the gazetteer), the places
staff entered once (townships, industrial parks: ``Place``), and the county itself (its centre,
from jobmatch.gazetteer's table). An employer picks one by key, or types an address that names
one of them ("五里岗街道工业园 3 号" → 五里岗工业园).
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.models import County, Place, PlaceKind, Settlement
from jobmatch.services.errors import UserError, get_or_fail, require
from matching.geo import haversine_km

# Where a key comes from: "county:3", "settlement:12", "place:5".
COUNTY, SETTLEMENT, PLACE = "county", "settlement", "place"
SAME_SPOT_KM = 0.05  # a stored location this close to a known place is that place
NOT_FOUND = "找不到“{text}”这个地方，请从列表里选一个最近的地点。"


@dataclass(frozen=True)
class KnownPlace:
    key: str
    name: str
    group: str  # county name: the option group it is listed under
    county_id: int
    lat: float
    lon: float


def known_places(session: Session, county_ids=None) -> list[KnownPlace]:
    """The places of these counties (all counties when None) that have coordinates, county by county."""
    counties = session.scalars(select(County).order_by(County.name)
                               .where(*([County.id.in_(list(county_ids))] if county_ids is not None else []))).all()
    ids = [c.id for c in counties]
    settlements = session.scalars(select(Settlement).where(Settlement.county_id.in_(ids)).order_by(Settlement.name))
    places = session.scalars(select(Place).where(Place.county_id.in_(ids)).order_by(Place.name))
    by_county: dict[int, list[KnownPlace]] = {c.id: [] for c in counties}
    names = {c.id: c.name for c in counties}
    for place in places:
        by_county[place.county_id].append(KnownPlace(f"{PLACE}:{place.id}", place.name, names[place.county_id],
                                                     place.county_id, place.lat, place.lon))
    for site in settlements:
        if site.lat is not None and site.lon is not None:
            by_county[site.county_id].append(KnownPlace(f"{SETTLEMENT}:{site.id}", site.name, names[site.county_id],
                                                        site.county_id, site.lat, site.lon))
    for county in counties:
        if county.lat is not None and county.lon is not None:
            by_county[county.id].append(KnownPlace(f"{COUNTY}:{county.id}", f"{county.name}（县城）", county.name,
                                                   county.id, county.lat, county.lon))
    return [known for county in counties for known in by_county[county.id]]


def resolve_place(session: Session, key: str, address: str = "", *, county_ids=None,
                  field: str = "place") -> KnownPlace | None:
    """The known place chosen by ``key``, else the one ``address`` names; None when neither is given.
    UserError (on ``field``) when the key is not a known place or the address names none."""
    places = known_places(session, county_ids)
    key, address = (key or "").strip(), (address or "").strip()
    if key:
        chosen = next((p for p in places if p.key == key), None)
        require(chosen is not None, field, "请从列表里选一个地点。")
        return chosen
    if not address:
        return None
    found = place_named_in(places, address)
    if found is None:
        raise UserError(NOT_FOUND.format(text=address[:40]), field)
    return found


def place_named_in(places: list[KnownPlace], address: str) -> KnownPlace | None:
    """The known place whose name the address contains (the longest such name), or whose name
    contains the whole address; settlements and parks before the county they are in."""
    text = address.replace(" ", "")
    bare = [(p, p.name.removesuffix("（县城）")) for p in places]
    named = [(len(name), p) for p, name in bare if name and name in text]
    if named:
        return max(named, key=lambda pair: (pair[0], not pair[1].key.startswith(COUNTY)))[1]
    within = [p for p, name in bare if len(text) >= 2 and text in name]
    return within[0] if len(within) == 1 else None


def place_at(places: list[KnownPlace], lat: float | None, lon: float | None) -> KnownPlace | None:
    """The known place at a stored location (to show the current choice on a form)."""
    if lat is None or lon is None:
        return None
    near = [(float(haversine_km(lat, lon, p.lat, p.lon)), p) for p in places]
    best = min(near, key=lambda pair: pair[0], default=None)
    return best[1] if best is not None and best[0] <= SAME_SPOT_KM else None


def add_place(session: Session, *, county_id: int, name: str, kind: str, lat: float, lon: float,
              actor: str) -> Place:
    """Staff enter a township or an industrial park with its coordinates, once."""
    name = (name or "").strip()
    require(0 < len(name) <= 60, "name", "请填写地点名称（最多 60 字）")
    require(kind in tuple(PlaceKind), "kind", "请选择地点类型")
    require(isinstance(lat, float) and 18.0 <= lat <= 54.0, "lat", "纬度要在 18 到 54 之间，如 26.86")
    require(isinstance(lon, float) and 73.0 <= lon <= 135.5, "lon", "经度要在 73 到 135 之间，如 104.27")
    get_or_fail(session, County, county_id, "county_id", "县区")
    taken = session.scalar(select(Place.id).where(Place.county_id == county_id, Place.name == name))
    require(taken is None, "name", f"“{name}”已经有了")
    place = Place(county_id=county_id, name=name, kind=kind, lat=lat, lon=lon)
    try:
        with session.begin_nested():  # two staff adding the same name at once: the second is told
            session.add(place)
            session.flush()
    except IntegrityError:
        raise UserError(f"“{name}”已经有了", "name") from None
    ledger.append(session, "place_added", actor=actor, subject=f"place:{place.id}",
                  data={"name": name, "kind": kind, "lat": lat, "lon": lon, "county_id": county_id})
    return place
