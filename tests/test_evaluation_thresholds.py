"""kzoo.evaluation: decision thresholds, PR-AUC, balanced accuracy and evaluate_predictions
give scikit-learn's numbers on known predictions (guide: Evaluation Metrics)."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo.evaluation import best_threshold, evaluate_predictions, threshold_figure, threshold_table


def _scores(seed=0, n=400, prevalence=0.2):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype("int64")
    logits = rng.normal(size=n) + 1.5 * y
    return y, 1 / (1 + np.exp(-logits))


def test_threshold_table_equals_sklearn_at_each_threshold_and_recall_falls():
    from sklearn import metrics as skm

    y, p = _scores()
    table = threshold_table(y, p)
    assert len(table["threshold"]) == 19 and table["threshold"][0] == pytest.approx(0.05)
    for i, t in enumerate(table["threshold"]):
        pred = (p >= t).astype(int)
        if pred.sum():
            assert table["precision"][i] == pytest.approx(skm.precision_score(y, pred))
        else:
            assert np.isnan(table["precision"][i])
        assert table["recall"][i] == pytest.approx(skm.recall_score(y, pred))
        assert table["f1"][i] == pytest.approx(skm.f1_score(y, pred, zero_division=0))
        assert table["predicted_positive"][i] == pytest.approx(pred.mean())
    assert np.all(np.diff(table["recall"]) <= 0)              # a stricter rule finds fewer
    assert table["precision"][-2] > table["precision"][0]     # ... and is right more often
    # nothing scores above 0.999: precision is undefined there, recall and F1 are 0
    edge = threshold_table(y, np.clip(p, 0, 0.99), thresholds=[0.999])
    assert np.isnan(edge["precision"][0]) and edge["recall"][0] == 0 and edge["f1"][0] == 0


def test_best_threshold_maximises_the_metric_and_two_column_scores_work():
    y, p = _scores(1)
    table = threshold_table(y, p)
    best = best_threshold(y, p)
    assert table["f1"][list(table["threshold"]).index(best)] == pytest.approx(
        np.nanmax(table["f1"]))
    assert best_threshold(y, np.stack([1 - p, p], 1)) == best
    assert best_threshold(y, p, metric="recall") == pytest.approx(0.05)


def test_evaluate_predictions_shows_the_accuracy_trap():
    y = np.array([1] * 5 + [0] * 95)
    report = evaluate_predictions(y, np.zeros(100))           # always "not spam"
    assert report.task == "classification" and report.model_name == "predictions"
    assert report["accuracy"] == pytest.approx(0.95)
    assert report["balanced_accuracy"] == pytest.approx(0.5)
    assert report["recall"] == 0 and report["f1"] == 0 and report["precision"] == 0
    assert report["auc_roc"] == pytest.approx(0.5)
    assert report["pr_auc"] == pytest.approx(0.05)            # a constant score: the prevalence
    assert "balanced_accuracy" in str(report) and "pr_auc" in report.to_markdown()


def test_pr_auc_and_balanced_accuracy_equal_sklearn_and_threshold_moves_the_labels():
    from sklearn import metrics as skm

    y, p = _scores(2)
    inputs = keras.Input((1,))
    model = keras.Model(inputs, keras.layers.Identity()(inputs))
    model.compile(loss="binary_crossentropy")
    x = p[:, None].astype("float32")
    report = kzoo.evaluate(model, x, y, threshold=0.3)
    pred = (x[:, 0] >= 0.3).astype(int)
    assert report["pr_auc"] == pytest.approx(skm.average_precision_score(y, x[:, 0]), rel=1e-6)
    assert report["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, pred))
    assert report["recall"] == pytest.approx(skm.recall_score(y, pred))
    np.testing.assert_array_equal(report.confusion_matrix, skm.confusion_matrix(y, pred))
    default = kzoo.evaluate(model, x, y)
    assert default["recall"] < report["recall"] and default["auc_roc"] == report["auc_roc"]
    table = report.thresholds([0.3, 0.5])
    assert table["recall"][0] == pytest.approx(report["recall"])
    assert table["recall"][1] == pytest.approx(default["recall"])
    fig = threshold_figure(report.thresholds())
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["precision", "recall", "f1"]
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_evaluate_predictions_regression_and_multiclass():
    report = evaluate_predictions(np.array([110.0, 180.0, 155.0]),
                                  np.array([100.0, 200.0, 150.0]))
    assert report.task == "regression" and report["mae"] == pytest.approx(35 / 3)
    assert report["rmse"] == pytest.approx(np.sqrt((100 + 400 + 25) / 3))
    probs = np.eye(3)[[0, 1, 2, 2]] * 0.8 + 0.2 / 3
    multi = evaluate_predictions(np.array([0, 1, 2, 1]), probs)
    assert multi["accuracy"] == pytest.approx(0.75) and "pr_auc" not in multi.metrics
    assert multi["balanced_accuracy"] == pytest.approx((1 + 0.5 + 1) / 3)


def test_bad_arguments_name_themselves():
    y, p = _scores(3, n=40)
    with pytest.raises(ValueError, match="threshold"):
        evaluate_predictions(y, p, threshold=1.0)
    with pytest.raises(ValueError, match="threshold"):
        threshold_table(y, p, thresholds=[0.5, 0.0])
    with pytest.raises(ValueError, match="thresholds must be a non-empty"):
        threshold_table(y, p, thresholds=[])
    with pytest.raises(ValueError, match="y_true must hold binary labels"):
        threshold_table(y + 1, p)
    with pytest.raises(ValueError, match="same, non-zero number"):
        threshold_table(y[:10], p)
    with pytest.raises(ValueError, match="scores must be finite"):
        threshold_table(y, np.where(y, np.nan, p))
    with pytest.raises(ValueError, match="metric"):
        best_threshold(y, p, metric="accuracy")
    with pytest.raises(ValueError, match="probabilities in"):
        evaluate_predictions(y, p * 3)
    with pytest.raises(ValueError, match="task"):
        evaluate_predictions(y, p, task="ranking")
    with pytest.raises(ValueError, match="binary classification report"):
        evaluate_predictions(y.astype(float), p).thresholds()
    with pytest.raises(ValueError, match="table must come from threshold_table"):
        threshold_figure({"threshold": [0.5]})
