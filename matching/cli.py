"""The `match` command: JSON Lines in, matches.jsonl out (see shared/formats/matching-io.md)."""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from matching.engine import DEFAULT_MIN_SCORE, DEFAULT_TOP_K, match_round
from matching.errors import MatchingInputError
from matching.gc_pause import without_cycle_collection
from matching.jsonl import read_vacancies, read_workers, write_matches


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {text}")
    return value


def _score(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Parser for `match --workers F --vacancies F --out F [--top-k N] [--min-score X]`."""
    parser = argparse.ArgumentParser(prog="match", description="Rank workers for vacancies and choose this round's offers.")
    parser.add_argument("--workers", required=True, help="workers.jsonl")
    parser.add_argument("--vacancies", required=True, help="vacancies.jsonl")
    parser.add_argument("--out", required=True, help="matches.jsonl to write")
    parser.add_argument("--top-k", type=_positive_int, default=DEFAULT_TOP_K, help="ranked workers kept per vacancy (default 20)")
    parser.add_argument(
        "--min-score", type=_score, default=DEFAULT_MIN_SCORE, help=f"lowest score offered (default {DEFAULT_MIN_SCORE})"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; 0 on success, 1 on bad input (nothing written), 2 on bad arguments."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["match"]:  # `python -m matching match ...` and `jobmatch match ...`
        arguments = arguments[1:]
    try:
        options = build_parser().parse_args(arguments)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    started = time.perf_counter()
    try:
        with without_cycle_collection():
            workers = read_workers(options.workers)
            vacancies = read_vacancies(options.vacancies)
            result = match_round(workers, vacancies, top_k=options.top_k, min_score=options.min_score)
            written = write_matches(options.out, result.matches)
    except MatchingInputError as error:
        print(f"match: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"match: cannot write {options.out}: {error.strerror or error}", file=sys.stderr)
        return 1
    unknown = sum(result.unknown_skill_terms.values())
    print(
        f"match: {len(workers)} workers, {len(vacancies)} vacancies, {result.candidate_pairs} candidate pairs; "
        f"wrote {written} lines ({result.allocated} offers) to {options.out} in {time.perf_counter() - started:.1f} s; "
        f"{unknown} skill mentions the taxonomy does not know ({len(result.unknown_skill_terms)} distinct)",
        file=sys.stderr,
    )
    return 0
