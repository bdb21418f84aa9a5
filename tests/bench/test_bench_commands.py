"""Every benchmark README.md names starts and explains its options (a broken option table stops a
whole night's run before it measures anything)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if p.name not in ("matching_reference.py", "province_build.py"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_benchmark_explains_its_options(script):
    done = subprocess.run([sys.executable, str(BENCH / script), "--help"], capture_output=True, text=True,
                          timeout=120, cwd=BENCH.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage:" in done.stdout
