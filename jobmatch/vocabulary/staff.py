"""What community staff read: ledger timelines, statuses on their pages, the CLI's words.

Where two label sets used to disagree, the word kept is the one staff see elsewhere on the
same pages (e.g. 匹配推荐 for rounds, 拟录用 for fair outcomes, 已响应 for problems).
"""

from jobmatch.models.coverage import BaselineSource, SpecialActionKind
from jobmatch.models.employers import EmployerApproval, EmployerKind, VacancyKind
from jobmatch.models.fairs import OutcomeStage
from jobmatch.models.followups import EmploymentState
from jobmatch.models.geography import PlaceKind
from jobmatch.models.gigs import (
    AvailabilitySource,
    GigStatus,
    PayBasis,
    PayMethod,
    PayStatus,
    PayTiming,
    PlacementStatus,
)
from jobmatch.models.labour_export import ExportMemberStatus, TransportMode
from jobmatch.models.ledger import EventKind
from jobmatch.models.messages import MessageStatus
from jobmatch.models.monitoring import AlertReason
from jobmatch.models.offers import OfferChannel, OfferStatus, RoundStatus
from jobmatch.models.people import CannotLeaveReason, NotInWorkforce
from jobmatch.models.problems import NotAProblemReason, ProblemCategory, ProblemStage
from jobmatch.models.startups import ApplicationKind, ApplicationStatus, BusinessKind
from jobmatch.models.training import AssessmentResult, TrainingSubsidyKind
from jobmatch.models.wechat import WechatNoticeStatus
from jobmatch.models.welfare import AppointmentStatus, ExitReason, ReviewStatus, WelfarePostStatus
from jobmatch.vocabulary import employer, worker
from jobmatch.vocabulary.roster import (
    CANNOT_LEAVE_REASON_LABELS,
    CAPACITY_LABELS,
    EMPLOYMENT_LABELS,
    MOBILITY_LABELS,
    NOT_IN_WORKFORCE_LABELS,
)

__all__ = ["CAPACITY_LABELS", "EMPLOYMENT_LABELS", "MOBILITY_LABELS"]  # the roster's words, on the staff pages

