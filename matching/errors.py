"""Named errors of the matching engine."""


class MatchingInputError(ValueError):
    """An input file cannot be used; the message says where and what to fix."""
