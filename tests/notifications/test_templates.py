import pytest

from notifications.kinds import PUSH_KINDS, MessageKind
from notifications.template_table import PROVIDER_VARIABLE_LIMITS, TemplateTableError, load_table
from notifications.templates import (
    LOCALES,
    MAX_PARTS,
    MissingTemplateData,
    ValueDoesNotFit,
    body_signature,
    filing_text,
    render,
    template_fields,
)

SIGNATURE = "威宁县就业服务"
# The longest a county's registered signature may be (the county page allows 12).
LONGEST_SIGNATURE = "威宁彝族回族苗族自治县人"
SITE = "https://jiuye.weininggz.gov.cn"  # 30 characters

# The longest values real data gives (names and places are shortened by rule beyond their limit).
LONGEST = {
    "zh": {
        "title": "电子产品组装工人学徒",
        "employer": "威宁县易地扶贫搬迁就业帮扶车间（服装厂）",
        "wage": "12000-15000元",
        "deadline": "12月30日 周三 中午12点",
        "place": "五里岗街道安置点社区服务中心",
        "reason": "优先原因：不能外出的半劳力、零就业家庭",
        "fair_name": "春风行动易地搬迁安置点专场招聘会",
        "when": "12月30日 周六 上午10点30分",
        "venue": "五里岗街道安置点广场东侧",
        "employer_count": 120,
        "start_date": "12月30日 周三",
        "end_date": "12月31日 周四",
        "contact_phone": "0857-6221234",
        "code": "482913",
        "minutes": 10,
        "short_code": "Ab3dE9",
        "answer": "已联系老板，周五前发工资，请带好身份证和银行卡来安置点办公室登记。",
        "what": "反映工资待遇问题",
        "destination": "新疆维吾尔自治区乌鲁木齐市",
        "start_at": "07:30",
        "pay": "1200",
        "pay_unit": "小时",
        "answer_by": "20:30",
        "free_days": "今天和明天",
    },
    "en": {
        "title": "Electronics assembly",
        "employer": "Weining Garment Workshop",
        "wage": "3000-4500 yuan",
        "deadline": "by Wed 30 Dec, 12 noon",
        "place": "Wuligang site",
        "reason": "Near home, light work",
        "fair_name": "Spring Job Fair",
        "when": "Sat 15 Mar, 9am",
        "venue": "Wuligang site square",
        "employer_count": 36,
        "start_date": "Wed 30 Dec",
        "end_date": "Thu 31 Dec",
        "contact_phone": "0857-6221234",
        "code": "482913",
        "minutes": 10,
        "short_code": "Ab3dE9",
        "answer": "Wages paid Friday; bring your ID.",
        "what": "a problem with wages",
        "destination": "Dongguan, Guangdong",
        "start_at": "07:30",
        "pay": "180",
        "pay_unit": "day",
        "answer_by": "20:30",
        "free_days": "today",
    },
}
ASKS_FOR_REPLY = {MessageKind.JOB_OFFER, MessageKind.WELFARE_POST, MessageKind.FAIR_INVITATION, MessageKind.FOLLOW_UP,
                  MessageKind.EXPORT_INVITATION, MessageKind.EXPORT_ARRIVAL, MessageKind.GIG_OFFER,
                  MessageKind.GIG_PAY_CHECK}
PROVIDER_SETS = [(), ("aliyun",), ("tencent",), ("aliyun", "tencent")]


def _render(kind, locale="zh", providers=(), signature=SIGNATURE, **changes):
    return render(kind, signature, locale=locale, site=SITE, providers=providers, **dict(LONGEST[locale], **changes))


@pytest.mark.parametrize("providers", PROVIDER_SETS)
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_kind_fits_two_parts_with_the_longest_values_and_a_30_character_https_address(kind, providers):
    assert len(SITE) == 30 and SITE.startswith("https://")
    rendered = _render(kind, providers=providers, signature=LONGEST_SIGNATURE)
    assert rendered.segments.parts <= 2, (rendered.segments, rendered.body)


@pytest.mark.parametrize("kind", list(MessageKind))
def test_english_text_fits_its_limit(kind):
    rendered = _render(kind, locale="en")
    assert rendered.segments.parts <= MAX_PARTS["en"], (rendered.segments, rendered.body)


@pytest.mark.parametrize("providers", PROVIDER_SETS)
@pytest.mark.parametrize("kind", list(MessageKind))
def test_no_variable_exceeds_its_length_or_any_providers_documented_limit(kind, providers):
    rendered = _render(kind, providers=providers)
    table = load_table()
    for name, value in rendered.variables.items():
        assert len(value) <= table[kind].variable(name).max_chars
        for provider in providers:
            assert len(value) <= PROVIDER_VARIABLE_LIMITS[provider], (provider, name, value)


@pytest.mark.parametrize("kind", list(MessageKind))
def test_the_text_is_the_template_filled_with_the_returned_variables(kind):
    rendered = _render(kind, providers=("tencent",))
    text = load_table()[kind].texts["zh"].format(site=SITE, **rendered.variables)
    assert rendered.body == f"【{SIGNATURE}】{text}"
    assert body_signature(rendered.body) == SIGNATURE


