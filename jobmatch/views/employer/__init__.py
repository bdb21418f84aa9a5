"""Employer portal (/e/): sign-up, company profile, vacancies, candidates, hires and the subsidy."""

from flask import Blueprint

bp = Blueprint("employer", __name__, url_prefix="/e")

from jobmatch.views.employer import (  # noqa: E402,F401  (routes)
    accounts,
    gigs,
    hiring,
    photos,
)
