"""Households: status, zero-employment drive, follow-ups, employment changes, problems."""
