"""Scoring models: a documented default, and one learned from past offers, with a time-split evaluation.

The learning API takes plain data, so the web app can feed it from its ledger:
    feature_rows: array (n, len(FEATURE_NAMES)) or a list of {feature name: value} dicts
    labels: 1 for a good outcome (offer accepted, hire that lasted 3 months), else 0
"""
from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TextIO, cast

import numpy as np

from matching.features import FEATURE_NAMES


class ScoringModel(Protocol):
    """Anything that turns a feature matrix into scores in [0, 1]."""

    def score(self, features: np.ndarray) -> np.ndarray: ...


# Hand-set weights of the default logistic model, on features in [0, 1].
# Skill fit dominates: with the bias below, a same-trade pair scores about 0.9, a related
# trade about 0.5, a merely same-category one about 0.2, so the default minimum score (0.3)
# keeps allocations within the trade. The other features order candidates within a trade.
DEFAULT_WEIGHTS = {
    "skill_fit": 4.5,
    "certificate_fit": 0.8,
    "distance_fit": 1.5,
    "wage_fit": 1.0,
    "body_fit": 0.6,
    "schedule_fit": 0.6,
    "household_need": 0.5,  # small: the allocation already puts needy households first
    "welfare_priority": 0.5,
}
DEFAULT_BIAS = -5.5


@dataclass(frozen=True)
class LogisticModel:
    """score = sigmoid(bias + features · weights)."""

    weights: tuple[float, ...]
    bias: float

    def score(self, features: np.ndarray) -> np.ndarray:
        """Scores in [0, 1] for a (pairs × features) matrix."""
        features = np.asarray(features)
        logits = np.full(len(features), self.bias)
        for column, weight in enumerate(self.weights):  # column by column: no BLAS start-up on small inputs
            logits += weight * features[:, column]
        return 1.0 / (1.0 + np.exp(-logits))


def default_model() -> LogisticModel:
    """The fixed model used until there is enough history to learn one."""
    return LogisticModel(tuple(DEFAULT_WEIGHTS[name] for name in FEATURE_NAMES), DEFAULT_BIAS)


@dataclass
class LearnedModel:
    """A scikit-learn classifier whose probability of a good outcome is the score."""

    estimator: Any
    feature_names: tuple[str, ...] = FEATURE_NAMES

    def score(self, features: np.ndarray) -> np.ndarray:
        """Probability of a good outcome for each row."""
        return self.estimator.predict_proba(np.asarray(features, dtype=np.float64))[:, 1]


def feature_matrix(feature_rows: np.ndarray | Sequence[Mapping[str, float]] | Sequence[Sequence[float]]) -> np.ndarray:
    """Rows as a float matrix in FEATURE_NAMES order; dict rows must name every feature."""
    rows = list(feature_rows) if not isinstance(feature_rows, np.ndarray) else feature_rows
    if len(rows) and isinstance(rows[0], Mapping):
        missing = set(FEATURE_NAMES) - set(rows[0])
        if missing:
            raise ValueError(f"feature rows lack {sorted(missing)}")
        mapping_rows = cast(Sequence[Mapping[str, float]], rows)  # the first row is a mapping, so all are
        rows = [[row[name] for name in FEATURE_NAMES] for row in mapping_rows]
    matrix = np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURE_NAMES))
    return matrix


def train(feature_rows, labels: Iterable[int | bool], *, kind: str = "logistic") -> LearnedModel:
    """Learn a model from labelled pairs; kind "logistic" or "boosting" (calibrated gradient boosting)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    features = feature_matrix(feature_rows)
    targets = np.asarray(list(labels), dtype=int)
    if len(set(targets.tolist())) < 2:
        raise ValueError("training needs both good and bad outcomes")
    if kind == "logistic":
        estimator = LogisticRegression(C=1.0, max_iter=1000)
    elif kind == "boosting":
        estimator = CalibratedClassifierCV(HistGradientBoostingClassifier(max_iter=200), method="isotonic", cv=3)
    else:
        raise ValueError(f'unknown model kind "{kind}"')
    estimator.fit(features, targets)
    return LearnedModel(estimator)


def save_model(model: ScoringModel, path: str) -> None:
    """Store a model (with the feature names it expects) at the caller's path."""
    import joblib  # imported here: a `match` run with the default model needs none of it

    joblib.dump({"feature_names": FEATURE_NAMES, "model": model}, path)


