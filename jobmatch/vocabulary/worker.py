"""What a relocated worker reads on their own page (/w/): plain words, addressed to them."""

from jobmatch.models.fairs import Attendance
from jobmatch.models.gigs import PayBasis, PayMethod, PayStatus, PayTiming, PlacementStatus
from jobmatch.models.offers import OfferStatus
from jobmatch.models.problems import ProblemCategory
from jobmatch.models.training import EnrolmentStatus
from jobmatch.models.welfare import AppointmentStatus
from jobmatch.vocabulary.roster import MOBILITY_LABELS

# The offers a worker sees (offers.WORKER_VISIBLE_STATUSES).
OFFER_STATUS_LABELS = {
    OfferStatus.SENT: "等您答复", OfferStatus.ACCEPTED: "您已接受，单位会打电话联系您",
    OfferStatus.WAITLISTED: "您已报名，在候补名单上，有空位会通知您", OfferStatus.HIRED: "已录用",
    OfferStatus.DECLINED: "您没有接受", OfferStatus.EXPIRED: "已过答复期限", OfferStatus.NOT_HIRED: "单位这次没有录用",
    OfferStatus.WITHDRAWN: "您已在其他岗位录用，这份推荐已撤回",
}
# A fair on the worker's home page: where they stand, or what to do.
ATTENDANCE_LABELS = {
    Attendance.OPEN: "看看，报名 ›", Attendance.INVITED: "看看，报名 ›",
    Attendance.REGISTERED: "已报名，点开看签到二维码", Attendance.DECLINED: "您说过不参加",
}
ENROLMENT_STATUS_LABELS = {EnrolmentStatus.ENROLLED: "已报名", EnrolmentStatus.COMPLETED: "已结业"}
PROBLEM_CATEGORY_LABELS = {
    ProblemCategory.WAGES: "工资", ProblemCategory.JOB: "工作", ProblemCategory.TRAINING: "培训",
    ProblemCategory.LIVING: "生活", ProblemCategory.OTHER: "其他",
}

__all__ = ["MOBILITY_LABELS"]  # the worker's profile offers the roster's words
WELFARE_APPOINTMENT_STATUS_LABELS = {
    AppointmentStatus.OFFERED: "等您答复：回1接受 回2不要，或点下面的按钮", AppointmentStatus.ACTIVE: "在岗",
    AppointmentStatus.DECLINED: "您没有接受", AppointmentStatus.EXITED: "已离岗",
    AppointmentStatus.WITHDRAWN: "您已在其他单位录用，这个岗位已让给别人",
}

LABELS = {
    AppointmentStatus: WELFARE_APPOINTMENT_STATUS_LABELS,
    OfferStatus: OFFER_STATUS_LABELS,
    Attendance: ATTENDANCE_LABELS,
    EnrolmentStatus: ENROLMENT_STATUS_LABELS,
    ProblemCategory: PROBLEM_CATEGORY_LABELS,
}

# Gigs (零工) on the worker's page.
GIG_PLACEMENT_STATUS_LABELS = {
    PlacementStatus.SENT: "等您答复", PlacementStatus.ACCEPTED: "您已接下，请按时到",
    PlacementStatus.WAITLISTED: "人已招满，您在候补名单上", PlacementStatus.DECLINED: "您没有接",
    PlacementStatus.EXPIRED: "已过答复时间", PlacementStatus.CANCELLED: "这个活取消了，不用去了",
}
GIG_PAY_STATUS_LABELS = {
    PayStatus.AWAITING_EMPLOYER: "等单位确认工钱", PayStatus.CONFIRMED: "单位说已付工钱，请告诉我们收到没有",
    PayStatus.RECEIVED: "工钱已收到", PayStatus.DISPUTED: "工钱没收到，工作人员在处理",
}
PAY_BASIS_LABELS = {PayBasis.DAY: "元/天", PayBasis.HOUR: "元/小时"}
PAY_TIMING_LABELS = {PayTiming.SAME_DAY: "当天结清", PayTiming.NEXT_DAY: "第二天结", PayTiming.END_OF_JOB: "干完结清"}
PAY_METHOD_LABELS = {PayMethod.CASH: "现金", PayMethod.WECHAT: "微信", PayMethod.BANK: "银行卡"}

LABELS.update({
    PlacementStatus: GIG_PLACEMENT_STATUS_LABELS, PayStatus: GIG_PAY_STATUS_LABELS, PayBasis: PAY_BASIS_LABELS,
    PayTiming: PAY_TIMING_LABELS, PayMethod: PAY_METHOD_LABELS,
})
