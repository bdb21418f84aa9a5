"""No status is a bare string outside its enum, in the code or the templates."""

import ast
from pathlib import Path

from jobmatch.models.ledger import EventKind
from tests.vocabulary.status_literals import bare_status_literals

ROOT = Path(__file__).resolve().parents[2]
# Functions whose first argument is a ledger event kind.
EVENT_WRITERS = {"append", "NewEvent", "record_event", "record_offer_event", "_ledger", "_record", "event_of"}


def test_no_bare_status_in_code_or_templates():
    assert bare_status_literals(ROOT / "jobmatch", ROOT / "templates") == []


def test_a_planted_status_literal_is_caught(tmp_path):
    (tmp_path / "code.py").write_text(
        'def f(offer, message, session):\n'
        '    if offer.status == "sent":\n'
        '        message.status = "cancelled"\n'
        '    session.query(Offer).filter(Offer.status.in_(("accepted", "hired")))\n'
        '    transition_offer(session, 1, ("sent",), "expired")\n')
    (tmp_path / "page.html").write_text(
        "{% if offer.status == 'sent' %}x{% endif %}\n{% if c.status in ('accepted', 'hired') %}y{% endif %}\n")
    found = bare_status_literals(tmp_path)
    assert [finding.split(":", 1)[1] for finding in found] == [
        "2: compares a status with 'sent'", "3: assigns 'cancelled' to a status",
        "4: filters a status by 'accepted'", "4: filters a status by 'hired'",
        "5: passes 'expired' to transition_offer()", "5: passes 'sent' to transition_offer()",
        "1: compares a status with 'sent'", "2: compares a status with 'accepted'", "2: compares a status with 'hired'",
    ]


def test_enum_members_and_other_words_pass(tmp_path):
    (tmp_path / "code.py").write_text(
        'class OfferStatus(StrEnum):\n    SENT = "sent"\n\n'
        'def f(offer, response):\n'
        '    if offer.status == OfferStatus.SENT and response.status == 200:\n'
        '        return offer.title == "sent"\n')
    assert bare_status_literals(tmp_path) == []


def test_every_event_kind_written_is_known():
    unknown = []
    for path in sorted((ROOT / "jobmatch").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in EVENT_WRITERS:
                continue
            for arg in node.args[:4]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.isidentifier() \
                        and "_" in arg.value and arg.value not in EventKind.__members__.values():
                    unknown.append(f"{path.relative_to(ROOT)}:{node.lineno}: {arg.value}")
    assert not unknown
