"""Staff answer a worker by SMS (rule 8's 3-minute answer): from a problem the worker reported,
or from a text the service could not act on. The answer is a STAFF_ANSWER text in the outbox and
a ``worker_answered`` ledger event, written together; answering a problem acknowledges it and marks
the texts it came from read, and answering a text marks it read and acknowledges its problem."""

from sqlalchemy.orm import Session

from jobmatch import ledger
from jobmatch.config import current_settings
from jobmatch.models import InboundMessage, Message, Person, Problem
from jobmatch.models.ledger import EventKind
from jobmatch.services.errors import get_or_fail, require
from jobmatch.services.households import problems, text_problems
from jobmatch.services.sms.inbound import mark_read
from jobmatch.services.sms.messaging import queue_message, sending_providers
from notifications.kinds import MessageKind

ANSWER_MAX_CHARS = 35  # the template's limit (Aliyun's per variable): an answer is sent whole, never cut
# Tencent Cloud takes at most 6 characters per variable: no free answer goes through it.
NO_FREE_TEXT_PROVIDERS = {"tencent"}


def answer_problem(session: Session, problem_id: int, answer: str, *, user_id: int, actor: str) -> Message:
    """Text the worker who reported a problem; the problem counts as answered (acknowledged)."""
    answer = _checked(answer)
    problem = get_or_fail(session, Problem, problem_id, "problem_id", "问题")
    require(problem.person_id is not None, "problem_id", "该问题没有登记反映人，请打电话或上门答复")
    message = _send(session, problem.person_id, answer, actor=actor, subject=f"problem:{problem.id}")
    if problem.acknowledged_at is None:
        problems.acknowledge(session, problem.id, user_id=user_id, actor=actor)
    text_problems.read_texts_of(session, problem.id, actor=actor)  # the texts it came from are answered
    return message


def answer_text(session: Session, inbound_id: int, answer: str, *, user_id: int, actor: str,
                settlement_ids=None) -> Message:
    """Text back the worker who sent an unread text (of ``settlement_ids`` when given); the text is then read,
    and the problem it opened or joined counts as answered."""
    answer = _checked(answer)
    inbound = get_or_fail(session, InboundMessage, inbound_id, "inbound_id", "短信")
    require(inbound.person_id is not None, "inbound_id", "这个号码不是登记的人员，无法短信答复，请直接打电话")
    require(mark_read(session, [inbound.id], actor=actor, settlement_ids=settlement_ids) == 1 or not inbound.unread,
            "inbound_id", "这条短信不在您负责的安置点")
    message = _send(session, inbound.person_id, answer, actor=actor, subject=f"inbound:{inbound.id}")
    problem = text_problems.problem_of_text(session, inbound.id)
    if problem is not None and problem.acknowledged_at is None:
        problems.acknowledge(session, problem.id, user_id=user_id, actor=actor)
    return message


def _checked(answer: str) -> str:
    answer = (answer or "").strip()
    require(not NO_FREE_TEXT_PROVIDERS & set(sending_providers(current_settings())), "answer",
            "本系统的短信平台（腾讯云）不能发自由文字的答复，请打电话答复")
    require(bool(answer), "answer", "请写答复的内容")
    require(len(answer) <= ANSWER_MAX_CHARS, "answer", f"答复最多 {ANSWER_MAX_CHARS} 字（现在 {len(answer)} 字），会用短信发给本人")
    return answer


def _send(session: Session, person_id: int, answer: str, *, actor: str, subject: str) -> Message:
    person = get_or_fail(session, Person, person_id, "person_id", "该人员")
    require(bool(person.phone), "person_id", f"{person.name}没有登记手机号，请打电话给家人或上门答复")
    message = queue_message(session, person_id=person.id, kind=MessageKind.STAFF_ANSWER, data={"answer": answer},
                            subject=subject, actor=actor)
    ledger.append(session, EventKind.WORKER_ANSWERED, actor=actor, household_id=person.household_id,
                  person_id=person.id, subject=subject, data={"message_id": message.id, "chars": len(answer)})
    return message
