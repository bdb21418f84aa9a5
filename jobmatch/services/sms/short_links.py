"""Short links for SMS: PUBLIC_BASE_URL/s/<code>, six characters, one person, one page.

Links are fixed in the approved templates, so only the code varies. A code leads to its
page after sign-in, and only for the person it was sent to (a household often shares
one phone: another member's code shows nothing of theirs).

A fair's page is the exception (SHARED_TARGETS): it shows each signed-in worker their own
invitation and nothing of anyone else's, so a fair has one code for all its invitations.
Then every invitation of a fair is the same text, and Tencent Cloud, whose batch send takes
one text for up to 200 numbers, sends the broadcast 200 at a time instead of one by one.
The cost: on a phone a household shares, the sign-in code goes to the member who signed in
before (or the head), not necessarily the one invited; the page then shows that member's
own invitation, and the invited one answers by SMS reply or after signing in as themself.
"""

import secrets

from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobmatch.clock import utcnow
from jobmatch.models import ShortLink

# No 0/O, 1/l/I: a code read aloud or typed from a basic phone's screen stays unambiguous.
ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6  # 56**6 ≈ 3 × 10^10 codes; within Tencent's 6-character variable limit
HOME = "home"
# Targets whose page shows only the signed-in worker's own part: one code for everyone.
SHARED_TARGETS = ("fair:",)
_TRIES = 5


class ShortLinkError(RuntimeError):
    """No free codes after several tries: something is wrong with the random source."""


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def links_for(session: Session, pairs: list[tuple[int, str]]) -> list[str]:
    """The code of each (person id, target), made when there is none yet; in order.

    One person's link to one page keeps its code, so a text sent again is the same text
    (carriers' duplicate rule) and an old SMS still leads where it said. A shared target
    (a fair) has one code whoever it goes to.
    """
    owned = [(None if is_shared(target) else person_id, target) for person_id, target in pairs]
    wanted = list(dict.fromkeys(owned))
    if not wanted:
        return []
    targets = {t for _, t in wanted}
    persons = {p for p, _ in wanted if p is not None}
    known: dict[tuple[int | None, str], str] = {}
    for link in session.scalars(
            select(ShortLink).where(ShortLink.target.in_(targets),
                                    or_(ShortLink.person_id.in_(persons), ShortLink.person_id.is_(None)))
            .order_by(ShortLink.id)):
        known.setdefault((link.person_id, link.target), link.code)
    missing = [pair for pair in wanted if pair not in known]
    known.update(zip(missing, _create_links(session, missing)))
    return [known[pair] for pair in owned]


def is_shared(target: str) -> bool:
    """Whether one code serves everyone sent a link to ``target``."""
    return target.startswith(SHARED_TARGETS)


def _create_links(session: Session, pairs: list[tuple[int | None, str]]) -> list[str]:
    """One new code per (person id, target) in one INSERT; returns the codes in order."""
    if not pairs:
        return []
    now = utcnow()
    for _ in range(_TRIES):
        codes = [new_code() for _ in pairs]
        if len(set(codes)) < len(codes):
            continue
        try:
            with session.begin_nested():  # a clash with an older code retries with new ones
                session.execute(insert(ShortLink), [
                    {"code": code, "person_id": person_id, "target": target, "created_at": now}
                    for code, (person_id, target) in zip(codes, pairs)])
            return codes
        except IntegrityError:
            continue
    raise ShortLinkError(f"no free short-link codes after {_TRIES} tries")


def find_link(session: Session, code: str) -> ShortLink | None:
    """The link of ``code``, or None for a code never issued (or malformed)."""
    if not code or len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return session.scalar(select(ShortLink).where(ShortLink.code == code))


def target_path(target: str) -> str:
    """The worker page a link's target opens."""
    kind, _, raw_id = target.partition(":")
    if kind == "offer" and raw_id.isdigit():
        return f"/w/o/{raw_id}"
    if kind == "fair" and raw_id.isdigit():
        return f"/w/fairs/{raw_id}"
    if kind == "export" and raw_id.isdigit():
        return f"/w/export/{raw_id}"
    if kind == "gig" and raw_id.isdigit():
        return "/w/gigs"  # the worker's gig offers and places, with the answer buttons
    return "/w/"  # home: welfare posts and everything else are answered there
