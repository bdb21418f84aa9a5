"""Every status and every ledger event kind has a label for each audience that reads it."""

import pytest

from jobmatch.models.employers import EmployerApproval, VacancyKind
from jobmatch.models.ledger import EventKind
from jobmatch.models.messages import AskAnswer
from jobmatch.models.offers import EMPLOYER_VISIBLE_STATUSES, WORKER_VISIBLE_STATUSES, OfferStatus, RoundScope
from jobmatch.services.sms.delivery import AttemptStatus
from jobmatch.vocabulary import county, employer, staff, worker
from tests.vocabulary.status_literals import STATUS_ENUMS

# Who sees which members, where an audience sees only some of an enum.
PARTLY_SEEN = {
    "worker": {OfferStatus: WORKER_VISIBLE_STATUSES},
    "employer": {
        OfferStatus: EMPLOYER_VISIBLE_STATUSES,
        VacancyKind: tuple(k for k in VacancyKind if k != VacancyKind.WELFARE),  # staff create those
        EmployerApproval: (EmployerApproval.PENDING, EmployerApproval.APPROVED),  # rejected ones cannot sign in
    },
}
AUDIENCES = {"staff": staff, "county": county, "employer": employer, "worker": worker}
# Codes nobody reads as a word: how a round was scoped shows as its place, answers as buttons.
NOT_READ = {RoundScope, AskAnswer, AttemptStatus}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_audience_labels_exactly_the_members_it_sees(audience):
    for enum, labels in AUDIENCES[audience].LABELS.items():
        seen = set(PARTLY_SEEN.get(audience, {}).get(enum, tuple(enum)))
        assert set(labels) == seen, f"{audience}: {enum.__name__} labels {sorted(set(labels) ^ seen)} wrongly"
        blank = [member for member, label in labels.items() if not label.strip()]
        assert not blank, f"{audience}: {enum.__name__} has blank labels for {blank}"


def test_every_status_is_read_by_some_audience():
    read = {enum for module in AUDIENCES.values() for enum in module.LABELS}
    unlabelled = [enum.__name__ for enum in STATUS_ENUMS if enum not in read and enum not in NOT_READ]
    assert not unlabelled


@pytest.mark.parametrize("audience", ["staff", "county"])
def test_every_event_kind_has_a_timeline_label(audience):
    labels = AUDIENCES[audience].LABELS[EventKind]
    assert set(labels) == set(EventKind)
    assert all(labels.values())


def test_one_word_per_event_kind():
    """The timeline once had two tables that disagreed (拒绝岗位 / 谢绝岗位); now there is one."""
    assert staff.event_label("offer_declined") == "拒绝岗位"
    assert staff.event_label(EventKind.PROBLEM_ACKNOWLEDGED) == staff.EVENT_LABELS[EventKind.PROBLEM_ACKNOWLEDGED]
    assert staff.event_label("an_old_kind") == "an_old_kind"


def test_county_reads_the_staff_pages_with_the_staff_words():
    for enum, labels in staff.LABELS.items():
        assert county.LABELS[enum] is labels


def test_every_event_kind_has_a_timeline_sentence_without_codes():
    """The timeline reads as sentences ("王雪燕 接受了 … 的推荐"), one per kind, never "offer:34"."""
    assert set(staff.EVENT_SENTENCES) == set(EventKind)
    names = {"person": "王雪燕", "household": "H001", "actor": "杨梅", "what": "威宁县爱心家政 家政服务员"}
    for kind, sentence in staff.EVENT_SENTENCES.items():
        text = sentence % names
        assert text.strip() and ":" not in text, kind
    assert staff.EVENT_SENTENCES[EventKind.OFFER_ACCEPTED] % names == "王雪燕 接受了 威宁县爱心家政 家政服务员 的推荐"