E = EventKind
EVENT_LABELS = {
    E.HOUSEHOLD_CREATED: "建档（户）", E.PERSON_IMPORTED: "导入台账", E.PROFILE_CHANGED: "信息变更",
    E.PERSON_MOVED: "户籍变更", E.EMPLOYMENT_STARTED: "就业登记", E.EMPLOYMENT_ENDED: "离职登记", E.LEFT_JOB: "离职",
    E.HOUSEHOLD_BECAME_ZERO_EMPLOYMENT: "列为零就业家庭", E.HOUSEHOLD_LEFT_ZERO_EMPLOYMENT: "退出零就业家庭",
    E.ZERO_EMPLOYMENT_HELP_DUE: "零就业家庭待帮扶", E.FOLLOW_UP_RECORDED: "回访", E.DOOR_VISIT_RECORDED: "送岗位上门",
    E.PERSON_ANONYMISED: "个人信息注销", E.PERSONAL_DATA_VIEWED: "查看个人信息",
    E.ROUND_PROPOSED: "生成匹配推荐", E.ROUND_APPROVED: "批准匹配推荐", E.OFFER_PROPOSED: "拟推送岗位",
    E.OFFER_SKIPPED: "未推送岗位", E.OFFER_SENT: "推送岗位", E.OFFER_EXPIRED: "岗位推送过期",
    E.OFFER_ACCEPTED: "接受岗位", E.OFFER_DECLINED: "拒绝岗位", E.OFFER_WITHDRAWN: "岗位推荐已撤回",
    E.WAITLISTED: "进入候补名单", E.INTERVIEW_RECORDED: "面试记录", E.HIRED: "录用", E.NOT_HIRED: "未录用",
    E.REMATCH_REQUESTED: "重新匹配",
    E.EMPLOYER_SIGNED_UP: "用人单位注册", E.EMPLOYER_APPROVED: "用人单位审核通过",
    E.EMPLOYER_REJECTED: "用人单位审核未通过", E.EMPLOYER_CHANGED: "用人单位信息变更", E.VACANCY_POSTED: "发布岗位",
    E.VACANCY_CHANGED: "修改岗位", E.VACANCY_CLOSED: "停止招聘",
    E.WELFARE_POST_CREATED: "设立公益性岗位", E.WELFARE_POST_OFFERED: "推荐公益性岗位",
    E.WELFARE_POST_DECLINED: "婉拒公益性岗位", E.WELFARE_POST_ASSIGNED: "安排公益性岗位",
    E.WELFARE_POST_EXITED: "退出公益性岗位", E.WELFARE_ROLL_EXPORTED: "导出补贴发放表",
    E.FAIR_CREATED: "创建招聘会", E.FAIR_VACANCIES_ADDED: "招聘会岗位", E.FAIR_INVITATIONS_SENT: "发出招聘会邀请",
    E.FAIR_REGISTERED: "报名招聘会", E.FAIR_DECLINED: "不参加招聘会", E.FAIR_REMINDERS_QUEUED: "招聘会提醒",
    E.FAIR_CHECKED_IN: "招聘会签到", E.FAIR_INTERVIEW: "招聘会面试", E.FAIR_OFFER: "招聘会拟录用",
    E.FAIR_HIRE: "招聘会录用",
    E.TRAINING_REQUESTED: "培训申请", E.TRAINING_COURSE_CREATED: "开设培训班", E.TRAINING_ENROLLED: "报名培训",
    E.TRAINING_COMPLETED: "完成培训",
    E.PROBLEM_REPORTED: "反映问题", E.PROBLEM_ACKNOWLEDGED: "问题已响应", E.PROBLEM_ON_SITE: "工作人员到场",
    E.PROBLEM_RESOLVED: "问题已解决", E.WORKER_ANSWERED: "工作人员短信答复",
    E.SMS_QUEUED: "短信待发送", E.SMS_QUEUED_BULK: "批量短信待发送", E.SMS_HELD: "短信延后发送",
    E.SMS_SENT: "短信已发送", E.SMS_DELIVERED: "短信已送达", E.SMS_RETRY: "短信重试", E.SMS_FAILED: "短信发送失败",
    E.SMS_KIND_STOPPED: "此类短信被停发", E.SMS_KIND_RESUMED: "此类短信恢复发送",
    E.SMS_CANCELLED: "短信已取消", E.SMS_PHONE_INVALID: "手机号无效", E.SMS_RECEIVED: "收到短信",
    E.SMS_ANSWERED: "已回复", E.SMS_READ: "短信已阅", E.SMS_OPT_OUT: "退订短信", E.SMS_OPT_IN: "恢复接收短信",
    E.WORKER_SIGNED_IN: "短信验证码登录", E.API_TOKEN_CREATED: "创建接口令牌",
    E.SETTLEMENT_CONTACT_PHONE_SET: "设置安置点联系电话",
    E.WELFARE_POST_SETTINGS_CHANGED: "修改公益性岗位",
    E.WELFARE_ATTENDANCE_RECORDED: "登记公益性岗位出勤",
    E.WELFARE_NEED_FLAGGED: "公益性岗位需复核",
    E.WELFARE_NEED_REVIEWED: "公益性岗位复核",
    E.CANNOT_LEAVE_SITE_SET: "登记不能离开安置点",
    E.EMPLOYER_POLICY_FLAGS_SET: "设置单位政策属性",
    E.BUSINESS_RECORDED: "登记创业",
    E.BUSINESS_UPDATED: "创业情况变更",
    E.SUPPORT_APPLICATION_RECORDED: "创业扶持申请",
    E.SUPPORT_APPLICATION_DECIDED: "创业扶持审批",
    E.SUBSIDY_LIST_EXPORTED: "导出补贴发放表",
    E.MONITORING_FLAGGED: "标注防返贫监测", E.MONITORING_UNFLAGGED: "解除防返贫监测",
    E.MONITORING_ALERT_RAISED: "监测预警", E.MONITORING_ALERT_CLOSED: "监测预警已处理", E.COUNTY_SMS_SIGNATURE_SET: "设置县短信签名",
    E.WELFARE_POST_WITHDRAWN: "撤回公益性岗位推荐",
    E.SPECIAL_ACTION_RECORDED: "登记专项就业行动", E.EMPLOYMENT_BASELINE_SET: "登记就业基数",
    E.STAFF_PHONE_SET: "设置工作人员手机",
    E.TRAINING_TURNED_AWAY: "培训名额已满未能报名", E.PRACTICAL_SKILL_CONFIRMED: "确认掌握实用技能",
    E.TRAINING_SUBSIDY_RECORDED: "登记培训补贴", E.FOLLOW_UP_ATTEMPTED: "电话未接通（未回访）",
    E.PLACE_ADDED: "添加地点",
    E.WECHAT_BOUND: "绑定微信", E.WECHAT_UNBOUND: "解除微信绑定", E.WECHAT_SIGNED_IN: "微信内登录",
    E.WECHAT_NOTICE_SENT: "微信通知已发送", E.WECHAT_NOTICE_REFUSED: "微信通知被拒（改发短信）",
    E.WECHAT_NOTICE_OPENED: "微信通知已打开", E.WECHAT_SMS_FALLBACK: "微信通知未打开，补发短信",
    E.WECHAT_RECEIVED: "收到微信消息", E.WECHAT_FOLLOWED: "关注公众号", E.WECHAT_UNFOLLOWED: "取消关注公众号",
    E.WECHAT_SUBSCRIPTION_GRANTED: "同意接收一次微信通知",
    E.EXPORT_GROUP_CREATED: "创建劳务输出团", E.EXPORT_INVITATIONS_SENT: "发出劳务输出邀请",
    E.EXPORT_SIGNED_UP: "报名劳务输出", E.EXPORT_WAITLISTED: "劳务输出候补", E.EXPORT_DECLINED: "不参加劳务输出",
    E.EXPORT_REMINDERS_QUEUED: "劳务输出出发提醒", E.EXPORT_CHECKED_IN: "劳务输出集合签到",
    E.EXPORT_ARRIVAL_ASKED: "询问是否到达", E.EXPORT_ARRIVED: "劳务输出到岗",
    E.EXPORT_FOLLOW_UP_RECORDED: "劳务输出稳岗回访", E.EXPORT_RETURNED: "劳务输出返乡",
    E.TRANSPORT_SUBSIDY_SET: "设置劳务输出交通补贴标准",
    E.GIG_POSTED: "发布零工", E.GIG_CANCELLED: "取消零工", E.GIG_AVAILABLE: "登记可打零工",
    E.GIG_OFFERED: "推送零工", E.GIG_ACCEPTED: "接下零工", E.GIG_WAITLISTED: "零工候补",
    E.GIG_DECLINED: "不接零工", E.GIG_EXPIRED: "零工推送过期", E.GIG_ASSIGNED: "现场安排零工",
    E.GIG_WORK_CONFIRMED: "零工用工确认", E.GIG_PAY_RECEIVED: "零工工钱已收到",
    E.GIG_PAY_DISPUTED: "零工工钱未收到",
    E.PROBLEM_TEXT_ATTACHED: "问题有新短信", E.PROBLEM_NOT_A_PROBLEM: "短信不是问题（已关闭）",
}

