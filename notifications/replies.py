"""What a worker meant by an SMS reply.

Decisions (the tests hold the full table):
- A reply is read as one answer only when every word in it says the same thing:
  "1 好的" and "1接受" are ACCEPT, "1 2" and "好 不要" are OTHER.
- Polite filler ("谢谢") next to an answer is ignored: "1 谢谢" is ACCEPT.
- Opt-out is stricter: the reply must consist of opt-out words only ("TD", "T", "退订",
  "STOP", or these glued together as in "TD退订"). "TD 谢谢" and "不要退订" are OTHER,
  kept for staff to read, because unsubscribing someone by mistake cuts them off.
- "N", "NO", "不", "不要" are DECLINE, never OPT_OUT.
- A leading "回"/"回复" copied from the message is dropped: "回1" is ACCEPT, "回TD" OPT_OUT.
- "unsubscribe" is accepted as an opt-out word next to TD, T, 退订 and STOP.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class ReplyKind(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    HELP = "help"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    OTHER = "other"


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    body: str  # the text exactly as received, for staff to read
    normalised: str  # what the classifier compared


# ACCEPT and DECLINE mean yes/no to whatever the last message asked: an offer, a fair
# invitation, or the monthly follow-up "do you have work now?".
_ANSWER_WORDS: dict[ReplyKind, frozenset[str]] = {
    ReplyKind.ACCEPT: frozenset(
        {"1", "是", "好", "接受", "同意", "yes", "y", "好的", "是的", "可以", "行", "要",
         "愿意", "参加", "有", "ok",
         # the arrival ask of a labour-export group: "1 已到达"
         "到", "到了", "已到", "到达", "已到达"}
    ),
    ReplyKind.DECLINE: frozenset(
        {"2", "否", "不要", "不", "no", "n", "不去", "不用", "不了", "不行", "不愿意",
         "不参加", "没有", "没"}
    ),
    ReplyKind.HELP: frozenset({"0", "帮助", "help", "?"}),
    ReplyKind.OPT_IN: frozenset({"订阅", "start", "恢复订阅"}),
}
_OPT_OUT_WORDS = ("td", "t", "退订", "stop", "unsubscribe")
_OPT_OUT_PATTERN = re.compile(
    "(?:{})+".format("|".join(re.escape(word) for word in sorted(_OPT_OUT_WORDS, key=len, reverse=True)))
)
_FILLER_WORDS = frozenset({"谢谢", "谢谢你", "谢谢您", "谢了", "thanks", "thx", "嗯"})
_REPLY_PREFIXES = ("回复", "回")
_TRAILING_PARTICLES = "了啦吧呀啊哦"
_DIGIT_ANSWERS = {"1": ReplyKind.ACCEPT, "2": ReplyKind.DECLINE, "0": ReplyKind.HELP}


def normalise_reply(body: str) -> str:
    """Full-width to half-width, lower case, surrounding space and punctuation removed."""
    text = unicodedata.normalize("NFKC", body or "").casefold()
    return _strip_edges(text)


def classify_reply(body: str) -> Reply:
    """Classify an inbound SMS body; anything unclear is OTHER, for staff to read."""
    text = normalise_reply(body)
    if not text and "?" in unicodedata.normalize("NFKC", body or ""):
        return Reply(ReplyKind.HELP, body, "?")
    return Reply(_classify_text(text), body, text)


def _classify_text(text: str) -> ReplyKind:
    if not text:
        return ReplyKind.OTHER
    words = _words(text)
    if all(_OPT_OUT_PATTERN.fullmatch(_without_reply_prefix(word)) for word in words):
        return ReplyKind.OPT_OUT
    kinds = {_word_kind(word) for word in words if word not in _FILLER_WORDS}
    if len(kinds) == 1:
        return kinds.pop()
    return ReplyKind.OTHER


def _words(text: str) -> list[str]:
    pieces = [_strip_edges(piece) for piece in re.split(r"[\s\W_]+", text)]
    return [piece for piece in pieces if piece] or [text]


def _word_kind(word: str) -> ReplyKind:
    word = _without_reply_prefix(word)
    kind = _vocabulary_kind(word)
    if kind is ReplyKind.OTHER and len(word) > 1 and word[-1] in _TRAILING_PARTICLES:
        kind = _vocabulary_kind(word[:-1])  # "不要了", "好吧"
    return kind


def _vocabulary_kind(word: str) -> ReplyKind:
    for kind, vocabulary in _ANSWER_WORDS.items():
        if word in vocabulary:
            return kind
    return _digit_then_word_kind(word)


def _without_reply_prefix(word: str) -> str:
    for prefix in _REPLY_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix):
            return word[len(prefix):]
    return word


def _digit_then_word_kind(word: str) -> ReplyKind:
    # "1接受", "2不要": the reply option copied with its label; both halves must agree.
    digit_kind = _DIGIT_ANSWERS.get(word[:1])
    if digit_kind is None:
        return ReplyKind.OTHER
    rest = word[1:]
    return digit_kind if rest in _ANSWER_WORDS[digit_kind] else ReplyKind.OTHER


def _strip_edges(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_edge_noise(text[start]):
        start += 1
    while end > start and _is_edge_noise(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_edge_noise(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PZ" or ch in "~～"
