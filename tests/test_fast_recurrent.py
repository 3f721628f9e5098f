"""kzoo.layers.LSTM / GRU: PyTorch's fused kernels give Keras' outputs and gradients.

On every backend the kzoo layer is compared with the plain Keras layer holding
the same weights; on torch the fused path must also be the one that ran.
"""

import keras
import numpy as np
import pytest

import kzoo
from kzoo.backend import fused_rnn

TORCH = keras.backend.backend() == "torch"
PAIRS = [(kzoo.layers.LSTM, keras.layers.LSTM), (kzoo.layers.GRU, keras.layers.GRU)]
IDS = ["lstm", "gru"]


def _mask():
    """Right padding, left padding, full, fully masked, a single kept step."""
    mask = np.ones((5, 7), bool)
    mask[0, 4:] = False
    mask[1, :3] = False
    mask[3, :] = False
    mask[4, :6] = False
    return mask


def _twins(fast_cls, plain_cls, features=3, **kwargs):
    """The kzoo layer and the Keras layer, built, with the same random weights."""
    rng = np.random.default_rng(0)
    plain, fast = plain_cls(4, **kwargs), fast_cls(4, **kwargs)
    for layer in (plain, fast):
        layer.build((None, 7, features))
    plain.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32")
                       for w in plain.get_weights()])
    fast.set_weights(plain.get_weights())
    return fast, plain


def _value_and_grads(layer, x, mask):
    """Outputs and d(sum of squares)/d(inputs, weights), on the current backend."""
    backend = keras.backend.backend()
    weights = layer.trainable_variables
    if backend == "torch":
        import torch

        xt = torch.tensor(x, requires_grad=True)
        y = layer(xt, mask=None if mask is None else torch.tensor(mask))
        grads = torch.autograd.grad((y ** 2).sum(), [xt] + [w.value for w in weights])
        return y.detach().numpy(), [g.numpy() for g in grads]
    if backend == "tensorflow":
        import tensorflow as tf

        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt, mask=mask)
            loss = tf.reduce_sum(y ** 2)
        grads = tape.gradient(loss, [xt] + [w.value for w in weights])
        return y.numpy(), [g.numpy() for g in grads]
    import jax

    frozen = [w.value for w in layer.non_trainable_variables]

    def loss(x_, values):
        y, _ = layer.stateless_call(values, frozen, x_, mask=mask)
        return (y ** 2).sum(), y

    (_, y), grads = jax.value_and_grad(loss, argnums=(0, 1), has_aux=True)(
        x, [w.value for w in weights])
    return np.asarray(y), [np.asarray(grads[0])] + [np.asarray(g) for g in grads[1]]


@pytest.fixture
def fused_calls(monkeypatch):
    calls = []
    run = fused_rnn.run

    def counting(*args, **kwargs):
        calls.append(kwargs.get("mask") is not None)
        return run(*args, **kwargs)
    monkeypatch.setattr(fused_rnn, "run", counting)
    return calls


# (masked, return_sequences, go_backwards): every value of each, the masked
# last-output path both ways.
CASES = [(False, False, False), (True, False, False), (True, False, True),
         (False, True, True), (True, True, False)]


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
@pytest.mark.parametrize(("masked", "return_sequences", "go_backwards"), CASES,
                         ids=["plain", "mask", "mask-backwards", "seq-backwards", "mask-seq"])
def test_fast_layer_matches_keras_outputs_and_gradients(pair, masked, return_sequences,
                                                        go_backwards, fused_calls):
    fast, plain = _twins(*pair, return_sequences=return_sequences, go_backwards=go_backwards)
    x = np.random.default_rng(1).normal(size=(5, 7, 3)).astype("float32")
    mask = _mask() if masked else None
    y_fast, g_fast = _value_and_grads(fast, x, mask)
    y_plain, g_plain = _value_and_grads(plain, x, mask)
    np.testing.assert_allclose(y_fast, y_plain, atol=1e-5)
    for a, b in zip(g_fast, g_plain):
        np.testing.assert_allclose(a, b, atol=1e-4)
    # On torch the fused kernel ran, except for masked sequences (Keras' loop).
    expect_fused = TORCH and not (masked and return_sequences)
    assert bool(fused_calls) == expect_fused, fused_calls


