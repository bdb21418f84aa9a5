"""A problem found in a roster file, reported as `row N, column X: what is wrong`."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RosterProblem:
    """One thing wrong in the file, at a spreadsheet row and a column header."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"
