"""Worker pages (/w/): sign-in by SMS code, home and profile, answers to offers, fairs and courses."""

from flask import Blueprint

bp = Blueprint("worker", __name__, url_prefix="/w")

from jobmatch.views.worker import (  # noqa: E402,F401  (routes)
    actions,
    gigs,
    home,
)
