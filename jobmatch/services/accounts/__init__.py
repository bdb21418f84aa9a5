"""Signing in: worker SMS codes and API tokens."""
