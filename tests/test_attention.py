"""Attention family: the Transformer learns order, seq2seq learns to reverse."""

import os

import keras
import numpy as np
import pytest

import kzoo
from kzoo.data import tokens
from kzoo.testing.harness import assert_same_predictions

TINY = {"embed_dim": 32, "num_heads": 4, "ff_dim": 64, "num_layers": 1}


@pytest.mark.slow
def test_transformer_classifier_learns_token_order():
    """Chance is 0.5: the label is the order of two markers, not which tokens occur."""
    x, y = kzoo.data.token_order(1600, length=12, vocab_size=20, min_length=6, seed=0)
    xv, yv = kzoo.data.token_order(500, length=12, vocab_size=20, min_length=6, seed=1)
    model = kzoo.transformer_classifier(num_classes=2, vocab_size=20, sequence_length=12,
                                        dropout=0.0, learning_rate=3e-3, **TINY)
    model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    accuracy = model.evaluate(xv, yv, verbose=0, return_dict=True)["accuracy"]
    assert accuracy >= 0.85, f"validation accuracy {accuracy:.3f} (chance 0.5)"


@pytest.mark.slow
def test_transformer_regressor_solves_the_adding_problem():
    x, y = kzoo.data.adding_problem(1500, 20, seed=0)
    xv, yv = kzoo.data.adding_problem(500, 20, seed=1)
    model = kzoo.transformer_regressor(input_shape=(20, 2), dropout=0.0, learning_rate=3e-3,
                                       **TINY)
    model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    mse = model.evaluate(xv, yv, verbose=0, return_dict=True)["loss"]
    baseline = float(np.mean((yv - y.mean()) ** 2))  # always predict the mean (~0.167)
    assert mse < 0.25 * baseline, f"MSE {mse:.4f} vs mean predictor {baseline:.4f}"


@pytest.mark.parametrize("pooling", ["mean", "max"])
def test_padding_is_ignored(pooling):
    """Changing the vector of the padding token changes nothing: pads are masked in
    the attention and in the pooling."""
    x, _ = kzoo.data.token_order(16, length=10, vocab_size=12, min_length=3, seed=0)
    assert (x == 0).any()
    model = kzoo.transformer_classifier(num_classes=3, vocab_size=12, sequence_length=10,
                                        pooling=pooling, dropout=0.0, compile=False, **TINY)
    before = model.predict(x, verbose=0)
    embedding = model.get_layer("token_embedding")
    table = keras.ops.convert_to_numpy(embedding.embeddings)
    table[0] = np.random.default_rng(0).normal(0, 10, size=table.shape[1])
    embedding.embeddings.assign(table)
    after = model.predict(x, verbose=0)
    np.testing.assert_allclose(before, after, atol=1e-5)
    # ...while changing a real token's vector does change the predictions.
    table[5] += 3.0
    embedding.embeddings.assign(table)
    assert np.abs(model.predict(x, verbose=0) - before).max() > 1e-3


def test_transformer_architecture():
    model = kzoo.transformer_classifier(num_classes=4, vocab_size=50, sequence_length=16)
    blocks = [layer for layer in model.layers if isinstance(layer, kzoo.layers.TransformerEncoder)]
    assert len(blocks) == 2 and blocks[0].num_heads == 8 and blocks[0].ff_dim == 256
    assert isinstance(blocks[0].attention, keras.layers.MultiHeadAttention)
    assert blocks[0].ff_hidden.activation.__name__ == "gelu"
    assert model.get_layer("token_embedding").mask_zero
    assert model.get_layer("positional_embedding").position_embeddings.shape == (16, 128)
    assert model.output_shape == (None, 4)
    assert type(model.optimizer).__name__ == "AdamW"
    assert model.loss.name == "sparse_categorical_crossentropy"
    numeric = kzoo.transformer_regressor(input_shape=(30, 3), outputs=2, l2=1e-3, **TINY)
    assert numeric.get_layer("input_projection").units == 32
    assert numeric.output_shape == (None, 2)
    assert len(numeric.losses) > 0  # the L2 penalties
    binary = kzoo.transformer_classifier(num_classes=2, input_shape=(8, 1), **TINY)
    assert binary.output_shape == (None, 1) and binary.loss.name == "binary_crossentropy"