ROUND_STATUS_LABELS = {RoundStatus.PROPOSED: "待批准", RoundStatus.APPROVED: "已批准"}
OFFER_STATUS_LABELS = {
    OfferStatus.RESERVE: "替补", OfferStatus.PROPOSED: "待批准", OfferStatus.SENT: "等答复",
    OfferStatus.ACCEPTED: "已接受", OfferStatus.WAITLISTED: "候补", OfferStatus.DECLINED: "谢绝",
    OfferStatus.EXPIRED: "过期未答复", OfferStatus.SKIPPED: "未发出", OfferStatus.HIRED: "已录用",
    OfferStatus.NOT_HIRED: "未录用", OfferStatus.WITHDRAWN: "已撤回（另已录用）",
}
OFFER_CHANNEL_LABELS = {OfferChannel.SMS: "短信", OfferChannel.VISIT: "上门"}
MESSAGE_STATUS_LABELS = {
    MessageStatus.QUEUED: "待发送", MessageStatus.HELD: "延后发送", MessageStatus.DISPATCHED: "已排队",
    MessageStatus.SENDING: "发送中", MessageStatus.SENT: "已发送", MessageStatus.DELIVERED: "已送达",
    MessageStatus.FAILED: "发送失败", MessageStatus.CANCELLED: "已取消",
}
EMPLOYER_KIND_LABELS = employer.EMPLOYER_KIND_LABELS
VACANCY_KIND_LABELS = {**employer.VACANCY_KIND_LABELS, VacancyKind.WELFARE: "公益性岗位"}
APPROVAL_LABELS = {EmployerApproval.PENDING: "待审核", EmployerApproval.APPROVED: "已通过",
                   EmployerApproval.REJECTED: "未通过"}
WELFARE_POST_STATUS_LABELS = {WelfarePostStatus.OPEN: "开放", WelfarePostStatus.CLOSED: "已关闭"}
EXIT_REASON_LABELS = {ExitReason.TERM_END: "任期届满", ExitReason.NO_LONGER_NEEDED: "家庭不再需要",
                      ExitReason.ABSENCE: "无故缺岗", ExitReason.OTHER_EMPLOYMENT: "已到其他单位就业"}
OUTCOME_STAGE_LABELS = {OutcomeStage.INTERVIEW: "面试", OutcomeStage.OFFER: "拟录用", OutcomeStage.HIRE: "录用"}
PROBLEM_STAGE_LABELS = {ProblemStage.REPORTED: "待响应", ProblemStage.ACKNOWLEDGED: "已响应",
                        ProblemStage.ON_SITE: "已到场", ProblemStage.RESOLVED: "已解决"}
# The 三个三 deadline of each stage after the report.
PROBLEM_DEADLINE_LABELS = {ProblemStage.ACKNOWLEDGED: "3分钟内响应", ProblemStage.ON_SITE: "3小时内到场",
                           ProblemStage.RESOLVED: "3天内解决"}
PROBLEM_CATEGORY_LABELS = {
    ProblemCategory.WAGES: "工资待遇", ProblemCategory.JOB: "工作岗位", ProblemCategory.TRAINING: "技能培训",
    ProblemCategory.LIVING: "生活困难", ProblemCategory.OTHER: "其他",
}


