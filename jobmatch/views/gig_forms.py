"""Forms of the odd-job market (零工市场), shared by the employer's portal and the station clerk's page."""

from flask_wtf import FlaskForm

from jobmatch.models.gigs import PayBasis, PayMethod, PayTiming
from jobmatch.services.gigs.posting import MAX_DAYS, MAX_HEADCOUNT, NewGig
from jobmatch.views.fields import Choice, Day, Flag, Number, Text
from jobmatch.vocabulary import staff as staff_words

# What a new gig's form starts with.
NEW_GIG_DEFAULTS = {"start_time": "08:00", "end_time": "17:00", "headcount": "1", "days": "1", "pay_basis": "day",
                    "pay_timing": "same_day", "pay_method": "wechat", "physical_demand": "medium"}
DEMAND_CHOICES = {"light": "轻体力", "medium": "中等体力", "heavy": "重体力"}


class GigForm(FlaskForm):
    """A gig as the employer (or the clerk for a walk-in employer) describes it."""

    title = Text("干什么活", max_length=40, required=True)
    settlement_id = Choice("干活地点", coerce=int)
    address = Text("具体地址", max_length=80)
    place_id = Choice("在哪个地点", coerce=int)
    work_date = Day("用工日期")
    start_time = Text("上工时间", max_length=5, required=True)
    end_time = Text("收工时间", max_length=5, required=True)
    days = Number("干几天", low=1, high=MAX_DAYS)
    headcount = Number("招几个人", low=1, high=MAX_HEADCOUNT, required=True)
    pay_basis = Choice("工钱怎么算", choices=tuple(PayBasis), default=PayBasis.DAY)
    pay_yuan = Number("工钱（元）", low=1, high=100_000, required=True)
    pay_timing = Choice("什么时候结", choices=tuple(PayTiming), default=PayTiming.SAME_DAY)
    pay_method = Choice("怎么付", choices=tuple(PayMethod), default=PayMethod.WECHAT)
    physical_demand = Choice("体力要求", choices=tuple(DEMAND_CHOICES), default="medium")
    meals = Flag("管饭")
    transport = Flag("接送")
    accident_insurance = Flag("买了日结保险")
    description = Text("说明", max_length=500)

    def __init__(self, settlement_ids, place_ids=(), **kwargs):
        super().__init__(**kwargs)
        self.settlement_id.choices = list(settlement_ids)
        self.place_id.choices = [None, *place_ids]  # None: at the settlement

    def new_gig(self) -> NewGig:
        return NewGig(title=self.title.data, settlement_id=self.settlement_id.data, work_date=self.work_date.data,
                      start_time=self.start_time.data, end_time=self.end_time.data, headcount=self.headcount.data,
                      pay_basis=self.pay_basis.data, pay_yuan=self.pay_yuan.data, pay_timing=self.pay_timing.data,
                      pay_method=self.pay_method.data, address=self.address.data, place_id=self.place_id.data,
                      description=self.description.data, days=self.days.data or 1,
                      physical_demand=self.physical_demand.data, meals=self.meals.data,
                      transport=self.transport.data, accident_insurance=self.accident_insurance.data)


class StationGigForm(GigForm):
    """The clerk posts for an employer standing at the station."""

    employer_name = Text("用工单位或老板", max_length=120, required=True)
    employer_phone = Text("联系电话", max_length=20)


class WalkInForm(FlaskForm):
    name = Text("姓名", max_length=40, required=True)
    phone = Text("手机号", max_length=20, required=True)


OPTION_LABELS = {
    "pay_basis": staff_words.PAY_BASIS_LABELS, "pay_timing": staff_words.PAY_TIMING_LABELS,
    "pay_method": staff_words.PAY_METHOD_LABELS, "physical_demand": DEMAND_CHOICES,
}
