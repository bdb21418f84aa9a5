"""Outbox messages sent as WeChat subscription notices, and their SMS fallback.

The outbox applies its rules first (quiet hours, the daily cap, opt-out), so both channels
share them: a notice WeChat took is the message ``sent`` and counts against the person's
cap like an SMS. Then:
- WeChat refuses it (not subscribed, one-time grant used, quota, blocked) or does not
  answer: the message goes back to the outbox at once and leaves as an SMS.
- WeChat took it but nobody opened its link within WECHAT_FALLBACK_MINUTES (and it was
  not answered another way): the dispatcher queues it again, and it leaves as an SMS.
Either way a message has one notice row, so it is tried by WeChat once and sent by SMS
at most once more. Every notice, refusal, fallback and open is a ledger event.
"""

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.clock import utcnow
from jobmatch.models import Message, Person, WechatNotice
from jobmatch.models.messages import MessageStatus
from jobmatch.models.wechat import WechatNoticeStatus
from jobmatch.services.answer_windows import message_settled
from jobmatch.services.sms.outbox import Claimed, OutboxSettings, record_event
from jobmatch.services.sms.short_links import find_link, target_path
from notifications.templates import SHORT_CODE
from notifications.wechat_account import REQUEST_TIMEOUT, NoticeOutcome, NoticeResult

# The notice's title (one-time subscriptions show one): what the message is about.
NOTICE_TITLES = {"job_offer": "工作推荐", "welfare_post": "公益性岗位", "fair_invitation": "招聘会邀请",
                 "fair_reminder": "招聘会提醒", "follow_up": "每月回访"}


def deliver_notices(sessions: sessionmaker, settings: OutboxSettings, claimed: list[Claimed]) -> dict[str, int]:
    """Send each claimed message as a WeChat notice and record the outcome; returns counts."""
    from notifications.wechat import send_notice  # wechatpy: only when WeChat is on

    counts: dict[str, int] = {}
    for message in claimed:
        # Past this point the dispatcher could hand the row out again while WeChat is still asked.
        if utcnow() > message.lease_until - timedelta(seconds=2 * REQUEST_TIMEOUT + 1):
            with sessions.begin() as session:
                _back_in_line(session, message.id)
            counts["unsent"] = counts.get("unsent", 0) + 1
            continue
        code = secrets.token_urlsafe(18)[:24]
        result = send_notice(settings.wechat, message.openid, message.kind, notice_fields(message),
                             f"{settings.public_base_url}/wechat/open/{code}", NOTICE_TITLES.get(message.kind, ""))
        with sessions.begin() as session:
            record_notice(session, settings, message.id, code, result)
        key = "wechat_sent" if result.outcome is NoticeOutcome.SENT else "wechat_refused"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _back_in_line(session: Session, message_id: int) -> None:
    message = session.scalars(select(Message).where(Message.id == message_id).with_for_update()).one()
    if message.status == MessageStatus.SENDING:  # never tried: no attempt counted
        message.status, message.lease_until, message.updated_at = MessageStatus.QUEUED, None, utcnow()
        message.attempts = max(0, message.attempts - 1)


def notice_fields(message: Claimed) -> dict[str, str]:
    """The notice's fields: the message's template variables (the link is the notice's own)."""
    return {name: str(value) for name, value in (message.template_variables or {}).items()
            if name != SHORT_CODE and value not in (None, "")}


def record_notice(session: Session, settings: OutboxSettings, message_id: int, code: str,
                  result: NoticeResult) -> None:
    """Write what WeChat said: sent (waiting to be opened) or refused (back to the outbox for SMS)."""
    message = session.scalars(select(Message).where(Message.id == message_id).with_for_update()).one()
    person = session.get(Person, message.person_id)
    now = utcnow()
    sent = result.outcome is NoticeOutcome.SENT
    session.add(WechatNotice(
        message_id=message.id, person_id=message.person_id, open_code=code, errcode=result.code, sent_at=now,
        status=WechatNoticeStatus.SENT if sent else WechatNoticeStatus.REFUSED,
        fallback_at=now + timedelta(minutes=settings.wechat_fallback_minutes) if sent else None))
    message.updated_at, message.lease_until = now, None
    if sent:
        message.status, message.sent_at, message.last_error = MessageStatus.SENT, now, ""
        message.provider_message_id = f"wx:{result.msgid}"[:64]
        record_event(session, message, person, "wechat_notice_sent", attempts=message.attempts)
        message_settled(session, message, now)
    else:
        # Back in line at once, as an SMS; the try does not count against SMS_MAX_ATTEMPTS.
        message.status, message.due_at = MessageStatus.QUEUED, now
        message.attempts = max(0, message.attempts - 1)
        message.last_error = f"wechat_refused: {result.reason} {result.code}".strip()[:200]
        record_event(session, message, person, "wechat_notice_refused", code=result.code, reason=result.reason)


def fall_back_unopened(session: Session) -> int:
    """Queue as SMS every notice not opened (nor its ask answered) by its fallback time; returns how many."""
    now = utcnow()
    due = session.execute(
        select(WechatNotice, Message).join(Message, Message.id == WechatNotice.message_id)
        .where(WechatNotice.status == WechatNoticeStatus.SENT, WechatNotice.fallback_at <= now)
        .order_by(WechatNotice.id).with_for_update(skip_locked=True)
    ).all()
    fallen = 0
    for notice, message in due:
        if message.answered_at is not None:  # answered in the chat or on the page: read, so done
            notice.status, notice.opened_at = WechatNoticeStatus.OPENED, message.answered_at
            continue
        notice.status = WechatNoticeStatus.FELL_BACK
        message.status, message.due_at, message.updated_at = MessageStatus.QUEUED, now, now
        message.sent_at, message.provider_message_id, message.attempts = None, None, 0
        record_event(session, message, session.get(Person, message.person_id), "wechat_sms_fallback",
                     reason="not_opened")
        fallen += 1
    return fallen


def open_notice(session: Session, code: str) -> str | None:
    """Mark the notice of ``code`` opened (once); returns the worker page it leads to, or None."""
    notice = session.scalar(select(WechatNotice).where(WechatNotice.open_code == code).with_for_update())
    if notice is None:
        return None
    message = session.get(Message, notice.message_id)
    assert message is not None  # a foreign key
    if notice.status == WechatNoticeStatus.SENT:
        notice.status, notice.opened_at = WechatNoticeStatus.OPENED, utcnow()
        record_event(session, message, session.get(Person, message.person_id), "wechat_notice_opened",
                     actor=f"person:{message.person_id}")
    link = find_link(session, str((message.template_variables or {}).get(SHORT_CODE, "")))
    return target_path(link.target) if link is not None else target_path(message.subject or "")
