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


# ------------------------------------------------------------------ real curves
def _feed(doctor, model, history, validation_data=None):
    """Feeds recorded per-epoch logs through the callback's hooks (no training)."""
    doctor.set_model(model)
    doctor.on_train_begin()
    keys = list(history)
    for epoch in range(len(history[keys[0]])):
        doctor.on_epoch_end(epoch, {k: history[k][epoch] for k in keys})
    doctor.on_train_end()
    return doctor


def _binary_model():
    return kzoo.mlp_classifier(num_classes=2, input_shape=(30,), hidden_units=(8,))


def test_overfitting_at_a_tiny_noisy_loss_is_not_read_as_oscillation():
    # The small tabular run: the validation loss bottoms out at epoch 7 and
    # then more than doubles while the training loss keeps falling, with noise at a
    # tiny level (0.039 -> 0.077 is +95% but 1/20 of the trivial loss ln 2).
    train = [0.52, 0.31, 0.2, 0.14, 0.1, 0.075, 0.06, 0.05, 0.039, 0.077, 0.036, 0.03,
             0.052, 0.025, 0.022, 0.041, 0.018, 0.016, 0.015, 0.024]
    val = [0.35, 0.21, 0.15, 0.12, 0.1, 0.095, 0.09, 0.097, 0.108, 0.12, 0.125, 0.14, 0.15,
           0.16, 0.17, 0.178, 0.185, 0.19, 0.2, 0.21]
    history = {"loss": train, "val_loss": val, "accuracy": [0.9 + 0.005 * i for i in range(20)],
               "val_accuracy": [0.95] * 20}
    doctor = _feed(TrainingDoctor(verbose=0, patience=5), _binary_model(), history)
    assert doctor.codes == ["overfitting"], doctor.summary()
    evidence = doctor.findings[0].evidence
    assert evidence["best_epoch"] == 7 and evidence["ratio"] >= 1.3
    assert evidence["early_stopping_epoch"] == 12  # best epoch 7 + patience 5
    assert "stopped at epoch 12 and restored epoch 7" in doctor.summary()


def _digits_splits():
    splits, _ = kzoo.data.standardize(kzoo.data.split(*kzoo.data.load_digits()))
    return splits


def test_a_loss_far_above_the_trivial_predictors_is_diverging_and_stops_training():
    # mlp_classifier(learning_rate=10) on digits: a finite loss far above ln 10 at
    # chance accuracy, which TerminateOnNaN never catches. (On TensorFlow the outputs
    # saturate differently: the same run collapses onto one class instead.)
    splits = _digits_splits()
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), hidden_units=(64, 32),
                                learning_rate=10.0)
    doctor = TrainingDoctor(validation_data=splits.val, verbose=0,
                            stop_on=("nan_loss", "diverging", "collapsed_predictions"))
    history = model.fit(*splits.train, validation_data=splits.val, epochs=8, verbose=0,
                        callbacks=[doctor])
    assert doctor.codes, doctor.summary()
    finding = doctor.findings[0]
    assert finding.code in ("diverging", "collapsed_predictions", "nan_loss"), doctor.summary()
    if finding.code == "diverging":
        assert finding.evidence["ratio"] >= 3
        assert finding.evidence["trivial_loss"] == pytest.approx(np.log(10), rel=0.01)
    assert "learning rate" in finding.advice.lower()
    assert len(history.history["loss"]) == finding.epoch  # stop_on stopped the run


def _recorded(run_id):
    import json
    import pathlib

    corpus = pathlib.Path(__file__).parent.parent / "benchmarks" / "doctor" / "corpus"
    for path in corpus.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            run = json.loads(line)
            if run["id"] == run_id:
                return run
    raise LookupError(run_id)


def _replayed(run, **kwargs):
    """Feeds a recorded corpus run through a doctor with its validation labels."""
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).parent.parent / "benchmarks" / "doctor" / "replay.py"
    spec = importlib.util.spec_from_file_location("doctor_replay_for_tests", path)
    replay = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(replay)
    return replay.replay_run(run, **kwargs)


def test_recorded_lr10_and_badly_scaled_runs_are_diverging():
    # The two runs as recorded on JAX: lr=10 on digits (a loss ~14 = 6x ln 10)
    # and inputs x100 with Adam at 1.0 (a loss ~10 = 9x ln 3), both at chance.
    for run_id, epoch in (("jax/diverge_digits_lr10/s0", 2), ("jax/diverge_unscaled_blobs/s0", 2)):
        run = _recorded(run_id)
        doctor = _replayed(run, stop_on=("nan_loss", "diverging"))
        assert doctor.codes == ["diverging"], (run_id, doctor.summary())
        assert doctor.findings[0].epoch == epoch and doctor.findings[0].evidence["ratio"] > 5
        assert doctor.epochs_seen == epoch  # stopped there
        assert _replayed(run, logs_only=True).codes == ["diverging"]


