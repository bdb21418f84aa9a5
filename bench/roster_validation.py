"""Roster reading and validation benchmark: a 50,000-person CSV and a 10,000-person .xlsx read and
validated (``open_roster_rows`` + ``validate_roster``, no database), against the same files read by
the code of a git ref (default f8f049d, the last commit before per-file parsing) on the same machine.

    .venv/bin/python bench/roster_validation.py [--persons 50000] [--xlsx-persons 10000]
                                                [--baseline-ref f8f049d] [--rounds 3] [--repeats 3]

Issue 19: an unchanged re-import on PostgreSQL at >= 30,000 persons/s left most of its CPU in
reading and validating the file; the target here is at least 2x the baseline's persons/s (CPU).
The baseline is the ref's ``jobmatch`` and ``notifications`` exported with ``git archive`` into a
temporary directory. Each measurement runs in a fresh process (this checkout's code, then the
baseline's, alternating for ``--rounds``), which reads the file ``--repeats`` times and keeps its
least CPU time. Both must give the same records and problems (a digest of them is compared), on
the two valid files and on a third one with thousands of bad cells (``--error-persons``).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_REF = "f8f049d"  # validation as it was before this benchmark's changes (main has them now)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# Run by the measuring processes with PYTHONPATH pointing at the code measured: it uses only what
# both the baseline and this checkout have (open_roster_rows, validate_roster).
MEASURE = r"""
import gc, hashlib, json, sys, time
from jobmatch.roster.reading import open_roster_rows
from jobmatch.roster.validation import validate_roster

path, repeats = sys.argv[1], int(sys.argv[2])
best_cpu = best_wall = float("inf")
validation = None
for _ in range(repeats):
    validation = None  # the previous run's records out of the heap the collector scans
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as source:
        validation = validate_roster(open_roster_rows(source, path))
    gc.collect()  # what the run left the collector to scan counts too
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
digest = hashlib.sha256()
for record in validation.records:
    digest.update(repr((record, record.row)).encode())
for problem in validation.problems:
    digest.update(repr(problem).encode())
digest.update(repr(sorted(validation.invalid_households)).encode())
print(json.dumps({"cpu": best_cpu, "wall": best_wall, "rows": validation.rows, "records": len(validation.records),
                  "problems": len(validation.problems), "digest": digest.hexdigest()}))
"""


def export_ref(ref: str, directory: Path) -> Path:
    """The ref's Python packages, as files in ``directory`` (the repository is only read)."""
    archive = directory / "baseline.tar"
    with open(archive, "wb") as file:
        subprocess.run(["git", "archive", ref, "jobmatch", "notifications", "matching"], cwd=ROOT, stdout=file,
                       check=True)
    tree = directory / "baseline"
    tree.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def measure(code_root: Path, path: Path, repeats: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path), str(repeats)], env=env, cwd=code_root,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measuring {path.name} with {code_root} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def make_files(directory: Path, persons: int, xlsx_persons: int, error_persons: int) -> list[tuple[str, Path]]:
    from roster_import import make_roster

    from jobmatch.roster.export import summarise_households, write_roster_xlsx
    from jobmatch.roster.synthetic import generate_roster, write_roster_csv
    from jobmatch.roster.validation import validate_roster

    files = []
    csv_dir = directory / "csv"
    csv_dir.mkdir()
    if persons:
        path, _ = make_roster(persons, csv_dir)
        files.append(("CSV", path))
    if xlsx_persons:
        from roster_import import COUNTY, SETTLEMENTS
        records = generate_roster(COUNTY, SETTLEMENTS, households=max(1, int(xlsx_persons / 3.4)), seed=12)
        path = directory / "roster.xlsx"
        write_roster_xlsx(path, "基准安置点搬迁群众就业台账（2026年11月）", records, summarise_households(records))
        files.append(("xlsx", path))
    if error_persons:
        from roster_import import COUNTY, SETTLEMENTS

        from jobmatch.roster.reading import read_roster_table
        records = generate_roster(COUNTY, SETTLEMENTS, households=max(1, int(error_persons / 3.4)), seed=13)
        path = directory / "roster-with-errors.csv"
        write_roster_csv(path, records)
        _spoil(path, random.Random(13))
        with open(path, "rb") as source:
            assert validate_roster(read_roster_table(source, str(path))).problems
        files.append(("CSV with errors", path))
    return files


def _spoil(path: Path, rng: random.Random) -> None:
    """Put a cell of tests/roster/cell_cases.py (bad ones, odd but accepted ones) into about one cell in 30."""
    import csv

    from jobmatch.roster.columns import COLUMNS
    from tests.roster.cell_cases import ACCEPTED_CELLS, BAD_CELLS

    cases: dict[str, list[str]] = {}
    for key, text, _ in BAD_CELLS + ACCEPTED_CELLS:
        cases.setdefault(key, []).append(text)
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    keys = [column.key for column in COLUMNS]
    for row in rows[1:]:
        for position, key in enumerate(keys):
            if key in cases and rng.random() < 1 / 30:
                row[position] = rng.choice(cases[key])
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=50_000, help="persons in the CSV; 0: no CSV")
    parser.add_argument("--xlsx-persons", type=int, default=10_000, help="persons in the .xlsx; 0: no .xlsx")
    parser.add_argument("--error-persons", type=int, default=5_000,
                        help="persons in a CSV with bad cells, only compared; 0: none")
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="git ref whose code is the baseline")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each code, alternating; best kept")
    parser.add_argument("--repeats", type=int, default=3, help="reads of the file in each run; least CPU kept")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="roster-validation-") as tmp:
        directory = Path(tmp)
        baseline = export_ref(args.baseline_ref, directory)
        files = make_files(directory, args.persons, args.xlsx_persons, args.error_persons)
        same = True
        for label, path in files:
            best: dict[str, dict] = {}
            rounds = args.rounds if label != "CSV with errors" else 1
            for _ in range(rounds):
                for name, root in (("current", ROOT), ("baseline", baseline)):
                    result = measure(root, path, args.repeats)
                    kept = best.setdefault(name, result)
                    if result["cpu"] < kept["cpu"]:
                        kept.update(cpu=result["cpu"])
                    kept["wall"] = min(kept["wall"], result["wall"])
            current, old = best["current"], best["baseline"]
            equal = current["digest"] == old["digest"]
            same &= equal
            rows = current["rows"]
            print(f"{label}: {rows:,} rows, {current['records']:,} records, {current['problems']:,} problems; "
                  f"same records and problems as {args.baseline_ref}: {'yes' if equal else 'NO'}")
            print(f"  current:  {rows / current['cpu']:>8,.0f} persons/s CPU ({current['cpu']:.2f} s), "
                  f"{rows / current['wall']:>8,.0f} persons/s wall ({current['wall']:.2f} s)")
            print(f"  {args.baseline_ref + ':':<9} {rows / old['cpu']:>8,.0f} persons/s CPU ({old['cpu']:.2f} s), "
                  f"{rows / old['wall']:>8,.0f} persons/s wall ({old['wall']:.2f} s)")
            print(f"  ratio:    {old['cpu'] / current['cpu']:.2f}x CPU, {old['wall'] / current['wall']:.2f}x wall",
                  flush=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
