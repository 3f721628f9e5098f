"""kzoo.callbacks.recommended: the guide's defaults, overrides, fallbacks and resuming."""

import csv
import warnings

import keras
import numpy as np
import pytest

import kzoo
from kzoo.callbacks import AtomicModelCheckpoint, recommended


def _by_type(callbacks):
    return {type(c).__name__: c for c in callbacks}


def _data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int32")
    return x, y


def test_defaults_are_the_guides():
    found = _by_type(recommended())
    assert list(found) == ["StepAwareEarlyStopping", "ScheduleAwareReduceLROnPlateau",
                           "TerminateOnNaN"]
    stop, reduce = found["StepAwareEarlyStopping"], found["ScheduleAwareReduceLROnPlateau"]
    assert stop.min_patience_steps == reduce.min_patience_steps == 200
    assert (stop.monitor, stop.patience, stop.restore_best_weights) == ("val_loss", 15, True)
    assert (reduce.monitor, reduce.factor, reduce.patience, reduce.min_lr) == (
        "val_loss", 0.5, 5, 1e-7)


def test_every_number_can_be_overridden(tmp_path):
    callbacks = recommended(monitor="val_accuracy", patience=3, restore_best_weights=False,
                            reduce_lr_factor=0.2, reduce_lr_patience=2, min_lr=1e-5,
                            checkpoint=tmp_path / "best.keras", csv_log=tmp_path / "log.csv",
                            backup_dir=tmp_path / "backup", terminate_on_nan=False)
    found = _by_type(callbacks)
    assert list(found) == ["StepAwareEarlyStopping", "ScheduleAwareReduceLROnPlateau",
                           "AtomicModelCheckpoint", "CSVLogger", "BackupAndRestore"]
    stop = found["StepAwareEarlyStopping"]
    assert (stop.patience, stop.restore_best_weights) == (3, False)
    assert stop.monitor == "val_accuracy"
    reduce = found["ScheduleAwareReduceLROnPlateau"]
    assert (reduce.factor, reduce.patience, reduce.min_lr) == (0.2, 2, 1e-5)
    checkpoint = found["AtomicModelCheckpoint"]
    assert checkpoint.save_best_only and checkpoint.monitor == "val_accuracy"
    assert "ScheduleAwareReduceLROnPlateau" not in _by_type(recommended(reduce_lr=False))


def test_without_validation_it_monitors_the_training_loss_and_says_so(caplog):
    with pytest.warns(UserWarning, match="monitor 'loss' instead of 'val_loss'"):
        callbacks = recommended(validation=False)
    assert {c.monitor for c in callbacks if hasattr(c, "monitor")} == {"loss"}
    x, y = _data()
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(6,), hidden_units=(8,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(x, y, epochs=2, verbose=0, callbacks=callbacks)
    assert len(history.history["loss"]) == 2
    # Keras warns when a monitored metric is missing; nothing is missing here.
    assert not [w for w in caught if "val_loss" in str(w.message)]


def test_same_numbers_as_the_explicit_keras_callbacks():
    x, y = _data()
    runs = []
    for callbacks in (
        lambda: recommended(patience=3, reduce_lr_patience=1, min_patience_steps=0),
        lambda: [keras.callbacks.EarlyStopping("val_loss", patience=3,
                                               restore_best_weights=True),
                 keras.callbacks.ReduceLROnPlateau("val_loss", factor=0.5, patience=1,
                                                   min_lr=1e-7)],
    ):
        keras.utils.set_random_seed(1)
        model = kzoo.mlp_classifier(num_classes=2, input_shape=(6,), hidden_units=(8,),
                                    dropout=0.0, learning_rate=0.05)
        history = model.fit(x[:96], y[:96], validation_data=(x[96:], y[96:]), epochs=12,
                            batch_size=32, verbose=0, shuffle=False, callbacks=callbacks())
        runs.append((history.history, model.get_weights()))
    (h1, w1), (h2, w2) = runs
    assert h1.keys() == h2.keys()
    np.testing.assert_allclose(h1["val_loss"], h2["val_loss"], rtol=1e-5)
    for a, b in zip(w1, w2):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_terminate_on_nan_stops_a_diverging_run():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x.sum(1, keepdims=True) * 100).astype("float32")
    model = kzoo.mlp_regressor(input_shape=(4,), hidden_units=(16, 16), dropout=0.0,
                               optimizer="sgd", learning_rate=1e3)
    history = model.fit(x, y, epochs=50, batch_size=8, verbose=0,
                        callbacks=recommended(validation=False))
    assert len(history.history["loss"]) < 50


class _Interrupt(keras.callbacks.Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise KeyboardInterrupt("simulated kill")


def test_backup_and_restore_resumes_an_interrupted_fit(tmp_path):
    x, y = _data()
    log = tmp_path / "log.csv"

    def callbacks():
        return recommended(backup_dir=tmp_path / "backup", csv_log=log, validation=False,
                           patience=100)

    model = kzoo.mlp_classifier(num_classes=2, input_shape=(6,), hidden_units=(8,))
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=6, verbose=0, callbacks=callbacks() + [_Interrupt(2)])
    weights_at_interrupt = model.get_weights()
    # A fresh process would rebuild the model: start from new random weights.
    keras.utils.set_random_seed(123)
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(6,), hidden_units=(8,))
    epochs_seen, weights_at_resume = [], []

    def on_epoch_begin(epoch, logs):
        epochs_seen.append(epoch)
        if not weights_at_resume:
            weights_at_resume.extend(model.get_weights())

    resumed = model.fit(x, y, epochs=6, verbose=0, callbacks=callbacks() + [
        keras.callbacks.LambdaCallback(on_epoch_begin=on_epoch_begin)])
    assert epochs_seen == [3, 4, 5]  # continues after the last completed epoch (2)
    assert len(resumed.history["loss"]) == 3
    with open(log) as f:
        assert [int(row["epoch"]) for row in csv.DictReader(f)] == [0, 1, 2, 3, 4, 5]
    # The resumed run started from the interrupted weights, not the new ones.
    for a, b in zip(weights_at_interrupt, weights_at_resume):
        np.testing.assert_array_equal(a, b)
    assert not (tmp_path / "backup").exists()  # deleted once training completed


