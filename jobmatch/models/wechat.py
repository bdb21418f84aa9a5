"""WeChat as a second channel: a person's bound openid, and each notice sent in place of an SMS.

An openid is personal data: masked wherever it is shown (notifications.wechat_account.mask_openid),
never logged, never in the ledger.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class WechatNoticeStatus(StrEnum):
    SENT = "sent"            # WeChat took it; waiting to be opened
    OPENED = "opened"        # the worker opened its link
    REFUSED = "refused"      # WeChat refused it (not subscribed, quota used, blocked): SMS went instead
    FELL_BACK = "fell_back"  # not opened in time: SMS went as well


class WechatBinding(Base):
    """One person's openid in the county's service account (bound once by phone + SMS code)."""

    __tablename__ = "wechat_bindings"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), unique=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    bound_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # False after the worker unfollowed the account (an unsubscribe event): nothing can reach them there.
    following: Mapped[bool] = mapped_column(Boolean, default=True)


class WechatNotice(Base):
    """A message of the outbox that went (or was tried) as a WeChat subscription notice."""

    __tablename__ = "wechat_notices"
    __table_args__ = (Index("ix_wechat_notices_status_fallback_at", "status", "fallback_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))  # a WechatNoticeStatus
    # In the notice's link: opening it marks the notice opened.
    open_code: Mapped[str] = mapped_column(String(32), unique=True)
    errcode: Mapped[str] = mapped_column(String(12), default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When an unopened notice goes by SMS as well.
    fallback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