def load_model(path: str) -> ScoringModel:
    """Load a model stored by save_model; refuses one made for other features."""
    import joblib

    stored = joblib.load(path)
    if tuple(stored.get("feature_names", ())) != FEATURE_NAMES:
        raise ValueError(f"{path} was trained on other features: {stored.get('feature_names')}")
    return stored["model"]


def precision_at(labels_in_rank_order: Sequence[int], k: int) -> float:
    """Share of good outcomes among the first k (or fewer, when the list is shorter)."""
    top = list(labels_in_rank_order)[:k]
    return sum(top) / len(top) if top else 0.0


def ndcg_at(labels_in_rank_order: Sequence[int], k: int) -> float:
    """Normalised discounted cumulative gain of binary labels at k."""
    labels = list(labels_in_rank_order)
    gain = sum(label / math.log2(position + 2) for position, label in enumerate(labels[:k]))
    ideal = sum(label / math.log2(position + 2) for position, label in enumerate(sorted(labels, reverse=True)[:k]))
    return gain / ideal if ideal else 0.0


def ranking_metrics(vacancy_ids: Sequence[Any], scores: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Mean precision@5 and nDCG@10 over vacancies with at least one good outcome."""
    by_vacancy: dict[Any, list[int]] = {}
    for index, vacancy_id in enumerate(vacancy_ids):
        by_vacancy.setdefault(vacancy_id, []).append(index)
    precisions, gains = [], []
    for indices in by_vacancy.values():
        if not labels[indices].any():
            continue
        order = sorted(indices, key=lambda index: -scores[index])
        ranked = [int(labels[index]) for index in order]
        precisions.append(precision_at(ranked, 5))
        gains.append(ndcg_at(ranked, 10))
    return {
        "precision@5": float(np.mean(precisions)) if precisions else 0.0,
        "ndcg@10": float(np.mean(gains)) if gains else 0.0,
        "vacancies": len(precisions),
    }


def evaluate(
    examples: Sequence[Mapping[str, Any]],
    model: ScoringModel | None = None,
    *,
    train_share: float = 0.7,
    out: TextIO | None = sys.stdout,
) -> dict[str, Any]:
    """Time-split evaluation: learn on the earlier offers, rank the later ones, beside the default model.

    Each example is {"vacancy_id", "time" (anything that sorts: ISO text, epoch), "features"
    (dict or list in FEATURE_NAMES order), "label" (0/1)}. With no model given, one is
    trained on the earlier share; a given model is taken as already trained on the past.
    """
    ordered = sorted(examples, key=lambda example: example["time"])
    if len(ordered) < 2:
        raise ValueError("evaluation needs at least two examples")
    cut_time = ordered[min(int(len(ordered) * train_share), len(ordered) - 1)]["time"]
    earlier = [example for example in ordered if example["time"] < cut_time]
    later = [example for example in ordered if example["time"] >= cut_time]
    if model is None:
        model = train([e["features"] for e in earlier], [e["label"] for e in earlier])
    test_features = feature_matrix([e["features"] for e in later])
    test_labels = np.asarray([int(e["label"]) for e in later])
    vacancy_ids = [e["vacancy_id"] for e in later]
    report = {
        "train_examples": len(earlier),
        "test_examples": len(later),
        "split_time": cut_time,
        "model": ranking_metrics(vacancy_ids, model.score(test_features), test_labels),
        "default": ranking_metrics(vacancy_ids, default_model().score(test_features), test_labels),
    }
    if out is not None:
        _print_report(report, out)
    return report


def _print_report(report: Mapping[str, Any], out: TextIO) -> None:
    print(
        f"time split at {report['split_time']}: trained on {report['train_examples']} earlier examples, "
        f"tested on {report['test_examples']} later ones ({report['model']['vacancies']} vacancies with a good outcome)",
        file=out,
    )
    print(f"{'model':<10}{'precision@5':>13}{'nDCG@10':>10}", file=out)
    for name in ("model", "default"):
        metrics = report[name]
        print(f"{name:<10}{metrics['precision@5']:>13.3f}{metrics['ndcg@10']:>10.3f}", file=out)