def test_checkpoint_writes_the_best_model(tmp_path):
    x, y = _data()
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(6,), hidden_units=(8,))
    path = tmp_path / "best.keras"
    callbacks = recommended(checkpoint=path)
    assert isinstance(callbacks[2], AtomicModelCheckpoint)
    model.fit(x, y, validation_split=0.25, epochs=3, verbose=0, callbacks=callbacks)
    assert keras.saving.load_model(path).name == "mlp_classifier"


@pytest.mark.parametrize("kwargs, name", [
    ({"patience": -1}, "patience"),
    ({"reduce_lr_factor": 1.5}, "reduce_lr_factor"),
    ({"min_lr": -1.0}, "min_lr"),
    ({"monitor": ""}, "monitor"),
    ({"checkpoint": "best.h5x"}, "checkpoint"),
    ({"mode": "up"}, "mode"),
    ({"min_patience_steps": -1}, "min_patience_steps"),
])
def test_bad_arguments_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        recommended(**kwargs)


@pytest.mark.parametrize("make_schedule", [
    lambda: keras.optimizers.schedules.ExponentialDecay(1e-2, decay_steps=4, decay_rate=0.5),
    lambda: kzoo.schedules.one_cycle(1e-2, total_steps=40),
], ids=["keras_exponential_decay", "kzoo_one_cycle"])
def test_recommended_works_with_a_learning_rate_schedule(make_schedule, caplog):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 6)).astype("float32")
    y = rng.integers(0, 2, size=96).astype("int32")  # noise: the val loss plateaus at once

    def fit(callbacks):
        for c in callbacks:  # no epoch counts as an improvement: the plateau is certain
            if isinstance(c, keras.callbacks.ReduceLROnPlateau):
                c.min_delta = 10.0
        model = kzoo.mlp_classifier(num_classes=2, input_shape=(6,), hidden_units=(8,),
                                    learning_rate=make_schedule())
        return model.fit(x, y, validation_split=0.25, epochs=10, batch_size=32, verbose=0,
                         callbacks=callbacks)

    # Keras' own callback crashes here: this setup reaches the plateau.
    with pytest.raises(TypeError, match="not settable"):
        fit([keras.callbacks.ReduceLROnPlateau(patience=1)])
    with warnings.catch_warnings(record=True) as caught, caplog.at_level("WARNING"):
        warnings.simplefilter("always")
        history = fit(recommended(patience=100, reduce_lr_patience=1))
    assert len(history.history["loss"]) == 10
    rates = history.history["learning_rate"]
    assert len(rates) == 10 and rates[-1] != rates[0]  # the schedule, not the callback
    said = [w for w in caught if "schedule" in str(w.message)]
    assert len(said) == 1 and "will not reduce it" in str(said[0].message)
    assert sum("will not reduce it" in r.getMessage() for r in caplog.records) == 1


def _fed(callbacks, steps, val_losses):
    """Runs ``callbacks`` over made-up epochs of ``steps`` steps; returns (epochs, rates)."""
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(6,), hidden_units=(4,),
                                learning_rate=1e-3)
    model.optimizer.build(model.trainable_variables)
    rates = []
    for c in callbacks:
        c.set_model(model)
        c.set_params({"epochs": len(val_losses), "steps": steps, "verbose": 0})
        c.on_train_begin()
    for epoch, value in enumerate(val_losses):
        for c in callbacks:
            c.on_epoch_end(epoch, {"val_loss": value, "loss": value})
        rates.append(float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)))
        if model.stop_training:
            return epoch + 1, rates
    return len(val_losses), rates


def test_short_epochs_stretch_both_patiences():
    for steps, want in ((2, (100, 34)), (14, (15, 5)), (300, (15, 5))):
        callbacks = recommended(reduce_lr=True, terminate_on_nan=False)
        _fed(callbacks, steps, [1.0])
        stop, reduce = callbacks
        assert (stop.patience, reduce.patience) == want, steps
        assert (stop.epoch_patience, reduce.epoch_patience) == (15, 5)


def test_tiny_validation_set_does_not_stop_or_floor_the_rate_on_small_data():
    # A 6-sample validation loss: noise around a plateau for 60 epochs, then it improves
    # (the model leaves its first plateau). 40 samples at batch 20: 2 steps per epoch.
    rng = np.random.default_rng(0)
    values = list(0.69 + 0.05 * np.abs(rng.normal(size=60))) + list(np.linspace(0.6, 0.1, 40))
    values[0] = 0.69  # the first epoch is the best of the plateau
    keras_epochs, keras_rates = _fed(
        [keras.callbacks.EarlyStopping(patience=15, restore_best_weights=True),
         keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=5, min_lr=1e-7)], 2, values)
    epochs, rates = _fed(recommended(terminate_on_nan=False), 2, values)
    assert keras_epochs == 16          # Keras' callbacks stop on the plateau
    assert epochs == len(values)       # recommended() reaches the improvement
    assert rates[-1] >= 1e-3 / 4, rates[-1]   # at most two halvings in 100 epochs
    assert rates[-1] < 1e-3            # ... but the plateau did reduce it