def test_a_long_job_title_is_shortened_never_refused():
    body = _render(MessageKind.JOB_OFFER, title="数控车床操作工兼质检员").body
    assert "数控车床操作工…" in body
    assert "数控车床操…" in _render(MessageKind.JOB_OFFER, providers=("tencent",), title="数控车床操作工").body


def test_a_wage_range_that_does_not_fit_keeps_its_lower_bound():
    assert _render(MessageKind.JOB_OFFER, providers=("tencent",), wage="4500-6000元").variables["wage"] == "4500元起"
    assert _render(MessageKind.JOB_OFFER, providers=("tencent",), wage="12000-15000元").variables["wage"] == "1.2万元起"
    assert _render(MessageKind.JOB_OFFER, wage="4500-6000元").variables["wage"] == "4500-6000元"


def test_a_deadline_that_does_not_fit_drops_whole_words():
    rendered = _render(MessageKind.JOB_OFFER, providers=("tencent",), deadline="12月3日 周四 中午12点")
    assert rendered.variables["deadline"] == "12月3日"


def test_a_phone_that_does_not_fit_falls_back_to_12333():
    assert _render(MessageKind.HELP, providers=("tencent",)).variables["contact_phone"] == "12333"
    assert _render(MessageKind.HELP, providers=("aliyun",)).variables["contact_phone"] == "0857-6221234"


def test_a_code_that_does_not_fit_is_a_bug_not_shortened():
    with pytest.raises(ValueDoesNotFit, match="code"):
        _render(MessageKind.SIGN_IN_CODE, code="12345678")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_text_starts_with_the_signature(kind, locale):
    rendered = _render(kind, locale=locale)
    assert rendered.body.startswith(f"【{SIGNATURE}】")
    assert rendered.body.count("【") == 1


@pytest.mark.parametrize("kind", sorted(PUSH_KINDS))
def test_pushes_say_how_to_unsubscribe(kind):
    assert "回TD退订" in _render(kind).body
    assert "TD to stop" in _render(kind, locale="en").body


@pytest.mark.parametrize("kind", sorted(ASKS_FOR_REPLY))
def test_texts_asking_for_a_reply_state_options_and_the_short_link(kind):
    body = _render(kind).body
    for option in ("回1", "回2", "回0帮助", "回TD退订"):
        assert option in body
    assert f" {SITE}/s/Ab3dE9 " in body  # spaces around it so phones make it a link


def test_every_link_is_the_site_and_a_short_code():
    for kind in MessageKind:
        body = _render(kind).body
        assert body.count("http") == body.count(f"{SITE}/s/Ab3dE9")


def test_missing_data_is_named_in_the_error():
    with pytest.raises(MissingTemplateData) as caught:
        render(MessageKind.JOB_OFFER, SIGNATURE, title="缝纫工", short_code="Ab3dE9")
    assert caught.value.missing == ["employer", "wage", "deadline"]
    assert "job_offer" in str(caught.value) and "employer" in str(caught.value)


def test_blank_values_count_as_missing():
    with pytest.raises(MissingTemplateData, match="employer"):
        _render(MessageKind.JOB_OFFER, employer="   ")


def test_unknown_kind_and_locale_are_refused():
    with pytest.raises(ValueError, match="unknown message kind"):
        render("lottery", SIGNATURE)
    with pytest.raises(ValueError, match="unknown locale"):
        render(MessageKind.HELP, SIGNATURE, locale="fr", **LONGEST["zh"])


def test_signature_is_required_and_brackets_are_not_doubled():
    assert render(MessageKind.OPT_IN_CONFIRMATION, "【威宁县就业服务】").body.startswith("【威宁县就业服务】")
    with pytest.raises(ValueError, match="signature"):
        render(MessageKind.OPT_IN_CONFIRMATION, " ")


def test_data_cannot_smuggle_in_a_second_signature_or_line_breaks():
    body = _render(MessageKind.CONFIRM_ACCEPTED, employer="【某公司】\n服装厂").body
    assert body.count("【") == 1
    assert "\n" not in body


def test_template_fields_lists_what_a_kind_needs():
    assert template_fields(MessageKind.SIGN_IN_CODE) == ["code", "minutes"]
    assert template_fields(MessageKind.JOB_OFFER) == ["employer", "title", "wage", "deadline", "short_code"]


def test_filing_text_uses_each_providers_variable_syntax():
    template = load_table()[MessageKind.CONFIRM_DECLINED]
    assert filing_text(template, "aliyun", site=SITE) == (
        f"收到，您不要${{title}}这份工作。有合适的工作再告诉您。详情 {SITE}/s/${{short_code}}")
    assert filing_text(template, "tencent", site=SITE) == f"收到，您不要{{1}}这份工作。有合适的工作再告诉您。详情 {SITE}/s/{{2}}"


def test_a_deployment_table_with_a_missing_variable_is_refused(tmp_path):
    broken = tmp_path / "templates.toml"
    text = load_table().path
    broken.write_text(open(text, encoding="utf-8").read().replace('title = { max = 8, fit = "cut" }\n', "", 1),
                      encoding="utf-8")
    with pytest.raises(TemplateTableError, match=r"\[job_offer\].*title"):
        load_table(broken)


def test_the_table_gives_each_provider_a_code_for_every_kind():
    table = load_table()
    for provider in ("aliyun", "tencent"):
        assert set(table.codes_for(provider)) == {kind.value for kind in MessageKind}
