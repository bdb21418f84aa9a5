"""The one error type for a person's mistake: a Chinese message they can act on, the field at
fault when there is one, and the HTTP status the app-wide handler answers with."""


class UserError(ValueError):
    """Input a person can fix; nothing was written. The handler in jobmatch.views.errors shows it."""

    status = 400

    def __init__(self, message: str, field: str | None = None, status: int | None = None):
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
        super().__init__(f"{message}（{field}）" if field else message)


class WorkflowError(UserError):
    """Bad input to a workflow service. ``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field)


def require(condition: bool, field: str, message: str) -> None:
    """Raise WorkflowError(field, message) unless ``condition`` holds."""
    if not condition:
        raise WorkflowError(field, message)


def get_or_fail(session, model, object_id, field: str, label: str):
    """The row with this primary key, or WorkflowError saying which record is missing."""
    obj = session.get(model, object_id) if isinstance(object_id, int) and object_id > 0 else None
    if obj is None:
        raise WorkflowError(field, f"找不到{label}（编号 {object_id}）")
    return obj
