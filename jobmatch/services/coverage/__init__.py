"""Site coverage (rule 3) and the employment floor (seed 003)."""

from jobmatch.services.coverage.sites import (
    NAMED_STAFF_FROM,
    SPECIAL_ACTION_FROM,
    CoverageRow,
    coverage_rows,
    unstaffed_settlement_ids,
)

__all__ = ["NAMED_STAFF_FROM", "SPECIAL_ACTION_FROM", "CoverageRow", "coverage_rows", "unstaffed_settlement_ids"]