def test_badly_scaled_inputs_and_a_huge_learning_rate_get_a_finding():
    # The second run: inputs x100, Adam at 1.0, a loss ~10x ln 3 for 5 epochs.
    x, y = _blobs()
    xv, yv = _blobs(seed=1)
    x, xv = x * 100, xv * 100
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(8,), hidden_units=(64,),
                                learning_rate=1.0)
    logs_only = TrainingDoctor(verbose=0)  # sees only the logs: the loss level
    with_data = TrainingDoctor(validation_data=(xv, yv), verbose=0)  # also the predictions
    model.fit(x, y, validation_data=(xv, yv), epochs=5, verbose=0,
              callbacks=[logs_only, with_data])
    assert "diverging" in logs_only.codes, logs_only.summary()
    assert logs_only.findings[0].evidence["ratio"] > 3
    assert with_data.findings, with_data.summary()
    assert set(with_data.codes) <= {"collapsed_predictions", "diverging"}


def test_no_finding_yet_while_the_windows_are_too_short():
    history = {"loss": [0.9, 0.7], "val_loss": [0.8, 0.65], "accuracy": [0.6, 0.7],
               "val_accuracy": [0.62, 0.7]}
    doctor = _feed(TrainingDoctor(verbose=0), _binary_model(), history)
    summary = doctor.summary()
    assert doctor.findings == [] and "no problem found after 2 epoch" in summary
    assert "No finding yet" in summary and "no_improvement (21)" in summary


def test_gradient_health_logs_give_vanishing_and_exploding_findings():
    model = _binary_model()
    base = {"loss": [0.6, 0.5, 0.45], "val_loss": [0.6, 0.52, 0.47]}
    healthy = _feed(TrainingDoctor(verbose=0), model,
                    {**base, "grad_norm_min": [1e-3] * 3, "grad_norm_max": [2.0] * 3})
    assert healthy.codes == []
    vanishing = _feed(TrainingDoctor(verbose=0), model,
                      {**base, "grad_norm_min": [1e-3, 1e-8, 1e-9], "grad_norm_max": [1.0] * 3})
    assert vanishing.codes == ["vanishing_gradients"]
    assert vanishing.findings[0].epoch == 2
    assert vanishing.findings[0].evidence["grad_norm_min"] == 1e-8
    assert "ReLU" in vanishing.findings[0].advice and "residual" in vanishing.findings[0].advice
    exploding = _feed(TrainingDoctor(verbose=0, exploding_gradient=50.0), model,
                      {**base, "grad_norm_min": [1e-2] * 3, "grad_norm_max": [10.0, 80.0, 1e4]})
    assert exploding.codes == ["exploding_gradients"] and exploding.findings[0].epoch == 2
    assert "clip" in exploding.findings[0].advice.lower()
    infinite = _feed(TrainingDoctor(verbose=0), model,
                     {**base, "grad_norm_max": [1.0, float("inf"), 1.0]})
    assert infinite.codes == ["exploding_gradients"]


def test_the_trivial_predictor_is_read_from_the_model_and_the_labels():
    from kzoo.callbacks.diagnosis import infer_task, trivial_baseline

    assert infer_task(kzoo.mlp_classifier(num_classes=10, input_shape=(4,))) == \
        ("multiclass", 10)
    assert infer_task(kzoo.perceptron(input_shape=(4,))) == ("binary", 2)
    assert infer_task(kzoo.mlp_regressor(input_shape=(4,)))[0] == "regression"
    focal = kzoo.mlp_classifier(num_classes=3, input_shape=(4,), loss="focal")
    assert infer_task(focal) == (None, None)  # no trivial level for a focal loss
    assert trivial_baseline("multiclass", 4).trivial_loss == pytest.approx(np.log(4))
    base = trivial_baseline("binary", 2, np.array([0] * 90 + [1] * 10))
    assert base.trivial_loss == pytest.approx(-(0.9 * np.log(0.9) + 0.1 * np.log(0.1)))
    assert base.chance_score == pytest.approx(0.9)
    targets = np.random.default_rng(0).normal(3.0, 2.0, size=(500, 1))
    assert trivial_baseline("regression", None, targets).trivial_loss == pytest.approx(
        targets.var())


def test_learning_rate_advice_comes_from_lr_find_when_data_is_given():
    x, y = _blobs(n=256)
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(8,), hidden_units=(16,),
                                dropout=0.0, optimizer="sgd", learning_rate=1e3)
    doctor = TrainingDoctor(validation_data=(x, y), verbose=0, lr_find_data=(x, y))
    model.fit(x, y, epochs=3, verbose=0, callbacks=[doctor])
    assert doctor.findings, doctor.summary()
    finding = doctor.findings[0]
    suggestion = finding.evidence["lr_find_suggestion"]
    assert 1e-7 < suggestion < 1e3 and "kzoo.lr_find" in finding.advice
    assert doctor.suggest_learning_rate(x, y, steps=30) < 1e3
    plain = _feed(TrainingDoctor(verbose=0), model, {"loss": [20.0, 21.0, 20.5]})
    assert plain.codes == ["diverging"] and "rule of thumb" in plain.findings[0].advice


@pytest.mark.parametrize("kwargs, name", [
    ({"stop_on": ("nan_loss", "exploded")}, "stop_on"),
    ({"stop_on": "diverging"}, "stop_on"),
    ({"task": "ranking"}, "task"),
    ({"num_classes": 1}, "num_classes"),
    ({"diverging_factor": 1.0}, "diverging_factor"),
    ({"patience": 0}, "patience"),
    ({"trivial_loss": -1.0}, "trivial_loss"),
    ({"lr_find_data": np.zeros((3, 2))}, "lr_find_data"),
])
def test_bad_new_arguments_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TrainingDoctor(**kwargs)
