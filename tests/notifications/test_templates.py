import pytest

from notifications.kinds import PUSH_KINDS, MessageKind
from notifications.templates import (
    LOCALES,
    MAX_PARTS,
    MissingTemplateData,
    TEMPLATES,
    render,
    template_fields,
)

SIGNATURE = "威宁县就业服务"
URL_30_CHARS = "https://jm.wnjy.cn/w/Ab3dE9xQ2"

# Long-ish but real-looking values: the texts must stay short with these.
REALISTIC = {
    "zh": {
        "title": "电子产品组装工",
        "employer": "威宁县易地扶贫搬迁就业帮扶车间（服装厂）",
        "wage": "月薪3000-4500元",
        "place": "五里岗街道安置点",
        "distance_km": 1.5,
        "reason": "离家近，适合半劳力",
        "url": URL_30_CHARS,
        "fair_name": "春风行动专场招聘会",
        "when": "3月15日（周六）上午9点",
        "venue": "五里岗街道安置点广场",
        "employer_count": 36,
        "start_date": "3月20日",
        "end_date": "12月31日",
        "contact_phone": "0857-6221234",
        "code": "482913",
        "minutes": 10,
    },
    "en": {
        "title": "Sewing worker",
        "employer": "Weining Garment Workshop",
        "wage": "3000-4500 yuan/month",
        "place": "Wuligang site",
        "distance_km": 1.5,
        "reason": "Near home, light work",
        "url": URL_30_CHARS,
        "fair_name": "Spring Job Fair",
        "when": "Sat 15 March 9am",
        "venue": "Wuligang site square",
        "employer_count": 36,
        "start_date": "20 March",
        "end_date": "31 December",
        "contact_phone": "0857-6221234",
        "code": "482913",
        "minutes": 10,
    },
}
ASKS_FOR_REPLY = {
    MessageKind.JOB_OFFER,
    MessageKind.WELFARE_POST,
    MessageKind.FAIR_INVITATION,
    MessageKind.FOLLOW_UP,
}


@pytest.mark.parametrize("kind", list(MessageKind))
def test_chinese_text_fits_two_parts_with_realistic_data(kind):
    rendered = render(kind, SIGNATURE, **REALISTIC["zh"])
    assert rendered.segments.parts <= 2, (rendered.segments, rendered.body)


@pytest.mark.parametrize("kind", list(MessageKind))
def test_english_text_fits_its_limit_with_realistic_data(kind):
    rendered = render(kind, SIGNATURE, locale="en", **REALISTIC["en"])
    assert rendered.segments.parts <= MAX_PARTS["en"], (rendered.segments, rendered.body)


def test_the_chinese_limit_is_two_parts():
    assert MAX_PARTS["zh"] == 2


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_text_starts_with_the_signature(kind, locale):
    rendered = render(kind, SIGNATURE, locale=locale, **REALISTIC[locale])
    assert rendered.body.startswith(f"【{SIGNATURE}】")
    assert rendered.body.count("【") == 1


@pytest.mark.parametrize("locale", LOCALES)
def test_every_kind_has_a_template_in_every_locale(locale):
    assert set(TEMPLATES[locale]) == set(MessageKind)


@pytest.mark.parametrize("kind", sorted(PUSH_KINDS))
def test_pushes_say_how_to_unsubscribe(kind):
    assert "回TD退订" in render(kind, SIGNATURE, **REALISTIC["zh"]).body
    assert "TD to stop" in render(kind, SIGNATURE, locale="en", **REALISTIC["en"]).body


@pytest.mark.parametrize("kind", sorted(ASKS_FOR_REPLY))
def test_texts_asking_for_a_reply_state_options_and_link(kind):
    body = render(kind, SIGNATURE, **REALISTIC["zh"]).body
    for option in ("回1", "回2", "回0帮助", "回TD退订"):
        assert option in body
    assert f" {URL_30_CHARS} " in body  # spaces around it so phones make it a link


def test_offer_carries_title_employer_wage_place_distance_and_reason():
    data = REALISTIC["zh"]
    body = render(MessageKind.JOB_OFFER, SIGNATURE, **data).body
    for value in (data["title"], data["employer"], data["wage"], data["place"], data["reason"]):
        assert value in body
    assert "离家1.5公里" in body
    assert "回1接受 回2不要 回0帮助" in body


def test_distance_is_optional():
    data = {k: v for k, v in REALISTIC["zh"].items() if k != "distance_km"}
    body = render(MessageKind.JOB_OFFER, SIGNATURE, **data).body
    assert "离家" not in body.split("。")[0]
    assert "，。" not in body


def test_whole_number_distance_has_no_decimal():
    data = dict(REALISTIC["zh"], distance_km=3.0)
    assert "离家3公里" in render(MessageKind.JOB_OFFER, SIGNATURE, **data).body


def test_missing_data_is_named_in_the_error():
    with pytest.raises(MissingTemplateData) as caught:
        render(MessageKind.JOB_OFFER, SIGNATURE, title="缝纫工", url=URL_30_CHARS)
    assert caught.value.missing == ["employer", "wage", "place", "reason"]
    assert "job_offer" in str(caught.value) and "employer" in str(caught.value)


def test_blank_values_count_as_missing():
    data = dict(REALISTIC["zh"], employer="   ")
    with pytest.raises(MissingTemplateData, match="employer"):
        render(MessageKind.JOB_OFFER, SIGNATURE, **data)


def test_kind_may_be_given_as_its_string_value():
    rendered = render("sign_in_code", SIGNATURE, code="123456", minutes=5)
    assert rendered.kind is MessageKind.SIGN_IN_CODE


def test_unknown_kind_and_locale_are_refused():
    with pytest.raises(ValueError, match="unknown message kind"):
        render("lottery", SIGNATURE)
    with pytest.raises(ValueError, match="unknown locale"):
        render(MessageKind.HELP, SIGNATURE, locale="fr", **REALISTIC["zh"])


def test_signature_is_required_and_brackets_are_not_doubled():
    assert render(MessageKind.OPT_IN_CONFIRMATION, "【威宁县就业服务】").body.startswith("【威宁县就业服务】")
    with pytest.raises(ValueError, match="signature"):
        render(MessageKind.OPT_IN_CONFIRMATION, " ")


def test_data_cannot_smuggle_in_a_second_signature_or_line_breaks():
    data = dict(REALISTIC["zh"], employer="【某公司】\n服装厂")
    body = render(MessageKind.CONFIRM_ACCEPTED, SIGNATURE, **data).body
    assert body.count("【") == 1
    assert "\n" not in body


def test_template_fields_lists_what_a_kind_needs():
    assert template_fields(MessageKind.SIGN_IN_CODE) == ["code", "minutes"]
    assert "distance_km" not in template_fields(MessageKind.JOB_OFFER)


def test_rendered_message_carries_its_segment_count():
    rendered = render(MessageKind.SIGN_IN_CODE, SIGNATURE, code="482913", minutes=10)
    assert rendered.segments.parts == 1
    assert rendered.segments.encoding == "UCS-2"
    assert rendered.locale == "zh"
