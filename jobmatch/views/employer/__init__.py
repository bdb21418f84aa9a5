"""Employer portal (/e/): sign-up, company profile, vacancies, candidates, hires and the subsidy."""

from flask import Blueprint

bp = Blueprint("employer", __name__, url_prefix="/e")

from jobmatch.views.employer import accounts, hiring  # noqa: E402,F401  (routes)
from jobmatch.views.employer import gigs  # noqa: E402,F401  (routes: gigs)
