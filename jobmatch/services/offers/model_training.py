"""The learned scoring model: training examples come from the ledger's offer outcomes.

An example is an ``offer_sent`` event (its data holds the pair's feature values, the
vacancy and the time) labelled by what followed on the same offer:
  1  the worker accepted, and any hire that followed lasted at least 3 months (or still runs);
  0  declined, expired, or a hire that ended within 3 months.
Offers still waiting for an answer are left out. Until there are enough examples with
both outcomes, the engine keeps its documented default model.
"""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobmatch.models import LedgerEvent
from matching import model as scoring

MIN_EXAMPLES = 200
LASTING_HIRE = timedelta(days=90)
OUTCOME_KINDS = ("offer_accepted", "offer_declined", "offer_expired", "hired")


@dataclass
class TrainingResult:
    examples: int
    positives: int
    trained: bool
    message: str


def training_examples(session: Session) -> list[dict]:
    """Labelled examples in the shape matching.model.evaluate takes."""
    sent = {ev.subject: ev for ev in _events(session, ("offer_sent",))
            if ev.data is not None and ev.data.get("features")}
    outcomes: dict[str, dict] = {}
    hires_by_spell: dict[str, str] = {}
    for ev in _events(session, OUTCOME_KINDS):
        outcomes.setdefault(ev.subject, {})[ev.kind] = ev
        if ev.kind == "hired" and ev.data is not None and ev.data.get("spell_id") is not None:
            hires_by_spell[f"spell:{ev.data['spell_id']}"] = ev.subject
    short_hires = _short_hires(session, hires_by_spell, outcomes)
    examples = []
    for subject, offer_event in sent.items():
        data = offer_event.data
        assert data is not None  # `sent` holds only events with features
        label = _label(outcomes.get(subject, {}), subject in short_hires)
        if label is None:
            continue
        examples.append({"vacancy_id": data.get("vacancy_id"), "time": offer_event.occurred_at.isoformat(),
                         "features": data["features"], "label": label})
    return examples


def _events(session: Session, kinds) -> list[LedgerEvent]:
    return list(session.scalars(select(LedgerEvent).where(LedgerEvent.kind.in_(kinds)).order_by(LedgerEvent.id)))


def _short_hires(session, hires_by_spell, outcomes) -> set[str]:
    """Offers whose hire ended within three months of starting."""
    short = set()
    for ended in _events(session, ("employment_ended",)):
        offer_subject = hires_by_spell.get(ended.subject)
        if offer_subject is None:
            continue
        hired = outcomes[offer_subject]["hired"]
        if ended.occurred_at - hired.occurred_at < LASTING_HIRE:
            short.add(offer_subject)
    return short


def _label(outcome: dict, ended_early: bool) -> int | None:
    if "offer_declined" in outcome or "offer_expired" in outcome or ended_early:
        return 0
    if "offer_accepted" in outcome or "hired" in outcome:
        return 1
    return None


def train_from_ledger(session: Session, model_path: str | Path, *, min_examples: int = MIN_EXAMPLES) -> TrainingResult:
    """Train on every labelled offer and store the model; keep the default when history is short."""
    examples = training_examples(session)
    positives = sum(e["label"] for e in examples)
    if len(examples) < min_examples or positives in (0, len(examples)):
        return TrainingResult(len(examples), positives, False,
                              f"not enough history: {len(examples)} labelled offers ({positives} good), "
                              f"need {min_examples} with both outcomes; the default model stays in use")
    learned = scoring.train([e["features"] for e in examples], [e["label"] for e in examples])
    Path(model_path).parent.mkdir(parents=True, exist_ok=True)
    scoring.save_model(learned, str(model_path))
    return TrainingResult(len(examples), positives, True,
                          f"trained on {len(examples)} labelled offers ({positives} good); saved to {model_path}")
