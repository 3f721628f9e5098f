"""Post-training quantization through Keras' Model.quantize: accuracy, size, save/reload."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import compression
from kzoo.testing import assert_same_predictions


@pytest.fixture(scope="module")
def trained_mlp(digits_mlp):
    return {"weights": digits_mlp["weights"], "x": digits_mlp["x"][1280:1792],
            "y": digits_mlp["y"][1280:1792]}


def _model(data):
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
    model.set_weights(data["weights"])
    return model


def test_int8_keeps_accuracy_within_a_point_and_is_four_times_smaller(trained_mlp, tmp_path):
    model = _model(trained_mlp)
    x, y = trained_mlp["x"], trained_mlp["y"]
    reference = model.predict(x, batch_size=256, verbose=0)
    result = compression.quantize(model, "int8", x=x, y=y)
    print(f"float32 {result.accuracy_before:.3f} -> int8 {result.accuracy_after:.3f}")
    assert result.accuracy_before > 0.9
    assert abs(result.accuracy_after - result.accuracy_before) <= 0.01
    assert result.quantized == ["hidden_0_dense", "hidden_1_dense", "output"]
    assert result.skipped == []
    assert result.compression > 3.5
    assert result.size_after.file_bytes < 0.5 * result.size_before.file_bytes
    kernel = result.model.get_layer("hidden_0_dense").kernel
    assert keras.backend.standardize_dtype(kernel.dtype) == "int8"
    # The original is untouched.
    assert all(layer.dtype_policy.quantization_mode is None for layer in model.layers)
    assert_same_predictions(reference, model.predict(x, batch_size=256, verbose=0))
    # The quantized copy saves and reloads as int8 with identical predictions.
    path = tmp_path / "int8.keras"
    result.model.save(path)
    reloaded = keras.saving.load_model(path)
    assert reloaded.get_layer("output").dtype_policy.name == "int8_from_float32"
    assert_same_predictions(result.model.predict(x, batch_size=256, verbose=0),
                            reloaded.predict(x, batch_size=256, verbose=0))


def test_int4_is_smaller_still_and_float8_adds_scales(trained_mlp):
    model = _model(trained_mlp)
    int4 = compression.quantize(model, "int4")
    assert int4.compression > 6
    float8 = compression.quantize(model, "float8")
    assert float8.quantized == ["hidden_0_dense", "hidden_1_dense", "output"]
    assert float8.size_after.weight_bytes > float8.size_before.weight_bytes  # FP8 training
    assert float8.accuracy_after is None  # no data given


def test_conv_layers_are_left_in_float_and_listed():
    model = kzoo.cnn_classifier(num_classes=10, input_shape=(8, 8, 1), filters=(8, 16),
                                dense_units=(32,))
    result = compression.quantize(model, "int8")
    assert result.quantized == ["head_0_dense", "output"]
    assert result.skipped == ["block0_conv", "block0_bn", "block1_conv", "block1_bn"]
    x = np.random.default_rng(0).uniform(0, 1, (8, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(result.model.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=0.05)


def test_bad_arguments_raise(trained_mlp):
    model = _model(trained_mlp)
    with pytest.raises(ValueError, match=r"mode must be one of \['int8', 'int4', 'float8'\]. "
                                         "Received: mode='int3'"):
        compression.quantize(model, "int3")
    with pytest.raises(ValueError, match="Pass both x and y"):
        compression.quantize(model, x=trained_mlp["x"])
