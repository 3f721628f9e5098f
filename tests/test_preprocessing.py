"""Preprocessing inside the model: kzoo.data.scaling.normalization_layer / with_preprocessing."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import kzoo
from kzoo.data.scaling import Standardizer, normalization_layer, with_preprocessing


def test_the_layer_standardizes_like_the_standardizer_constant_features_included():
    x, _ = kzoo.data.load_digits()
    train, test = x[:1200], x[1200:]
    assert (train.std(0) == 0).any()  # digits have always-blank corner pixels
    layer = normalization_layer(train)
    expected = Standardizer().fit(train).transform(test)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(test)), expected, atol=1e-3)
    images = x.reshape(-1, 8, 8, 1)
    by_pixel = normalization_layer(images[:1200])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(by_pixel(images[1200:])),
                               expected.reshape(-1, 8, 8, 1), atol=1e-3)


def test_a_regressor_with_both_ends_inside_saves_and_reloads_identically(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(50.0, 10.0, size=(256, 4)).astype("float32")
    y = (1000.0 + 30.0 * (x[:, :1] - 50.0) / 10.0).astype("float32")
    model = with_preprocessing(
        kzoo.mlp_regressor(input_shape=(4,), hidden_units=(16,), dropout=0.0,
                           learning_rate=1e-2),
        normalization_layer(x), postprocessing=normalization_layer(y, invert=True))
    y_scaled = Standardizer().fit(y).transform(y)
    # Train the inner model on standardized targets; the wrapper predicts in y's units.
    model.layers[2].fit(Standardizer().fit(x).transform(x), y_scaled, epochs=40, verbose=0)
    prediction = model.predict(x, verbose=0)
    assert np.abs(prediction - y).mean() < 0.1 * y.std()
    model.save(tmp_path / "m.keras")
    reloaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), prediction, rtol=1e-5)


def test_bad_arguments_raise():
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(4,))
    with pytest.raises(ValueError, match="x_train must be finite"):
        normalization_layer(np.array([[1.0, np.nan], [2.0, 3.0]]))
    with pytest.raises(ValueError, match="invert"):
        normalization_layer(np.ones((4, 2)), invert="yes")
    with pytest.raises(ValueError, match="preprocessing must be a keras layer"):
        with_preprocessing(model, None)
    with pytest.raises(ValueError, match="model must be a keras.Model"):
        with_preprocessing("mlp", normalization_layer(np.ones((4, 4))))


_SCORE_RAW_DIGITS = """
import sys, keras, numpy as np
from kzoo import data
x, y = data.load_digits()
splits = data.split(x, y, seed=int(sys.argv[2]))
model = keras.saving.load_model(sys.argv[1])
pred = model.predict(splits.x_test, verbose=0).argmax(-1)   # raw pixels 0..16
print("ACCURACY", float(np.mean(pred == splits.y_test)))
"""


def test_the_quickstart_model_predicts_raw_digits_in_a_fresh_process(load_recipe, tmp_path):
    scores = load_recipe("quickstart").main(["--output", str(tmp_path), "--epochs", "4",
                                             "--verbose", "0"])
    path = tmp_path / "mlp_classifier.keras"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [os.path.dirname(os.path.dirname(kzoo.__file__)), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-c", _SCORE_RAW_DIGITS, str(path), str(kzoo.defaults.SEED)]
    out = subprocess.run(command,
                         capture_output=True, text=True, env=env, timeout=300, check=True)
    accuracy = float(out.stdout.split("ACCURACY")[-1])
    assert accuracy > 0.8  # chance is 0.1
    assert accuracy == pytest.approx(scores["accuracy"], abs=1e-6)