def event_label(kind: str) -> str:
    """The label of a ledger event kind; the code itself for a kind no longer known."""
    return EVENT_LABELS[EventKind(kind)] if kind in EVENT_LABELS else kind


MONITORING_ALERT_REASON_LABELS = {
    AlertReason.JOB_ENDED: "家庭成员失业",
    AlertReason.INCOME_BELOW_LINE: "人均收入低于监测线",
    AlertReason.ZERO_EMPLOYMENT: "成为零就业家庭",
}
FOLLOW_UP_EMPLOYMENT_STATE_LABELS = {EmploymentState.EMPLOYED: "稳定就业", EmploymentState.UNSTABLE: "就业不稳定",
                                     EmploymentState.UNEMPLOYED: "未就业"}


# Public-welfare posts: the priority grounds of the ranking (welfare.ranking.PriorityGround),
# appointment states, exit reasons, monthly need reviews.
WELFARE_PRIORITY_LABELS = {"zero_employment": "零就业家庭", "cannot_leave_site": "不能离开安置点",
                           "weak": "弱劳力", "half": "半劳力", "disability": "残疾",
                           "disabled_family": "残疾人家庭成员", "left_behind_woman": "留守妇女",
                           "monitored": "防返贫监测户", "older": "年龄较大"}
WELFARE_APPOINTMENT_STATUS_LABELS = {AppointmentStatus.OFFERED: "已推送，等本人答复", AppointmentStatus.ACTIVE: "在岗",
                                     AppointmentStatus.DECLINED: "本人未接受", AppointmentStatus.EXITED: "已退岗",
                                     AppointmentStatus.WITHDRAWN: "已撤回（本人已到其他单位就业）"}
WELFARE_EXIT_REASON_LABELS = EXIT_REASON_LABELS
WELFARE_REVIEW_STATUS_LABELS = {ReviewStatus.OPEN: "待复核", ReviewStatus.KEPT: "复核后继续在岗",
                                ReviewStatus.EXITED: "复核后退岗"}

# Subsidies (rule 7 and rule 2) as finance and staff read them.
SUBSIDY_KIND_LABELS = {"welfare_post": "公益性岗位补贴", "hiring": "吸纳就业一次性岗位补贴",
                       "startup": "一次性创业补贴", "incubator_rent": "创业孵化基地费用补贴",
                       TrainingSubsidyKind.TRAINING: "职业培训补贴", TrainingSubsidyKind.CERTIFICATION: "职业技能鉴定补贴",
                       "export_transport": "劳务输出交通补贴"}
HIRING_SUBSIDY_STATUS_LABELS = {"pending": "待满六个月", "payable": "可发放", "refused": "不予补贴"}
BUSINESS_KIND_LABELS = {BusinessKind.MICRO_ENTERPRISE: "小微企业", BusinessKind.COOPERATIVE: "农民专业合作社",
                        BusinessKind.SELF_EMPLOYED: "个体经营"}
SUPPORT_APPLICATION_KIND_LABELS = {ApplicationKind.STARTUP_LOAN: "创业担保贷款（含贴息）",
                                   ApplicationKind.INCUBATOR_RENT: "孵化基地费用补贴"}
SUPPORT_APPLICATION_STATUS_LABELS = {ApplicationStatus.APPLIED: "已申请", ApplicationStatus.APPROVED: "已批准",
                                     ApplicationStatus.REFUSED: "未批准"}

# Training (rule 5): the assessment recorded on completion.
ASSESSMENT_RESULT_LABELS = {AssessmentResult.NOT_ASSESSED: "未考核", AssessmentResult.PASSED: "考核合格",
                            AssessmentResult.FAILED: "考核不合格"}


SPECIAL_ACTION_KIND_LABELS = {SpecialActionKind.RECRUITMENT_DRIVE: "招聘活动",
                              SpecialActionKind.TRAINING_DRIVE: "培训行动"}
BASELINE_SOURCE_LABELS = {BaselineSource.ENTERED: "人工登记", BaselineSource.ROSTER: "按台账统计"}

WECHAT_NOTICE_STATUS_LABELS = {
    WechatNoticeStatus.SENT: "微信已发送", WechatNoticeStatus.OPENED: "微信已打开",
    WechatNoticeStatus.REFUSED: "微信被拒，已改发短信", WechatNoticeStatus.FELL_BACK: "微信未打开，已补发短信",
}
# Organised labour export (劳务输出): where each member stands, and how the group travels.
EXPORT_MEMBER_STATUS_LABELS = {
    ExportMemberStatus.INVITED: "已邀请，等答复", ExportMemberStatus.SIGNED_UP: "已报名（占座）",
    ExportMemberStatus.WAITLISTED: "候补", ExportMemberStatus.DECLINED: "不参加",
    ExportMemberStatus.DEPARTED: "已集合出发", ExportMemberStatus.ARRIVED: "已到岗",
    ExportMemberStatus.RETURNED: "已返乡",
}
TRANSPORT_MODE_LABELS = {TransportMode.CHARTERED_BUS: "包车", TransportMode.TRAIN: "火车（专列或团体票）"}

