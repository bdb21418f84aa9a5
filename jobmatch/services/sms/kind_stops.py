"""Message kinds stopped because the provider refused their template or signature.

A template that is not approved (or a signature that is not) fails for every message of
its kind, so the first refusal stops the kind: its messages wait, held, instead of
failing one by one. `jobmatch doctor` and the staff SMS page show each stop; once the
template is fixed at the provider, `jobmatch sms resume KIND` (or the page) lets them go.
"""

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.clock import utcnow
from jobmatch.models import Message, SmsKindStop
from jobmatch.models.messages import MessageStatus
from jobmatch.services.errors import UserError
from jobmatch.services.sms.outbox import TEMPLATE_STOPPED
from notifications.kinds import MessageKind


def stop_kind(session: Session, kind: str, *, provider: str, code: str, reason: str) -> bool:
    """Stop ``kind``; False when it was stopped already."""
    if session.get(SmsKindStop, kind) is not None:
        return False
    session.add(SmsKindStop(kind=kind, provider=provider[:20], code=str(code or "")[:80], reason=reason[:200],
                            stopped_at=utcnow()))
    ledger.append(session, "sms_kind_stopped", actor="system", subject=f"sms_kind:{kind}",
                  data={"kind": kind, "provider": provider, "code": str(code or "")})
    return True


def kind_stops(session: Session) -> list[SmsKindStop]:
    """Every stopped kind, oldest first."""
    return list(session.scalars(select(SmsKindStop).order_by(SmsKindStop.stopped_at, SmsKindStop.kind)))


def resume_kind(session: Session, kind: str, *, actor: str) -> int:
    """Let ``kind`` go again; returns how many waiting messages are due now."""
    if kind not in {k.value for k in MessageKind}:
        raise UserError(f"没有这种短信：{kind}", field="kind")
    if session.execute(delete(SmsKindStop).where(SmsKindStop.kind == kind)).rowcount == 0:  # type: ignore[attr-defined]
        raise UserError(f"{kind} 短信没有被停发", field="kind")
    now = utcnow()
    released = session.execute(  # type: ignore[attr-defined]
        update(Message).where(Message.kind == kind, Message.status == MessageStatus.HELD, Message.last_error == TEMPLATE_STOPPED)
        .values(due_at=now, updated_at=now)
    ).rowcount
    ledger.append(session, "sms_kind_resumed", actor=actor, subject=f"sms_kind:{kind}",
                  data={"kind": kind, "released": released})
    return released
