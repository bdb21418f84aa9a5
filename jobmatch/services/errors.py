"""The error the workflow services raise for input a user can fix: Chinese message, field named."""


class WorkflowError(ValueError):
    """Bad input to a workflow service; nothing was written. ``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{message}（{field}）")


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