def test_a_mask_with_holes_and_recurrent_dropout_use_keras_loop(fused_calls):
    fast, plain = _twins(kzoo.layers.LSTM, keras.layers.LSTM)
    x = np.random.default_rng(2).normal(size=(5, 7, 3)).astype("float32")
    holes = _mask()
    holes[2, 3] = False
    np.testing.assert_allclose(_value_and_grads(fast, x, holes)[0],
                               _value_and_grads(plain, x, holes)[0], atol=1e-5)
    assert not fused_calls
    assert not fused_rnn.supported(kzoo.layers.GRU(4, recurrent_dropout=0.2))
    assert not fused_rnn.supported(kzoo.layers.LSTM(4, activation="relu"))


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_bidirectional_and_dropout_train_like_keras(pair, fused_calls):
    """Bidirectional wrapper: same outputs; input dropout in training keeps its rate."""
    fast, plain = _twins(*pair, dropout=0.5)
    x = np.random.default_rng(3).normal(size=(5, 7, 3)).astype("float32")
    bi_fast = keras.layers.Bidirectional(fast)
    bi_plain = keras.layers.Bidirectional(plain)
    y_fast = bi_fast(x, mask=_mask())
    bi_plain.build((None, 7, 3))
    bi_plain.set_weights(bi_fast.get_weights())
    y_plain = bi_plain(x, mask=_mask())
    np.testing.assert_allclose(keras.ops.convert_to_numpy(y_fast),
                               keras.ops.convert_to_numpy(y_plain), atol=1e-5)
    assert bool(fused_calls) == TORCH
    keras.utils.set_random_seed(0)
    big = np.ones((64, 5, 3), "float32")
    trained = keras.ops.convert_to_numpy(bi_fast(big, training=True))
    assert not np.allclose(trained, keras.ops.convert_to_numpy(bi_fast(big)))


def test_recurrent_models_use_the_fast_layers_and_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    model = kzoo.gru_classifier(num_classes=2, input_shape=(6, 2), units=4,
                                bidirectional=True)
    lstm = kzoo.lstm_regressor(input_shape=(6, 2), outputs=1, units=4)
    assert any(isinstance(getattr(layer, "forward_layer", None), kzoo.layers.GRU)
               for layer in model.layers)
    assert any(isinstance(layer, kzoo.layers.LSTM) for layer in lstm.layers)
    x = np.random.default_rng(4).normal(size=(8, 6, 2)).astype("float32")
    for net in (model, lstm):
        path = tmp_path / f"{net.name}.keras"
        net.save(path)
        loaded = keras.saving.load_model(path)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), net.predict(x, verbose=0),
                                   atol=1e-6)


LOAD_ELSEWHERE = """
import sys, numpy as np, keras
for path in sys.argv[1:]:
    model = keras.saving.load_model(path)
    x = np.load(path + ".x.npy")
    np.save(path + ".out.npy", model.predict(x, verbose=0))
"""
NEXT_BACKEND = {"torch": "jax", "jax": "tensorflow", "tensorflow": "torch"}


def test_keras_files_predict_identically_on_the_next_backend(tmp_path):
    """Saved here, loaded on the next backend (torch -> jax -> tensorflow -> torch)."""
    import os
    import pathlib
    import subprocess
    import sys

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(5)
    tokens = rng.integers(1, 30, size=(8, 9)).astype("int32")
    tokens[:3, 6:] = 0  # padded: the masked (packed) path on torch
    models = {
        "lstm_tokens": (kzoo.lstm_classifier(num_classes=2, vocab_size=30, embedding_dim=8,
                                             units=4, bidirectional=True), tokens),
        "gru_numeric": (kzoo.gru_regressor(input_shape=(6, 2), outputs=2, units=4,
                                           num_layers=2),
                        rng.normal(size=(8, 6, 2)).astype("float32")),
    }
    paths, expected = [], {}
    for name, (model, x) in models.items():
        path = str(tmp_path / f"{name}.keras")
        model.save(path)
        np.save(path + ".x.npy", x)
        paths.append(path)
        expected[path] = model.predict(x, verbose=0)
    root = str(pathlib.Path(__file__).resolve().parent.parent)
    env = {**os.environ, "KERAS_BACKEND": NEXT_BACKEND[keras.backend.backend()],
           "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    out = subprocess.run([sys.executable, "-c", "import kzoo\n" + LOAD_ELSEWHERE, *paths],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    for path in paths:
        np.testing.assert_allclose(np.load(path + ".out.npy"), expected[path], atol=1e-5)
