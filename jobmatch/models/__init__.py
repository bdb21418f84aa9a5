"""All models, imported here so that Base.metadata knows every table."""

from jobmatch.models.api_idempotency import ApiIdempotencyKey
from jobmatch.models.api_tokens import ApiToken
from jobmatch.models.coverage import EmploymentBaseline, SpecialAction
from jobmatch.models.employers import Employer, Vacancy
from jobmatch.models.employment import EmploymentSpell
from jobmatch.models.fairs import Fair, FairAttendee, FairOutcome, fair_vacancies
from jobmatch.models.figures import SiteFigureChange, SiteFigures
from jobmatch.models.followups import FollowUp
from jobmatch.models.geography import County, Place, PlaceKind, Settlement
from jobmatch.models.gigs import Gig, GigAvailability, GigPlacement
from jobmatch.models.labour_export import ExportGroup, ExportMember
from jobmatch.models.ledger import LedgerCheckpoint, LedgerEvent
from jobmatch.models.messages import InboundMessage, Message, SmsKindStop
from jobmatch.models.monitoring import AlertReason, MonitoringAlert
from jobmatch.models.offers import MatchRound, Offer, match_round_vacancies
from jobmatch.models.people import Household, MonitoringCategory, Person
from jobmatch.models.problems import Problem
from jobmatch.models.roster_uploads import RosterUpload
from jobmatch.models.round_batches import BatchStepStatus, RoundBatch, RoundBatchCounty
from jobmatch.models.short_links import ShortLink
from jobmatch.models.sign_in_codes import SignInCode
from jobmatch.models.startups import Business, SupportApplication
from jobmatch.models.training import TrainingCourse, TrainingEnrolment, TrainingRequest, TrainingSubsidy
from jobmatch.models.users import ROLES, User, staff_settlements
from jobmatch.models.vacancy_photos import VacancyPhoto
from jobmatch.models.visits import DoorVisit
from jobmatch.models.wechat import WechatBinding, WechatNotice, WechatNoticeStatus
from jobmatch.models.welfare import WelfareAppointment, WelfareAttendance, WelfareNeedReview, WelfarePost

__all__ = [
    "County", "Settlement", "Household", "Person", "EmploymentSpell", "Employer", "Vacancy",
    "User", "ROLES", "staff_settlements", "WelfarePost", "WelfareAppointment", "Fair",
    "fair_vacancies", "FollowUp", "LedgerEvent", "Message", "InboundMessage", "SmsKindStop",
    "FairAttendee", "FairOutcome", "TrainingRequest", "TrainingCourse", "TrainingEnrolment", "Problem", "DoorVisit",
    "MatchRound", "Offer", "MonitoringAlert", "AlertReason", "MonitoringCategory", "match_round_vacancies", "ApiToken",
    "SignInCode", "ShortLink", "WelfareAttendance", "WelfareNeedReview", "Business", "SupportApplication",
    "RoundBatch", "RoundBatchCounty", "BatchStepStatus",
    "SpecialAction", "EmploymentBaseline",
    "ApiIdempotencyKey", "VacancyPhoto",
    "RosterUpload",
    "TrainingSubsidy",
    "Place", "PlaceKind",
    "WechatBinding", "WechatNotice", "WechatNoticeStatus",
    "ExportGroup", "ExportMember",
    "Gig", "GigAvailability", "GigPlacement",
    "LedgerCheckpoint",
    "SiteFigures", "SiteFigureChange",
]
