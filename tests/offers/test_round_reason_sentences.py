"""Staff read a proposed offer's reasons in the plain sentences the worker and the employer read (one
function, jobmatch.vocabulary.worker.reason_message), said of the worker by name: on the round page, in
English on the English page, and in `jobmatch round propose`."""

from jobmatch.services.offers.rounds import propose_round
from jobmatch.vocabulary.worker import reason_sentence
from tests.factories import make_user, make_welding_site

REASONS = ["零就业家庭优先", "技能相近：电焊 → 焊工", "离家 1.2 公里", "工资 4000–6000 元，符合期望", "包住宿"]


def _proposed_round_for_wang(session):
    settlement, vacancy, (worker,) = make_welding_site(session, workers=1)
    worker.name = "王雪燕"
    match_round = propose_round(session, actor="test", settlement_id=settlement.id, vacancy_ids=[vacancy.id])
    (offer,) = match_round.offers
    offer.reasons = REASONS
    make_user(session, "staff", [settlement], username="staff9").set_password("pw-123456")
    session.commit()
    return match_round.id


def _reasons_cell(page: str) -> str:
    return page.split('<td class="reasons">', 1)[1].split("</td>", 1)[0]


def test_the_round_page_gives_each_reason_as_a_sentence_about_the_worker(session, client):
    round_id = _proposed_round_for_wang(session)
    client.post("/login", data={"username": "staff9", "password": "pw-123456"})
    reasons = _reasons_cell(client.get(f"/staff/rounds/{round_id}").get_data(as_text=True))
    assert "王雪燕会电焊，这个岗位要焊工，活儿差不多" in reasons
    assert "离王雪燕家 1.2 公里" in reasons and "每月工资 4000–6000 元，和王雪燕想要的差不多" in reasons
    assert "单位包住" in reasons and "零就业家庭优先" in reasons  # staff also read the household's need
    assert "→" not in reasons and "技能相近" not in reasons and "您" not in reasons


def test_the_english_round_page_gives_the_reasons_in_english(session, client):
    round_id = _proposed_round_for_wang(session)
    client.post("/login", data={"username": "staff9", "password": "pw-123456"})
    reasons = _reasons_cell(client.get(f"/staff/rounds/{round_id}?lang=en").get_data(as_text=True))
    assert "王雪燕 has the skill 电焊; this job needs 焊工, much the same work" in reasons
    assert "1.2 km from 王雪燕's home" in reasons and "The employer provides housing" in reasons
    assert "离" not in reasons and "每月" not in reasons


def test_round_propose_prints_the_engines_reasons_as_sentences(session, cli):
    settlement, vacancy, (worker,) = make_welding_site(session, workers=1)
    worker.name = "王雪燕"
    session.commit()
    proposed = cli("round", "propose", "--settlement", settlement.name, "--vacancy", str(vacancy.id))
    assert proposed.exit_code == 0, proposed.output
    offer_line = next(line for line in proposed.output.splitlines() if "王雪燕" in line)
    assert "王雪燕会电焊，这个岗位要焊工" in offer_line and "离王雪燕家不到 1 公里" in offer_line
    assert reason_sentence("技能相符：电焊 → 焊工", who="王雪燕") == "王雪燕会电焊，这个岗位要焊工"
    assert "技能相符" not in offer_line and "→" not in offer_line and "您" not in offer_line
