"""Signed checkpoints of the ledger's chain, so that `jobmatch ledger verify` need not start at event 1.

A checkpoint is (seq, hash) of an event up to which a walk found the chain good, signed with
HMAC-SHA256 under the checkpoint key (LEDGER_CHECKPOINT_KEY, or a key derived from SECRET_KEY).
What it proves, and what it does not:

- The chain up to ``seq`` was good when it was signed. A later walk starts after the last
  checkpoint whose signature is good *and* whose event still has that hash, and does not read
  the events before it again. Rewriting the line before it (an event deleted, inserted or
  re-hashed so that a walk would pass) moves the checkpoint event's hash too, and is caught.
- An edit that leaves every stored hash alone (an event's data or header changed in place) is
  caught only by ``verify --full``, which walks everything and also checks every signed
  checkpoint it passes. Run it on a schedule (monthly, before the report is filed).
- A checkpoint whose signature does not match (another key, or forged) is ignored and counted;
  one with a good signature whose event changed is a broken ledger.
"""

import hashlib
import hmac

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobmatch.clock import utcnow
from jobmatch.config import settings_of
from jobmatch.ledger import GENESIS_HASH, VerifyResult, verify
from jobmatch.models import LedgerCheckpoint, LedgerEvent


def checkpoint_key(app) -> bytes:
    """LEDGER_CHECKPOINT_KEY, or, unset, a key derived from the app's SECRET_KEY."""
    configured = settings_of(app).ledger_checkpoint_key
    if configured:
        return configured.encode("utf-8")
    secret = str(app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, b"jobmatch ledger checkpoint key", hashlib.sha256).digest()


def sign(key: bytes, seq: int, event_hash: str) -> str:
    return hmac.new(key, f"{seq}:{event_hash}".encode("ascii"), hashlib.sha256).hexdigest()


def signed_checkpoints(session: Session, key: bytes) -> tuple[dict[int, str], int]:
    """(seq -> hash of every checkpoint whose signature is good, how many were ignored)."""
    good: dict[int, str] = {}
    ignored = 0
    for seq, event_hash, signature in session.execute(
            select(LedgerCheckpoint.seq, LedgerCheckpoint.hash, LedgerCheckpoint.signature)):
        if hmac.compare_digest(sign(key, seq, event_hash), signature):
            good[seq] = event_hash
        else:
            ignored += 1
    return good, ignored


def write_checkpoint(session: Session, key: bytes, seq: int, event_hash: str) -> bool:
    """Sign (seq, hash) after a good walk; False if that event already has a checkpoint. Commits."""
    if seq == 0 or event_hash == GENESIS_HASH:
        return False
    try:
        with session.begin_nested():
            session.add(LedgerCheckpoint(seq=seq, hash=event_hash, signed_at=utcnow(),
                                         signature=sign(key, seq, event_hash)))
    except IntegrityError:  # another walk signed the same event at the same time
        session.rollback()
        return False
    session.commit()
    return True


def verify_and_checkpoint(session: Session, key: bytes, *, full: bool = False,
                          workers: int = 1) -> tuple[VerifyResult, int]:
    """Verify from the last good checkpoint (``full``: from event 1), sign the head if good.

    Returns the result and the number of checkpoints ignored for a bad signature.
    """
    checkpoints, ignored = signed_checkpoints(session, key)
    after = None
    if not full:
        for seq in sorted(checkpoints, reverse=True):
            row = session.execute(select(LedgerEvent.hash).where(LedgerEvent.seq == seq)).first()
            if row is None or row.hash != checkpoints[seq]:
                what = "is gone" if row is None else "has another hash"
                problem = (f"event {seq}, signed as checked in a checkpoint, {what}: the chain up to it "
                           "was rewritten (run `jobmatch ledger verify --full` to find where)")
                return VerifyResult(0, problem, seq, started_after=seq), ignored
            after = (seq, checkpoints[seq])
            break
    result = verify(session, after=after, checkpoints=checkpoints, workers=workers)
    session.rollback()  # end the read transaction before writing
    beyond = [seq for seq in checkpoints if seq > result.head_seq]
    if result.ok and beyond and result.head_seq == session.scalar(select(func.max(LedgerEvent.seq))):
        seq = min(beyond)  # the walk reached the end, and a signed event after it is gone
        problem = f"event {seq}, signed as checked in a checkpoint, is gone: the end of the chain was deleted"
        session.rollback()
        return VerifyResult(result.checked, problem, seq, result.head_hash, result.started_after,
                            result.head_seq), ignored
    if result.ok and result.head_seq > (after or (0, ""))[0]:
        write_checkpoint(session, key, result.head_seq, result.head_hash)
    return result, ignored
