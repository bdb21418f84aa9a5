"""An openid waiting to be bound, kept encrypted in the session cookie (Flask's cookie is only signed)."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

MAX_AGE_SECONDS = 1800  # the worker binds within half an hour of WeChat's OAuth, or starts again


def _fernet(secret_key: str) -> Fernet:
    key = hashlib.sha256(f"wechat-openid:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, openid: str) -> str:
    return _fernet(secret_key).encrypt(openid.encode()).decode()


def unseal(secret_key: str, sealed: str | None) -> str:
    """The openid, or "" when missing, altered or too old."""
    if not sealed:
        return ""
    try:
        return _fernet(secret_key).decrypt(sealed.encode(), ttl=MAX_AGE_SECONDS).decode()
    except (InvalidToken, ValueError):
        return ""
