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

from jobmatch.vocabulary.roster import (CAPACITY_FROM_LABEL, CAPACITY_LABELS, DISABILITY_FROM_LABEL,
                                        DISABILITY_LABELS, EMPLOYMENT_FROM_LABEL, EMPLOYMENT_LABELS,
                                        HEAD_RELATION, MOBILITY_FROM_LABEL, MOBILITY_LABELS,
                                        MONITORING_FROM_LABEL, MONITORING_LABELS, RELATIONS, SPELL_KINDS,
                                        YES_NO_FROM_LABEL, YES_NO_LABELS)
from jobmatch.vocabulary.staff import FOLLOW_UP_EMPLOYMENT_STATE_LABELS, MONITORING_ALERT_REASON_LABELS

__all__ = [
    "CAPACITY_FROM_LABEL", "CAPACITY_LABELS", "DISABILITY_FROM_LABEL", "DISABILITY_LABELS",
    "EMPLOYMENT_FROM_LABEL", "EMPLOYMENT_LABELS", "HEAD_RELATION", "MOBILITY_FROM_LABEL", "MOBILITY_LABELS",
    "MONITORING_FROM_LABEL", "MONITORING_LABELS", "RELATIONS", "SPELL_KINDS", "YES_NO_FROM_LABEL",
    "YES_NO_LABELS", "FOLLOW_UP_EMPLOYMENT_STATE_LABELS", "MONITORING_ALERT_REASON_LABELS",
]
