"""RBF networks: k-means centers, the Gaussian units, nonlinear classification, regression."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo.layers import RBF


def _rings(rng, n):
    radius = rng.choice([0.5, 1.5], size=n)
    angle = rng.uniform(0, 2 * np.pi, size=n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x = x + rng.normal(0, 0.1, size=(n, 2))
    return x.astype("float32"), (radius > 1).astype("int32")


def test_kmeans_puts_the_centers_on_the_clusters():
    rng = np.random.default_rng(0)
    true_centers = np.array([[-5, -5], [-5, 5], [5, -5], [5, 5]], dtype="float32")
    x = np.concatenate([c + rng.normal(0, 0.5, size=(50, 2)) for c in true_centers])
    layer = RBF(4, seed=0)
    layer.adapt(x)
    centers = keras.ops.convert_to_numpy(layer.centers)
    nearest = np.linalg.norm(centers[:, None] - true_centers[None], axis=-1).min(axis=1)
    assert np.all(nearest < 0.3), nearest
    # one center per cluster, and each width is the cluster's RMS radius (0.5 * sqrt(2))
    assert len({tuple(np.sign(c)) for c in centers}) == 4
    np.testing.assert_allclose(layer.widths, 0.5 * np.sqrt(2), rtol=0.2)


def test_rbf_unit_is_the_guides_gaussian():
    layer = RBF(2, initial_width=2.0)
    layer.build((None, 3))
    layer.centers.assign(np.array([[0, 0, 0], [1, 2, 2]], dtype="float32"))
    x = np.array([[0, 0, 0], [2, 0, 0]], dtype="float32")
    phi = keras.ops.convert_to_numpy(layer(x))
    # phi = exp(-||x - c||^2 / (2 sigma^2)) with sigma = 2
    expected = np.exp(-np.array([[0.0, 9.0], [4.0, 9.0]]) / 8.0)
    np.testing.assert_allclose(phi, expected, rtol=1e-5)


def test_rbf_classifier_learns_concentric_rings():
    rng = np.random.default_rng(0)
    x, y = _rings(rng, 512)
    x_test, y_test = _rings(np.random.default_rng(1), 512)
    model = kzoo.rbf_classifier(num_classes=2, input_shape=(2,), num_centers=16, x_init=x,
                                seed=0, learning_rate=1e-2)
    model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    assert scores["accuracy"] >= 0.95, scores  # measured 1.0; a linear model is at ~0.5


def test_fixed_widths_stay_fixed_and_still_learn():
    rng = np.random.default_rng(0)
    x, y = _rings(rng, 512)
    model = kzoo.rbf_classifier(num_classes=2, input_shape=(2,), num_centers=16, x_init=x,
                                trainable_widths=False, trainable_centers=False, seed=0,
                                learning_rate=3e-2)
    layer = model.get_layer("rbf")
    widths, centers = layer.widths.copy(), keras.ops.convert_to_numpy(layer.centers).copy()
    assert len(model.trainable_weights) == 2  # only the linear output: kernel + bias
    model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    np.testing.assert_array_equal(layer.widths, widths)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.centers), centers)
    assert model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"] >= 0.95


def test_rbf_regressor_fits_a_sine():
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, size=(256, 1)).astype("float32")
    y = (np.sin(x) + rng.normal(0, 0.05, size=(256, 1))).astype("float32")
    model = kzoo.rbf_regressor(input_shape=(1,), num_centers=12, x_init=x, seed=0,
                               learning_rate=1e-2)
    model.fit(x, y, epochs=40, batch_size=32, verbose=0)
    x_test = np.linspace(-2.9, 2.9, 100, dtype="float32")[:, None]
    pred = model.predict(x_test, verbose=0)
    rmse = float(np.sqrt(np.mean((pred - np.sin(x_test)) ** 2)))
    assert rmse < 0.1, rmse  # measured ~0.03; predicting the mean gives ~0.7


def test_without_data_the_centers_are_random_and_documented():
    model = kzoo.rbf_classifier(num_classes=3, input_shape=(4,), num_centers=64, seed=0)
    centers = keras.ops.convert_to_numpy(model.get_layer("rbf").centers)
    assert 0.7 < centers.std() < 1.3  # N(0, 1): standardized inputs
    np.testing.assert_allclose(model.get_layer("rbf").widths, 1.0, rtol=1e-6)


@pytest.mark.parametrize("kwargs, match", [
    ({"num_centers": 0}, r"num_centers must be an integer >= 1. Received: num_centers=0"),
    ({"initial_width": 0.0}, r"Received: initial_width=0.0"),
    ({"x_init": np.zeros((3, 2), "float32"), "num_centers": 8},
     r"at least units=8 samples. Received: x with 3 samples"),
    ({"input_shape": (0,)}, r"Received: input_shape=\(0,\)"),
    ({"num_classes": 1}, r"Received: num_classes=1"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kzoo.rbf_classifier(**{"num_classes": 2, "input_shape": (2,), **kwargs})