LABELS = {
    EventKind: EVENT_LABELS,
    AppointmentStatus: WELFARE_APPOINTMENT_STATUS_LABELS,
    ReviewStatus: WELFARE_REVIEW_STATUS_LABELS,
    BusinessKind: BUSINESS_KIND_LABELS,
    ApplicationKind: SUPPORT_APPLICATION_KIND_LABELS,
    ApplicationStatus: SUPPORT_APPLICATION_STATUS_LABELS,
    CannotLeaveReason: CANNOT_LEAVE_REASON_LABELS,
    AlertReason: MONITORING_ALERT_REASON_LABELS,
    EmploymentState: FOLLOW_UP_EMPLOYMENT_STATE_LABELS,
    RoundStatus: ROUND_STATUS_LABELS,
    OfferStatus: OFFER_STATUS_LABELS,
    OfferChannel: OFFER_CHANNEL_LABELS,
    MessageStatus: MESSAGE_STATUS_LABELS,
    EmployerKind: EMPLOYER_KIND_LABELS,
    VacancyKind: VACANCY_KIND_LABELS,
    EmployerApproval: APPROVAL_LABELS,
    WelfarePostStatus: WELFARE_POST_STATUS_LABELS,
    ExitReason: EXIT_REASON_LABELS,
    OutcomeStage: OUTCOME_STAGE_LABELS,
    ProblemStage: PROBLEM_STAGE_LABELS,
    ProblemCategory: PROBLEM_CATEGORY_LABELS,
    SpecialActionKind: SPECIAL_ACTION_KIND_LABELS,
    BaselineSource: BASELINE_SOURCE_LABELS,
    AssessmentResult: ASSESSMENT_RESULT_LABELS,
    NotInWorkforce: NOT_IN_WORKFORCE_LABELS,
    PlaceKind: employer.PLACE_KIND_LABELS,
    WechatNoticeStatus: WECHAT_NOTICE_STATUS_LABELS,
    ExportMemberStatus: EXPORT_MEMBER_STATUS_LABELS,
    TransportMode: TRANSPORT_MODE_LABELS,
}


