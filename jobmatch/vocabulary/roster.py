"""The roster's controlled vocabularies: Chinese words as staff write them, codes as stored.

Used by the roster reader and writer, the models, the forms and the reports. Each table
maps code -> the label written on export; the ``*_FROM_LABEL`` dicts also accept the
synonyms seen in real spreadsheets.
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
# Keys are models.people.CannotLeaveReason values (plain strings here: the models import this module).
CANNOT_LEAVE_REASON_LABELS = {"caring_elders": "照料老人", "caring_children": "照料子女", "caring_sick": "照料病残家人",
                              "own_disability": "本人残疾或患病", "other": "其他"}
CANNOT_LEAVE_REASON_FROM_LABEL = {v: k for k, v in CANNOT_LEAVE_REASON_LABELS.items()}

RELATIONS = ("户主", "配偶", "子女", "儿子", "女儿", "父母", "父亲", "母亲", "孙子女", "兄弟姐妹", "其他")
HEAD_RELATION = "户主"

YES_NO_FROM_LABEL = {"是": True, "否": False}
YES_NO_LABELS = {True: "是", False: "否"}

# A person without a job who is not looking for one either (households.status.work_status): the
# same words for workers, staff and exports; never 未就业.
NOT_IN_WORKFORCE_LABELS = {"preschool": "学龄前", "in_school": "在校", "no_capacity": "无劳动能力"}
