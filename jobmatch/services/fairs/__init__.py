"""Recruitment fairs (rules 3-4): set-up, invitations, check-in at the door, the report."""
