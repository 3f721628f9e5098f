"""kzoo.evaluate: numbers equal scikit-learn's on known predictions; report prints and saves."""

import keras
import numpy as np
import pytest

import kzoo


def _identity(width, loss):
    """A model whose predictions are its inputs: the predictions are known exactly."""
    inputs = keras.Input((width,))
    model = keras.Model(inputs, keras.layers.Identity()(inputs), name="known")
    model.compile(loss=loss)
    return model


def _multiclass_scores(rng, n=60, k=3):
    y = rng.integers(0, k, size=n)
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    return probs.astype("float32"), y.astype("int32")


def test_multiclass_metrics_equal_sklearn(tmp_path):
    from sklearn import metrics as skm

    rng = np.random.default_rng(0)
    probs, y = _multiclass_scores(rng)
    model = _identity(3, "sparse_categorical_crossentropy")
    history = {"loss": [1.0, 0.7, 0.5], "val_loss": [1.1, 0.8, 0.75],
               "accuracy": [0.5, 0.7, 0.8], "val_accuracy": [0.45, 0.6, 0.7]}
    report = kzoo.evaluate(model, probs, y, history=history, class_names=["a", "b", "c"])
    pred = probs.argmax(1)
    assert report.task == "classification"
    assert report["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert report["precision"] == pytest.approx(skm.precision_score(y, pred, average="macro"))
    assert report["recall"] == pytest.approx(skm.recall_score(y, pred, average="macro"))
    assert report["f1"] == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert report["auc_roc"] == pytest.approx(
        skm.roc_auc_score(y, probs, multi_class="ovr", average="macro"), rel=1e-6)
    np.testing.assert_array_equal(report.confusion_matrix, skm.confusion_matrix(y, pred))
    text = str(report)
    for name in ("accuracy", "precision", "recall", "f1", "auc_roc", "confusion matrix"):
        assert name in text
    assert f"{report['f1']:.4f}" in text

    written = report.save(tmp_path / "report")
    names = sorted(p.rsplit("/", 1)[-1] for p in written)
    assert names == ["accuracy.png", "confusion_matrix.png", "loss.png", "roc.png",
                     "summary.md"]
    for path in written[:-1]:
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    summary = (tmp_path / "report" / "summary.md").read_text()
    assert "| f1 |" in summary and "![confusion_matrix](confusion_matrix.png)" in summary
    assert "best validation loss 0.7500 at epoch 3" in summary


def test_binary_metrics_equal_sklearn():
    from sklearn import metrics as skm

    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=80).astype("int32")
    p = np.clip(0.35 * y + rng.random(80) * 0.65, 0, 1).astype("float32")[:, None]
    report = kzoo.evaluate(_identity(1, "binary_crossentropy"), p, y)
    pred = (p[:, 0] > 0.5).astype(int)
    assert report["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert report["precision"] == pytest.approx(skm.precision_score(y, pred))
    assert report["recall"] == pytest.approx(skm.recall_score(y, pred))
    assert report["f1"] == pytest.approx(skm.f1_score(y, pred))
    assert report["auc_roc"] == pytest.approx(skm.roc_auc_score(y, p[:, 0]), rel=1e-6)
    assert report.confusion_matrix.shape == (2, 2)


def test_regression_metrics_equal_sklearn(tmp_path):
    from sklearn import metrics as skm

    rng = np.random.default_rng(2)
    pred = rng.normal(size=(50, 1)).astype("float32")
    y = (pred + 0.3 * rng.normal(size=(50, 1))).astype("float32")
    report = kzoo.evaluate(_identity(1, "mse"), pred, y)
    assert report.task == "regression"
    assert report["mae"] == pytest.approx(skm.mean_absolute_error(y, pred), rel=1e-6)
    assert report["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, pred)), rel=1e-6)
    assert report["r2"] == pytest.approx(skm.r2_score(y, pred), rel=1e-5)
    assert "rmse" in str(report) and report.confusion_matrix is None
    written = report.save(tmp_path)
    assert sorted(p.rsplit("/", 1)[-1] for p in written) == ["residuals.png", "summary.md"]


def test_evaluate_a_trained_model_with_its_history(tmp_path):
    x, y = kzoo.data.load_breast_cancer()
    splits, _ = kzoo.data.standardize(kzoo.data.split(x, y, seed=0))
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(30,), hidden_units=(16,))
    history = model.fit(*splits.train, validation_data=splits.val, epochs=12, verbose=0)
    report = kzoo.evaluate(model, *splits.test, history=history)
    assert report["accuracy"] > 0.9 and report["auc_roc"] > 0.95
    assert report.history is history.history and report.model_name == "mlp_classifier"
    names = {p.rsplit("/", 1)[-1] for p in report.save(tmp_path)}
    assert {"loss.png", "auc.png", "roc.png", "confusion_matrix.png", "summary.md"} <= names


def test_evaluate_validates_inputs():
    model = _identity(3, "sparse_categorical_crossentropy")
    probs = np.full((4, 3), 1 / 3, "float32")
    with pytest.raises(ValueError, match="labels must be in 0..2"):
        kzoo.evaluate(model, probs, np.array([0, 1, 2, 5]))
    with pytest.raises(ValueError, match="same number of samples"):
        kzoo.evaluate(model, probs, np.array([0, 1]))
    with pytest.raises(ValueError, match="x must be finite"):
        kzoo.evaluate(model, np.full((4, 3), np.nan, "float32"), np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="task"):
        kzoo.evaluate(model, probs, np.array([0, 1, 2, 0]), task="ranking")
    with pytest.raises(ValueError, match="class_names"):
        kzoo.evaluate(model, probs, np.array([0, 1, 2, 0]), class_names=["a"])


def test_per_class_table_names_its_averaging_and_figures_come_from_sklearn_displays():
    import matplotlib.pyplot as plt
    from sklearn import metrics as skm

    rng = np.random.default_rng(1)
    probs, y = _multiclass_scores(rng, n=90)
    report = kzoo.evaluate(_identity(3, "sparse_categorical_crossentropy"), probs, y,
                           class_names=["a", "b", "c"],
                           history={"loss": [1.0, 0.8, 0.7], "val_loss": [1.1, 0.9, 0.8]})
    expected = skm.classification_report(y, probs.argmax(1), output_dict=True,
                                         target_names=["a", "b", "c"])
    assert report.average == "macro" and list(report.per_class) == ["a", "b", "c"]
    for name, row in report.per_class.items():
        assert row["precision"] == pytest.approx(expected[name]["precision"])
        assert row["f1"] == pytest.approx(expected[name]["f1-score"])
        assert row["support"] == expected[name]["support"]
    text = str(report)
    assert "macro average (unweighted mean over the 3 classes)" in text
    assert "precision  recall      f1  support" in text
    assert "| class | precision | recall | f1 | support |" in report.to_markdown()
    figures = dict(report.plot())
    assert list(figures) == ["loss", "confusion_matrix", "roc"]
    ticks = figures["loss"].axes[0].get_xticks()
    visible = ticks[(ticks >= 1) & (ticks <= 3)]
    assert len(visible) and np.allclose(visible, np.round(visible))  # whole epochs only
    texts = [t.get_text() for t in figures["confusion_matrix"].axes[0].texts]
    assert sorted(map(int, texts)) == sorted(report.confusion_matrix.ravel().tolist())
    labels = [t.get_text() for t in figures["roc"].axes[0].get_legend().get_texts()]
    assert any("AUC" in t for t in labels) and len(labels) == 4  # 3 classes + chance
    binary = kzoo.evaluate(_identity(1, "binary_crossentropy"),
                           rng.uniform(size=(40, 1)).astype("float32"), np.arange(40) % 2)
    assert binary.average == "binary" and "positive class" in str(binary)
    regression = kzoo.evaluate(_identity(1, "mse"), rng.normal(size=(30, 1)),
                               rng.normal(size=30))
    (name, fig), = regression.plot()
    assert name == "residuals" and len(fig.axes) == 2
    plt.close("all")
