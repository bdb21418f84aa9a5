"""JSON API /api/v1: token-authenticated, scoped by settlement exactly like the web; reads, and the
few writes policy needs (who cannot leave the site, employer and vacancy policy flags).

Errors are JSON: {"error": {"code": ..., "message": ...}} with a 4xx status (jobmatch.views.errors).
"""

from flask import Blueprint, g, request
from werkzeug.exceptions import HTTPException

from jobmatch.db import get_session
from jobmatch.security import csrf
from jobmatch.services.accounts.api_tokens import user_for_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
API_ROLES = ("admin", "staff", "county_officer")
PUBLIC_ENDPOINTS = {"api.openapi"}


class ApiError(HTTPException):
    """An error with its own code word, answered as JSON."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.code, self.error_code, self.description = status, code, message


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    session = get_session()
    user = user_for_token(session, token)
    if user is None:
        session.rollback()
        raise ApiError(401, "unauthorized", "A valid API token is required: Authorization: Bearer <token>.")
    session.commit()  # keeps last_used_at
    if user.role not in API_ROLES:
        raise ApiError(403, "forbidden", "This account may not use the API.")
    g.api_user = user
    _reject_unknown_parameters()
    return None


def _reject_unknown_parameters() -> None:
    """Query parameters the OpenAPI document does not name are a client's mistake: 400."""
    from jobmatch.views.api.openapi import query_parameters

    if request.url_rule is None:
        return
    unknown = set(request.args) - query_parameters(request.url_rule.rule)
    if unknown:
        raise ApiError(400, "unknown_parameter", f"Unknown query parameter: {sorted(unknown)[0][:40]}.")


# The routes (policy: rules 2, 7 and 9 writes and the subsidy list; resources; offer and fair workflows).
from jobmatch.views.api import policy, resources, workflows  # noqa: E402,F401
