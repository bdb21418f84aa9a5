import pytest

from notifications.segments import Encoding, count_segments, is_gsm7


@pytest.mark.parametrize(
    ("text", "encoding", "units", "parts"),
    [
        ("", Encoding.GSM7, 0, 1),
        ("a" * 160, Encoding.GSM7, 160, 1),
        ("a" * 161, Encoding.GSM7, 161, 2),
        ("a" * 306, Encoding.GSM7, 306, 2),
        ("a" * 307, Encoding.GSM7, 307, 3),
        ("中" * 70, Encoding.UCS2, 70, 1),
        ("中" * 71, Encoding.UCS2, 71, 2),
        ("中" * 134, Encoding.UCS2, 134, 2),
        ("中" * 135, Encoding.UCS2, 135, 3),
        ("中" * 201, Encoding.UCS2, 201, 3),
        ("中" * 202, Encoding.UCS2, 202, 4),
    ],
)
def test_part_boundaries(text, encoding, units, parts):
    result = count_segments(text)
    assert (result.encoding, result.units, result.parts) == (encoding, units, parts)


def test_one_chinese_character_makes_the_whole_text_ucs2():
    result = count_segments("a" * 100 + "中")
    assert result.encoding is Encoding.UCS2
    assert result.units == 101
    assert result.parts == 2


def test_signature_brackets_are_not_gsm():
    assert not is_gsm7("【Jobs】hello")


def test_gsm_extension_characters_count_two():
    result = count_segments("€" * 80)
    assert result.encoding is Encoding.GSM7
    assert (result.units, result.parts) == (160, 1)
    assert count_segments("€" * 80 + "a").parts == 2


def test_gsm_basic_accented_letters_stay_gsm():
    assert count_segments("Ça coûte 5€ à Zürich").encoding is Encoding.UCS2  # û is not GSM
    assert count_segments("Ñandù é à ü £ ¥ ¿ Ø Å Æ ß").encoding is Encoding.GSM7


def test_emoji_outside_bmp_counts_two_utf16_units():
    assert count_segments("😀").units == 2
    assert count_segments("😀" * 35).parts == 1
    assert count_segments("😀" * 35 + "a").parts == 2


def test_escape_pair_is_not_split_across_parts():
    # 152 plain + one € (2 septets) fills part one at 154 > 153, so € moves to part two.
    text = "a" * 152 + "€" + "a" * 152
    result = count_segments(text)
    assert result.units == 306
    assert result.parts == 3


def test_surrogate_pair_is_not_split_across_parts():
    text = "中" * 66 + "😀" + "中" * 66
    result = count_segments(text)
    assert result.units == 134
    assert result.parts == 3
