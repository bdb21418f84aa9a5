"""All models, imported here so that Base.metadata knows every table."""

from jobmatch.models.employers import Employer, Vacancy
from jobmatch.models.employment import EmploymentSpell
from jobmatch.models.fairs import Fair, fair_vacancies
from jobmatch.models.followups import FollowUp
from jobmatch.models.geography import County, Settlement
from jobmatch.models.ledger import LedgerEvent
from jobmatch.models.people import Household, Person
from jobmatch.models.users import ROLES, User, staff_settlements
from jobmatch.models.welfare import WelfareAppointment, WelfarePost

__all__ = [
    "County", "Settlement", "Household", "Person", "EmploymentSpell", "Employer", "Vacancy",
    "User", "ROLES", "staff_settlements", "WelfarePost", "WelfareAppointment", "Fair",
    "fair_vacancies", "FollowUp", "LedgerEvent",
]
