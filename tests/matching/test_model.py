"""Scoring models: the documented default, learning from labelled offers, saving and a time-split evaluation."""
import io
import math
import random

import numpy as np
import pytest

from matching.features import FEATURE_NAMES
from matching.model import default_model, evaluate, load_model, ndcg_at, precision_at, save_model, train


def synthetic_examples(n=3000, seed=3):
    """Offers over time whose outcome depends mostly on wage fit, which the default model underweights."""
    rng = random.Random(seed)
    examples = []
    for index in range(n):
        features = {name: rng.random() for name in FEATURE_NAMES}
        logit = -3.0 + 2.0 * features["skill_fit"] + 5.0 * features["wage_fit"] - 1.0 * features["distance_fit"]
        label = int(rng.random() < 1 / (1 + math.exp(-logit)))
        examples.append({"vacancy_id": f"v{index // 15}", "time": f"2025-{1 + index * 12 // n:02d}-01T{index:06d}", "features": features, "label": label})
    return examples


def test_default_model_scores_in_unit_interval_and_prefers_skill():
    model = default_model()
    low, high = np.zeros((1, len(FEATURE_NAMES))), np.ones((1, len(FEATURE_NAMES)))
    skilled = np.full((1, len(FEATURE_NAMES)), 0.5)
    skilled[0, 0] = 1.0
    unskilled = skilled.copy()
    unskilled[0, 0] = 0.0
    scores = model.score(np.vstack([low, high, skilled, unskilled]))
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores[2] > 0.6 > 0.3 > scores[3]


def test_train_save_load_round_trip(tmp_path):
    examples = synthetic_examples(600)
    model = train([e["features"] for e in examples], [e["label"] for e in examples])
    path = tmp_path / "model.joblib"
    save_model(model, str(path))
    again = load_model(str(path))
    rows = np.array([[e["features"][name] for name in FEATURE_NAMES] for e in examples[:20]])
    assert np.allclose(model.score(rows), again.score(rows))
    assert ((model.score(rows) >= 0) & (model.score(rows) <= 1)).all()


def test_boosting_model_trains_too():
    examples = synthetic_examples(600)
    rows = np.array([[e["features"][name] for name in FEATURE_NAMES] for e in examples])
    model = train(rows, [e["label"] for e in examples], kind="boosting")
    assert model.score(rows[:5]).shape == (5,)


def test_training_needs_both_outcomes():
    with pytest.raises(ValueError):
        train([[0.5] * len(FEATURE_NAMES)] * 3, [1, 1, 1])


def test_time_split_evaluation_beats_the_default_when_history_disagrees_with_it():
    out = io.StringIO()
    report = evaluate(synthetic_examples(), out=out)
    assert report["train_examples"] + report["test_examples"] == 3000
    assert report["train_examples"] >= 2000  # earlier offers train, later ones test
    assert report["model"]["precision@5"] > report["default"]["precision@5"]
    assert report["model"]["ndcg@10"] > report["default"]["ndcg@10"]
    printed = out.getvalue()
    assert "precision@5" in printed and "nDCG@10" in printed and "default" in printed


def test_metrics():
    assert precision_at([1, 0, 1, 0, 0, 1], 5) == pytest.approx(0.4)
    assert precision_at([1, 1], 5) == 1.0
    assert ndcg_at([1, 0, 0], 10) == 1.0
    assert ndcg_at([0, 1], 10) == pytest.approx(1 / math.log2(3))
