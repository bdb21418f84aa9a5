"""What an employer reads on the portal (/e/): kinds, vacancy and candidate statuses, subsidies."""

from jobmatch.models.employers import EmployerApproval, EmployerKind, VacancyKind, VacancyStatus
from jobmatch.models.employment import SubsidyStatus
from jobmatch.models.geography import PlaceKind
from jobmatch.models.gigs import GigStatus, PayBasis, PayMethod, PayStatus, PayTiming
from jobmatch.models.offers import OfferStatus
from jobmatch.vocabulary import worker

EMPLOYER_KIND_LABELS = {
    EmployerKind.COMPANY: "企业", EmployerKind.WORKSHOP: "帮扶车间", EmployerKind.COOPERATIVE: "合作社",
    EmployerKind.LABOUR_SERVICE: "劳务公司", EmployerKind.PUBLIC_WORKS: "以工代赈项目",
    EmployerKind.PUBLIC: "机关事业单位",
}
# The kinds an employer may post; public-welfare vacancies are created by staff.
VACANCY_KIND_LABELS = {VacancyKind.REGULAR: "长期岗位", VacancyKind.GIG: "零工 / 短期", VacancyKind.RELIEF: "以工代赈"}
DEMAND_LABELS = {"light": "轻体力", "medium": "中等体力", "heavy": "重体力"}
HOURS_LABELS = {"any": "不限", "day": "白班", "shift": "倒班", "school_hours": "可接送孩子（上学时间上班）"}

APPROVAL_LABELS = {EmployerApproval.PENDING: "等待审核", EmployerApproval.APPROVED: "已通过"}
VACANCY_STATUS_LABELS = {VacancyStatus.OPEN: "招聘中", VacancyStatus.CLOSED: "已停止"}
# The candidates an employer sees (offers.EMPLOYER_VISIBLE_STATUSES).
OFFER_STATUS_LABELS = {
    OfferStatus.ACCEPTED: "已接受，待面试/录用", OfferStatus.WAITLISTED: "候补", OfferStatus.HIRED: "已录用",
    OfferStatus.NOT_HIRED: "未录用",
}
SUBSIDY_STATUS_LABELS = {
    SubsidyStatus.PAYABLE: "可发放", SubsidyStatus.PENDING: "待满六个月", SubsidyStatus.REFUSED: "不予补贴",
}

# Places staff know (models.geography.Place), offered to employers beside settlements and counties.
PLACE_KIND_LABELS = {PlaceKind.TOWNSHIP: "乡镇（街道）", PlaceKind.INDUSTRIAL_PARK: "工业园区", PlaceKind.OTHER: "其他地点"}

LABELS = {
    EmployerKind: EMPLOYER_KIND_LABELS,
    VacancyKind: VACANCY_KIND_LABELS,
    EmployerApproval: APPROVAL_LABELS,  # a rejected employer's users are switched off: it reads nothing
    VacancyStatus: VACANCY_STATUS_LABELS,
    OfferStatus: OFFER_STATUS_LABELS,
    SubsidyStatus: SUBSIDY_STATUS_LABELS,
    PlaceKind: PLACE_KIND_LABELS,
}

# Gigs (零工) the employer posts and the pay it confirms.
GIG_STATUS_LABELS = {GigStatus.OPEN: "招人中", GigStatus.CANCELLED: "已取消"}
GIG_PAY_STATUS_LABELS = {
    PayStatus.AWAITING_EMPLOYER: "请确认", PayStatus.CONFIRMED: "已确认", PayStatus.RECEIVED: "工人已收到",
    PayStatus.DISPUTED: "工人说没收到",
}
# How a gig pays: the same plain words every audience reads (the worker's).
PAY_BASIS_LABELS, PAY_TIMING_LABELS, PAY_METHOD_LABELS = (
    worker.PAY_BASIS_LABELS, worker.PAY_TIMING_LABELS, worker.PAY_METHOD_LABELS)

LABELS.update({
    GigStatus: GIG_STATUS_LABELS, PayStatus: GIG_PAY_STATUS_LABELS, PayBasis: PAY_BASIS_LABELS,
    PayTiming: PAY_TIMING_LABELS, PayMethod: PAY_METHOD_LABELS,
})