# The household and person timeline as plain sentences, one per ledger event kind. Each may use
# %(person)s (the person's name, or the household number), %(household)s (its number), %(actor)s
# (who did it: a staff member's name, the worker, 系统) and %(what)s (the vacancy as "employer title",
# the employer, fair, post, course or business the event is about; empty when it names none).
EVENT_SENTENCES = {
    E.HOUSEHOLD_CREATED: "%(household)s 户建档", E.PERSON_IMPORTED: "%(person)s 从台账导入",
    E.PROFILE_CHANGED: "%(person)s 的信息有变更", E.PERSON_MOVED: "%(person)s 转到 %(household)s 户",
    E.EMPLOYMENT_STARTED: "%(person)s 开始在 %(what)s 就业", E.EMPLOYMENT_ENDED: "%(person)s 离开了 %(what)s",
    E.LEFT_JOB: "%(person)s 离开了 %(what)s",
    E.HOUSEHOLD_BECAME_ZERO_EMPLOYMENT: "%(household)s 户成为零就业家庭",
    E.HOUSEHOLD_LEFT_ZERO_EMPLOYMENT: "%(household)s 户已有人就业，退出零就业家庭",
    E.ZERO_EMPLOYMENT_HELP_DUE: "%(household)s 户（零就业家庭）到了帮扶期限",
    E.FOLLOW_UP_RECORDED: "%(actor)s 回访了 %(household)s 户", E.DOOR_VISIT_RECORDED: "%(actor)s 送岗位上门到 %(household)s 户：%(what)s",
    E.PERSON_ANONYMISED: "%(person)s 的个人信息已注销", E.PERSONAL_DATA_VIEWED: "%(actor)s 查看了 %(person)s 的个人信息",
    E.ROUND_PROPOSED: "%(actor)s 生成了匹配推荐", E.ROUND_APPROVED: "%(actor)s 批准了匹配推荐",
    E.OFFER_PROPOSED: "拟向 %(person)s 推荐 %(what)s", E.OFFER_SKIPPED: "%(what)s 的推荐没有发给 %(person)s",
    E.OFFER_SENT: "向 %(person)s 推荐了 %(what)s", E.OFFER_EXPIRED: "%(person)s 没有按时答复 %(what)s 的推荐",
    E.OFFER_ACCEPTED: "%(person)s 接受了 %(what)s 的推荐", E.OFFER_DECLINED: "%(person)s 谢绝了 %(what)s 的推荐",
    E.OFFER_WITHDRAWN: "%(what)s 的推荐已撤回（%(person)s 已被录用）",
    E.WAITLISTED: "%(person)s 进入 %(what)s 的候补名单", E.INTERVIEW_RECORDED: "%(person)s 参加了 %(what)s 的面试",
    E.HIRED: "%(person)s 被 %(what)s 录用", E.NOT_HIRED: "%(person)s 未被 %(what)s 录用",
    E.REMATCH_REQUESTED: "%(person)s 请求重新匹配岗位",
    E.EMPLOYER_SIGNED_UP: "%(what)s 注册为用人单位", E.EMPLOYER_APPROVED: "%(what)s 通过审核",
    E.EMPLOYER_REJECTED: "%(what)s 未通过审核", E.EMPLOYER_CHANGED: "%(what)s 修改了单位信息",
    E.VACANCY_POSTED: "发布了岗位 %(what)s", E.VACANCY_CHANGED: "修改了岗位 %(what)s",
    E.VACANCY_CLOSED: "岗位 %(what)s 停止招聘",
    E.WELFARE_POST_CREATED: "设立了公益性岗位 %(what)s", E.WELFARE_POST_OFFERED: "向 %(person)s 推荐公益性岗位 %(what)s",
    E.WELFARE_POST_DECLINED: "%(person)s 婉拒了公益性岗位 %(what)s",
    E.WELFARE_POST_ASSIGNED: "%(person)s 上岗公益性岗位 %(what)s",
    E.WELFARE_POST_EXITED: "%(person)s 退出了公益性岗位 %(what)s", E.WELFARE_ROLL_EXPORTED: "%(actor)s 导出了补贴发放表",
    E.FAIR_CREATED: "%(actor)s 创建了招聘会 %(what)s", E.FAIR_VACANCIES_ADDED: "招聘会 %(what)s 加入了岗位",
    E.FAIR_INVITATIONS_SENT: "向 %(person)s 发出招聘会 %(what)s 的邀请",
    E.FAIR_REGISTERED: "%(person)s 报名参加招聘会 %(what)s", E.FAIR_DECLINED: "%(person)s 不参加招聘会 %(what)s",
    E.FAIR_REMINDERS_QUEUED: "提醒 %(person)s 参加招聘会 %(what)s",
    E.FAIR_CHECKED_IN: "%(person)s 在招聘会 %(what)s 签到", E.FAIR_INTERVIEW: "%(person)s 在招聘会 %(what)s 面试",
    E.FAIR_OFFER: "%(person)s 在招聘会 %(what)s 被拟录用", E.FAIR_HIRE: "%(person)s 在招聘会 %(what)s 被录用",
    E.TRAINING_REQUESTED: "%(person)s 想参加培训", E.TRAINING_COURSE_CREATED: "开设了培训班 %(what)s",
    E.TRAINING_ENROLLED: "%(person)s 报名了培训班 %(what)s", E.TRAINING_COMPLETED: "%(person)s 完成了培训班 %(what)s",
    E.PROBLEM_REPORTED: "%(person)s 反映了问题", E.PROBLEM_ACKNOWLEDGED: "%(actor)s 响应了 %(person)s 反映的问题",
    E.PROBLEM_ON_SITE: "%(actor)s 到场处理 %(person)s 反映的问题",
    E.PROBLEM_RESOLVED: "%(person)s 反映的问题已解决", E.WORKER_ANSWERED: "%(actor)s 用短信答复了 %(person)s",
    E.SMS_QUEUED: "给 %(person)s 的短信待发送", E.SMS_QUEUED_BULK: "给 %(person)s 的批量短信待发送",
    E.SMS_HELD: "给 %(person)s 的短信延到白天发送", E.SMS_SENT: "给 %(person)s 的短信已发出",
    E.SMS_DELIVERED: "%(person)s 已收到短信", E.SMS_RETRY: "给 %(person)s 的短信重新发送",
    E.SMS_KIND_STOPPED: "%(person)s 不再接收此类短信", E.SMS_KIND_RESUMED: "%(person)s 恢复接收此类短信",
    E.SMS_FAILED: "给 %(person)s 的短信没有发出去", E.SMS_CANCELLED: "给 %(person)s 的短信已取消",
    E.SMS_PHONE_INVALID: "%(person)s 的手机号无效", E.SMS_RECEIVED: "收到 %(person)s 的短信",
    E.SMS_ANSWERED: "%(actor)s 回复了 %(person)s 的短信", E.SMS_READ: "%(actor)s 读了 %(person)s 的短信",
    E.SMS_OPT_OUT: "%(person)s 退订了短信", E.SMS_OPT_IN: "%(person)s 恢复接收短信",
    E.WORKER_SIGNED_IN: "%(person)s 用短信验证码登录", E.API_TOKEN_CREATED: "%(actor)s 创建了接口令牌",
    E.SETTLEMENT_CONTACT_PHONE_SET: "%(actor)s 设置了安置点联系电话",
    E.WELFARE_POST_SETTINGS_CHANGED: "%(actor)s 修改了公益性岗位 %(what)s",
    E.WELFARE_ATTENDANCE_RECORDED: "%(actor)s 登记了 %(person)s 在公益性岗位 %(what)s 的出勤",
    E.WELFARE_NEED_FLAGGED: "%(person)s 的公益性岗位 %(what)s 需要复核",
    E.WELFARE_NEED_REVIEWED: "%(actor)s 复核了 %(person)s 的公益性岗位 %(what)s",
    E.CANNOT_LEAVE_SITE_SET: "%(actor)s 登记了 %(person)s 不能离开安置点的原因",
    E.EMPLOYER_POLICY_FLAGS_SET: "%(actor)s 设置了 %(what)s 的政策属性",
    E.BUSINESS_RECORDED: "%(person)s 登记创业：%(what)s", E.BUSINESS_UPDATED: "%(person)s 的创业 %(what)s 情况有变更",
    E.SUPPORT_APPLICATION_RECORDED: "%(person)s 申请了创业扶持", E.SUPPORT_APPLICATION_DECIDED: "%(person)s 的创业扶持申请已审批",
    E.SUBSIDY_LIST_EXPORTED: "%(actor)s 导出了补贴发放表",
    E.MONITORING_FLAGGED: "%(actor)s 把 %(household)s 户列为防返贫监测户",
    E.MONITORING_UNFLAGGED: "%(actor)s 解除了 %(household)s 户的防返贫监测",
    E.MONITORING_ALERT_RAISED: "%(household)s 户出现监测预警", E.MONITORING_ALERT_CLOSED: "%(actor)s 处理了 %(household)s 户的监测预警",
    E.COUNTY_SMS_SIGNATURE_SET: "%(actor)s 设置了县短信签名",
    E.WELFARE_POST_WITHDRAWN: "给 %(person)s 的公益性岗位 %(what)s 推荐已撤回",
    E.SPECIAL_ACTION_RECORDED: "%(actor)s 登记了专项就业行动 %(what)s",
    E.EMPLOYMENT_BASELINE_SET: "%(actor)s 登记了安置点就业基数",
    E.STAFF_PHONE_SET: "%(actor)s 设置了接收提醒的手机",
    E.TRAINING_TURNED_AWAY: "%(person)s 想参加培训 %(what)s，名额已满",
    E.PRACTICAL_SKILL_CONFIRMED: "%(actor)s 确认 %(person)s 掌握了实用技能",
    E.TRAINING_SUBSIDY_RECORDED: "%(person)s 的培训补贴已登记：%(what)s",
    E.FOLLOW_UP_ATTEMPTED: "%(actor)s 给 %(household)s 户打电话未接通",
    E.PLACE_ADDED: "%(actor)s 添加了地点 %(what)s",
    E.WECHAT_BOUND: "%(person)s 绑定了微信", E.WECHAT_UNBOUND: "%(actor)s 解除了 %(person)s 的微信绑定",
    E.WECHAT_SIGNED_IN: "%(person)s 在微信内登录", E.WECHAT_NOTICE_SENT: "给 %(person)s 的微信通知已发送",
    E.WECHAT_NOTICE_REFUSED: "给 %(person)s 的微信通知被拒，改发短信",
    E.WECHAT_NOTICE_OPENED: "%(person)s 打开了微信通知", E.WECHAT_SMS_FALLBACK: "%(person)s 没有打开微信通知，补发短信",
    E.WECHAT_RECEIVED: "收到 %(person)s 的微信消息", E.WECHAT_FOLLOWED: "%(person)s 关注了公众号",
    E.WECHAT_UNFOLLOWED: "%(person)s 取消关注公众号", E.WECHAT_SUBSCRIPTION_GRANTED: "%(person)s 同意接收一次微信通知",
    E.EXPORT_GROUP_CREATED: "%(actor)s 创建了劳务输出团 %(what)s",
    E.EXPORT_INVITATIONS_SENT: "%(actor)s 发出了劳务输出团 %(what)s 的邀请",
    E.EXPORT_SIGNED_UP: "%(person)s 报名了劳务输出团 %(what)s", E.EXPORT_WAITLISTED: "%(person)s 在劳务输出团 %(what)s 候补",
    E.EXPORT_DECLINED: "%(person)s 不参加劳务输出团 %(what)s",
    E.EXPORT_REMINDERS_QUEUED: "劳务输出团 %(what)s 的出发提醒已安排",
    E.EXPORT_CHECKED_IN: "%(person)s 在集合点签到（劳务输出团 %(what)s）",
    E.EXPORT_ARRIVAL_ASKED: "已问 %(person)s 是否到达", E.EXPORT_ARRIVED: "%(person)s 已到岗（劳务输出团 %(what)s）",
    E.EXPORT_FOLLOW_UP_RECORDED: "%(actor)s 回访了外出务工的 %(person)s",
    E.EXPORT_RETURNED: "%(person)s 外出务工后返乡", E.TRANSPORT_SUBSIDY_SET: "%(actor)s 设置了劳务输出交通补贴标准",
    E.GIG_POSTED: "%(actor)s 发布了零工 %(what)s", E.GIG_CANCELLED: "%(actor)s 取消了零工 %(what)s",
    E.GIG_AVAILABLE: "%(person)s 登记可以打零工", E.GIG_OFFERED: "向 %(person)s 推送零工 %(what)s",
    E.GIG_ACCEPTED: "%(person)s 接下了零工 %(what)s", E.GIG_WAITLISTED: "%(person)s 在零工 %(what)s 候补",
    E.GIG_DECLINED: "%(person)s 不接零工 %(what)s", E.GIG_EXPIRED: "给 %(person)s 的零工 %(what)s 推送过期",
    E.GIG_ASSIGNED: "%(actor)s 安排 %(person)s 去做零工 %(what)s",
    E.GIG_WORK_CONFIRMED: "单位确认 %(person)s 做了零工 %(what)s", E.GIG_PAY_RECEIVED: "%(person)s 收到了零工 %(what)s 的工钱",
    E.GIG_PAY_DISPUTED: "%(person)s 说零工 %(what)s 的工钱没收到",
    E.PROBLEM_TEXT_ATTACHED: "%(person)s 又发来短信，补充反映的问题",
    E.PROBLEM_NOT_A_PROBLEM: "%(actor)s 看过 %(person)s 的短信：不是要办的问题",
}


