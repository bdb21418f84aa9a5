"""How a view runs a service call as the request's transaction.

Service functions never commit (docs/CONTRACTS.md); the view owns the transaction.
A step the service refuses (a UserError) must leave nothing half-written, so the
view rolls back and shows the error; otherwise it commits.
"""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from jobmatch.services.errors import UserError

T = TypeVar("T")


def commit_or_error(session: Session, call: Callable[[], T]) -> tuple[T | None, UserError | None]:
    """Run ``call``: commit and return (its result, None), or roll back and return (None, the error)."""
    try:
        result = call()
    except UserError as error:
        session.rollback()
        return None, error
    session.commit()
    return result, None
