"""The run's log scan fails on any openid or access token the fake WeChat handed out."""

import json

from tests.log_scan import scan_log_file, wechat_secrets
from tests.support.fake_wechat import SECRETS_FILE_NAME


def test_the_log_scan_catches_an_openid_or_token_of_the_tests(tmp_path):
    log = tmp_path / "test-run.log.jsonl"
    (tmp_path / SECRETS_FILE_NAME).write_text("oAbCdEfGhIjKlMnOpQrStUvWxYz1\nACCESSxyzxyzxyzxyzxyzxyz\n", encoding="utf-8")
    log.write_text("\n".join([
        json.dumps({"logger": "jobmatch.request", "message": "request", "path": "/wechat/oauth"}),
        json.dumps({"logger": "urllib3", "message": "GET /cgi-bin/token?access_token=ACCESSxyzxyzxyzxyzxyzxyz"}),
        json.dumps({"logger": "jobmatch", "message": "bound oAbCdEfGhIjKlMnOpQrStUvWxYz1"}),
    ]) + "\n", encoding="utf-8")
    problems = scan_log_file(log, wechat_secrets(log))
    assert [problem.split(":")[1] for problem in problems] == ["2", "3"]
    assert all("oAbCdEfG" not in problem and "ACCESSxyz" not in problem for problem in problems)
