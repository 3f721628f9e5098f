"""Explanations (kzoo.explain): saliency, integrated gradients, Grad-CAM, attention maps."""

import keras
import matplotlib
import numpy as np
import pytest

import kzoo
from kzoo import explain

matplotlib.use("Agg")

SIZE = 16


def quadrant_images(n, seed):
    """The class (0-3) is the image quadrant holding a bright 4x4 patch; the rest is noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    x = rng.normal(0, 0.2, (n, SIZE, SIZE, 1))
    region = np.zeros((n, SIZE, SIZE), bool)
    half = SIZE // 2
    for i, c in enumerate(y):
        r0, c0 = (c // 2) * half, (c % 2) * half
        r, cc = rng.integers(0, half - 3, 2)
        x[i, r0 + r:r0 + r + 4, c0 + cc:c0 + cc + 4] += 1.5
        region[i, r0:r0 + half, c0:c0 + half] = True
    return x.astype("float32"), y.astype("int32"), region


def bump_sequences(n, seed, length=48, width=8):
    """The class (0-2) is the shape of one bump at a random position of a noisy sequence."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    t = np.arange(width)
    shapes = [np.full(width, 1.5), 2.0 * np.sin(np.pi * t / (width - 1)),
              np.where(t < width // 2, 1.5, -1.5)]
    x = rng.normal(0, 0.3, (n, length, 1))
    region = np.zeros((n, length), bool)
    for i, start in enumerate(rng.integers(0, length - width + 1, n)):
        x[i, start:start + width, 0] += shapes[y[i]]
        region[i, start:start + width] = True
    return x.astype("float32"), y.astype("int32"), region


def mass_in(maps, region):
    """Share of the (absolute) attribution mass inside the informative region."""
    maps = np.abs(maps)
    return float((maps * region).sum() / maps.sum())


def _cnn():
    return kzoo.cnn_classifier(num_classes=4, input_shape=(SIZE, SIZE, 1), filters=(8, 16),
                               dense_units=(32,))


def _conv1d():
    inputs = keras.Input((48, 1))
    h = keras.layers.Conv1D(16, 5, padding="same", activation="relu", name="conv_a")(inputs)
    h = keras.layers.Conv1D(16, 5, padding="same", activation="relu", name="conv_b")(h)
    h = keras.layers.GlobalAveragePooling1D(name="pool")(h)
    outputs = keras.layers.Dense(3, activation="softmax", name="output")(h)
    model = keras.Model(inputs, outputs, name="conv1d_classifier")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def quadrant():
    x, y, _ = quadrant_images(480, seed=0)
    xt, yt, region = quadrant_images(48, seed=1)
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = _cnn()
    model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    return {"weights": model.get_weights(), "x": xt, "y": yt, "region": region}


@pytest.fixture(scope="module")
def bumps():
    x, y, _ = bump_sequences(720, seed=0)
    xt, yt, region = bump_sequences(48, seed=1)
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = _conv1d()
    model.fit(x, y, epochs=12, batch_size=32, verbose=0)
    return {"weights": model.get_weights(), "x": xt, "y": yt, "region": region}


def _trained(factory, data):
    model = factory()
    model.set_weights(data["weights"])
    return model


def test_explanations_fall_on_the_informative_quadrant(quadrant, tmp_path):
    model = _trained(_cnn, quadrant)
    x, y, region = quadrant["x"], quadrant["y"], quadrant["region"]
    assert np.mean(model.predict(x, verbose=0).argmax(-1) == y) >= 0.95
    uniform = region.mean()
    assert uniform == pytest.approx(0.25)
    hires = explain.grad_cam(model, x, method="hires_cam")
    assert hires.shape == (len(x), SIZE, SIZE)
    assert mass_in(hires, region) >= 0.5
    ig = explain.integrated_gradients(model, x)[..., 0]
    assert mass_in(ig, region) >= 0.5
    # Plain Grad-CAM is not asserted here: averaging the gradient over space discards where
    # the flatten head looks (0.34-0.64 across backends); HiResCAM keeps it. Plain Grad-CAM
    # is checked on a global-pooling model below. Raw saliency is blurrier but above chance.
    assert explain.grad_cam(model, x).shape == (len(x), SIZE, SIZE)
    saliency = explain.saliency(model, x)
    assert saliency.shape == x.shape and saliency.min() >= 0
    assert mass_in(saliency[..., 0], region) > uniform + 0.03
    # Integrated gradients are complete: they sum to S_c(x) - S_c(black image).
    target = model.predict(x[:6], verbose=0).argmax(-1)
    ig = explain.integrated_gradients(model, x[:6], steps=64)
    gap = (explain.class_scores(model, x[:6], target=target)
           - explain.class_scores(model, np.zeros_like(x[:6]), target=target))
    np.testing.assert_allclose(ig.reshape(6, -1).sum(1), gap, rtol=0.05, atol=0.05)
    # The figures.
    import matplotlib.pyplot as plt

    for name, maps in (("cam", hires[:5]), ("saliency", saliency[:5])):
        fig = explain.plot_heatmaps(x[:5], maps, titles=list(range(5)), columns=3)
        fig.savefig(tmp_path / f"{name}.png")
        plt.close(fig)
        assert (tmp_path / f"{name}.png").stat().st_size > 0


def test_grad_cam_localizes_with_conv1d(bumps):
    model = _trained(_conv1d, bumps)
    x, region = bumps["x"], bumps["region"]
    cam = explain.grad_cam(model, x)   # default layer: the last Conv1D
    assert cam.shape == (len(x), 48) and cam.min() >= 0 and cam.max() <= 1
    assert explain.last_conv_layer(model).name == "conv_b"
    assert mass_in(cam, region) >= 0.5            # vs 1/6 for a uniform map
    assert mass_in(explain.grad_cam(model, x, layer="conv_a"), region) >= 0.5
    # With conv -> global average pooling -> dense, Grad-CAM equals Zhou et al.'s CAM,
    # ReLU(sum_k w_kc A_k) / steps: an exact check of the gradient plumbing.
    raw = explain.grad_cam(model, x, upsample=False, normalize=False)
    feature_maps = keras.Model(model.inputs[0], model.get_layer("conv_b").output)(x)
    feature_maps = keras.ops.convert_to_numpy(feature_maps)
    kernel, _ = model.get_layer("output").get_weights()
    predicted = model.predict(x, verbose=0).argmax(-1)
    expected = np.maximum(np.einsum("ntk,kn->nt", feature_maps, kernel[:, predicted])
                          / feature_maps.shape[1], 0)
    np.testing.assert_allclose(raw, expected, atol=1e-5)


def test_resnet_default_layer_is_the_last_spatial_conv():
    model = kzoo.resnet_classifier(num_classes=3, input_shape=(8, 8, 1), stage_filters=(4, 8),
                                   blocks_per_stage=1)
    layer = explain.last_conv_layer(model)
    assert layer.name == "stage1_block0_b_conv"   # not the 1x1 projection shortcut
    x = np.random.default_rng(0).normal(size=(3, 8, 8, 1)).astype("float32")
    cam = explain.grad_cam(model, x)
    assert cam.shape == (3, 8, 8) and np.isfinite(cam).all() and cam.max() <= 1.0
    assert explain.grad_cam(model, x, upsample=False).shape == (3, 4, 4)


def test_binary_class_scores_are_signed_logits():
    x, y = kzoo.data.load_breast_cancer()
    x = (x - x.mean(0)) / x.std(0)
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(30,), hidden_units=(8,))
    one = explain.class_scores(model, x[:5], target=1)
    zero = explain.class_scores(model, x[:5], target=0)
    np.testing.assert_allclose(one, -zero, atol=1e-6)
    p = model.predict(x[:5], verbose=0)[:, 0]
    np.testing.assert_allclose(explain.class_scores(model, x[:5], target=1, score="probability"),
                               p, atol=1e-6)
    np.testing.assert_allclose(1 / (1 + np.exp(-one)), p, atol=1e-5)
    assert explain.saliency(model, x[:5]).shape == (5, 30)


def test_transformer_attention_is_the_blocks_own_attention():
    x, _ = kzoo.data.token_order(16, length=12, vocab_size=20, min_length=6, seed=0)
    model = kzoo.transformer_classifier(num_classes=2, vocab_size=20, sequence_length=12,
                                        embed_dim=16, num_heads=2, ff_dim=32, num_layers=2)
    weights = explain.transformer_attention(model, x, layer="encoder_1")
    assert weights.shape == (16, 2, 12, 12)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)
    padded = x == 0
    assert padded.any()
    assert np.abs(weights.transpose(0, 2, 1, 3)[np.broadcast_to(
        padded[:, None, None, :], (16, 12, 2, 12))]).max() < 1e-6   # padded keys: no attention
    # Rebuild the block's output from the same input, mask and attention: it matches.
    encoder = model.get_layer("encoder_1")
    h = keras.Model(model.inputs[0], explain.attention.block_input(encoder))(x)
    block = keras.ops.convert_to_numpy(keras.Model(model.inputs[0], encoder.output)(x))
    mask = np.broadcast_to(~padded[:, None, :], (16, 12, 12))
    attended = encoder.attention(h, h, attention_mask=mask, training=False)
    y = encoder.norm_attention(h + attended)
    y = keras.ops.convert_to_numpy(encoder.norm_ff(y + encoder.ff_output(encoder.ff_hidden(y))))
    np.testing.assert_allclose(y[~padded], block[~padded], atol=1e-4)
    with pytest.raises(ValueError, match="layer"):
        explain.transformer_attention(model, x, layer="encoder_7")
    with pytest.raises(ValueError, match="TransformerEncoder"):
        explain.transformer_attention(_cnn(), np.zeros((1, SIZE, SIZE, 1)))


