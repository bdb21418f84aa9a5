"""The employer reads why a worker was put forward in the same plain sentences the worker reads about
themselves (one function, jobmatch.vocabulary.worker.reason_message), said of the worker by name, and
in English on the English page. Reasons about the household's need never reach the employer."""

from jobmatch.services.offers.lifecycle import answer_offer
from jobmatch.vocabulary.worker import reason_sentence
from tests.factories import make_sent_offers, make_user, make_welding_site

REASONS = ["零就业家庭优先", "技能相近：电焊 → 焊工", "离家 1.2 公里", "工资 4000–6000 元，符合期望", "包住宿"]


def _employer_with_an_accepted_worker(session, client):
    _, vacancy, (worker,) = make_welding_site(session, workers=1)
    worker.name = "王雪燕"
    (offer,) = make_sent_offers(session, vacancy, [worker])
    offer.reasons = REASONS
    answer_offer(session, offer.id, worker.id, True, actor=f"person:{worker.id}", via="sms")
    make_user(session, "employer", username="boss", employer_id=vacancy.employer_id).set_password("pw-123456")
    session.commit()
    assert client.post("/login", data={"username": "boss", "password": "pw-123456"}).status_code == 302


def _reasons_part(page: str) -> str:
    return page.split('<ul class="reasons">', 1)[1].split("</ul>", 1)[0]


def test_the_employer_reads_reasons_as_sentences_about_the_worker(app, session, client):
    _employer_with_an_accepted_worker(session, client)
    reasons = _reasons_part(client.get("/e/candidates").get_data(as_text=True))
    assert "王雪燕会电焊，这个岗位要焊工，活儿差不多" in reasons
    assert "离王雪燕家 1.2 公里" in reasons and "每月工资 4000–6000 元，和王雪燕想要的差不多" in reasons
    assert "单位包住" in reasons
    assert "→" not in reasons and "技能相近" not in reasons and "零就业" not in reasons and "您" not in reasons


def test_the_worker_and_the_employer_read_the_same_sentence(app, session, client):
    """One sentence function: the worker's "您会电焊…" is the employer's "王雪燕会电焊…"."""
    assert reason_sentence("技能相近：电焊 → 焊工") == "您会电焊，这个岗位要焊工，活儿差不多"
    assert reason_sentence("技能相近：电焊 → 焊工", who="王雪燕") == "王雪燕会电焊，这个岗位要焊工，活儿差不多"


def test_the_english_page_gives_the_reasons_in_english(app, session, client):
    _employer_with_an_accepted_worker(session, client)
    reasons = _reasons_part(client.get("/e/candidates?lang=en").get_data(as_text=True))
    assert "王雪燕 has the skill 电焊; this job needs 焊工, much the same work" in reasons
    assert "1.2 km from 王雪燕's home" in reasons and "Pays 4000–6000 yuan a month, close to what" in reasons
    assert "The employer provides housing" in reasons
    assert "离" not in reasons and "每月" not in reasons and "包" not in reasons
