"""What county officers read: the staff pages (read-only) and the monthly report."""

from jobmatch.models.employment import SubsidyStatus
from jobmatch.vocabulary import staff

# Columns of the report's hiring-subsidy sheet (counts of hires in each status).
SUBSIDY_STATUS_LABELS = {
    SubsidyStatus.PAYABLE: "可发放", SubsidyStatus.PENDING: "待满六个月", SubsidyStatus.REFUSED: "不予补贴",
}

LABELS = {**staff.LABELS, SubsidyStatus: SUBSIDY_STATUS_LABELS}
