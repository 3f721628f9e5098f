"""Magnitude pruning: schedule, masks during fit, accuracy at 80% sparsity, strip and shrink."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import compression
from kzoo.compression.pruning import polynomial_sparsity
from kzoo.testing import assert_same_predictions


@pytest.fixture(scope="module")
def trained_mlp(digits_mlp):
    """The shared digits MLP (conftest) and its test accuracy on 512 unseen digits."""
    x, y = digits_mlp["x"], digits_mlp["y"]
    return {**digits_mlp, "accuracy": _accuracy(_model(digits_mlp), x[1280:1792], y[1280:1792])}


def _accuracy(model, x, y):
    return float(np.mean(model.predict(x, verbose=0).argmax(-1) == y))


def _model(data):
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
    model.set_weights(data["weights"])
    return model


def test_pruning_to_80_percent_weight_sparsity_keeps_accuracy(trained_mlp, tmp_path):
    x, y = trained_mlp["x"], trained_mlp["y"]
    model = _model(trained_mlp)
    before = compression.model_size(model)
    pruning = compression.MagnitudePruning(0.8, frequency=5)
    model.fit(x[:1280], y[:1280], epochs=4, batch_size=64, verbose=0, callbacks=[pruning])
    report = pruning.report()
    assert report["total"] == pytest.approx(0.8, abs=0.002)
    assert set(report["layers"]) == {"hidden_0_dense", "hidden_1_dense"}  # not the output
    for sparsity in report["layers"].values():
        assert sparsity == pytest.approx(0.8, abs=0.002)
    # Guide: "Often minimal accuracy loss" - within 2 points of the dense model.
    accuracy = _accuracy(model, x[1280:1792], y[1280:1792])
    print(f"dense {trained_mlp['accuracy']:.3f} -> 80% sparse {accuracy:.3f}")
    assert accuracy >= trained_mlp["accuracy"] - 0.02
    # The sparsity rose along the schedule and never went down.
    scheduled = [s for _, s in pruning.history]
    assert scheduled[0] == 0.0 and scheduled[-1] == pytest.approx(0.8)
    assert all(b >= a for a, b in zip(scheduled, scheduled[1:]))

    stripped = compression.strip(model)
    after = compression.model_size(stripped)
    # Zeros take the same room in a .keras file (stored uncompressed) but zip away.
    assert after.file_bytes == pytest.approx(before.file_bytes, rel=0.02)
    assert after.zipped_bytes < 0.5 * before.zipped_bytes
    assert after.nonzero_parameters < 0.3 * before.nonzero_parameters
    path = tmp_path / "pruned.keras"
    stripped.save(path)
    assert_same_predictions(model.predict(x[1280:1792], verbose=0),
                            keras.saving.load_model(path).predict(x[1280:1792], verbose=0))


def test_unit_pruning_then_shrink_builds_a_smaller_model_with_the_same_predictions(
        trained_mlp, tmp_path):
    x, y = trained_mlp["x"], trained_mlp["y"]
    model = _model(trained_mlp)
    pruning = compression.MagnitudePruning(0.5, granularity="units", schedule="linear",
                                           frequency=5)
    model.fit(x[:1280], y[:1280], epochs=3, batch_size=64, verbose=0, callbacks=[pruning])
    assert pruning.report()["units"] == {"hidden_0_dense": 0.5, "hidden_1_dense": 0.5}
    small = compression.shrink(model)
    assert [layer.units for layer in small.layers if isinstance(layer, keras.layers.Dense)] == [
        128, 64, 10]
    assert small.count_params() < 0.4 * model.count_params()
    assert_same_predictions(model.predict(x[1280:1792], verbose=0),
                            small.predict(x[1280:1792], verbose=0))
    assert _accuracy(small, x[1280:1792], y[1280:1792]) >= trained_mlp["accuracy"] - 0.03
    # Structurally smaller: the .keras file itself shrinks.
    assert compression.model_size(small).file_bytes < 0.5 * compression.model_size(
        model).file_bytes
    path = tmp_path / "small.keras"
    small.save(path)
    assert_same_predictions(small.predict(x[:64], verbose=0),
                            keras.saving.load_model(path).predict(x[:64], verbose=0))


def test_filter_pruning_shrinks_a_cnn_through_batch_norm_and_flatten():
    x, y = kzoo.data.load_digits(as_images=True)
    x = (x / 16.0).astype("float32")
    model = kzoo.cnn_classifier(num_classes=10, input_shape=(8, 8, 1), filters=(8, 16),
                                dense_units=(32,))
    pruning = compression.MagnitudePruning(0.5, granularity="units", frequency=4)
    model.fit(x[:320], y[:320], epochs=2, batch_size=32, verbose=0, callbacks=[pruning])
    assert set(compression.dead_units(model)) == {"block0_conv", "block1_conv", "head_0_dense"}
    small = compression.shrink(model)
    widths = [layer.filters for layer in small.layers if isinstance(layer, keras.layers.Conv2D)]
    assert widths == [4, 8]
    assert small.get_layer("block1_bn").get_weights()[0].shape == (8,)
    assert_same_predictions(model.predict(x[320:384], verbose=0),
                            small.predict(x[320:384], verbose=0))


def test_shrink_refuses_layers_it_cannot_carry_units_through():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(4, name="hidden")(inputs)
    outputs = keras.layers.Dense(2, name="output")(keras.layers.Add()([hidden, inputs]))
    with pytest.raises(ValueError, match="chains of layers"):
        compression.shrink(keras.Model(inputs, outputs))


def test_polynomial_and_linear_schedules():
    kwargs = {"initial_sparsity": 0.0, "target_sparsity": 0.8, "begin_step": 10,
              "end_step": 110}
    assert polynomial_sparsity(0, **kwargs) == 0.0
    assert polynomial_sparsity(60, **kwargs) == pytest.approx(0.8 * (1 - 0.5**3))
    assert polynomial_sparsity(60, power=1, **kwargs) == pytest.approx(0.4)
    assert polynomial_sparsity(500, **kwargs) == 0.8


def test_bad_arguments_raise():
    import re

    for kwargs, message in [
        ({"target_sparsity": 1.0}, "target_sparsity must be a finite number in [0.0, 1.0). "
                                   "Received: target_sparsity=1.0"),
        ({"target_sparsity": -0.1}, "Received: target_sparsity=-0.1"),
        ({"initial_sparsity": 0.9, "target_sparsity": 0.5}, "initial_sparsity must be <="),
        ({"granularity": "rows"}, "granularity must be one of"),
        ({"schedule": "cubic"}, "schedule must be one of"),
        ({"frequency": 0}, "frequency must be an integer >= 1"),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)):
            compression.MagnitudePruning(**kwargs)


def test_unknown_layer_names_raise_before_any_training():
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(4,), hidden_units=(8,))
    weights = [w.copy() for w in model.get_weights()]
    pruning = compression.MagnitudePruning(0.5, layers=["nope"])
    with pytest.raises(ValueError, match="layers must name Dense/Conv layers"):
        model.fit(np.zeros((8, 4)), np.zeros(8), epochs=1, verbose=0, callbacks=[pruning])
    assert_same_predictions(model.get_weights(), weights)