def event_sentence(kind: str) -> str:
    """The timeline sentence of a ledger event kind; its label for a kind no longer known."""
    return EVENT_SENTENCES[EventKind(kind)] if kind in EVENT_SENTENCES else event_label(kind)


PLACE_KIND_LABELS = employer.PLACE_KIND_LABELS  # staff enter the places employers choose from
# The odd-job market (零工市场): the station clerk's and staff pages.
GIG_STATUS_LABELS = {GigStatus.OPEN: "招人中", GigStatus.CANCELLED: "已取消"}
GIG_PLACEMENT_STATUS_LABELS = {
    PlacementStatus.SENT: "等答复", PlacementStatus.ACCEPTED: "已接下", PlacementStatus.WAITLISTED: "候补",
    PlacementStatus.DECLINED: "不去", PlacementStatus.EXPIRED: "过期未答复", PlacementStatus.CANCELLED: "零工已取消",
}
GIG_PAY_STATUS_LABELS = {
    PayStatus.AWAITING_EMPLOYER: "等单位确认", PayStatus.CONFIRMED: "单位已确认，等工人回复",
    PayStatus.RECEIVED: "工钱已收到", PayStatus.DISPUTED: "工钱未收到（已立问题）",
}
# How a gig pays: the same plain words every audience reads (the worker's).
PAY_BASIS_LABELS, PAY_TIMING_LABELS, PAY_METHOD_LABELS = (
    worker.PAY_BASIS_LABELS, worker.PAY_TIMING_LABELS, worker.PAY_METHOD_LABELS)
