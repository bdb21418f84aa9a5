"""The roster spreadsheet (就业管理台账): reading, validating and writing it, with no database.

file -> read_roster_table -> RosterTable -> validate_roster -> RosterValidation (records, problems)
records -> write_roster_xlsx -> .xlsx in the same layout
"""

from jobmatch.roster.export import HouseholdSummary, roster_title, summarise_households, write_roster_xlsx
from jobmatch.roster.problems import RosterProblem
from jobmatch.roster.reading import RosterFileError, RosterTable, read_roster_table
from jobmatch.roster.records import HouseholdKey, PersonRecord, households_of
from jobmatch.roster.validation import RosterValidation, validate_roster

__all__ = [
    "HouseholdKey", "HouseholdSummary", "PersonRecord", "RosterFileError", "RosterProblem", "RosterTable",
    "RosterValidation", "households_of", "read_roster_table", "roster_title", "summarise_households",
    "validate_roster", "write_roster_xlsx",
]  # fmt: skip
