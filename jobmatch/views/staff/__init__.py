"""Staff console (/staff/): the day, search, households and persons with their ledger,
roster upload and export, employer approval. County officers read it; only staff and
admins change things."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
STAFF_ROLES = ("admin", "staff", "county_officer")
WRITER_ROLES = ("admin", "staff")

from jobmatch.views.staff import (  # noqa: E402,F401
                                  contact,
                                  coverage,
                                  dashboard,
                                  door_visits,
                                  employers,
                                  fairs,
                                  followups,
                                  gigs,
                                  households,  # noqa: E402,F401  (routes)
                                  labour_export,
                                  monitoring,
                                  people,  # (routes)
                                  province,
                                  roster,
                                  rounds,
                                  sms_replies,
                                  subsidies,
                                  training,
                                  welfare,
)