@pytest.mark.parametrize("kwargs, match", [
    ({"embed_dim": 30, "num_heads": 4},
     r"embed_dim must be divisible by num_heads. Received: embed_dim=30, num_heads=4"),
    ({"vocab_size": None}, r"exactly one of input_shape .* Received: input_shape=None, "
                           r"vocab_size=None"),
    ({"input_shape": (12, 2)}, r"exactly one of input_shape"),
    ({"sequence_length": None}, r"sequence_length is required with vocab_size"),
    ({"pooling": "cls"}, r"Received: pooling='cls'"),
    ({"dropout": 1.0}, r"Received: dropout=1.0"),
    ({"num_layers": 0}, r"Received: num_layers=0"),
    ({"optimizer": "adamax"}, r"Received: optimizer='adamax'"),
    ({"num_classes": 1}, r"Received: num_classes=1"),
])
def test_bad_transformer_arguments(kwargs, match):
    args = {"num_classes": 2, "vocab_size": 20, "sequence_length": 12, **kwargs}
    with pytest.raises(ValueError, match=match):
        kzoo.transformer_classifier(**args)


@pytest.mark.parametrize("input_shape, match", [
    ((12,), r"Received: input_shape=\(12,\)"),
    ((None, 3), r"fixed number of timesteps"),
])
def test_bad_numeric_input_shape(input_shape, match):
    with pytest.raises(ValueError, match=match):
        kzoo.transformer_regressor(input_shape=input_shape)


def test_layers_serialize_and_validate():
    encoder = kzoo.layers.TransformerEncoder(num_heads=2, ff_dim=8, dropout=0.2,
                                             kernel_regularizer="l2", seed=3)
    clone = kzoo.layers.TransformerEncoder.from_config(encoder.get_config())
    assert clone.get_config() == encoder.get_config()
    with pytest.raises(ValueError, match=r"embed_dim=6, num_heads=4"):
        kzoo.layers.TransformerEncoder(num_heads=4, ff_dim=8)(np.zeros((1, 3, 6), "float32"))
    with pytest.raises(ValueError, match=r"Received: num_heads=0"):
        kzoo.layers.TransformerEncoder(num_heads=0, ff_dim=8)
    position = kzoo.layers.PositionalEmbedding(sequence_length=4)
    assert kzoo.layers.PositionalEmbedding.from_config(position.get_config()).sequence_length == 4
    with pytest.raises(ValueError, match=r"5 steps but sequence_length=4"):
        position(np.zeros((1, 5, 2), "float32"))
    with pytest.raises(ValueError, match=r"Received: sequence_length=0"):
        kzoo.layers.PositionalEmbedding(sequence_length=0)
    # Position t adds row t: the same vector at two positions differs.
    out = keras.ops.convert_to_numpy(position(np.ones((1, 3, 2), "float32")))
    assert not np.allclose(out[0, 0], out[0, 1])


@pytest.mark.slow
def test_seq2seq_attention_learns_to_reverse_and_decodes():
    """Teacher forcing reaches >= 0.95 token accuracy; greedy decoding with the same
    weights reverses unseen sequences, and its attention is the anti-diagonal."""
    length = 5
    enc, dec_in, dec_out = kzoo.data.digit_seq2seq(3000, length=length, seed=0)
    v_enc, v_dec_in, v_dec_out = kzoo.data.digit_seq2seq(300, length=length, seed=1)
    vocab = tokens.digit_vocab_size(10)
    model = kzoo.seq2seq_attention(input_vocab_size=vocab, target_vocab_size=vocab, units=32,
                                   embedding_dim=16, source_length=length,
                                   target_length=length + 1, learning_rate=1e-2)
    model.fit([enc, dec_in], dec_out, epochs=3, batch_size=64, verbose=0)
    accuracy = model.evaluate([v_enc, v_dec_in], v_dec_out, verbose=0,
                              return_dict=True)["accuracy"]
    assert accuracy >= 0.95, f"token accuracy {accuracy:.3f} < 0.95"

    out, attention = kzoo.greedy_decode(model, v_enc[:60], max_length=length + 1)
    assert out.shape == (60, length + 1) and attention.shape == (60, length + 1, length)
    token_acc = np.mean(out == v_dec_out[:60])
    assert token_acc >= 0.95, f"greedy token accuracy {token_acc:.3f}"
    exact = np.mean([p == s[::-1] for p, s in zip(tokens.tokens_to_digits(out),
                                                  tokens.tokens_to_digits(v_enc[:60]))])
    assert exact >= 0.8, f"exact reversals {exact:.2f}"
    np.testing.assert_allclose(attention.sum(axis=-1), 1.0, atol=1e-4)
    # Emitting output step t (the digit at source position L-1-t) looks at L-1-t.
    mirrored = length - 1 - np.arange(length)
    on_diagonal = np.mean(attention[:, :length].argmax(axis=-1) == mirrored[None])
    assert on_diagonal >= 0.9, f"attention on the anti-diagonal: {on_diagonal:.2f}"


