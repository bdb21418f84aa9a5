"""The labour-export report: exported workers by destination province and employer, the arrival and
3-month stability rates, and the transport subsidies; on the county page and as an .xlsx sheet.

Counts per (province, employer) over a county's groups:
- exported: checked in at the gathering point (went with the group);
- arrived: arrival confirmed (returns later still count as arrived);
- followed up at 3 months / stayed 3 months: of the arrivals whose 3-month follow-up is recorded
  (a return at the 1-month follow-up counts as not staying);
- returned: came back;
- subsidy: transport subsidy fixed on arrival, in yuan.
Rates are of those counts (arrived / exported; stayed / followed up at 3 months), None when the
denominator is 0.
"""

from dataclasses import dataclass, field

import openpyxl
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobmatch.models import ExportGroup, ExportMember
from jobmatch.models.labour_export import TRAVELLED_STATUSES, ExportMemberStatus
from jobmatch.spreadsheets import HEADER_FONT, append_header, append_row, append_title, make_cell, set_column_widths

HEADERS = ("目的地省份", "用工单位", "输出人数", "到岗人数", "到岗率", "3个月回访人数", "稳岗3个月人数", "3个月稳岗率",
           "返乡人数", "交通补贴（元）")
_WIDTHS = (14, 30, 10, 10, 10, 14, 14, 12, 10, 14)


@dataclass
class ExportRow:
    province: str
    employer: str
    exported: int = 0
    arrived: int = 0
    followed_3m: int = 0
    stayed_3m: int = 0
    returned: int = 0
    subsidy_yuan: int = 0

    def add(self, member: ExportMember) -> None:
        self.exported += 1
        self.arrived += member.arrived_on is not None
        self.followed_3m += member.stayed_3m is not None
        self.stayed_3m += member.stayed_3m is True
        self.returned += member.status == ExportMemberStatus.RETURNED
        self.subsidy_yuan += (member.transport_subsidy_yuan or 0) if member.arrived_on is not None else 0

    @property
    def arrival_rate(self) -> float | None:
        return self.arrived / self.exported if self.exported else None

    @property
    def stability_rate(self) -> float | None:
        return self.stayed_3m / self.followed_3m if self.followed_3m else None


@dataclass
class ExportReport:
    rows: list[ExportRow] = field(default_factory=list)
    total: ExportRow = field(default_factory=lambda: ExportRow("合计", ""))


def export_report(session: Session, county_ids) -> ExportReport:
    """The report over the groups of ``county_ids``, rows by province then employer."""
    ids = list(county_ids)
    report = ExportReport()
    if not ids:
        return report
    members = session.scalars(
        select(ExportMember).join(ExportGroup, ExportGroup.id == ExportMember.group_id)
        .where(ExportGroup.county_id.in_(ids), ExportMember.status.in_(TRAVELLED_STATUSES))
        .options(selectinload(ExportMember.group).selectinload(ExportGroup.employer))).all()
    rows: dict[tuple[str, str], ExportRow] = {}
    for member in members:
        key = (member.group.destination_province, member.group.employer.name)
        rows.setdefault(key, ExportRow(*key)).add(member)
        report.total.add(member)
    report.rows = [rows[key] for key in sorted(rows)]
    return report


def _rate(value: float | None):
    return "—" if value is None else value


def write_export_report_xlsx(report: ExportReport, target, *, title: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "劳务输出"
    append_title(sheet, title)
    append_header(sheet, HEADERS)
    for row in [*report.rows, report.total]:
        font = HEADER_FONT if row is report.total else None
        append_row(sheet, [make_cell(sheet, row.province, font=font), row.employer, row.exported, row.arrived,
                           make_cell(sheet, _rate(row.arrival_rate), number_format="0.0%"), row.followed_3m,
                           row.stayed_3m, make_cell(sheet, _rate(row.stability_rate), number_format="0.0%"),
                           row.returned, row.subsidy_yuan])
    set_column_widths(sheet, _WIDTHS)
    book.save(target)
