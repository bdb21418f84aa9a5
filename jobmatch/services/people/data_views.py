"""The ledger record of every view of unmasked personal data: who saw which fields of whom.

Never the data itself: the event names the fields ("id_number", "phone"), the page and the person.
"""

from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.models import Person, User

UNMASKED_FIELDS = ("id_number", "phone")


def record_unmasked_view(session: Session, viewer: User, persons: list[Person], *, where: str,
                         fields=UNMASKED_FIELDS) -> None:
    """One ``personal_data_viewed`` event per person shown unmasked. The caller commits."""
    events = [ledger.NewEvent("personal_data_viewed", f"user:{viewer.id}", {"fields": list(fields), "where": where},
                              household_id=p.household_id, person_id=p.id, subject=f"person:{p.id}")
              for p in persons]
    ledger.append_many(session, events)


def record_export(session: Session, viewer: User, *, what: str, subject: str, persons: int) -> None:
    """A file with unmasked data left the service (a roster export)."""
    ledger.append(session, "personal_data_viewed", actor=f"user:{viewer.id}", subject=subject,
                  data={"fields": list(UNMASKED_FIELDS), "where": what, "persons": persons})