def test_greedy_decode_reuses_weights_after_reload_and_ignores_padding(tmp_path):
    enc, _, _ = kzoo.data.digit_seq2seq(6, length=6, num_digits=5, min_length=2, seed=4)
    model = kzoo.seq2seq_attention(input_vocab_size=8, target_vocab_size=8, units=8,
                                   embedding_dim=4, compile=False)
    out, attention = kzoo.greedy_decode(model, enc, max_length=4, end_token=None)
    pads = enc == tokens.PAD
    assert pads.any()
    assert np.all(attention[np.broadcast_to(pads[:, None, :], attention.shape)] < 1e-6)
    np.testing.assert_allclose(attention.sum(axis=-1), 1.0, atol=1e-4)
    path = os.path.join(tmp_path, "s2s.keras")
    model.save(path)
    reloaded = keras.saving.load_model(path)
    out2, attention2 = kzoo.greedy_decode(reloaded, enc, max_length=4, end_token=None)
    np.testing.assert_array_equal(out, out2)
    assert_same_predictions(attention, attention2, what="attention after reload")
    # greedy decoding is the model's own prediction fed back: step 0 equals the
    # teacher-forced prediction after START.
    first = model.predict([enc, np.full((len(enc), 1), tokens.START)], verbose=0)
    np.testing.assert_array_equal(out[:, 0], first[:, 0].argmax(axis=-1))


def test_greedy_decode_end_token_and_errors():
    model = kzoo.seq2seq_attention(input_vocab_size=8, target_vocab_size=8, units=8,
                                   embedding_dim=4)
    enc = np.full((3, 4), 5, dtype="int32")
    raw, _ = kzoo.greedy_decode(model, enc, max_length=5, end_token=None)
    end = int(raw[0, 1])  # pretend the second emitted token ends the sequence
    cut, _ = kzoo.greedy_decode(model, enc, max_length=5, end_token=end)
    first_end = np.argmax(raw == end, axis=1)
    for row in range(3):
        if (raw[row] == end).any():
            assert np.all(cut[row, first_end[row] + 1:] == tokens.PAD)
            np.testing.assert_array_equal(cut[row, :first_end[row] + 1],
                                          raw[row, :first_end[row] + 1])
    with pytest.raises(ValueError, match=r"Received: max_length=0"):
        kzoo.greedy_decode(model, enc, max_length=0)
    with pytest.raises(ValueError, match=r"2D integer array"):
        kzoo.greedy_decode(model, enc.astype("float32"), max_length=3)
    other = kzoo.mlp_classifier(num_classes=2, input_shape=(3,))
    with pytest.raises(ValueError, match=r"model built by kzoo.seq2seq_attention"):
        kzoo.greedy_decode(other, enc, max_length=3)


@pytest.mark.parametrize("kwargs, match", [
    ({"input_vocab_size": 1}, r"Received: input_vocab_size=1"),
    ({"target_vocab_size": 3}, r"Received: target_vocab_size=3"),
    ({"units": 0}, r"Received: units=0"),
    ({"source_length": 0}, r"Received: source_length=0"),
    ({"dropout": -0.1}, r"Received: dropout=-0.1"),
    ({"learning_rate": 0}, r"Received: learning_rate=0"),
])
def test_bad_seq2seq_arguments(kwargs, match):
    args = {"input_vocab_size": 13, "target_vocab_size": 13, **kwargs}
    with pytest.raises(ValueError, match=match):
        kzoo.seq2seq_attention(**args)


def test_seq2seq_search_space_defaults_reproduce_factory():
    for name in ("transformer_classifier", "transformer_regressor", "seq2seq_attention"):
        info = kzoo.model_info(name)
        for spec in info.search_space.params:
            assert spec.default is None  # "factory default"
            if hasattr(spec, "values") and spec.name in info.defaults:
                assert info.defaults[spec.name] in spec.values, (name, spec.name)
            if hasattr(spec, "min_value") and spec.name in info.defaults:
                assert spec.min_value <= info.defaults[spec.name] <= spec.max_value, \
                    (name, spec.name)
