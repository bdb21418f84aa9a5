"""The site figures' full rebuild at province size: each site's first waiting offers in one statement
numbered per site, against the former statement (and UPDATE) per site, in the same process.

    .venv/bin/python bench/figures_rebuild.py --database jobmatch_province [--repeat 7]

Runs on an existing province database built by `bench/province.py --build-only --keep --name NAME`
(reused, never dropped). A province built that way has no offers: when none is sent, one in six
persons gets a sent offer of their county's first vacancy, by SQL (one in five of them delivered at
the door, answer-by times spread over 97 minutes), and the offers are kept. Then, alternating, each
``--repeat`` times and rolled back each time: ``rebuild_site_figures`` as it is, and with the baseline
``_compute`` (the dashboard's ``offers_waiting`` asked site by site, an UPDATE per site); then the
``_compute`` of a refresh of 20 sites, both ways. Prints medians, the ratio, and whether both stored
the same first waiting offers for every site (they must).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, insert, select, text, update  # noqa: E402

from jobmatch import create_app  # noqa: E402
from jobmatch.clock import Month, utcnow  # noqa: E402
from jobmatch.models import SiteFigures  # noqa: E402
from jobmatch.services.offers.queries import offers_waiting  # noqa: E402
from jobmatch.services.province import figures  # noqa: E402

NUMBERED = figures._compute


def per_site_compute(session, settlement_ids) -> int:
    """The baseline: figures._compute as it was, a waiting-offers statement and an UPDATE per site."""
    statement = figures._figures_select(settlement_ids, str(Month.current()), utcnow())
    columns = ["settlement_id", *figures.FIGURE_COLUMNS, "month", "computed_at"]
    table = cast(Table, SiteFigures.__table__)
    inserted = session.scalars(insert(table).from_select(columns, statement).returning(table.c.settlement_id),
                               figures._parameters()).all()
    for site_id in inserted:
        _, first = offers_waiting(session, [site_id], limit=figures.WAITING_KEPT)
        session.execute(update(SiteFigures).where(SiteFigures.settlement_id == site_id)
                        .values(waiting_first=[offer.offer_id for offer in first]))
    return len(inserted)


def _add_sent_offers(session) -> None:
    session.execute(text("INSERT INTO match_rounds (scope, county_id, created_by, created_at, summary) "
                         "SELECT 'county', min(id), 'bench', now(), '{}' FROM counties"))
    round_id = session.scalar(text("SELECT max(id) FROM match_rounds"))
    session.execute(text("""
        INSERT INTO offers (round_id, vacancy_id, person_id, status, rank, score, reasons, features, channel,
                            automatic, skip_reason, created_at, sent_at, expires_at, responded_via,
                            interview_note, outcome_note)
        SELECT :round_id, v.vacancy_id, p.id, 'sent', 1, 0.5, '[]', '{}',
               CASE WHEN p.id % 5 = 0 THEN 'visit' ELSE 'sms' END, false, '', now(), now(),
               now() + interval '24 hours' + (p.id % 97) * interval '1 minute', '', '', ''
        FROM persons p JOIN households h ON h.id = p.household_id
        JOIN (SELECT county_id, min(id) AS vacancy_id FROM vacancies GROUP BY county_id) v ON v.county_id = h.county_id
        WHERE p.id % 6 = 0"""), {"round_id": round_id})
    session.commit()
    session.execute(text("ANALYZE offers"))
    session.commit()


def _timed(session, call) -> tuple[float, dict]:
    started = time.perf_counter()
    call()
    elapsed = time.perf_counter() - started
    stored = dict(session.execute(select(SiteFigures.settlement_id, SiteFigures.waiting_first)).all())
    session.rollback()
    return elapsed, stored


def measure(url: str, repeat: int) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret", "REDIS_URL": None, "SMS_PROVIDER": "console",
                      "RATELIMIT_ENABLED": False, "SMS_INPROCESS_DISPATCHER": False})
    with app.app_context():
        session = app.extensions["jobmatch.sessionmaker"]()
        if not session.scalar(text("SELECT count(*) FROM offers WHERE status = 'sent'")):
            _add_sent_offers(session)
        counts = [session.scalar(text(f"SELECT count(*) FROM {what}"))
                  for what in ("settlements", "persons", "offers WHERE status = 'sent'")]
        print(f"{counts[0]:,} sites, {counts[1]:,} persons, {counts[2]:,} sent offers", flush=True)
        site_ids = list(session.scalars(text("SELECT id FROM settlements ORDER BY id")))
        some = site_ids[::max(1, len(site_ids) // 20)][:20]

        def rebuild(compute):
            figures._compute = compute
            return lambda: figures.rebuild_site_figures(session)

        def refresh(compute):
            def run():
                session.execute(SiteFigures.__table__.delete().where(SiteFigures.settlement_id.in_(some)))
                compute(session, some)
            return run

        try:
            _timed(session, rebuild(NUMBERED))  # warm the caches
            for label, make in (("full rebuild", rebuild), ("refresh of 20 sites", refresh)):
                times: dict[str, list[float]] = {"per site": [], "numbered": []}
                stored = {}
                for _ in range(repeat):
                    for name, compute in (("per site", per_site_compute), ("numbered", NUMBERED)):
                        elapsed, stored[name] = _timed(session, make(compute))
                        times[name].append(elapsed)
                medians = {name: statistics.median(values) for name, values in times.items()}
                print(f"{label}: per site {medians['per site'] * 1000:,.0f} ms, numbered "
                      f"{medians['numbered'] * 1000:,.0f} ms (medians of {repeat}): "
                      f"{medians['per site'] / medians['numbered']:.2f}x; the same first waiting offers: "
                      f"{stored['per site'] == stored['numbered']}", flush=True)
        finally:
            figures._compute = NUMBERED


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="an existing province database (reused, never dropped)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    measure(f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}", args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
