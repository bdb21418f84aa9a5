"""Workflows as functions that take a session and plain values. Callers commit."""
