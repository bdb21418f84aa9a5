"""The Idempotency-Key of the API's daily writes: a retry gets the first response and changes nothing twice.

The decorated view must not commit: this wrapper commits the write and the key together.
"""

from functools import wraps

from flask import current_app, g, make_response, request

from jobmatch.config import current_settings
from jobmatch.db import get_session
from jobmatch.services.accounts import idempotency
from jobmatch.services.errors import UserError

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


def idempotent(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        raw = request.headers.get(HEADER)
        if raw is None:
            raise UserError(f"写操作要带 {HEADER} 请求头（例如一个 UUID），重试时用同一个。", HEADER)
        key = idempotency.check_key(raw)
        session = get_session()
        digest = idempotency.request_digest(request.method, request.path, request.get_data())
        try:
            row, stored = idempotency.claim(session, g.api_token_id, key, digest,
                                            keep_hours=current_settings().api_idempotency_hours)
            if stored is not None:
                session.commit()  # forgets expired keys
                response = current_app.response_class(stored.body, status=stored.status_code,
                                                      mimetype="application/json")
                response.headers[REPLAYED_HEADER] = "true"
                return response
            assert row is not None
            response = make_response(view(*args, **kwargs))
            idempotency.remember(session, row, response.status_code, response.get_data(as_text=True))
            session.commit()
        except BaseException:
            session.rollback()  # neither the write nor the key
            raise
        return response

    return wrapper