AVAILABILITY_SOURCE_LABELS = {AvailabilitySource.SMS: "短信", AvailabilitySource.WEB: "网页", AvailabilitySource.STATION: "服务站"}

LABELS.update({
    GigStatus: GIG_STATUS_LABELS, PlacementStatus: GIG_PLACEMENT_STATUS_LABELS, PayStatus: GIG_PAY_STATUS_LABELS,
    PayBasis: PAY_BASIS_LABELS, PayTiming: PAY_TIMING_LABELS, PayMethod: PAY_METHOD_LABELS,
    AvailabilitySource: AVAILABILITY_SOURCE_LABELS,
})

# The province overview's columns (/staff/province and its .xlsx), in the order shown.
PROVINCE_FIGURE_LABELS = {
    "sites": "安置点数", "households": "户数", "labourers": "劳动力", "employed": "已就业", "employment_rate": "就业率",
    "zero_employment": "零就业家庭", "monitored": "监测户", "followed_up": "本月已回访", "follow_ups_due": "本月待回访",
    "open_alerts": "未关闭预警", "open_problems": "未解决问题",
}
# Why staff closed a problem opened from a text as "not a problem" (one click on the problems page).
NOT_A_PROBLEM_LABELS = {NotAProblemReason.GREETING: "问候或道谢，不用办",
                        NotAProblemReason.MISTAKE: "发错了或不是找我们",
                        NotAProblemReason.HANDLED: "已经在别处处理"}
LABELS[NotAProblemReason] = NOT_A_PROBLEM_LABELS
