"""An uploaded .xlsx that would unzip to far more than any roster is refused before it is parsed
(issue 12, finding 7): quickly, in Chinese, and without the memory a parser would take."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobmatch.config import settings_of, use_settings
from jobmatch.roster.export import roster_title, summarise_households, write_roster_xlsx
from jobmatch.roster.reading import RosterFileError, read_roster_table
from jobmatch.roster.synthetic import generate_roster
from jobmatch.roster.xlsx_limits import XlsxLimits
from jobmatch.services.roster.importing import import_roster
from tests.web.helpers import add_user

from .bombs import write_bomb

REPO = Path(__file__).resolve().parents[2]
TOO_LARGE = "文件解压后过大（超过 200 MB），请检查文件或分成几个文件上传"


@pytest.fixture(scope="module")
def gigabyte_bomb(tmp_path_factory):
    """About 1.5 MB on disk, a 1 GiB sheet once unzipped."""
    return write_bomb(tmp_path_factory.mktemp("bomb") / "台账.xlsx", sheet_mib=1024)


def probe(how: str, database_url: str, path: Path) -> dict:
    """Upload or import ``path`` in a fresh process; its outcome, seconds and peak memory."""
    run = subprocess.run([sys.executable, "-m", "tests.roster.bomb_probe", how, database_url, str(path)],
                         cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def test_a_zip_bomb_uploaded_on_the_staff_page_is_refused_fast_and_small(app, session, database_url, gigabyte_bomb):
    add_user(session, "staff_probe", "staff")
    session.commit()
    outcome = probe("web", database_url, gigabyte_bomb)
    assert outcome["status"] == 400
    assert TOO_LARGE in outcome["text"]
    assert outcome["seconds"] < 1.0, outcome
    assert outcome["growth_mib"] < 200, outcome


def test_a_zip_bomb_given_to_the_cli_is_refused_fast_and_small(app, database_url, gigabyte_bomb):
    outcome = probe("cli", database_url, gigabyte_bomb)
    assert outcome["status"] == 1
    assert TOO_LARGE in outcome["text"] and "nothing was written" in outcome["text"]
    assert outcome["seconds"] < 1.0, outcome
    assert outcome["growth_mib"] < 200, outcome


def test_a_sheet_that_compresses_like_a_bomb_is_refused_even_under_the_size_limit(tmp_path):
    path = write_bomb(tmp_path / "台账.xlsx", sheet_mib=150)
    with pytest.raises(RosterFileError, match="压缩比异常"):
        read_roster_table(path, "台账.xlsx", limits=XlsxLimits())


def test_a_file_that_lies_about_its_unzipped_size_is_refused_as_damaged(tmp_path):
    path = write_bomb(tmp_path / "台账.xlsx", sheet_mib=64, declared_sheet_bytes=4000)
    with pytest.raises(RosterFileError, match="文件已损坏"):
        read_roster_table(path, "台账.xlsx", limits=XlsxLimits())


def test_cells_are_counted_before_parsing(tmp_path):
    records = generate_roster("凤凰县", ["凤凰新城安置点"], 30, seed=3)
    path = tmp_path / "台账.xlsx"
    write_roster_xlsx(path, roster_title("凤凰新城安置点", 2026, 11), records, summarise_households(records))
    cells = len(records) * 21
    assert len(read_roster_table(path, "台账.xlsx", limits=XlsxLimits(max_cells=cells * 2)).rows) == len(records)
    with pytest.raises(RosterFileError, match=f"单元格过多（超过 {cells // 2:,} 个）"):
        read_roster_table(path, "台账.xlsx", limits=XlsxLimits(max_cells=cells // 2))


def test_limits_come_from_the_settings(app, session, tmp_path):
    records = generate_roster("凤凰县", ["凤凰新城安置点"], 5, seed=3)
    path = tmp_path / "台账.xlsx"
    write_roster_xlsx(path, roster_title("凤凰新城安置点", 2026, 11), records, summarise_households(records))
    use_settings(app, settings_of(app).replace(roster_xlsx_max_cells=10))
    with pytest.raises(RosterFileError, match="单元格过多（超过 10 个）"):
        import_roster(session, path.open("rb"), filename="台账.xlsx", actor="cli:roster-import")
