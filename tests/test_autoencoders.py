"""Autoencoder family: dense/conv variants, denoising, sparsity, anomaly scores."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import data
from kzoo.testing.harness import assert_same_predictions


@pytest.fixture(scope="module")
def digits():
    x, y = data.load_digits()
    return x / 16.0, y


def _kinds(model):
    out = []
    for sub in (model.encoder, model.decoder):
        out += [type(layer).__name__ for layer in sub.layers]
    return out


def _auc(scores, labels):
    """Probability that a random positive scores higher than a random negative."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    return float(np.mean(pos[:, None] > neg[None, :]) + 0.5 * np.mean(pos[:, None] == neg))


def test_variant_is_chosen_by_input_rank():
    dense = kzoo.autoencoder(input_shape=(64,), latent_dim=8, hidden_units=(32, 16))
    kinds = _kinds(dense)
    assert "Conv2D" not in kinds and kinds.count("Dense") == 6  # 2 + code, 2 + output
    conv = kzoo.autoencoder(input_shape=(8, 8, 1), latent_dim=4, filters=(8, 16))
    kinds = _kinds(conv)
    assert kinds.count("Conv2D") == 3 and kinds.count("Conv2DTranspose") == 2
    assert conv.encoder.output_shape == (None, 4)
    assert conv.decoder.output_shape == (None, 8, 8, 1)
    assert dense.name == "autoencoder" and conv.loss.name == "mse"


def test_autoencoder_learns_digits_and_encode_decode_survive_reload(digits, tmp_path):
    x, _ = digits
    model = kzoo.autoencoder(input_shape=(64,), latent_dim=12, hidden_units=(64, 32),
                             learning_rate=3e-3)
    model.fit(x, x, epochs=12, batch_size=64, verbose=0)
    mse = float(np.mean(kzoo.anomaly_scores(model, x)))
    baseline = float(np.mean((x - x.mean(0)) ** 2))  # reconstructing every digit as the mean
    assert mse < 0.35 * baseline, (mse, baseline)

    codes = model.encode(x[:32])
    assert codes.shape == (32, 12)
    np.testing.assert_allclose(model.decode(codes), model.predict(x[:32], verbose=0),
                               atol=1e-5)
    model.save(tmp_path / "ae.keras")
    reloaded = keras.saving.load_model(tmp_path / "ae.keras")
    assert isinstance(reloaded, type(model)) and reloaded.name == "autoencoder"
    assert_same_predictions(codes, reloaded.encode(x[:32]), what="encode")
    assert_same_predictions(model.decode(codes), reloaded.decode(codes), what="decode")


@pytest.mark.parametrize("noise", ["gaussian", "masking"])
def test_denoising_noise_only_in_training(noise):
    x = np.random.default_rng(0).uniform(size=(16, 8, 8, 1)).astype("float32")
    model = kzoo.denoising_autoencoder(input_shape=(8, 8, 1), latent_dim=4, filters=(4, 8),
                                       noise=noise, noise_level=0.3, seed=1)
    clean = model.predict(x, verbose=0)
    np.testing.assert_array_equal(clean, model.predict(x, verbose=0))  # deterministic
    np.testing.assert_allclose(clean, model.decode(model.encode(x)), atol=1e-6)  # clean path
    noisy_a = keras.ops.convert_to_numpy(model(x, training=True))
    noisy_b = keras.ops.convert_to_numpy(model(x, training=True))
    assert np.abs(noisy_a - clean).max() > 1e-3  # training sees corrupted inputs
    assert np.abs(noisy_a - noisy_b).max() > 1e-4  # fresh noise every call
    layer = model.get_layer("noise")
    corrupted = keras.ops.convert_to_numpy(layer(x, training=True))
    if noise == "masking":
        assert 0.2 < np.mean(corrupted == 0) < 0.4  # about 30 % masked
        kept = corrupted != 0
        np.testing.assert_array_equal(corrupted[kept], x[kept])  # no rescaling
    else:
        assert 0.25 < np.std(corrupted - x) < 0.35


def test_denoising_autoencoder_removes_noise(digits):
    x, _ = digits
    rng = np.random.default_rng(0)
    noisy = np.clip(x + rng.normal(0, 0.3, size=x.shape), 0, 1).astype("float32")
    model = kzoo.denoising_autoencoder(input_shape=(64,), latent_dim=16, hidden_units=(64,),
                                       noise_level=0.3, seed=0, learning_rate=3e-3)
    model.fit(x, x, epochs=12, batch_size=64, verbose=0)
    cleaned = model.predict(noisy, verbose=0)
    noisy_mse = float(np.mean((noisy - x) ** 2))
    cleaned_mse = float(np.mean((cleaned - x) ** 2))
    assert cleaned_mse < 0.6 * noisy_mse, (cleaned_mse, noisy_mse)


