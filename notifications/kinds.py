"""The kinds of SMS the service sends, and which of them are pushes."""

from enum import StrEnum


class MessageKind(StrEnum):
    JOB_OFFER = "job_offer"
    WELFARE_POST = "welfare_post"
    WELFARE_TERM_END = "welfare_term_end"
    FAIR_INVITATION = "fair_invitation"
    FAIR_REMINDER = "fair_reminder"
    CONFIRM_ACCEPTED = "confirm_accepted"
    CONFIRM_DECLINED = "confirm_declined"
    CONFIRM_WAITLISTED = "confirm_waitlisted"
    HIRE_NOTICE = "hire_notice"
    FOLLOW_UP = "follow_up"
    HELP = "help"
    OPT_OUT_CONFIRMATION = "opt_out_confirmation"
    OPT_IN_CONFIRMATION = "opt_in_confirmation"
    SIGN_IN_CODE = "sign_in_code"
    STAFF_ANSWER = "staff_answer"  # staff answer a worker's problem or text (rule 8)
    PROBLEM_ALERT = "problem_alert"  # to the site's staff: a worker reported a problem (rule 8)
    EXPORT_INVITATION = "export_invitation"  # a labour-export group's seats (劳务输出), asks 1/2
    EXPORT_REMINDER = "export_reminder"  # the day before departure, to those holding a seat
    EXPORT_ARRIVAL = "export_arrival"  # after departure: "到达后回1"
    GIG_OFFER = "gig_offer"  # a gig (零工) for today or tomorrow: answer within GIG_ANSWER_HOURS
    GIG_PLACED = "gig_placed"  # the worker's "1" got a place on the gig
    GIG_PAY_CHECK = "gig_pay_check"  # after the gig: 工钱收到了吗？
    GIG_AVAILABLE = "gig_available"  # "零工 明天" noted
    GIG_CANCELLED = "gig_cancelled"  # the employer called the gig off: do not go


# Messages the service starts on its own. They count against the daily cap and must
# say how to unsubscribe. Everything else answers something the person did.
PUSH_KINDS = frozenset(
    {
        MessageKind.JOB_OFFER,
        MessageKind.WELFARE_POST,
        MessageKind.FAIR_INVITATION,
        MessageKind.FAIR_REMINDER,
        MessageKind.FOLLOW_UP,
        MessageKind.EXPORT_INVITATION,
        MessageKind.EXPORT_REMINDER,
        MessageKind.GIG_OFFER,
    }
)

# The person is waiting for it right now, so quiet hours do not hold it back.
URGENT_KINDS = frozenset({MessageKind.SIGN_IN_CODE})


def as_kind(kind: "MessageKind | str") -> MessageKind:
    """``kind`` as a MessageKind; raises ValueError naming the valid kinds."""
    try:
        return MessageKind(kind)
    except ValueError:
        valid = ", ".join(k.value for k in MessageKind)
        raise ValueError(f"unknown message kind {kind!r}; valid kinds: {valid}") from None
