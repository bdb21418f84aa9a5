from datetime import date

import pytest

from jobmatch.idnumber import birth_date, check_id_number, gender, make_id_number


@pytest.mark.parametrize("number", ["520526198102276809", "43312419881011169X", "43312419881011169x"])
def test_real_numbers_from_the_sample_are_valid(number):
    assert check_id_number(number) is None


def test_a_wrong_check_digit_says_which_digit_was_expected():
    assert check_id_number("520526198102276807") == ["校验位应为 9，实为 7"]


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("52052619810227680", "应为 18 位，实为 17 位"),
        ("52052619810227680AB", "应为 18 位，实为 19 位"),
        ("5205261981022768A9", "前 17 位应全是数字"),
        ("52052619810227680Y", "末位应为数字或 X，实为 Y"),
    ],
)
def test_malformed_numbers(number, problem):
    assert check_id_number(number) == [problem]


def test_a_birth_date_that_does_not_exist_is_reported_even_with_a_right_check_digit():
    first17 = "52052619810230" + "123"
    from jobmatch.idnumber import check_digit

    assert check_id_number(first17 + check_digit(first17)) == ["出生日期 19810230 不是真实的日期"]


def test_a_birth_date_after_today_is_reported():
    number = make_id_number("520526", date(2030, 1, 1), 12)
    assert check_id_number(number, today=date(2026, 11, 1)) == ["出生日期 2030-01-01 晚于今天"]


def test_made_numbers_are_valid_and_carry_birth_date_and_gender():
    male = make_id_number("520526", date(1990, 5, 17), 31)
    female = make_id_number("520526", date(1990, 5, 17), 32)
    assert check_id_number(male) is None and check_id_number(female) is None
    assert birth_date(male) == date(1990, 5, 17)
    assert (gender(male), gender(female)) == ("male", "female")


def test_make_id_number_rejects_a_bad_region():
    with pytest.raises(ValueError):
        make_id_number("5205", date(1990, 1, 1), 1)


def test_the_quick_check_of_a_file_accepts_exactly_the_numbers_the_full_check_accepts():
    """ValidIdNumbers (what a roster file's rows are checked with) against check_id_number, on right
    numbers, wrong check digits, impossible and future birth dates, and a lower-case x."""
    import random

    from jobmatch.idnumber import ValidIdNumbers, check_digit

    rng = random.Random(3)
    quick = ValidIdNumbers(today=date(2026, 11, 1))
    accepted = 0
    for _ in range(3000):
        born = date(1930, 1, 1) + (date(2030, 1, 1) - date(1930, 1, 1)) * rng.random()
        digits = f"{born:%Y%m%d}"
        if rng.random() < 0.3:  # often no date at all
            digits = f"{rng.randint(1900, 2100)}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}"
        first17 = f"{rng.choice(['520526', '433124', '110101'])}{digits}{rng.randint(0, 999):03d}"
        last = check_digit(first17) if rng.random() < 0.7 else rng.choice("0123456789Xx")
        number = first17 + (last.lower() if rng.random() < 0.5 else last)
        valid = check_id_number(number, today=date(2026, 11, 1)) is None
        assert quick.match(number) == ((number.upper(), birth_date(number)) if valid else None), number
        accepted += valid
    assert 1000 < accepted < 2900  # both kinds were tried
