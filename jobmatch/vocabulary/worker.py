"""What a relocated worker reads on their own page (/w/): plain words, addressed to them."""

from dataclasses import dataclass, field

from jobmatch.models.fairs import Attendance
from jobmatch.models.gigs import PayBasis, PayMethod, PayStatus, PayTiming, PlacementStatus
from jobmatch.models.labour_export import ExportMemberStatus, TransportMode
from jobmatch.models.offers import OfferStatus
from jobmatch.models.people import NotInWorkforce
from jobmatch.models.problems import ProblemCategory
from jobmatch.models.training import EnrolmentStatus
from jobmatch.models.welfare import AppointmentStatus
from jobmatch.vocabulary.roster import MOBILITY_LABELS, NOT_IN_WORKFORCE_LABELS

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

# A labour-export group (劳务输出) on the worker's page: where they stand.
EXPORT_MEMBER_STATUS_LABELS = {
    ExportMemberStatus.INVITED: "等您答复：去就报名", ExportMemberStatus.SIGNED_UP: "您已报名，座位已留好",
    ExportMemberStatus.WAITLISTED: "座位满了，您在候补名单上，有空位会通知您",
    ExportMemberStatus.DECLINED: "您说过不去", ExportMemberStatus.DEPARTED: "已出发，到了请点“我已到达”",
    ExportMemberStatus.ARRIVED: "已到达，祝工作顺利", ExportMemberStatus.RETURNED: "已回来，有合适的工作会告诉您",
}
TRANSPORT_MODE_LABELS = {TransportMode.CHARTERED_BUS: "包车", TransportMode.TRAIN: "坐火车"}

LABELS = {
    AppointmentStatus: WELFARE_APPOINTMENT_STATUS_LABELS,
    OfferStatus: OFFER_STATUS_LABELS,
    Attendance: ATTENDANCE_LABELS,
    EnrolmentStatus: ENROLMENT_STATUS_LABELS,
    ProblemCategory: PROBLEM_CATEGORY_LABELS,
    NotInWorkforce: NOT_IN_WORKFORCE_LABELS,
    ExportMemberStatus: EXPORT_MEMBER_STATUS_LABELS,
    TransportMode: TRANSPORT_MODE_LABELS,
}


# Offer reasons as the worker reads them: whole sentences, no arrows and no catalogue words.
# matching/reasons.py writes short phrases ("技能相符：电焊 → 焊工", see shared/formats/matching-io.md);
# reason_message turns each into a sentence msgid about %(who)s ("您" on the worker's own page, the
# worker's name on the employer's), so the employer's page can show it in English too.
_REASON_SENTENCES = {
    "不要求技能，上手快": "这个岗位不要求手艺，很快就能学会",
    "持有相关证书": "%(who)s有这个岗位要的证书",
    "包住宿": "单位包住",
    "轻体力活，适合半劳力": "活儿不重，%(who)s干得动",
    "轻体力活，适合弱劳力": "活儿不重，%(who)s干得动",
    "白天上班，能兼顾接送孩子": "白天上班，不耽误接送孩子",
    "公益性岗位，照顾不能外出的家庭": "这是家门口的公益性岗位，走不开也能干",
    "公益性岗位": "这是公益性岗位，就在附近",
    "以工代赈，优先招本地搬迁群众": "这是以工代赈项目，先招本地搬迁群众",
    "零工，时间灵活": "这是零工，时间灵活",
    "离家近": "离%(who)s家近",
}
_SKILL_SENTENCES = {  # (prefix, the worker's words are the job's words): msgid
    ("技能相符：", True): "%(who)s会%(skill)s，这个岗位正要这门手艺",
    ("技能相符：", False): "%(who)s会%(skill)s，这个岗位要%(wanted)s",
    ("技能相近：", True): "%(who)s会%(skill)s，这个岗位正要这门手艺",
    ("技能相近：", False): "%(who)s会%(skill)s，这个岗位要%(wanted)s，活儿差不多",
}


@dataclass(frozen=True)
class ReasonMessage:
    """A reason as a sentence: a msgid (in messages.po) with %(who)s and the values it names."""

    msgid: str
    values: dict = field(default_factory=dict)

    def text(self, who: str = "您") -> str:
        return self.msgid % dict(self.values, who=who)


def _distance_message(distance: str, dormitory: bool) -> ReasonMessage:
    """"1.2 公里" or "不到 1 公里", as matching/reasons.py writes distances."""
    tail = "，单位包住" if dormitory else ""
    if distance.startswith("不到 1 公里"):
        return ReasonMessage("离%(who)s家不到 1 公里" + tail)
    return ReasonMessage("离%(who)s家 %(km)s 公里" + tail, {"km": distance.removesuffix("公里").strip()})


def reason_message(reason: str) -> ReasonMessage:
    """One matching reason as a sentence about %(who)s: "技能相符：缝纫 → 缝纫工" → "%(who)s会缝纫，这个岗位要缝纫工"."""
    reason = reason.strip()
    if reason in _REASON_SENTENCES:
        return ReasonMessage(_REASON_SENTENCES[reason])
    for prefix in ("技能相符：", "技能相近："):
        if reason.startswith(prefix):
            words, _, wanted = reason[len(prefix):].partition("→")
            words, wanted = words.strip(), wanted.strip()
            same = not wanted or wanted == words
            return ReasonMessage(_SKILL_SENTENCES[prefix, same], {"skill": words, "wanted": wanted})
    if reason.startswith("包住宿，离家 "):
        return _distance_message(reason[len("包住宿，离家 "):], dormitory=True)
    if reason.startswith("离家 "):
        return _distance_message(reason[len("离家 "):], dormitory=False)
    if reason.startswith("工资 "):
        wage, fits, _ = reason[len("工资 "):].partition("，符合期望")
        msgid = "每月工资 %(wage)s 元" + ("，和%(who)s想要的差不多" if fits else "")
        return ReasonMessage(msgid, {"wage": wage.removesuffix("元").strip()})
    plain = reason.replace(" → ", "，").replace("→", "，").replace("：", "，")
    return ReasonMessage(plain.replace("%", "%%"))  # not in messages.po: read as written


def reason_sentence(reason: str, who: str = "您") -> str:
    """One matching reason as a plain Chinese sentence: "技能相符：缝纫 → 缝纫工" → "您会缝纫，这个岗位要缝纫工"."""
    return reason_message(reason).text(who)
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
