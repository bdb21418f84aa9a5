import pytest

from notifications.replies import ReplyKind, classify_reply, normalise_reply

A, D, H = ReplyKind.ACCEPT, ReplyKind.DECLINE, ReplyKind.HELP
OUT, IN, O = ReplyKind.OPT_OUT, ReplyKind.OPT_IN, ReplyKind.OTHER  # noqa: E741  (a table of one-letter columns)

TABLE = [
    # accept
    ("1", A), ("１", A), ("1。", A), ("1！", A), (" 1 ", A), ("\t1\n", A),
    ("是", A), ("好", A), ("接受", A), ("同意", A), ("yes", A), ("YES", A), ("y", A),
    ("Y", A), ("好的", A), ("是的", A), ("可以", A), ("ok", A), ("OK!", A), ("好吧", A),
    ("1 好的", A),  # every word says yes
    ("1接受", A), ("1 接受", A), ("回1", A), ("回复1", A), ("１ 好的！", A),
    ("1 谢谢", A),  # polite filler ignored
    ("【1】", A), ("“1”", A),
    # decline
    ("2", D), ("２", D), ("2。", D), ("否", D), ("不要", D), ("不", D), ("no", D),
    ("NO.", D), ("n", D), ("N", D), ("不去", D), ("不去了", D), ("不要了", D),
    ("2不要", D), ("2 不要", D), ("没有", D), ("回2", D),
    # help
    ("0", H), ("０", H), ("帮助", H), ("help", H), ("HELP", H), ("?", H), ("？", H),
    ("??", H), ("0帮助", H),
    # opt-out: bare words only
    ("TD", OUT), ("td", OUT), ("Td", OUT), ("ＴＤ", OUT), ("T", OUT), ("t", OUT),
    ("退订", OUT), ("STOP", OUT), ("stop", OUT), (" TD。", OUT), ("TD!", OUT),
    ("TD退订", OUT),  # only opt-out words, glued as in the message text
    ("回TD", OUT),
    # opt-in
    ("订阅", IN), ("START", IN), ("start", IN), ("订阅。", IN),
    # other: kept for staff
    ("不要退订", O),  # "don't unsubscribe"? / "no, unsubscribe"? ambiguous: a person reads it
    ("TD 谢谢", O),  # not a bare opt-out word
    ("退订 不要", O),
    ("N TD", O),
    ("1 2", O), ("12", O), ("好 不要", O), ("1不要", O), ("2接受", O),
    ("", O), ("   ", O), ("。", O), ("谢谢", O), ("嗯", O),
    ("我想问一下工资多少", O), ("请问在哪里上班", O), ("hello", O),
    ("stopp", O), ("t d", O), ("tdx", O), ("不是我", O), ("👍", O),
]


@pytest.mark.parametrize(("body", "kind"), TABLE)
def test_classification_table(body, kind):
    assert classify_reply(body).kind is kind


@pytest.mark.parametrize("body", ["n", "N", "no", "不", "不要", "否", "2"])
def test_a_no_is_never_an_opt_out(body):
    assert classify_reply(body).kind is ReplyKind.DECLINE


def test_reply_keeps_the_original_text_for_staff():
    reply = classify_reply(" 我想问一下工资多少？ ")
    assert reply.kind is ReplyKind.OTHER
    assert reply.body == " 我想问一下工资多少？ "
    assert reply.normalised == "我想问一下工资多少"


def test_normalise_folds_width_and_case_and_trims_punctuation():
    assert normalise_reply("  ＴＤ。 ") == "td"
    assert normalise_reply("１！") == "1"


def test_none_body_is_other():
    assert classify_reply(None).kind is ReplyKind.OTHER  # type: ignore[arg-type]
