"""Records as the API shows them; phones and ID numbers masked unless the viewer's role needs them."""

from jobmatch.privacy import mask_id_number, mask_phone
from notifications.phones import national_digits

MASKED_DATA_KEYS = ("id_number", "phone")


def iso(value):
    return value.isoformat() if value is not None else None


def settlement(s) -> dict:
    return {"id": s.id, "name": s.name, "county_id": s.county_id, "county": s.county.name,
            "lat": s.lat, "lon": s.lon, "relocated_people": s.relocated_people}


def household(h) -> dict:
    return {"id": h.id, "household_no": h.household_no, "settlement_id": h.settlement_id, "county_id": h.county_id,
            "labourers": h.labourers, "employed": h.employed, "zero_employment": h.zero_employment,
            "zero_employment_since": iso(h.zero_employment_since)}


def person(p, *, unmasked: bool) -> dict:
    from jobmatch.clock import local_today
    from jobmatch.services.households.status import work_status

    return {
        "id": p.id, "household_id": p.household_id, "name": p.name, "gender": p.gender,
        "birth_year": p.birth_date.year, "relation": p.relation,
        "id_number": p.id_number if unmasked else mask_id_number(p.id_number),
        "phone": (national_digits(p.phone) if unmasked else mask_phone(p.phone)) if p.phone else None,
        "id_masked": not unmasked, "capacity": p.capacity, "wants_work": p.wants_work, "mobility": p.mobility,
        "max_commute_km": p.max_commute_km, "skills": list(p.skills or []), "wage_expectation": p.wage_expectation,
        "employment": str(work_status(p, local_today())),
        "cannot_leave_site": p.cannot_leave_site, "cannot_leave_reason": p.cannot_leave_reason or None,
    }


def vacancy(v) -> dict:
    return {"id": v.id, "employer_id": v.employer_id, "employer_name": v.employer.name, "title": v.title,
            "skills": list(v.skills or []), "openings": v.openings, "kind": v.kind,
            "physical_demand": v.physical_demand, "wage_min": v.wage_min, "wage_max": v.wage_max,
            "lat": v.lat, "lon": v.lon, "dormitory": v.dormitory, "hours": v.hours, "status": v.status,
            "posted_at": iso(v.posted_at)}


def ledger_event(e) -> dict:
    return {"id": e.id, "seq": e.seq, "occurred_at": iso(e.occurred_at), "actor": e.actor, "kind": e.kind,
            "household_id": e.household_id, "person_id": e.person_id, "subject": e.subject,
            "data": _masked_data(e.data)}


def _masked_data(data):
    """Older events (roster imports) carry ID numbers and phones: the API never shows them whole."""
    if not isinstance(data, dict):
        return {}
    masked = dict(data)
    if isinstance(masked.get("id_number"), str):
        masked["id_number"] = mask_id_number(masked["id_number"])
    if isinstance(masked.get("phone"), str):
        masked["phone"] = mask_phone(masked["phone"])
    if isinstance(masked.get("phone"), list):
        masked["phone"] = [mask_phone(v) if isinstance(v, str) else v for v in masked["phone"]]
    return masked
