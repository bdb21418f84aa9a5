"""Training (rule 5): requests, courses, enrolment, completion, the training-need ledger."""
