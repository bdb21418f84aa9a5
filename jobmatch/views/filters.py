"""Template filters: local times, masking, vocabulary labels."""

from jobmatch.clock import LOCAL_TZ
from jobmatch.privacy import mask_id_number, mask_phone
from jobmatch.vocabulary import CAPACITY_LABELS, EMPLOYMENT_LABELS, EVENT_LABELS, MOBILITY_LABELS
from notifications.phones import national_digits


def localtime(value) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def localdate(value) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d") if value else ""


def employment_label(person) -> str:
    current = [s for s in person.spells if s.ended_on is None]
    return EMPLOYMENT_LABELS[current[-1].kind] if current else EMPLOYMENT_LABELS["unemployed"]


# Events of the web pages; the vocabulary's EVENT_LABELS holds the ledger's older kinds.
WEB_EVENT_LABELS = {
    "worker_signed_in": "短信验证码登录",
    "employer_signed_up": "用人单位注册",
    "employer_approved": "用人单位审核通过",
    "employer_rejected": "用人单位审核未通过",
    "employer_changed": "用人单位信息变更",
    "vacancy_posted": "发布岗位",
    "vacancy_changed": "修改岗位",
    "vacancy_closed": "停止招聘",
    "api_token_created": "创建接口令牌",
    "round_proposed": "生成匹配推荐", "round_approved": "批准匹配推荐", "offer_proposed": "拟推荐岗位",
    "offer_sent": "推送岗位", "offer_accepted": "接受岗位", "offer_declined": "谢绝岗位", "offer_expired": "岗位推荐过期",
    "offer_skipped": "推荐未发出", "waitlisted": "进入候补名单", "interview_recorded": "登记面试", "hired": "录用",
    "not_hired": "未录用", "fair_created": "创建招聘会", "fair_invitations_sent": "发出招聘会邀请",
    "fair_registered": "报名招聘会", "fair_declined": "不参加招聘会", "fair_checked_in": "招聘会签到",
    "fair_interview": "招聘会面试", "fair_offer": "招聘会拟录用", "fair_hire": "招聘会录用",
    "welfare_post_created": "设立公益性岗位", "welfare_post_assigned": "安排公益性岗位",
    "welfare_post_exited": "公益性岗位退岗", "welfare_post_offered": "推送公益性岗位",
    "welfare_roll_exported": "导出补贴花名册", "training_requested": "申请培训", "training_enrolled": "报名培训",
    "training_completed": "培训结业", "training_course_created": "开设培训班", "follow_up_recorded": "回访",
    "problem_reported": "反映问题", "problem_acknowledged": "问题已响应", "problem_on_site": "到场处理",
    "problem_resolved": "问题已解决", "door_visit_recorded": "送岗上门", "sms_opt_out": "关闭短信",
    "sms_opt_in": "打开短信", "sms_answered": "短信答复",
}

OFFER_STATUS_LABELS = {
    "reserve": "替补", "proposed": "待批准", "sent": "等答复", "accepted": "已接受", "waitlisted": "候补",
    "declined": "谢绝", "expired": "过期未答复", "skipped": "未发出", "hired": "已录用", "not_hired": "未录用",
    "withdrawn": "已撤回（另已录用）",
}


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind) or WEB_EVENT_LABELS.get(kind, kind)


def percent(value) -> str:
    return f"{100 * value:.1f}%" if value is not None else "—"


def wage_range(vacancy) -> str:
    if vacancy.wage_min and vacancy.wage_max:
        return f"{vacancy.wage_min}–{vacancy.wage_max} 元/月"
    return f"{vacancy.wage_min or vacancy.wage_max} 元/月" if (vacancy.wage_min or vacancy.wage_max) else "面议"


def answer_by(offer) -> str:
    """An offer's answer deadline in plain words, the same words its SMS used."""
    from flask_babel import get_locale

    from jobmatch.services.offers.lifecycle import answer_deadline, current_settings
    from notifications.wording import deadline_text

    deadline = answer_deadline(offer, current_settings())
    locale = get_locale()
    return deadline_text(deadline, "en" if locale and locale.language == "en" else "zh") if deadline else ""


FILTERS = {
    "answer_by": answer_by,
    "localtime": localtime,
    "localdate": localdate,
    "mask_id": mask_id_number,
    "mask_phone": mask_phone,
    "national": lambda phone: national_digits(phone) if phone else "",
    "capacity_label": lambda code: CAPACITY_LABELS.get(code, code),
    "employment_label": employment_label,
    "event_label": event_label,
    "mobility_label": lambda code: MOBILITY_LABELS.get(code, code or ""),
    "percent": percent,
    "wage_range": wage_range,
    "offer_status": lambda code: OFFER_STATUS_LABELS.get(code, code),
}


def register(app) -> None:
    for name, function in FILTERS.items():
        app.add_template_filter(function, name)
