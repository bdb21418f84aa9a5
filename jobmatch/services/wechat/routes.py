"""Which claimed outbox messages go as WeChat notices (imported by the outbox: models only)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.models import WechatBinding, WechatNotice


def wechat_routes(session: Session, messages: Sequence[Any], kinds: frozenset[str]) -> dict[int, str]:
    """{message id: openid} for the messages (rows or objects with id, person_id and kind) that go by WeChat first.

    A message goes by WeChat when its kind has a notice template, its person's openid is
    bound and still follows the account, and WeChat has not had it before (a refused or
    unopened notice falls back to SMS, and the SMS never goes back to WeChat)."""
    candidates = [m for m in messages if m.kind in kinds]
    if not candidates:
        return {}
    tried = set(session.scalars(select(WechatNotice.message_id)
                                .where(WechatNotice.message_id.in_([m.id for m in candidates]))))
    openids = dict(session.execute(
        select(WechatBinding.person_id, WechatBinding.openid)
        .where(WechatBinding.person_id.in_({m.person_id for m in candidates}), WechatBinding.following.is_(True))
    ).tuples().all())
    return {m.id: openids[m.person_id] for m in candidates if m.id not in tried and m.person_id in openids}
