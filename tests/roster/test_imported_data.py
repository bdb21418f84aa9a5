"""A new person's person_imported data, written out field by field, is the text the ledger's encoder writes."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch import ledger
from jobmatch.roster.records import PersonRecord
from jobmatch.services.roster.importing import _profile_of, imported_data

_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)  # quotes, backslashes, control characters, CJK, emoji
_NUMBER = st.one_of(st.none(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True))
_CODES = st.tuples(_TEXT, _TEXT).map(lambda pair: tuple(filter(None, pair)))

records = st.builds(
    PersonRecord,
    household_no=_TEXT, county=_TEXT, settlement=_TEXT, name=_TEXT, id_number=_TEXT, relation=_TEXT,
    phone=st.one_of(st.none(), _TEXT), capacity=_TEXT, wants_work=st.one_of(st.none(), st.booleans()),
    mobility=st.one_of(st.none(), _TEXT), max_commute_km=_NUMBER, skills=_CODES, certificates=_CODES,
    training_wishes=_CODES, wage_expectation=_NUMBER, employment_status=st.none(), employer_name=st.none(),
    monthly_income=st.none(), disability=_TEXT, monitoring=_TEXT, notes=st.one_of(st.none(), _TEXT), gender=_TEXT,
    birth_date=st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2030, 1, 1))),
    cannot_leave_reason=st.one_of(st.none(), st.just(""), _TEXT),
)


@settings(max_examples=300, deadline=None)
@given(records)
def test_the_written_out_data_is_the_encoders_text_of_the_persons_row(record):
    row = {**_profile_of(record), "id_number": record.id_number}  # what the import's event held as a dict
    assert imported_data(record) == ledger.canonical_json(row)  # so the same digest, and the same chain
