"""The employment ledger (就业管理台账) as an append-only, hash-chained table of events.

Only jobmatch.ledger writes here. An event is inserted unsealed and chained (given its
seq, prev_hash and hash) once its transaction has committed. Each event's hash covers the
previous event's hash, its own header fields and the digest of its data, so an altered,
inserted or deleted row breaks the chain at that point.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.db import Base
from jobmatch.models.types import UTCDateTime


class EventKind(StrEnum):
    """Every kind of ledger event; jobmatch.ledger refuses any other."""

    # households and persons (roster, follow-ups, privacy)
    HOUSEHOLD_CREATED = "household_created"
    PERSON_IMPORTED = "person_imported"
    PROFILE_CHANGED = "profile_changed"
    PERSON_MOVED = "person_moved"
    EMPLOYMENT_STARTED = "employment_started"
    EMPLOYMENT_ENDED = "employment_ended"
    LEFT_JOB = "left_job"  # written by earlier versions; employment_ended now
    HOUSEHOLD_BECAME_ZERO_EMPLOYMENT = "household_became_zero_employment"
    HOUSEHOLD_LEFT_ZERO_EMPLOYMENT = "household_left_zero_employment"
    ZERO_EMPLOYMENT_HELP_DUE = "zero_employment_help_due"
    FOLLOW_UP_RECORDED = "follow_up_recorded"
    DOOR_VISIT_RECORDED = "door_visit_recorded"
    PERSON_ANONYMISED = "person_anonymised"
    PERSONAL_DATA_VIEWED = "personal_data_viewed"
    # matching rounds and offers
    ROUND_PROPOSED = "round_proposed"
    ROUND_APPROVED = "round_approved"
    OFFER_PROPOSED = "offer_proposed"
    OFFER_SKIPPED = "offer_skipped"
    OFFER_SENT = "offer_sent"
    OFFER_EXPIRED = "offer_expired"
    OFFER_ACCEPTED = "offer_accepted"
    OFFER_DECLINED = "offer_declined"
    OFFER_WITHDRAWN = "offer_withdrawn"
    WAITLISTED = "waitlisted"
    INTERVIEW_RECORDED = "interview_recorded"
    HIRED = "hired"
    NOT_HIRED = "not_hired"
    REMATCH_REQUESTED = "rematch_requested"
    # employers and vacancies
    EMPLOYER_SIGNED_UP = "employer_signed_up"
    EMPLOYER_APPROVED = "employer_approved"
    EMPLOYER_REJECTED = "employer_rejected"
    EMPLOYER_CHANGED = "employer_changed"
    VACANCY_POSTED = "vacancy_posted"
    VACANCY_CHANGED = "vacancy_changed"
    VACANCY_CLOSED = "vacancy_closed"
    # public-welfare posts
    WELFARE_POST_CREATED = "welfare_post_created"
    WELFARE_POST_OFFERED = "welfare_post_offered"
    WELFARE_POST_DECLINED = "welfare_post_declined"
    WELFARE_POST_ASSIGNED = "welfare_post_assigned"
    WELFARE_POST_EXITED = "welfare_post_exited"
    WELFARE_ROLL_EXPORTED = "welfare_roll_exported"
    # recruitment fairs
    FAIR_CREATED = "fair_created"
    FAIR_VACANCIES_ADDED = "fair_vacancies_added"
    FAIR_INVITATIONS_SENT = "fair_invitations_sent"
    FAIR_REGISTERED = "fair_registered"
    FAIR_DECLINED = "fair_declined"
    FAIR_REMINDERS_QUEUED = "fair_reminders_queued"
    FAIR_CHECKED_IN = "fair_checked_in"
    FAIR_INTERVIEW = "fair_interview"
    FAIR_OFFER = "fair_offer"
    FAIR_HIRE = "fair_hire"
    # training
    TRAINING_REQUESTED = "training_requested"
    TRAINING_COURSE_CREATED = "training_course_created"
    TRAINING_ENROLLED = "training_enrolled"
    TRAINING_COMPLETED = "training_completed"
    # problems (三个三)
    PROBLEM_REPORTED = "problem_reported"
    PROBLEM_ACKNOWLEDGED = "problem_acknowledged"
    PROBLEM_ON_SITE = "problem_on_site"
    PROBLEM_RESOLVED = "problem_resolved"
    WORKER_ANSWERED = "worker_answered"
    # SMS
    SMS_QUEUED = "sms_queued"
    SMS_QUEUED_BULK = "sms_queued_bulk"
    SMS_HELD = "sms_held"
    SMS_SENT = "sms_sent"
    SMS_DELIVERED = "sms_delivered"
    SMS_RETRY = "sms_retry"
    SMS_KIND_STOPPED = "sms_kind_stopped"
    SMS_KIND_RESUMED = "sms_kind_resumed"
    SMS_FAILED = "sms_failed"
    SMS_CANCELLED = "sms_cancelled"
    SMS_PHONE_INVALID = "sms_phone_invalid"
    SMS_RECEIVED = "sms_received"
    SMS_ANSWERED = "sms_answered"
    SMS_READ = "sms_read"
    SMS_OPT_OUT = "sms_opt_out"
    SMS_OPT_IN = "sms_opt_in"
    # accounts
    WORKER_SIGNED_IN = "worker_signed_in"
    API_TOKEN_CREATED = "api_token_created"
    SETTLEMENT_CONTACT_PHONE_SET = "settlement_contact_phone_set"
    WELFARE_POST_SETTINGS_CHANGED = "welfare_post_settings_changed"
    WELFARE_ATTENDANCE_RECORDED = "welfare_attendance_recorded"
    WELFARE_NEED_FLAGGED = "welfare_need_flagged"
    WELFARE_NEED_REVIEWED = "welfare_need_reviewed"
    CANNOT_LEAVE_SITE_SET = "cannot_leave_site_set"
    EMPLOYER_POLICY_FLAGS_SET = "employer_policy_flags_set"
    BUSINESS_RECORDED = "business_recorded"
    BUSINESS_UPDATED = "business_updated"
    SUPPORT_APPLICATION_RECORDED = "support_application_recorded"
    SUPPORT_APPLICATION_DECIDED = "support_application_decided"
    SUBSIDY_LIST_EXPORTED = "subsidy_list_exported"
    MONITORING_FLAGGED = "monitoring_flagged"
    MONITORING_UNFLAGGED = "monitoring_unflagged"
    MONITORING_ALERT_RAISED = "monitoring_alert_raised"
    MONITORING_ALERT_CLOSED = "monitoring_alert_closed"
    COUNTY_SMS_SIGNATURE_SET = "county_sms_signature_set"
    WELFARE_POST_WITHDRAWN = "welfare_post_withdrawn"
    # site coverage (rule 3), the employment floor (seed 003), staff told at once (rule 8)
    SPECIAL_ACTION_RECORDED = "special_action_recorded"
    EMPLOYMENT_BASELINE_SET = "employment_baseline_set"
    STAFF_PHONE_SET = "staff_phone_set"
    # Training that counts (rule 5): a full course turning someone away, staff confirming a
    # practical skill with a reason, a training or certification subsidy recorded.
    TRAINING_TURNED_AWAY = "training_turned_away"
    PRACTICAL_SKILL_CONFIRMED = "practical_skill_confirmed"
    TRAINING_SUBSIDY_RECORDED = "training_subsidy_recorded"
    # Rule 6: a call nobody answered is noted, and is not the month's contact.
    FOLLOW_UP_ATTEMPTED = "follow_up_attempted"
    PLACE_ADDED = "place_added"  # staff entered a place's coordinates once, for employers to choose
    # WeChat as a second channel (no openid in the data, ever)
    WECHAT_BOUND = "wechat_bound"
    WECHAT_UNBOUND = "wechat_unbound"
    WECHAT_SIGNED_IN = "wechat_signed_in"
    WECHAT_NOTICE_SENT = "wechat_notice_sent"
    WECHAT_NOTICE_REFUSED = "wechat_notice_refused"
    WECHAT_NOTICE_OPENED = "wechat_notice_opened"
    WECHAT_SMS_FALLBACK = "wechat_sms_fallback"
    WECHAT_RECEIVED = "wechat_received"
    WECHAT_FOLLOWED = "wechat_followed"
    WECHAT_UNFOLLOWED = "wechat_unfollowed"
    WECHAT_SUBSCRIPTION_GRANTED = "wechat_subscription_granted"
    # organised labour export (劳务输出, rule 12)
    EXPORT_GROUP_CREATED = "export_group_created"
    EXPORT_INVITATIONS_SENT = "export_invitations_sent"
    EXPORT_SIGNED_UP = "export_signed_up"
    EXPORT_WAITLISTED = "export_waitlisted"
    EXPORT_DECLINED = "export_declined"
    EXPORT_REMINDERS_QUEUED = "export_reminders_queued"
    EXPORT_CHECKED_IN = "export_checked_in"
    EXPORT_ARRIVAL_ASKED = "export_arrival_asked"
    EXPORT_ARRIVED = "export_arrived"
    EXPORT_FOLLOW_UP_RECORDED = "export_follow_up_recorded"
    EXPORT_RETURNED = "export_returned"
    TRANSPORT_SUBSIDY_SET = "transport_subsidy_set"
    # the odd-job market (零工市场)
    GIG_POSTED = "gig_posted"
    GIG_CANCELLED = "gig_cancelled"
    GIG_AVAILABLE = "gig_available"
    GIG_OFFERED = "gig_offered"
    GIG_ACCEPTED = "gig_accepted"
    GIG_WAITLISTED = "gig_waitlisted"
    GIG_DECLINED = "gig_declined"
    GIG_EXPIRED = "gig_expired"
    GIG_ASSIGNED = "gig_assigned"  # the clerk placed a walk-in on the spot
    GIG_WORK_CONFIRMED = "gig_work_confirmed"  # days, hours and pay: the month's gig days and earnings
    GIG_PAY_RECEIVED = "gig_pay_received"
    GIG_PAY_DISPUTED = "gig_pay_disputed"  # a wage problem opens
    # a worker's text in their own words is a problem (rule 8): a later text joins the open one
    PROBLEM_TEXT_ATTACHED = "problem_text_attached"
    PROBLEM_NOT_A_PROBLEM = "problem_not_a_problem"  # staff closed a problem from a text: nothing to do


class LedgerEvent(Base):
    __tablename__ = "ledger_events"
    __table_args__ = (
        # Only the events with no person_id: a person's own events are found by person_id (their subject,
        # when it is a person, is that person: jobmatch.ledger.check_person_subject), and most events
        # name a person (a county's first import: 20,000 of 35,000). Migration 0041 says why.
        Index("ix_ledger_events_subject", "subject", postgresql_where=text("person_id IS NULL"),
              sqlite_where=text("person_id IS NULL")),
        # A household's events, and the first of them by time (the monthly report's trend starts there).
        Index("ix_ledger_events_household_id_occurred_at", "household_id", "occurred_at"),
        # The sealer's work list: events committed but not chained yet (seq NULL), in id order.
        Index("ix_ledger_events_unsealed", "id", postgresql_where=text("seq IS NULL"),
              sqlite_where=text("seq IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # seq, prev_hash and hash are NULL until the event is sealed (jobmatch.ledger.seal_pending)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(40))  # "user:3", "person:17", "system", "import"
    kind: Mapped[str] = mapped_column(String(40), index=True)  # an EventKind
    # Not foreign keys (migration 0038 says why): verify checks that the household and person exist.
    household_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    subject: Mapped[str] = mapped_column(String(40), default="")  # e.g. "offer:12"
    data: Mapped[dict | None] = mapped_column(JSON)
    data_digest: Mapped[str] = mapped_column(String(64))
    # Not unique indexes: the hash covers the seq, which is unique, and verify checks each link
    # (migration 0037 says why).
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class LedgerCheckpoint(Base):
    """A point up to which the chain was verified: (seq, hash) signed with the checkpoint key.

    Not an event (writing one changes nothing the ledger records); jobmatch.ledger_checkpoints
    writes them after a good walk, and ``jobmatch ledger verify`` starts from the last one that
    still matches its event.
    """

    __tablename__ = "ledger_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signature: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 over "seq:hash"