def test_decoder_attention_rows_are_distributions():
    enc, _, _ = kzoo.data.digit_seq2seq(4, length=5, num_digits=6, seed=0)
    model = kzoo.seq2seq_attention(input_vocab_size=9, target_vocab_size=9, units=8,
                                   embedding_dim=4)
    tokens, attention = explain.decoder_attention(model, enc, max_length=6)
    assert tokens.shape == (4, 6) and attention.shape == (4, 6, enc.shape[1])
    np.testing.assert_allclose(attention.sum(-1), 1.0, atol=1e-5)


def test_bad_arguments():
    model = _cnn()
    x = np.zeros((2, SIZE, SIZE, 1), "float32")
    for kwargs, match in [({"layer": "no_such_layer"}, "layer must name a layer"),
                          ({"layer": "flatten"}, "Conv1D/Conv2D"),   # not a conv layer
                          ({"layer": "output"}, "Conv1D/Conv2D"),
                          ({"method": "grad_cam++"}, "method"),
                          ({"score": "margin"}, "score"),
                          ({"target": 7}, "labels")]:
        with pytest.raises(ValueError, match=match):
            explain.grad_cam(model, x, **kwargs)
    with pytest.raises(ValueError, match="steps"):
        explain.integrated_gradients(model, x, steps=0)
    with pytest.raises(ValueError, match="baseline"):
        explain.integrated_gradients(model, x, baseline=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="Conv1D/Conv2D layer"):
        explain.grad_cam(kzoo.mlp_classifier(num_classes=3, input_shape=(4,)), np.zeros((1, 4)))
    with pytest.raises(ValueError, match="float"):
        explain.saliency(model, x.astype("int32"))
    with pytest.raises(ValueError, match="same length"):
        explain.plot_heatmaps(x, np.zeros((3, SIZE, SIZE)))
