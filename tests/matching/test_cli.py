"""The `match` command: a good run writes matches.jsonl; every bad input stops it with `line N of FILE:`."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from matching.cli import main

ROOT = Path(__file__).resolve().parents[2]

WORKER = {"id": "w1", "household_id": "h1", "skills": ["电焊"], "lat": 25.178, "lon": 106.0996, "zero_employment_household": True}
VACANCY = {"id": "v1", "title": "焊工", "skills": ["焊工"], "openings": 1, "lat": 25.19, "lon": 106.10, "wage_min": 3500, "wage_max": 4500}


def write_lines(path: Path, lines) -> str:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines), encoding="utf-8")
    return str(path)


def run(tmp_path, worker_lines, vacancy_lines, *extra):
    workers = write_lines(tmp_path / "workers.jsonl", worker_lines)
    vacancies = write_lines(tmp_path / "vacancies.jsonl", vacancy_lines)
    out = tmp_path / "matches.jsonl"
    code = main(["match", "--workers", workers, "--vacancies", vacancies, "--out", str(out), *extra])
    return code, out, workers, vacancies


def test_a_good_run_writes_one_line_per_ranked_pair(tmp_path):
    code, out, _, _ = run(tmp_path, [WORKER, {**WORKER, "id": "w2", "household_id": "h2", "skills": ["保洁"]}], [VACANCY])
    assert code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["vacancy_id"] == "v1" and lines[0]["worker_id"] == "w1"
    assert lines[0]["rank"] == 1 and lines[0]["allocated"] is True and 0 <= lines[0]["score"] <= 1
    assert "技能相符：电焊 → 焊工" in lines[0]["reasons"] and "零就业家庭优先" in lines[0]["reasons"]
    assert "电焊" in out.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    assert list(lines[0]) == ["vacancy_id", "worker_id", "rank", "score", "allocated", "reasons"]


def test_unknown_keys_are_ignored_and_defaults_apply(tmp_path):
    code, out, _, _ = run(tmp_path, [{**WORKER, "favourite_colour": "red"}], [{**VACANCY, "employer": "某公司"}])
    assert code == 0 and out.exists()


WORKER_ERRORS = [
    ('{"id": "w1", "household_id": ', "not valid JSON"),
    ({k: v for k, v in WORKER.items() if k != "household_id"}, 'missing required key "household_id"'),
    ({k: v for k, v in WORKER.items() if k != "lat"}, 'missing required key "lat"'),
    ({**WORKER, "lat": None}, 'missing required key "lat"'),
    ({**WORKER, "max_commute_km": True}, '"max_commute_km" must be a number, got true'),
    ({**WORKER, "lat": "25.1"}, '"lat" must be a number, got "25.1"'),
    ({**WORKER, "lat": 95}, '"lat" must be between -90 and 90 degrees, got 95'),
    ({**WORKER, "skills": "电焊"}, '"skills" must be a list of strings, got "电焊"'),
    ({**WORKER, "skills": ["电焊", 3]}, '"skills" must be a list of strings'),
    ({**WORKER, "capacity": "strong"}, '"capacity" must be one of "full", "half", "weak", got "strong"'),
    ({**WORKER, "mobility": "abroad"}, '"mobility" must be one of "site", "county", "province", "any"'),
    ({**WORKER, "available_hours": "night"}, '"available_hours" must be one of'),
    ({**WORKER, "age": 41.5}, '"age" must be an integer, got 41.5'),
    ({**WORKER, "age": "41"}, '"age" must be an integer, got "41"'),
    ({**WORKER, "employed": "yes"}, '"employed" must be true or false, got "yes"'),
    ({**WORKER, "zero_employment_household": 1}, '"zero_employment_household" must be true or false, got 1'),
    ({**WORKER, "id": 7}, '"id" must be a non-empty string, got 7'),
    ([WORKER], "expected a JSON object"),
]


@pytest.mark.parametrize("bad_line, message", WORKER_ERRORS)
def test_bad_worker_line_stops_the_run(tmp_path, capsys, bad_line, message):
    good = {**WORKER, "id": "w0", "household_id": "h0"}
    code, out, workers, _ = run(tmp_path, [good, bad_line], [VACANCY])
    assert code != 0 and not out.exists()
    assert f"line 2 of {workers}: {message}" in capsys.readouterr().err


VACANCY_ERRORS = [
    ({k: v for k, v in VACANCY.items() if k != "title"}, 'missing required key "title"'),
    ({k: v for k, v in VACANCY.items() if k != "openings"}, 'missing required key "openings"'),
    ({**VACANCY, "openings": 0}, '"openings" must be an integer ≥ 1, got 0'),
    ({**VACANCY, "openings": 2.5}, '"openings" must be an integer, got 2.5'),
    ({**VACANCY, "openings": True}, '"openings" must be an integer, got true'),
    ({**VACANCY, "kind": "volunteer"}, '"kind" must be one of "regular", "gig", "welfare", "relief"'),
    ({**VACANCY, "physical_demand": "extreme"}, '"physical_demand" must be one of'),
    ({**VACANCY, "hours": "night"}, '"hours" must be one of "any", "day", "shift", "school_hours"'),
    ({**VACANCY, "dormitory": "true"}, '"dormitory" must be true or false'),
    ({**VACANCY, "wage_min": 5000, "wage_max": 4000}, '"wage_min" 5000 is above "wage_max" 4000'),
    ({**VACANCY, "skills": {"焊工": 1}}, '"skills" must be a list of strings'),
    ({**VACANCY, "id": "v0"}, 'duplicate id "v0" (first on line 1)'),
]


@pytest.mark.parametrize("bad_line, message", VACANCY_ERRORS)
def test_bad_vacancy_line_stops_the_run(tmp_path, capsys, bad_line, message):
    code, out, _, vacancies = run(tmp_path, [WORKER], [{**VACANCY, "id": "v0"}, bad_line])
    assert code != 0 and not out.exists()
    assert f"line 2 of {vacancies}: {message}" in capsys.readouterr().err


def test_duplicate_worker_id(tmp_path, capsys):
    code, out, workers, _ = run(tmp_path, [WORKER, "", WORKER], [VACANCY])
    assert code != 0 and not out.exists()
    assert f'line 3 of {workers}: duplicate id "w1" (first on line 1)' in capsys.readouterr().err


def test_invalid_utf8(tmp_path, capsys):
    workers = tmp_path / "workers.jsonl"
    workers.write_bytes(json.dumps(WORKER).encode() + b"\n" + b'{"id": "\xff"}\n')
    vacancies = write_lines(tmp_path / "vacancies.jsonl", [VACANCY])
    out = tmp_path / "matches.jsonl"
    assert main(["--workers", str(workers), "--vacancies", vacancies, "--out", str(out)]) != 0
    assert f"line 2 of {workers}: not valid UTF-8" in capsys.readouterr().err
    assert not out.exists()


def test_missing_file_and_bad_arguments(tmp_path, capsys):
    out = tmp_path / "matches.jsonl"
    assert main(["--workers", str(tmp_path / "nope.jsonl"), "--vacancies", "x", "--out", str(out)]) != 0
    assert "cannot read" in capsys.readouterr().err
    assert main(["--workers", "a", "--vacancies", "b"]) != 0  # --out is required
    assert main(["--workers", "a", "--vacancies", "b", "--out", str(out), "--top-k", "0"]) != 0
    assert main(["--workers", "a", "--vacancies", "b", "--out", str(out), "--min-score", "2"]) != 0
    assert not out.exists()


def test_python_dash_m_matching(tmp_path):
    workers = write_lines(tmp_path / "workers.jsonl", [WORKER])
    vacancies = write_lines(tmp_path / "vacancies.jsonl", [VACANCY])
    out = tmp_path / "matches.jsonl"
    command = [sys.executable, "-m", "matching", "match", "--workers", workers, "--vacancies", vacancies, "--out", str(out)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["allocated"] is True
    bad = write_lines(tmp_path / "bad.jsonl", ["{"])
    finished = subprocess.run([*command[:5], bad, *command[6:]], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert finished.returncode != 0 and f"line 1 of {bad}: not valid JSON" in finished.stderr


TRICKY_VALUES = [None, True, False, 0, 1, -1, 3.0, 2.5, -0.0, 1e309, float("nan"), float("inf"), -float("inf"), 95, -200, 89.9999,
                 "", " ", "\t", "w1", " 电焊 ", "full", "site", "any", [], ["电焊", "  ", " 叉车"], ["电焊", 3], {"a": 1}, 2**70]


@pytest.mark.parametrize("keys", ["worker", "vacancy"])
def test_the_fast_line_checks_accept_convert_and_refuse_exactly_as_the_full_checks(keys):
    from matching.jsonl import VACANCY_KEYS, WORKER_KEYS, _record_parser, parse_record

    key_list = WORKER_KEYS if keys == "worker" else VACANCY_KEYS
    base = WORKER if keys == "worker" else VACANCY
    parse = _record_parser(key_list)

    def outcome(function, obj):
        try:
            fields = function(obj)
        except ValueError as error:
            return "error", str(error)
        return "fields", {name: (type(value), value) for name, value in fields.items()}

    for key in key_list:
        for value in TRICKY_VALUES:
            obj = {**base, key.name: value}
            assert outcome(parse, obj) == outcome(lambda o: parse_record(o, key_list), obj), (key.name, value)
    assert outcome(parse, ["not", "an", "object"]) == outcome(lambda o: parse_record(o, key_list), ["not", "an", "object"])


def test_matches_are_written_exactly_as_json_dumps_writes_them(tmp_path):
    from matching.jsonl import write_matches
    from matching.records import Match

    matches = [
        Match("v1", "w1", 1, 0.87654321, True, ["技能相符：电焊 → 焊工", "离家 3.2 公里"]),
        Match('v"2\\', "w\n2\t", 22, 1.0, False, []),
        Match("v3", "w3", 3, 0.0, False, ["\u2028 line separator", "emoji 🙂", "控制\x01字符"]),
        Match("v4", "w4", 4, 1e-7, False, ["x"]),
    ]
    out = tmp_path / "matches.jsonl"
    assert write_matches(str(out), matches) == 4
    expected = "".join(json.dumps(m.to_json_dict(), ensure_ascii=False) + "\n" for m in matches)
    assert out.read_text(encoding="utf-8") == expected


def test_the_garbage_collector_runs_again_after_a_run_good_or_bad(tmp_path):
    import gc

    assert run(tmp_path, [WORKER], [VACANCY])[0] == 0 and gc.isenabled()
    assert run(tmp_path, [WORKER], ["{"])[0] == 1 and gc.isenabled()


def test_a_run_with_the_default_model_does_not_load_scikit_learn(tmp_path):
    workers = write_lines(tmp_path / "workers.jsonl", [WORKER, {**WORKER, "id": "w2", "household_id": "h2"}])
    vacancies = write_lines(tmp_path / "vacancies.jsonl", [VACANCY])
    script = (
        "import sys; from matching.cli import main; "
        f"code = main(['--workers', {workers!r}, '--vacancies', {vacancies!r}, '--out', {str(tmp_path / 'm.jsonl')!r}]); "
        "print(code, sorted(m for m in ('sklearn', 'joblib') if m in sys.modules))"
    )
    finished = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert finished.stdout.split("\n")[0] == "0 []", finished.stderr
