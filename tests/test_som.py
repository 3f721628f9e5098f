"""Self-organizing map: Kohonen training on every backend, errors, ordering, decay."""

import importlib.util
import pathlib

import keras
import numpy as np
import pytest

import kzoo
from kzoo import data


@pytest.fixture(scope="module")
def digits():
    x, y = data.load_digits()
    return x / 16.0, y


def test_som_quantizes_digits_and_keeps_topology(digits):
    x, _ = digits
    som = kzoo.self_organizing_map(input_shape=(64,), grid_shape=(8, 8), seed=0)
    assert som.trainable_weights == []  # no gradient descent: the Kohonen rule only
    qe_init = som.quantization_error(x)
    history = som.fit(x, epochs=5, batch_size=16, verbose=0)
    qe = som.quantization_error(x)
    te = som.topographic_error(x)
    # measured ~3.8 -> ~1.58 on all three backends, topographic error ~0.01
    assert qe < 0.5 * qe_init, (qe_init, qe)
    assert te < 0.1, te
    assert history.history["quantization_error"][-1] == pytest.approx(qe, rel=0.05)
    assert som.evaluate(x, verbose=0, return_dict=True)["quantization_error"] == \
        pytest.approx(qe, rel=1e-4)


def test_som_orders_a_one_dimensional_input():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(400, 1)).astype("float32")
    som = kzoo.self_organizing_map(input_shape=(1,), grid_shape=(1, 10), seed=0)
    som.fit(x, epochs=10, batch_size=8, verbose=0)
    w = som.unit_weights()[0, :, 0]
    steps = np.diff(w)
    assert np.all(steps > 0) or np.all(steps < 0), w  # neighbouring units, neighbouring weights
    assert w.min() < 0.15 and w.max() > 0.85, w       # and they spread over the data


def test_som_orders_a_two_dimensional_input():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, size=(500, 2)).astype("float32")
    som = kzoo.self_organizing_map(input_shape=(2,), grid_shape=(5, 5), seed=0)
    som.fit(x, epochs=10, batch_size=8, verbose=0)
    w = som.unit_weights()
    adjacent = np.mean([np.linalg.norm(w[r, c] - w[r, c + 1]) for r in range(5)
                        for c in range(4)]
                       + [np.linalg.norm(w[r, c] - w[r + 1, c]) for r in range(4)
                          for c in range(5)])
    flat = w.reshape(-1, 2)
    all_pairs = np.mean(np.linalg.norm(flat[:, None] - flat[None], axis=-1)[
        np.triu_indices(25, 1)])
    assert adjacent < 0.5 * all_pairs, (adjacent, all_pairs)
    assert som.topographic_error(x) < 0.1


def test_learning_rate_and_radius_decay():
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    som = kzoo.self_organizing_map(input_shape=(3,), grid_shape=(4, 6), learning_rate=0.4,
                                   final_learning_rate=0.02, final_sigma=0.5)
    assert som.current_learning_rate == pytest.approx(0.4)
    assert som.current_sigma == pytest.approx(3.0)  # half the larger side
    history = som.fit(x, epochs=4, batch_size=16, verbose=0).history
    assert np.all(np.diff(history["learning_rate"]) < 0), history["learning_rate"]
    assert np.all(np.diff(history["sigma"]) < 0), history["sigma"]
    # the decay horizon is the first fit: the last step used the final values
    assert history["learning_rate"][-1] == pytest.approx(0.02, rel=1e-4)
    assert history["sigma"][-1] == pytest.approx(0.5, rel=1e-4)
    lr_mid, sigma_mid = (float(keras.ops.convert_to_numpy(v)) for v in som.schedule(7.5))
    assert lr_mid == pytest.approx(0.4 * (0.02 / 0.4) ** 0.5, rel=1e-4)
    assert sigma_mid == pytest.approx(3.0 * (0.5 / 3.0) ** 0.5, rel=1e-4)


def test_winner_u_matrix_and_save_reload(tmp_path):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-4, 0.3, size=(60, 2)),
                        rng.normal(4, 0.3, size=(60, 2))]).astype("float32")
    som = kzoo.self_organizing_map(input_shape=(2,), grid_shape=(6, 6), x_init=x, seed=0)
    som.fit(x, epochs=8, batch_size=8, verbose=0)
    winners = som.winner(x)
    assert winners.shape == (120, 2) and winners.dtype.kind == "i"
    assert np.all(winners >= 0) and np.all(winners[:, 0] < 6) and np.all(winners[:, 1] < 6)
    flat = som.winner(x, flat=True)
    np.testing.assert_array_equal(flat, winners[:, 0] * 6 + winners[:, 1])
    # the two blobs win disjoint units, and the U-matrix shows a border between them
    assert not set(flat[:60]) & set(flat[60:])
    u = som.u_matrix()
    assert u.shape == (6, 6) and np.all(u >= 0)
    hit = np.zeros(36, dtype=bool)
    hit[flat] = True
    # units that win samples sit inside a blob (low U); the unused units between
    # the blobs form the border (high U). Measured ~0.69 vs ~2.15 on every backend.
    assert u.ravel()[hit].mean() < 0.5 * u.ravel()[~hit].mean(), u
    path = tmp_path / "som.keras"
    som.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(reloaded.winner(x), winners)
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), som.predict(x, verbose=0),
                               atol=1e-5)
    assert reloaded.current_sigma == pytest.approx(som.current_sigma)


@pytest.mark.parametrize("kwargs, match", [
    ({"grid_shape": (0, 0)}, r"Received: grid_shape=\(0, 0\)"),
    ({"grid_shape": (4,)}, r"grid_shape must be a tuple of 2 dimension"),
    ({"input_shape": (0,)}, r"Received: input_shape=\(0,\)"),
    ({"learning_rate": 0}, r"Received: learning_rate=0"),
    ({"final_learning_rate": 0.9}, r"Received: final_learning_rate=0.9"),
    ({"sigma": 1.0, "final_sigma": 2.0}, r"Received: final_sigma=2.0"),
    ({"decay_steps": 0}, r"Received: decay_steps=0"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kzoo.self_organizing_map(**{"input_shape": (3,), **kwargs})


def test_som_digits_recipe(tmp_path, capsys):
    path = pathlib.Path(__file__).parent.parent / "recipes" / "som_digits.py"
    spec = importlib.util.spec_from_file_location("recipe_som_digits", path)
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    scores = recipe.main(["--output", str(tmp_path), "--epochs", "2", "--grid", "6"])
    assert scores["quantization_error"] < 0.6 * scores["initial_quantization_error"]
    assert scores["topographic_error"] < 0.2
    assert (tmp_path / "som_digits.png").stat().st_size > 1000
    assert "quantization error" in capsys.readouterr().out
    assert keras.saving.load_model(tmp_path / "self_organizing_map.keras").grid_shape == (6, 6)
