"""Workflows as functions that take a session and plain values. Callers commit.

One package per area, each owning its queries (statuses are enums beside the models,
labels in jobmatch/vocabulary):
offers/ (rounds, offers, hiring, matching input, the learned model), sms/, fairs/,
welfare/, households/ (status, zero-employment, follow-ups, employment changes,
problems, search, the day's dashboard), training/, roster/, reports/, people/,
accounts/, employers/. At the top: errors.py (the error a person can fix),
scope.py (what a user may read) and answers.py (routing "1"/"2" to the area asked).
"""
