"""Test support code: fakes of the services jobmatch talks to, served on loopback."""
