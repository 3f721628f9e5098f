"""TrainingDoctor: each provoked fault gets exactly its finding; a healthy run gets none."""

import logging

import numpy as np
import pytest

import kzoo
from kzoo.callbacks import DIAGNOSES, Finding, TrainingDoctor


def _blobs(n=300, features=8, classes=3, seed=0, spread=3.0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, size=n)
    centers = np.random.default_rng(99).normal(0, spread, size=(classes, features))
    x = centers[y] + rng.normal(0, 1, size=(n, features))
    return x.astype("float32"), y.astype("int32")


def _train(model, x, y, xv, yv, *, epochs, batch_size=32, **doctor_kwargs):
    doctor = TrainingDoctor(validation_data=(xv, yv), verbose=0, **doctor_kwargs)
    history = model.fit(x, y, validation_data=(xv, yv), epochs=epochs, batch_size=batch_size,
                        callbacks=[doctor], verbose=0)
    return doctor, history


def test_healthy_run_has_no_finding():
    x, y = _blobs()
    xv, yv = _blobs(seed=1)
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(8,), hidden_units=(32,),
                                learning_rate=3e-3)
    doctor, history = _train(model, x, y, xv, yv, epochs=10)
    assert history.history["val_accuracy"][-1] > 0.9
    assert doctor.findings == [], doctor.summary()
    assert "no problem" in doctor.summary()


def test_nan_loss_from_a_huge_learning_rate():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 8)).astype("float32")
    y = (x @ rng.normal(size=(8, 1)) * 10).astype("float32")
    model = kzoo.mlp_regressor(input_shape=(8,), hidden_units=(32, 32), dropout=0.0,
                               optimizer="sgd", learning_rate=1e3)
    doctor, history = _train(model, x, y, x[:32], y[:32], epochs=10)
    assert doctor.codes == ["nan_loss"]
    finding = doctor.findings[0]
    assert not np.isfinite(finding.evidence["loss"])
    assert finding.evidence["learning_rate"] == pytest.approx(1e3)
    assert "Divide the learning rate by 10" in finding.advice and "100" in finding.advice
    assert len(history.history["loss"]) == finding.epoch  # stop_on_nan stopped the run


def test_no_improvement_from_a_tiny_learning_rate():
    x, y = _blobs(n=64)
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(8,), hidden_units=(16,),
                                dropout=0.0, learning_rate=1e-7)
    doctor, _ = _train(model, x, y, x, y, epochs=21, batch_size=64)
    assert doctor.codes == ["no_improvement"]
    finding = doctor.findings[0]
    assert finding.epoch == 21 and finding.evidence["epochs_without_improvement"] == 20
    assert "Multiply the learning rate by 2-5" in finding.advice


def test_overfitting_from_a_big_model_on_tiny_noisy_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 20)).astype("float32")
    y = rng.integers(0, 2, size=48).astype("int32")  # pure noise: nothing generalizes
    xv = rng.normal(size=(200, 20)).astype("float32")
    yv = rng.integers(0, 2, size=200).astype("int32")
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(20,), hidden_units=(128, 128),
                                dropout=0.0, learning_rate=3e-3)
    doctor, history = _train(model, x, y, xv, yv, epochs=20, batch_size=16)
    assert doctor.codes == ["overfitting"]
    evidence = doctor.findings[0].evidence
    assert evidence["gap"] >= 0.2 and evidence["train"] > evidence["validation"]
    assert "dropout" in doctor.findings[0].advice.lower()


def test_underfitting_from_a_linear_model():
    # Label = sign(x0) inside a band |x1| < 0.8 and flipped outside: a linear
    # model is stuck near 58%, an MLP would solve it.
    rng = np.random.default_rng(0)

    def make(n):
        x = rng.normal(size=(n, 2)).astype("float32")
        y = ((x[:, 0] > 0) ^ (np.abs(x[:, 1]) > 0.8)).astype("int32")
        return x, y

    (x, y), (xv, yv) = make(400), make(200)
    model = kzoo.perceptron(input_shape=(2,), num_classes=2, learning_rate=3e-2)
    doctor, history = _train(model, x, y, xv, yv, epochs=15)
    assert doctor.codes == ["underfitting"]
    evidence = doctor.findings[0].evidence
    assert evidence["train"] < 0.7 and evidence["validation"] < 0.7
    assert "more complex model" in doctor.findings[0].advice


def test_collapsed_predictions_from_imbalance_and_a_huge_learning_rate():
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.1).astype("int32")  # 90% / 10%
    x = (rng.normal(size=(400, 8)) + 0.5 * y[:, None]).astype("float32")
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(8,), hidden_units=(32,),
                                learning_rate=1.0)
    doctor, _ = _train(model, x[:300], y[:300], x[300:], y[300:], epochs=6)
    assert doctor.codes == ["collapsed_predictions"]
    evidence = doctor.findings[0].evidence
    assert evidence["predicted_class"] == 0 and evidence["predicted_fraction"] >= 0.95
    assert evidence["true_fraction"] < 0.95
    assert "class weights" in doctor.findings[0].advice


def test_oscillating_loss_from_a_too_high_learning_rate():
    x, y = _blobs(n=200, spread=1.5)
    xv, yv = _blobs(n=100, seed=1, spread=1.5)
    # SGD (momentum 0.9) at 500x the guide's rate: the loss jumps up and down
    # without diverging to NaN (tanh units cannot die), accuracy stays high.
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(8,), hidden_units=(64,),
                                activation="tanh", dropout=0.0, optimizer="sgd",
                                learning_rate=0.5)
    doctor, history = _train(model, x, y, xv, yv, epochs=14)
    assert doctor.codes == ["oscillating_loss"], (doctor.summary(), history.history["loss"])
    assert doctor.findings[0].evidence["rises"] >= 3


def test_findings_are_logged_once_and_structured(caplog):
    x, y = _blobs(n=64)
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(8,), hidden_units=(16,),
                                dropout=0.0, learning_rate=1e-7)
    with caplog.at_level(logging.WARNING, logger="kzoo.doctor"):
        doctor, _ = _train(model, x, y, x, y, epochs=24, batch_size=64,
                           no_improvement_epochs=3)
    # The condition persists for many epochs but is recorded and logged once.
    assert doctor.codes == ["no_improvement"]
    assert sum("[no_improvement]" in r.getMessage() for r in caplog.records) == 1
    finding = doctor.findings[0]
    assert isinstance(finding, Finding) and finding.epoch == 4
    assert finding.cause == DIAGNOSES["no_improvement"][0]
    assert "no_improvement" in str(finding) and "learning_rate=1e-07" in str(finding)


@pytest.mark.parametrize("kwargs, name", [
    ({"no_improvement_epochs": 0}, "no_improvement_epochs"),
    ({"overfit_gap": -0.1}, "overfit_gap"),
    ({"collapse_fraction": 1.5}, "collapse_fraction"),
    ({"oscillation_window": 3, "oscillation_count": 3}, "oscillation_count"),
    ({"metric": "val_accuracy"}, "metric"),
    ({"validation_data": (np.zeros((3, 2)), np.zeros(4))}, "validation_data"),
])
def test_bad_arguments_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TrainingDoctor(**kwargs)
