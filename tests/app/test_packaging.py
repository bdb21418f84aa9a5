"""pyproject.toml: matching/ and notifications/ install into an empty virtualenv and work without the
web app; every declared dependency is pinned in requirements.txt."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.wheelhouse import dependency_closure, local_package_sources, repack_wheel

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
WEB_ONLY = ("flask", "sqlalchemy", "alembic", "redis", "rq", "openpyxl", "gunicorn")

# Modules that need an extra's SDK (`pip install ".[aliyun]"`, `".[tencent]"`); make_provider imports them lazily.
EXTRA_MODULES = ("notifications.providers.aliyun_provider", "notifications.providers.tencent_provider",
                 "notifications.wechat")

IMPORT_EVERY_MODULE = """
import importlib, importlib.util, json, pkgutil, sys
EXTRA_MODULES = EXTRA_MODULES_REPR
import matching, notifications
modules = [m.name for package in (matching, notifications)
           for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
           if not m.name.endswith(".__main__") and m.name not in EXTRA_MODULES]
for name in modules:
    importlib.import_module(name)
print(json.dumps({"modules": modules, "matching": matching.__file__,
                  "web": [n for n in sys.argv[1:] if importlib.util.find_spec(n) is not None]}))
""".replace("EXTRA_MODULES_REPR", repr(EXTRA_MODULES))


def _pinned_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", "-")):
            names.add(_name(line))
    return names


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\[=<>!~; ]", requirement, maxsplit=1)[0]).lower()


def test_every_declared_dependency_is_pinned_in_requirements_and_nothing_else_is():
    declared = {_name(r) for r in PROJECT["dependencies"]}
    declared |= {_name(r) for extra in PROJECT["optional-dependencies"].values() for r in extra}
    assert declared == _pinned_names(ROOT / "requirements.txt")
    assert not {_name(r) for r in PROJECT["dependencies"]} & set(WEB_ONLY)


def _offline_pip_env(wheelhouse: Path) -> dict[str, str]:
    """pip on this machine's disk only: the wheelhouse and the local indexes pip is configured with."""
    indexes, find_links = local_package_sources()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PIP_", "PYTHON"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
               PIP_FIND_LINKS=" ".join([str(wheelhouse), *find_links]))
    if indexes:
        env.update(PIP_INDEX_URL=indexes[0], PIP_EXTRA_INDEX_URL=" ".join(indexes[1:]))
    else:
        env["PIP_NO_INDEX"] = "1"
    return env


def _copy_project(target: Path) -> Path:
    """The files `pip install .` reads, so the build leaves nothing in the working tree."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("jobmatch", "matching", "notifications"):
        shutil.copytree(ROOT / package, target / package, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, target / name)
    return target


@pytest.mark.slow
def test_matching_and_notifications_install_into_an_empty_virtualenv_without_flask(tmp_path):
    wheelhouse = tmp_path / "wheelhouse"
    for installed in dependency_closure(PROJECT["dependencies"]):
        repack_wheel(installed, wheelhouse)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    env = _offline_pip_env(wheelhouse)
    install = subprocess.run([python, "-m", "pip", "install", "--no-compile", "-q", "-c", str(ROOT / "constraints.txt"),
                              str(_copy_project(tmp_path / "source"))],
                             env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout + install.stderr

    imported = subprocess.run([python, "-c", IMPORT_EVERY_MODULE, *WEB_ONLY], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
    assert imported.returncode == 0, imported.stderr
    report = json.loads(imported.stdout)
    assert report["matching"].startswith(str(venv)) and report["web"] == []
    assert "notifications.providers.twilio_provider" in report["modules"] and "matching.cli" in report["modules"]

    workers, vacancies, out = tmp_path / "workers.jsonl", tmp_path / "vacancies.jsonl", tmp_path / "matches.jsonl"
    workers.write_text(json.dumps({"id": "w1", "household_id": "h1", "skills": ["电焊"], "lat": 25.178,
                                   "lon": 106.0996, "zero_employment_household": True}) + "\n", encoding="utf-8")
    vacancies.write_text(json.dumps({"id": "v1", "title": "焊工", "skills": ["焊工"], "openings": 1, "lat": 25.19,
                                     "lon": 106.10, "wage_min": 3500, "wage_max": 4500}) + "\n", encoding="utf-8")
    matched = subprocess.run([python, "-m", "matching", "match", "--workers", str(workers), "--vacancies",
                              str(vacancies), "--out", str(out)], env=env, cwd=tmp_path, capture_output=True,
                             text=True, timeout=300)
    assert matched.returncode == 0, matched.stderr
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["allocated"] is True
