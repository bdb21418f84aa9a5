"""JSON API /api/v1: token-authenticated, scoped by settlement exactly like the web; reads, the
few writes policy needs (who cannot leave the site, employer and vacancy policy flags), and the
daily writes: employers' vacancies and hires, staff's follow-ups and answers at the door
(each with an Idempotency-Key: jobmatch.views.api.idempotent).

Errors are JSON: {"error": {"code": ..., "message": ...}} with a 4xx status (jobmatch.views.errors).
"""

from flask import Blueprint, g, request
from werkzeug.exceptions import HTTPException

from jobmatch.db import get_session
from jobmatch.security import csrf
from jobmatch.services.accounts.api_tokens import token_in_use

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
    token_row = token_in_use(session, token)
    if token_row is None:
        session.rollback()
        raise ApiError(401, "unauthorized", "A valid API token is required: Authorization: Bearer <token>.")
    user = token_row.user
    session.commit()  # keeps last_used_at
    if _is_employer_operation():
        if user.role != "employer":
            raise ApiError(403, "forbidden", "只有用人单位的令牌可以发布岗位和登记录用。")
        if user.employer is None or not user.employer.approved:
            raise ApiError(403, "forbidden", "单位还没有通过审核，审核通过后才能发布岗位和登记录用。")
    elif user.role not in API_ROLES:
        raise ApiError(403, "forbidden", "This account may not use the API.")
    g.api_user, g.api_token_id = user, token_row.id
    _reject_unknown_parameters()
    return None


def _is_employer_operation() -> bool:
    """An employer's token opens only its writes (openapi.EMPLOYER_OPERATIONS), and only it opens them."""
    from jobmatch.views.api.openapi import EMPLOYER_OPERATIONS, document_path

    return request.url_rule is not None and (request.method, document_path(request.url_rule.rule)) in EMPLOYER_OPERATIONS


def _reject_unknown_parameters() -> None:
    """Query parameters the OpenAPI document does not name are a client's mistake: 400."""
    from jobmatch.views.api.openapi import query_parameters

    if request.url_rule is None:
        return
    unknown = set(request.args) - query_parameters(request.url_rule.rule)
    if unknown:
        raise ApiError(400, "unknown_parameter", f"Unknown query parameter: {sorted(unknown)[0][:40]}.")


# The routes (policy: rules 2, 7 and 9 writes and the subsidy list; resources; offer and fair workflows;
# the daily writes of employers and staff).
from jobmatch.views.api import employer_writes, policy, resources, staff_writes, workflows  # noqa: E402,F401
