"""The ablation switches the guide's claims need: positional embedding, seq2seq attention,
ResNet shortcuts. Defaults unchanged; False removes the part and nothing else."""

import keras
import numpy as np
import pytest

import kzoo


def _layer_names(model):
    return [layer.name for layer in model.layers]


def _tiny_transformer(**kwargs):
    return kzoo.transformer_classifier(num_classes=2, vocab_size=12, sequence_length=8,
                                       embed_dim=8, num_heads=2, ff_dim=16, num_layers=1,
                                       dropout=0.0, **kwargs)


def test_transformer_without_positional_embedding_is_blind_to_order():
    keras.utils.set_random_seed(0)
    with_positions = _tiny_transformer()
    without = _tiny_transformer(positional_embedding=False)
    assert "positional_embedding" in _layer_names(with_positions)
    assert "positional_embedding" not in _layer_names(without)
    assert with_positions.count_params() - without.count_params() == 8 * 8
    x = np.random.default_rng(0).integers(1, 12, size=(16, 8)).astype("int32")
    reversed_x = x[:, ::-1].copy()
    # Self-attention + mean pooling is permutation invariant without positions.
    np.testing.assert_allclose(without.predict(x, verbose=0),
                               without.predict(reversed_x, verbose=0), atol=1e-5)
    assert not np.allclose(with_positions.predict(x, verbose=0),
                           with_positions.predict(reversed_x, verbose=0), atol=1e-5)


def test_transformer_regressor_switch_and_save(tmp_path):
    keras.utils.set_random_seed(0)
    model = kzoo.transformer_regressor(input_shape=(6, 2), embed_dim=8, num_heads=2, ff_dim=8,
                                       num_layers=1, positional_embedding=False)
    assert "positional_embedding" not in _layer_names(model)
    x = np.random.default_rng(1).normal(size=(4, 6, 2)).astype("float32")
    path = tmp_path / "t.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0),
                               atol=1e-6)


def _tiny_seq2seq(**kwargs):
    return kzoo.seq2seq_attention(input_vocab_size=13, target_vocab_size=13, units=16,
                                  embedding_dim=8, learning_rate=1e-2, **kwargs)


def test_seq2seq_without_attention_reads_only_the_context_vector():
    keras.utils.set_random_seed(0)
    plain = _tiny_seq2seq(attention=False)
    names = _layer_names(plain)
    assert "attention" not in names and "attention_keys" not in names
    assert "attention" in _layer_names(_tiny_seq2seq())
    enc, dec_in, dec_out = kzoo.data.digit_seq2seq(64, length=5, seed=0)
    before = plain.evaluate([enc, dec_in], dec_out, verbose=0, return_dict=True)["loss"]
    plain.fit([enc, dec_in], dec_out, epochs=3, batch_size=16, verbose=0)
    after = plain.evaluate([enc, dec_in], dec_out, verbose=0, return_dict=True)["loss"]
    assert after < before
    with pytest.raises(ValueError, match="attention=True"):
        kzoo.greedy_decode(plain, enc[:2], max_length=6)


def test_seq2seq_without_attention_save_and_load(tmp_path):
    keras.utils.set_random_seed(0)
    model = _tiny_seq2seq(attention=False)
    enc, dec_in, _ = kzoo.data.digit_seq2seq(8, length=5, seed=0)
    path = tmp_path / "s.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(model.predict([enc, dec_in], verbose=0),
                               loaded.predict([enc, dec_in], verbose=0), atol=1e-6)


def test_resnet_without_shortcuts_is_the_same_stack_without_adds():
    keras.utils.set_random_seed(0)
    kwargs = dict(num_classes=3, input_shape=(8, 8, 1), stage_filters=(4, 8), blocks_per_stage=1)
    residual = kzoo.resnet_classifier(**kwargs)
    plain = kzoo.resnet_classifier(shortcut=False, **kwargs)
    # One identity shortcut (stage 0) and one projection shortcut (stage 1, stride 2).
    assert sum("_add" in n for n in _layer_names(residual)) == 2
    assert not any("_add" in n or "_projection" in n for n in _layer_names(plain))
    # The only weights that go are the projection's (a 1x1 conv 4 -> 8 and its batch norm).
    projection = [layer for layer in residual.layers if "_projection" in layer.name]
    assert residual.get_layer("stage1_block0_projection_conv").count_params() == 4 * 8
    assert residual.count_params() - plain.count_params() == sum(
        layer.count_params() for layer in projection)


@pytest.mark.parametrize("build, argument", [
    (lambda v: _tiny_transformer(positional_embedding=v), "positional_embedding"),
    (lambda v: _tiny_seq2seq(attention=v), "attention"),
    (lambda v: kzoo.resnet_classifier(num_classes=2, input_shape=(8, 8, 1), shortcut=v),
     "shortcut"),
])
@pytest.mark.parametrize("value", ["no", 0, None])
def test_switches_reject_non_booleans(build, argument, value):
    with pytest.raises(ValueError, match=f"{argument} must be True or False. Received: "
                                         f"{argument}="):
        build(value)
