"""The controlled vocabularies of the ledger: Chinese labels as staff write them, codes as stored.

One place for every mapping, used by the roster reader and writer, the models, the
forms and the reports. Each table maps code -> the label written on export; the
``*_FROM_LABEL`` dicts also accept the synonyms seen in real spreadsheets.
"""

CAPACITY_LABELS = {"full": "强劳力", "half": "半劳力", "weak": "弱劳力", "none": "无劳动能力"}
CAPACITY_FROM_LABEL = {**{v: k for k, v in CAPACITY_LABELS.items()}, "普通劳动力": "full"}

MOBILITY_LABELS = {"site": "仅安置点附近", "county": "县内", "province": "省内", "any": "不限"}
MOBILITY_FROM_LABEL = {v: k for k, v in MOBILITY_LABELS.items()}

# Employment status on the roster; "unemployed" is the absence of a current spell.
EMPLOYMENT_LABELS = {
    "unemployed": "未就业",
    "within_county": "县内务工",
    "within_province": "省内县外务工",
    "outside_province": "省外务工",
    "workshop": "帮扶车间",
    "welfare_post": "公益性岗位",
    "flexible": "灵活就业",
    "self_employed": "自主创业",
    "work_for_relief": "以工代赈",
}
EMPLOYMENT_FROM_LABEL = {v: k for k, v in EMPLOYMENT_LABELS.items()}
SPELL_KINDS = tuple(k for k in EMPLOYMENT_LABELS if k != "unemployed")

DISABILITY_LABELS = {"none": "无", "1": "一级", "2": "二级", "3": "三级", "4": "四级"}
DISABILITY_FROM_LABEL = {v: k for k, v in DISABILITY_LABELS.items()}

MONITORING_LABELS = {
    "none": "无",
    "unstable": "脱贫不稳定户",
    "marginal": "边缘易致贫户",
    "hardship": "突发严重困难户",
}
MONITORING_FROM_LABEL = {v: k for k, v in MONITORING_LABELS.items()}

# Why a person cannot leave the settlement (roster column 不能离开安置点原因; empty: can leave).
CANNOT_LEAVE_REASON_LABELS = {"caring_elders": "照料老人", "caring_children": "照料子女", "caring_sick": "照料病残家人",
                              "own_disability": "本人残疾或患病", "other": "其他"}
CANNOT_LEAVE_REASON_FROM_LABEL = {v: k for k, v in CANNOT_LEAVE_REASON_LABELS.items()}

# Public-welfare posts: the priority grounds of the ranking, appointment states, exit reasons.
WELFARE_PRIORITY_LABELS = {"zero_employment": "零就业家庭", "cannot_leave_site": "不能离开安置点",
                           "weak": "弱劳力", "half": "半劳力", "disability": "残疾",
                           "disabled_family": "残疾人家庭成员", "left_behind_woman": "留守妇女",
                           "monitored": "防返贫监测户", "older": "年龄较大"}
WELFARE_APPOINTMENT_STATUS_LABELS = {"offered": "已推送，等本人答复", "active": "在岗", "declined": "本人未接受",
                                     "exited": "已退岗"}
WELFARE_EXIT_REASON_LABELS = {"term_end": "任期届满", "no_longer_needed": "家庭不再需要", "absence": "无故缺岗"}
WELFARE_REVIEW_STATUS_LABELS = {"open": "待复核", "kept": "复核后继续在岗", "exited": "复核后退岗"}

# Subsidies (rule 7 and rule 2) as finance and staff read them.
SUBSIDY_KIND_LABELS = {"welfare_post": "公益性岗位补贴", "hiring": "吸纳就业一次性岗位补贴",
                       "startup": "一次性创业补贴", "incubator_rent": "创业孵化基地费用补贴"}
HIRING_SUBSIDY_STATUS_LABELS = {"pending": "待满六个月", "payable": "可发放", "refused": "不予补贴"}
BUSINESS_KIND_LABELS = {"micro_enterprise": "小微企业", "cooperative": "农民专业合作社", "self_employed": "个体经营"}
SUPPORT_APPLICATION_KIND_LABELS = {"startup_loan": "创业担保贷款（含贴息）", "incubator_rent": "孵化基地费用补贴"}
SUPPORT_APPLICATION_STATUS_LABELS = {"applied": "已申请", "approved": "已批准", "refused": "未批准"}

RELATIONS = ("户主", "配偶", "子女", "儿子", "女儿", "父母", "父亲", "母亲", "孙子女", "兄弟姐妹", "其他")
HEAD_RELATION = "户主"

