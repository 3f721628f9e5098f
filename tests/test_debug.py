"""Debugging tools (kzoo.debug): overfit one batch, gradient health, gradient checking."""

import keras
import numpy as np
import pytest
from keras import ops

import kzoo
from kzoo import debug


@pytest.fixture(scope="module")
def digits():
    x, y = kzoo.data.load_digits()
    return (x / 16.0).astype("float32"), y


def _deep(activation, initializer, depth, units):
    """A deep plain MLP classifier (10 softmax outputs, integer labels)."""
    inputs = keras.Input((64,))
    h = inputs
    for _ in range(depth):
        h = keras.layers.Dense(units, activation=activation, kernel_initializer=initializer)(h)
    outputs = keras.layers.Dense(10, activation="softmax", name="output")(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _exploding():
    """A deep ReLU regressor with far too large initial weights (std 1 instead of He's ~0.18).

    A regressor, because a softmax this far off saturates and Keras' clipped cross-entropy
    then returns a zero gradient on JAX / PyTorch, which hides the explosion.
    """
    inputs = keras.Input((64,))
    h = inputs
    for _ in range(6):
        h = keras.layers.Dense(64, activation="relu",
                               kernel_initializer=keras.initializers.RandomNormal(stddev=1.0))(h)
    model = keras.Model(inputs, keras.layers.Dense(1, name="output")(h))
    model.compile(optimizer="adam", loss="mse")
    return model


def test_overfit_one_batch_passes_on_a_healthy_model(digits):
    x, y = digits
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
    before = [w.copy() for w in model.get_weights()]
    result = debug.overfit_one_batch(model, x, y)
    assert result.passed and bool(result)
    assert result.final_loss <= 0.1 * result.initial_loss
    assert result.steps < 200 and len(result.losses) == result.steps
    assert "PASSED" in str(result)
    for a, b in zip(before, model.get_weights()):       # the model itself is untouched
        np.testing.assert_array_equal(a, b)


def test_overfit_one_batch_fails_on_broken_models(digits):
    x, y = digits
    tiny_lr = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), learning_rate=1e-12)
    result = debug.overfit_one_batch(tiny_lr, x, y, steps=60)
    assert not result.passed and result.steps == 60
    assert result.final_loss > 0.5 * result.initial_loss
    assert "learning rate" in result.advice
    frozen = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
    for layer in frozen.layers:
        layer.trainable = False
    frozen.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    result = debug.overfit_one_batch(frozen, x, y, steps=30)
    assert not result.passed and "no trainable weights" in result.advice


def test_gradient_health_names_the_guides_gradient_problems(digits):
    x, y = digits
    cases = {
        "healthy": (kzoo.mlp_classifier(num_classes=10, input_shape=(64,)), []),
        "deep sigmoid": (_deep("sigmoid", "glorot_uniform", 10, 32), ["vanishing_gradients"]),
        "huge init": (_exploding(), ["exploding_gradients"]),
    }
    healths = {}
    for name, (model, expected) in cases.items():
        health = healths[name] = debug.GradientHealth(x, y)
        seen = []
        reader = keras.callbacks.LambdaCallback(   # a callback placed after it, like the doctor
            on_epoch_end=lambda epoch, logs, seen=seen: seen.append(
                (logs["grad_norm_min"], logs["grad_norm_max"])))
        doctor = kzoo.callbacks.TrainingDoctor(verbose=0)   # reads the logs after it
        history = model.fit(x[:256], y[:256], epochs=2, batch_size=64, verbose=0,
                            callbacks=[health, doctor, reader])
        assert health.codes == expected, (name, health.summary())
        assert len(seen) == 2 and all(lo <= hi for lo, hi in seen), name
        assert history.history["grad_norm_min"] == [lo for lo, _ in seen]
        assert len(health.history) == 2 and len(health.activation_history) == 2
    [finding] = healths["deep sigmoid"].findings
    assert finding.epoch == 1 and finding.evidence["first_to_last_ratio"] < 1e-3
    assert "ReLU" in finding.advice and "batch normalization" in finding.advice
    [finding] = healths["huge init"].findings
    assert finding.evidence["grad_norm_max"] > debug.gradient_health.EXPLODING_NORM
    assert "clipnorm" in finding.advice


def test_gradient_norms_leave_the_model_unchanged(digits):
    x, y = digits
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), hidden_units=(16, 8),
                                batch_norm=True)
    before = [w.copy() for w in model.get_weights()]   # includes batch-norm moving stats
    norms = debug.gradient_norms(model, x, y)
    assert list(norms) == ["hidden_0_dense/kernel", "hidden_1_dense/kernel", "output/kernel"]
    assert all(np.isfinite(v) and v > 0 for v in norms.values())
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_activation_statistics_find_dead_units(digits):
    x, _ = digits
    inputs = keras.Input((64,))
    alive = keras.layers.Dense(16, activation="relu", name="alive")(inputs)
    dead = keras.layers.Dense(16, activation="relu", name="dead",
                              bias_initializer=keras.initializers.Constant(-100.0))(alive)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(dead))
    stats = debug.activation_statistics(model, x)
    assert stats["dead"]["zero_fraction"] == 1.0
    assert stats["alive"]["zero_fraction"] < 0.9 and stats["alive"]["std"] > 0


@keras.saving.register_keras_serializable(package="kzoo_tests")
class _NoGradientScale(keras.layers.Layer):
    """Scales its input by weights whose gradient is (wrongly) blocked."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * ops.stop_gradient(self.scale)


def test_gradient_check_catches_a_wrong_gradient(digits):
    x, y = digits
    healthy = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), hidden_units=(32, 16))
    result = debug.gradient_check(healthy, x, y)
    assert result.passed, str(result)
    inputs = keras.Input((64,))
    h = keras.layers.Dense(16, activation="tanh")(inputs)
    h = _NoGradientScale(name="broken")(h)
    broken = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(h))
    broken.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    result = debug.gradient_check(broken, x, y)
    assert not result.passed and result.worst_variable.startswith("broken")


def test_bad_arguments(digits):
    x, y = digits[0][:32], digits[1][:32]
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), hidden_units=(8,))
    uncompiled = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), compile=False)
    for call, match in [
        (lambda: debug.overfit_one_batch(model, x, y, batch_size=0), "batch_size"),
        (lambda: debug.overfit_one_batch(model, x, y, steps=0), "steps"),
        (lambda: debug.overfit_one_batch(model, x, y, target=1.5), "target"),
        (lambda: debug.overfit_one_batch(model, x, y[:-1]), "same"),
        (lambda: debug.overfit_one_batch(uncompiled, x, y), "compiled"),
        (lambda: debug.GradientHealth(x, y, exploding_norm=0), "exploding_norm"),
        (lambda: debug.GradientHealth(x, y, vanishing_ratio=2.0), "vanishing_ratio"),
        (lambda: debug.gradient_check(model, x, y, step=0), "step"),
    ]:
        with pytest.raises(ValueError, match=match):
            call()
