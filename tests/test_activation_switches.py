"""The activation switches the guide's Activation Functions experiments need.

- the dense family accepts ``activation="linear"`` (a deep stack without activations is
  one affine map), which no search space samples;
- ``cnn_classifier(activation=...)`` (Swish for images) sets the conv blocks, the dense
  head and their initialization;
- ``transformer_classifier(activation=...)`` sets the encoders' feed-forward activation.
"""

import numpy as np
import pytest

import kzoo
from kzoo import defaults
from kzoo.search_space import Choice


def _centred_log_probs(model, x):
    """``log p - mean(log p)``: an affine function of the logits, so of ``x`` when the
    network below the softmax is affine."""
    logp = np.log(np.asarray(model.predict(x, verbose=0), dtype="float64"))
    return logp - logp.mean(axis=-1, keepdims=True)


@pytest.mark.parametrize("activation, affine", [("linear", True), ("relu", False)])
def test_a_linear_deep_mlp_is_one_affine_map(activation, affine):
    import keras

    keras.utils.set_random_seed(0)
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(5,), hidden_units=(32, 32, 32),
                                dropout=0.0, activation=activation)
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=(2, 64, 5)).astype("float32")
    mixed = _centred_log_probs(model, 0.3 * x1 + 0.7 * x2)
    combined = 0.3 * _centred_log_probs(model, x1) + 0.7 * _centred_log_probs(model, x2)
    error = float(np.max(np.abs(mixed - combined)))
    scale = float(np.max(np.abs(combined)))
    if affine:
        assert error < 1e-3 * scale + 1e-4, f"linear stack not affine: error {error:.2e}"
    else:
        assert error > 1e-2 * scale, f"ReLU stack looks affine: error {error:.2e}"


def test_linear_mlp_cannot_learn_xor_and_relu_can():
    import keras

    rng = np.random.default_rng(0)
    corner = rng.integers(0, 2, size=(600, 2))
    x = ((2 * corner - 1) + rng.normal(0, 0.3, size=(600, 2))).astype("float32")
    y = (corner[:, 0] ^ corner[:, 1]).astype("int32")
    scores = {}
    for activation in ("linear", "relu"):
        keras.utils.set_random_seed(0)
        model = kzoo.mlp_classifier(num_classes=2, input_shape=(2,), hidden_units=(16, 16),
                                    dropout=0.0, activation=activation, learning_rate=1e-2)
        model.fit(x[:400], y[:400], epochs=15, batch_size=32, verbose=0)
        scores[activation] = model.evaluate(x[400:], y[400:], verbose=0,
                                            return_dict=True)["accuracy"]
    assert scores["linear"] < 0.7, scores
    assert scores["relu"] > 0.9, scores


def test_linear_is_accepted_but_never_searched():
    for name in ("mlp_classifier", "mlp_regressor"):
        choices = [p for p in kzoo.model_info(name).search_space.params
                   if isinstance(p, Choice) and p.name == "activation"]
        assert choices and "linear" not in choices[0].values
        assert tuple(choices[0].values) == defaults.HIDDEN_ACTIVATIONS
    assert "linear" not in defaults.HIDDEN_ACTIVATIONS
    kzoo.mlp_regressor(input_shape=(4,), hidden_units=(8,), activation="linear")
    with pytest.raises(ValueError, match="activation"):
        kzoo.cnn_classifier(num_classes=2, input_shape=(8, 8, 1), activation="linear")
    with pytest.raises(ValueError, match="activation"):
        kzoo.mlp_classifier(num_classes=2, input_shape=(4,), activation="softplus")


def test_cnn_activation_sets_blocks_head_and_initializer(tmp_path):
    import keras

    keras.utils.set_random_seed(0)
    model = kzoo.cnn_classifier(num_classes=3, input_shape=(8, 8, 1), filters=(8, 16),
                                dense_units=(16,), activation="tanh")
    names = [layer.name for layer in model.layers]
    assert "block0_tanh" in names and "block1_tanh" in names and "head_0_tanh" in names
    assert not any("relu" in name for name in names)
    init = model.get_layer("block0_conv").kernel_initializer
    assert type(init).__name__ == "GlorotUniform"
    default = kzoo.cnn_classifier(num_classes=3, input_shape=(8, 8, 1), filters=(8,),
                                  dense_units=(16,))
    assert "block0_relu" in [layer.name for layer in default.layers]
    assert type(default.get_layer("block0_conv").kernel_initializer).__name__ == "HeNormal"
    with pytest.raises(ValueError, match="activation"):
        kzoo.cnn_classifier(num_classes=3, input_shape=(8, 8, 1), activation="nope")


def test_swish_cnn_learns_and_reloads(tmp_path):
    import keras

    from kzoo.data import examples

    keras.utils.set_random_seed(0)
    x, y = examples.quadrant_images(np.random.default_rng(0), n=240)
    model = kzoo.cnn_classifier(num_classes=3, input_shape=(8, 8, 1), filters=(8, 16),
                                dense_units=(16,), activation="swish", dropout=0.0)
    model.fit(x[:180], y[:180], epochs=10, batch_size=32, verbose=0)
    accuracy = model.evaluate(x[180:], y[180:], verbose=0, return_dict=True)["accuracy"]
    assert accuracy > 0.9, accuracy
    path = tmp_path / "swish_cnn.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_allclose(reloaded.predict(x[180:], verbose=0),
                               model.predict(x[180:], verbose=0), rtol=1e-5, atol=1e-6)


def test_transformer_feed_forward_activation(tmp_path):
    import keras

    keras.utils.set_random_seed(0)
    kwargs = dict(num_classes=2, vocab_size=20, sequence_length=12, embed_dim=16, num_heads=2,
                  ff_dim=32, num_layers=2)
    default = kzoo.transformer_classifier(**kwargs)
    assert default.get_layer("encoder_0").activation == "gelu"
    model = kzoo.transformer_classifier(**kwargs, activation="relu")
    assert [model.get_layer(f"encoder_{i}").activation for i in range(2)] == ["relu", "relu"]
    x, _ = kzoo.data.token_order(16, length=12, vocab_size=20, seed=0)
    path = tmp_path / "relu_transformer.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    assert reloaded.get_layer("encoder_1").activation == "relu"
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    # The switch changes the function: same seed, same weights, other outputs.
    keras.utils.set_random_seed(0)
    gelu = kzoo.transformer_classifier(**kwargs)
    keras.utils.set_random_seed(0)
    relu = kzoo.transformer_classifier(**kwargs, activation="relu")
    assert not np.allclose(gelu.predict(x, verbose=0), relu.predict(x, verbose=0), atol=1e-6)
    with pytest.raises(ValueError, match="activation"):
        kzoo.transformer_classifier(**kwargs, activation="linear")