def test_sparsity_penalty_makes_codes_sparser(digits):
    x, _ = digits
    kwargs = dict(input_shape=(64,), latent_dim=32, hidden_units=(64,), learning_rate=3e-3)

    def active_fraction(model):
        keras.utils.set_random_seed(0)
        model.fit(x, x, epochs=8, batch_size=64, verbose=0)
        return float(np.mean(model.encode(x) > 1e-6)), float(np.mean(kzoo.anomaly_scores(
            model, x)))

    sparse, sparse_mse = active_fraction(kzoo.sparse_autoencoder(sparsity=3e-3, **kwargs))
    unpenalised, _ = active_fraction(kzoo.sparse_autoencoder(sparsity=0.0, **kwargs))
    plain, _ = active_fraction(kzoo.autoencoder(**kwargs))
    assert sparse < 0.6 * unpenalised, (sparse, unpenalised)
    assert sparse < 0.5 * plain, (sparse, plain)
    assert sparse_mse < float(np.mean((x - x.mean(0)) ** 2))  # still reconstructs
    model = kzoo.sparse_autoencoder(sparsity=1e-3, **kwargs)
    model(x[:4])
    assert len(model.losses) == 1  # the L1 activity penalty on the code


def test_anomaly_scores_separate_outliers():
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(3, 12))
    inliers = (rng.normal(size=(600, 3)) @ basis + 0.05 * rng.normal(size=(600, 12)))
    scale = inliers.std(0)
    inliers = (inliers / scale).astype("float32")
    test_in = ((rng.normal(size=(100, 3)) @ basis) / scale).astype("float32")
    outliers = rng.normal(size=(100, 12)).astype("float32")  # off the inliers' subspace
    model = kzoo.autoencoder(input_shape=(12,), latent_dim=3, hidden_units=(32,),
                             output_activation="linear", learning_rate=3e-3)
    model.fit(inliers, inliers, epochs=15, batch_size=32, verbose=0)
    scores = kzoo.anomaly_scores(model, np.concatenate([test_in, outliers]))
    labels = np.r_[np.zeros(100), np.ones(100)]
    assert scores.shape == (200,)
    assert _auc(scores, labels) > 0.9


def test_anomaly_scores_needs_a_reconstruction():
    clf = kzoo.mlp_classifier(num_classes=3, input_shape=(4,), hidden_units=(4,))
    with pytest.raises(ValueError, match="must reconstruct its input"):
        kzoo.anomaly_scores(clf, np.zeros((2, 4), "float32"))


@pytest.mark.parametrize("factory, kwargs, match", [
    (kzoo.autoencoder, {"latent_dim": 0}, r"Received: latent_dim=0"),
    (kzoo.autoencoder, {"input_shape": (9, 9, 1)}, r"divisible by 2\*\*len\(filters\) = 4"),
    (kzoo.autoencoder, {"input_shape": (8, 8)}, r"Received: input_shape=\(8, 8\)"),
    (kzoo.autoencoder, {"output_activation": "relu"}, r"Received: output_activation='relu'"),
    (kzoo.autoencoder, {"hidden_units": (0,)}, r"Received: hidden_units=\(0,\)"),
    (kzoo.autoencoder, {"learning_rate": -1}, r"Received: learning_rate=-1"),
    (kzoo.denoising_autoencoder, {"noise": "salt"}, r"Received: noise='salt'"),
    (kzoo.denoising_autoencoder, {"noise_level": 0.0}, r"Received: noise_level=0.0"),
    (kzoo.denoising_autoencoder, {"noise": "masking", "noise_level": 1.0},
     r"Received: noise_level=1.0"),
    (kzoo.sparse_autoencoder, {"sparsity": -1e-3}, r"Received: sparsity=-0.001"),
    (kzoo.sparse_autoencoder, {"code_activation": "swish"}, r"code_activation='swish'"),
])
def test_bad_arguments_raise_value_error(factory, kwargs, match):
    with pytest.raises(ValueError, match=match):
        factory(**{"input_shape": (8,), **kwargs})


def test_search_space_defaults_reproduce_the_factory():
    info = kzoo.model_info("autoencoder")
    space = info.search_space
    assert {"latent_dim", "units", "base_filters", "learning_rate"} <= set(space.names)
    values = space.defaults_from(info.defaults)
    assert values == {"units": 256, "base_filters": 32}
    kwargs = space.kwargs_for({**values, "latent_dim": 32, "learning_rate": 1e-3,
                               "optimizer": "adam"})
    assert kwargs["hidden_units"] == info.defaults["hidden_units"]
    assert kwargs["filters"] == info.defaults["filters"]
