"""What a worker types in the service account's chat: answered exactly as the same SMS reply.

"1", "2", "0", "TD" go through the SMS reply handler (jobmatch.services.sms.inbound) as
the bound person; the confirmation that handler queues as an SMS is given as the chat's
passive reply instead (the same words), and the SMS is cancelled: one answer, one channel.
Follow and unfollow events are recorded for bound workers.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch.clock import utcnow
from jobmatch.models import Message, Person
from jobmatch.models.messages import WAITING_STATUSES, MessageStatus
from jobmatch.services.sms.inbound import receive_reply_of_person
from jobmatch.services.sms.outbox import record_event
from jobmatch.services.wechat.binding import person_for_openid, set_following
from notifications.kinds import MessageKind
from notifications.wechat_account import Incoming

# The SMS a reply gets back; in the chat it is the passive reply instead.
REPLY_KINDS = (MessageKind.CONFIRM_ACCEPTED, MessageKind.CONFIRM_DECLINED, MessageKind.CONFIRM_WAITLISTED,
               MessageKind.HELP, MessageKind.OPT_OUT_CONFIRMATION, MessageKind.OPT_IN_CONFIRMATION)
NOT_BOUND = ("您还没有绑定。请打开公众号菜单里的“我的工作”，用手机号和短信验证码登录一次，"
             "以后就可以在这里回复 1 接受、2 不接受。")
WELCOME = "欢迎关注！打开菜单里的“我的工作”，用手机号登录一次，工作推荐就会在微信里通知您。"


def handle_incoming(session: Session, incoming: Incoming) -> str:
    """Act on one verified message from WeChat; returns the passive reply's text ("" for none)."""
    if incoming.kind in ("subscribe", "unsubscribe"):
        person = set_following(session, incoming.openid, incoming.kind == "subscribe")
        return WELCOME if incoming.kind == "subscribe" and person is None else ""
    if incoming.kind != "text":
        return ""
    person = person_for_openid(session, incoming.openid)
    if person is None:
        return NOT_BOUND
    return answer_text(session, person, incoming.content, incoming.msg_id)


def answer_text(session: Session, person: Person, text: str, msg_id: str) -> str:
    """Take ``text`` as ``person``'s reply; the confirmation's words, or "" when nothing is said back."""
    before = session.scalar(select(func.max(Message.id))) or 0
    result = receive_reply_of_person(session, person, body=text, provider_sid=f"wx:{msg_id}"[:64], channel="wechat")
    if result.duplicate:
        return ""
    replies = list(session.scalars(
        select(Message).where(Message.id > before, Message.person_id == person.id,
                              Message.kind.in_([kind.value for kind in REPLY_KINDS]),
                              Message.status.in_(WAITING_STATUSES)).order_by(Message.id)))
    now = utcnow()
    for message in replies:
        message.status, message.last_error, message.updated_at = MessageStatus.CANCELLED, "answered_in_wechat", now
        record_event(session, message, person, "sms_cancelled", reason="answered_in_wechat")
    return replies[-1].body if replies else ""
