"""Idempotency keys of API writes: a retried request with the same key gets the first response.

``claim`` runs first in the write's transaction: it inserts the key's row (unique per token),
so a second request with the same key waits for the first transaction and then finds the
row it committed, with the response; ``remember`` stores that response in the same
transaction as the write. A write that fails leaves no key behind (the rollback takes both),
so a retry runs again. Keys older than the setting's hours are forgotten.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobmatch.clock import utcnow
from jobmatch.models import ApiIdempotencyKey
from jobmatch.services.errors import UserError

KEY_MAX_CHARS = 100


class IdempotencyKeyReused(UserError):
    """The key was used for a different request (another path or body): the client's mistake."""

    status = 422


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: str


def request_digest(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path and the body (JSON compared by value)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def check_key(key: str) -> str:
    """The header's value, checked: 1 to 100 visible ASCII characters."""
    if not 1 <= len(key) <= KEY_MAX_CHARS or not all(33 <= ord(c) <= 126 for c in key):
        raise UserError(f"Idempotency-Key 要写 1 到 {KEY_MAX_CHARS} 个可见的英文字符（例如一个 UUID），"
                        "同一次操作重试时用同一个。", "Idempotency-Key")
    return key


def claim(session: Session, token_id: int, key: str, digest: str, *, keep_hours: float
          ) -> tuple[ApiIdempotencyKey | None, StoredResponse | None]:
    """(the new key row, None) for the first request with the key; (None, the first response) for a retry.

    IdempotencyKeyReused when the key came with another request; a 409 while the first is still running.
    """
    now = utcnow()
    session.execute(delete(ApiIdempotencyKey).where(
        ApiIdempotencyKey.token_id == token_id, ApiIdempotencyKey.created_at < now - timedelta(hours=keep_hours)))
    row = ApiIdempotencyKey(token_id=token_id, key=key, request_digest=digest, status_code=0, response_body="",
                            created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the key is taken: by a committed request (the insert waited for it)
        first = session.scalar(select(ApiIdempotencyKey).where(
            ApiIdempotencyKey.token_id == token_id, ApiIdempotencyKey.key == key)
            .execution_options(populate_existing=True))
        if first is None:  # taken and gone again (expired meanwhile): let the client retry
            raise UserError("同一个 Idempotency-Key 的请求正在处理，请稍后重试。", "Idempotency-Key", 409) from None
        if first.request_digest != digest:
            raise IdempotencyKeyReused("这个 Idempotency-Key 已经用于另一个请求（路径或内容不同）；"
                                       "新的操作请换一个新的 Idempotency-Key。", "Idempotency-Key") from None
        if not first.status_code:
            raise UserError("同一个 Idempotency-Key 的请求正在处理，请稍后重试。", "Idempotency-Key", 409) from None
        return None, StoredResponse(first.status_code, first.response_body)
    return row, None


def remember(session: Session, row: ApiIdempotencyKey, status_code: int, body: str) -> None:
    """Keep the first response with its key (the caller commits it with the write)."""
    row.status_code, row.response_body = status_code, body
    session.flush()
