"""The AutoICE scores: known answers and agreement with scikit-learn's definitions."""

import numpy as np
import pytest
from sklearn.metrics import f1_score, r2_score

from core.metrics import ScoreAccumulator, combined, confusion, per_class_f1


def test_a_prediction_scores_100_against_itself():
    rng = np.random.default_rng(0)
    charts = {
        "SIC": rng.integers(0, 11, 500),
        "SOD": rng.integers(0, 6, 500),
        "FLOE": rng.integers(0, 7, 500),
    }
    acc = ScoreAccumulator()
    acc.add_scene(charts, charts)
    assert acc.scores() == {"SIC": 100.0, "SOD": 100.0, "FLOE": 100.0, "combined": 100.0}


def test_hand_computed_confusion():
    true = np.array([0, 0, 0, 1, 1, 2, 255, 255])
    pred = np.array([0, 0, 1, 1, 2, 2, 0, 5])
    acc = ScoreAccumulator()
    acc.add("SOD", true, pred)
    precision, _, f1 = per_class_f1(acc.matrices["SOD"])
    # class 0: TP 2, FP 0, FN 1 -> F1 4/5; class 1: TP 1, FP 1, FN 1 -> 1/2; class 2: TP 1,
    # FP 1, FN 0 -> 2/3. Weighted by support 3, 2, 1.
    np.testing.assert_allclose(f1[:3], [0.8, 0.5, 2 / 3])
    np.testing.assert_allclose(precision[:3], [1, 0.5, 0.5])
    expected = (3 * 0.8 + 2 * 0.5 + 1 * 2 / 3) / 6
    assert acc.scores()["SOD"] == pytest.approx(100 * expected)


def test_combined_weights():
    assert combined({"SIC": 90, "SOD": 80, "FLOE": 50}) == pytest.approx((180 + 160 + 50) / 5)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agrees_with_scikit_learn_pooled_over_scenes(seed):
    rng = np.random.default_rng(seed)
    acc = ScoreAccumulator()
    pooled = {c: ([], []) for c in ("SIC", "SOD", "FLOE")}
    for _ in range(3):  # three "scenes"
        for chart, n in (("SIC", 11), ("SOD", 6), ("FLOE", 7)):
            true = rng.integers(0, n, (30, 40)).astype(np.uint8)
            true[rng.random(true.shape) < 0.2] = 255
            pred = np.where(rng.random(true.shape) < 0.6, true, rng.integers(0, n, true.shape))
            pred = pred.astype(np.uint8)
            acc.add(chart, true, pred)
            keep = true != 255
            pooled[chart][0].append(true[keep])
            pooled[chart][1].append(pred[keep])
    got = acc.scores()
    t, p = (np.concatenate(a) for a in pooled["SIC"])
    assert got["SIC"] == pytest.approx(100 * r2_score(t, p))
    for chart in ("SOD", "FLOE"):
        t, p = (np.concatenate(a) for a in pooled[chart])
        assert got[chart] == pytest.approx(100 * f1_score(t, p, average="weighted"))


def test_a_masked_prediction_counts_as_value_255_as_official_scoring_would():
    true = np.array([3, 4, 5])
    pred = np.array([3, 4, 255])
    assert confusion(true, pred, 11)[5, 11] == 1
    acc = ScoreAccumulator()
    acc.add("SIC", true, pred)
    assert acc.scores()["SIC"] == pytest.approx(100 * r2_score(true, pred))


def test_mismatched_shapes_are_refused():
    with pytest.raises(ValueError, match="reference has 3 pixels, prediction 2"):
        confusion(np.zeros(3), np.zeros(2), 11)
