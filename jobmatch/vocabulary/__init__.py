"""Every word a person reads for a code: one module per audience.

- ``roster``: the roster's controlled vocabularies (codes <-> the words staff write);
- ``staff``: what community staff read on their pages, timelines and CLI;
- ``county``: what county officers read (the staff pages, read-only, and the monthly report);
- ``employer``: what employers read on their portal;
- ``worker``: what a relocated worker reads on their own page (plain words).

Each audience module has ``LABELS`` (enum class -> {member: label}); the members it lists
are exactly the ones that audience sees (tests/vocabulary checks it). Labels are Chinese
msgids: pages pass them through ``_()``. The roster names are re-exported here for the
roster reader and writer.
"""

from jobmatch.vocabulary.roster import (
                                        CANNOT_LEAVE_REASON_FROM_LABEL,
                                        CANNOT_LEAVE_REASON_LABELS,
                                        CAPACITY_FROM_LABEL,
                                        CAPACITY_LABELS,
                                        DISABILITY_FROM_LABEL,
                                        DISABILITY_LABELS,
                                        EMPLOYMENT_FROM_LABEL,
                                        EMPLOYMENT_LABELS,
                                        HEAD_RELATION,
                                        MOBILITY_FROM_LABEL,
                                        MOBILITY_LABELS,
                                        MONITORING_FROM_LABEL,
                                        MONITORING_LABELS,
                                        RELATIONS,
                                        SPELL_KINDS,
                                        YES_NO_FROM_LABEL,
                                        YES_NO_LABELS,
)
from jobmatch.vocabulary.staff import (
                                        BUSINESS_KIND_LABELS,
                                        FOLLOW_UP_EMPLOYMENT_STATE_LABELS,
                                        HIRING_SUBSIDY_STATUS_LABELS,
                                        MONITORING_ALERT_REASON_LABELS,
                                        SUBSIDY_KIND_LABELS,
                                        SUPPORT_APPLICATION_KIND_LABELS,
                                        SUPPORT_APPLICATION_STATUS_LABELS,
                                        WELFARE_APPOINTMENT_STATUS_LABELS,
                                        WELFARE_EXIT_REASON_LABELS,
                                        WELFARE_PRIORITY_LABELS,
                                        WELFARE_REVIEW_STATUS_LABELS,
)

__all__ = [
    "CAPACITY_FROM_LABEL", "CAPACITY_LABELS", "DISABILITY_FROM_LABEL", "DISABILITY_LABELS",
    "EMPLOYMENT_FROM_LABEL", "EMPLOYMENT_LABELS", "HEAD_RELATION", "MOBILITY_FROM_LABEL", "MOBILITY_LABELS",
    "MONITORING_FROM_LABEL", "MONITORING_LABELS", "RELATIONS", "SPELL_KINDS", "YES_NO_FROM_LABEL",
    "YES_NO_LABELS", "FOLLOW_UP_EMPLOYMENT_STATE_LABELS", "MONITORING_ALERT_REASON_LABELS",
    "CANNOT_LEAVE_REASON_FROM_LABEL", "CANNOT_LEAVE_REASON_LABELS", "BUSINESS_KIND_LABELS", "HIRING_SUBSIDY_STATUS_LABELS",
    "SUBSIDY_KIND_LABELS", "SUPPORT_APPLICATION_KIND_LABELS", "SUPPORT_APPLICATION_STATUS_LABELS",
    "WELFARE_APPOINTMENT_STATUS_LABELS", "WELFARE_EXIT_REASON_LABELS", "WELFARE_PRIORITY_LABELS",
    "WELFARE_REVIEW_STATUS_LABELS",
]
