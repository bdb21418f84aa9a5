"""Organised labour export (劳务输出, rule 12): groups, recruitment, departure, arrival and staying,
the transport subsidy, and the report. Each module's functions take a session and plain values."""
