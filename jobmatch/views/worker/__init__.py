"""Worker pages (/w/): sign-in by SMS code, home and profile, answers to offers, fairs and courses."""

from flask import Blueprint

bp = Blueprint("worker", __name__, url_prefix="/w")

from jobmatch.views.worker import actions, home  # noqa: E402,F401  (routes)
from jobmatch.views.worker import gigs  # noqa: E402,F401  (routes: gigs)