YES_NO_FROM_LABEL = {"是": True, "否": False}
YES_NO_LABELS = {True: "是", False: "否"}

# Employers and their vacancies, as the employer portal and staff read them.
EMPLOYER_KIND_LABELS = {"company": "企业", "workshop": "帮扶车间", "cooperative": "合作社",
                        "labour_service": "劳务公司", "public_works": "以工代赈项目", "public": "机关事业单位"}
VACANCY_KIND_LABELS = {"regular": "长期岗位", "gig": "零工 / 短期", "relief": "以工代赈"}
DEMAND_LABELS = {"light": "轻体力", "medium": "中等体力", "heavy": "重体力"}
HOURS_LABELS = {"any": "不限", "day": "白班", "shift": "倒班", "school_hours": "可接送孩子（上学时间上班）"}

# Ledger event kinds, as staff read them on a timeline.
EVENT_LABELS = {
    "household_created": "建档（户）",
    "person_imported": "导入台账",
    "profile_changed": "信息变更",
    "person_moved": "户籍变更",
    "employment_started": "就业登记",
    "employment_ended": "离职登记",
    "household_became_zero_employment": "列为零就业家庭",
    "household_left_zero_employment": "退出零就业家庭",
    "round_proposed": "匹配方案生成",
    "round_approved": "匹配方案批准",
    "offer_proposed": "拟推送岗位",
    "offer_skipped": "未推送岗位",
    "offer_sent": "推送岗位",
    "offer_expired": "岗位推送过期",
    "waitlisted": "进入候补名单",
    "interview_recorded": "面试记录",
    "not_hired": "未录用",
    "offer_accepted": "接受岗位",
    "offer_declined": "拒绝岗位",
    "offer_withdrawn": "岗位推荐已撤回",
    "hired": "录用",
    "left_job": "离职",
    "welfare_post_assigned": "安排公益性岗位",
    "welfare_post_exited": "退出公益性岗位",
    "follow_up_recorded": "回访",
    "zero_employment_help_due": "零就业家庭待帮扶",
    "door_visit_recorded": "送岗位上门",
    "welfare_post_created": "设立公益性岗位",
    "welfare_post_offered": "推荐公益性岗位",
    "welfare_post_declined": "婉拒公益性岗位",
    "welfare_post_settings_changed": "修改公益性岗位",
    "welfare_attendance_recorded": "登记公益性岗位出勤",
    "welfare_need_flagged": "公益性岗位需复核",
    "welfare_need_reviewed": "公益性岗位复核",
    "cannot_leave_site_set": "登记不能离开安置点",
    "employer_policy_flags_set": "设置单位政策属性",
    "business_recorded": "登记创业",
    "business_updated": "创业情况变更",
    "support_application_recorded": "创业扶持申请",
    "support_application_decided": "创业扶持审批",
    "subsidy_list_exported": "导出补贴发放表",
    "welfare_roll_exported": "导出补贴发放表",
    "fair_created": "创建招聘会",
    "fair_vacancies_added": "招聘会岗位",
    "fair_invitations_sent": "发出招聘会邀请",
    "fair_registered": "报名招聘会",
    "fair_declined": "不参加招聘会",
    "fair_reminders_queued": "招聘会提醒",
    "fair_checked_in": "招聘会签到",
    "fair_interview": "招聘会面试",
    "fair_offer": "招聘会达成意向",
    "fair_hire": "招聘会录用",
    "training_requested": "培训申请",
    "training_course_created": "开设培训班",
    "training_enrolled": "报名培训",
    "training_completed": "完成培训",
    "rematch_requested": "重新匹配",
    "problem_reported": "反映问题",
    "problem_acknowledged": "问题已受理",
    "problem_on_site": "工作人员到场",
    "problem_resolved": "问题已解决",
    "person_anonymised": "个人信息注销",
    "sms_received": "收到短信",
    "sms_queued": "短信待发送",
    "sms_queued_bulk": "批量短信待发送",
    "sms_cancelled": "短信已取消",
    "sms_retry": "短信重试",
    "sms_phone_invalid": "手机号无效",
    "sms_answered": "已回复",
    "sms_opt_out": "退订短信",
    "sms_opt_in": "恢复接收短信",
    "sms_read": "短信已阅",
    "sms_held": "短信延后发送",
    "sms_sent": "短信已发送",
    "sms_delivered": "短信已送达",
    "sms_failed": "短信发送失败",
    "personal_data_viewed": "查看个人信息",
}
