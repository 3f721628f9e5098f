"""Capsule network: squash, routing, margin loss, masking, and learning the digits."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import data
from kzoo.layers import CapsuleLength, CapsuleMask, PrimaryCapsules, RoutingCapsules, squash
from kzoo.models.capsule import MarginLoss


def _numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_squash_keeps_direction_and_maps_norms_below_one():
    s = np.random.default_rng(0).normal(size=(6, 5, 8)).astype("float32")
    s[0, 0] *= 100.0  # very long
    s[1, 0] *= 1e-3   # very short
    v = _numpy(squash(s))
    norm_s, norm_v = np.linalg.norm(s, axis=-1), np.linalg.norm(v, axis=-1)
    assert np.all(norm_v < 1.0)
    np.testing.assert_allclose(norm_v, norm_s ** 2 / (1 + norm_s ** 2), rtol=1e-4, atol=1e-6)
    assert norm_v[0, 0] > 0.999 and norm_v[1, 0] < 1e-4
    cosine = np.sum(s * v, axis=-1) / (norm_s * norm_v)
    np.testing.assert_allclose(cosine, 1.0, atol=1e-4)


def test_routing_coefficients_sum_to_one_and_follow_agreement():
    u = np.random.default_rng(0).normal(size=(4, 12, 6)).astype("float32")
    layer = RoutingCapsules(5, 7, routings=3)
    v = layer(u)
    assert tuple(v.shape) == (4, 5, 7) and np.all(np.linalg.norm(_numpy(v), axis=-1) < 1)
    _, c = layer.route(layer.predictions(keras.ops.convert_to_tensor(u)))
    c = _numpy(c)
    assert c.shape == (4, 12, 5)
    np.testing.assert_allclose(c.sum(axis=-1), 1.0, rtol=1e-5)
    assert c.std() > 1e-3  # routing moved away from the uniform start
    _, c1 = RoutingCapsules(5, 7, routings=1).route(layer.predictions(u))
    np.testing.assert_allclose(_numpy(c1), 0.2, rtol=1e-6)  # one iteration: uniform


def test_routing_prefers_the_output_the_votes_agree_on():
    """Every input votes the same vector for output 0 and random ones for output 1."""
    rng = np.random.default_rng(0)
    u_hat = np.zeros((1, 16, 2, 4), dtype="float32")
    u_hat[:, :, 0] = [0.5, 0.5, 0.0, 0.0]
    u_hat[:, :, 1] = rng.normal(0, 0.5, size=(16, 4))
    layer = RoutingCapsules(2, 4, routings=3)
    v, c = layer.route(keras.ops.convert_to_tensor(u_hat))
    c, lengths = _numpy(c), np.linalg.norm(_numpy(v), axis=-1)
    # uniform start is 0.5; agreement raises the consensus output's share (~0.73)
    assert c[0, :, 0].mean() > 0.6 and lengths[0, 0] > lengths[0, 1], (c, lengths)


def test_margin_loss_matches_the_paper():
    loss = MarginLoss()
    lengths = np.array([[0.95, 0.05, 0.3], [0.5, 0.9, 0.0]], dtype="float32")
    labels = np.array([0, 0])
    # row 0: true 0.95 >= 0.9 -> 0; others: 0.5 * (0.3 - 0.1)^2 = 0.02
    # row 1: (0.9 - 0.5)^2 = 0.16; 0.5 * (0.9 - 0.1)^2 = 0.32
    assert float(_numpy(loss(labels, lengths))) == pytest.approx((0.02 + 0.48) / 2, rel=1e-5)
    with pytest.raises(ValueError, match=r"Received: m_minus=0.95"):
        MarginLoss(m_plus=0.9, m_minus=0.95)


def test_mask_keeps_the_chosen_capsule_and_length_reads_it():
    v = np.zeros((2, 3, 2), dtype="float32")
    v[0, 1] = [0.6, 0.0]
    v[0, 2] = [0.0, 0.3]
    v[1, 2] = [0.0, 0.8]
    lengths = _numpy(CapsuleLength()(v))
    np.testing.assert_allclose(lengths, [[0, 0.6, 0.3], [0, 0, 0.8]], atol=1e-3)
    predicted = _numpy(CapsuleMask()(v))
    np.testing.assert_allclose(predicted[0], [0, 0, 0.6, 0, 0, 0], atol=1e-7)  # longest: capsule 1
    chosen = _numpy(CapsuleMask()(v, labels=np.array([2, 0])))
    np.testing.assert_allclose(chosen[0], [0, 0, 0, 0, 0, 0.3], atol=1e-7)
    np.testing.assert_array_equal(chosen[1], 0.0)


def test_primary_capsules_shape():
    out = PrimaryCapsules(4, 6, kernel_size=3, strides=1)(np.ones((2, 6, 6, 5), "float32"))
    assert tuple(out.shape) == (2, 4 * 4 * 4, 6)
    assert np.all(np.linalg.norm(_numpy(out), axis=-1) < 1)


SMALL = {"conv_filters": 32, "conv_kernel_size": 3, "primary_capsules": 8, "primary_dim": 8,
         "primary_kernel_size": 3, "primary_strides": 1, "capsule_dim": 8,
         "decoder_units": (64,)}


def test_capsule_network_learns_digits():
    x, y = data.load_digits(as_images=True)
    splits = data.split(x / 16.0, y, seed=0)
    model = kzoo.capsule_network(num_classes=10, input_shape=(8, 8, 1), learning_rate=3e-3,
                                 **SMALL)
    model.fit(splits.x_train, splits.y_train, epochs=5, batch_size=32, verbose=0)
    scores = model.evaluate(splits.x_val, splits.y_val, verbose=0, return_dict=True)
    assert scores["accuracy"] >= 0.9, scores  # measured 0.93-0.95 on the three backends
    lengths = model.predict(splits.x_val[:20], verbose=0)
    assert lengths.shape == (20, 10) and np.all((lengths >= 0) & (lengths < 1))
    # the decoder rebuilds the image from the class capsule better than a blank guess
    recon = model.reconstruct(splits.x_val[:64], splits.y_val[:64])
    assert recon.shape == (64, 8, 8, 1)
    err = np.mean((recon - splits.x_val[:64]) ** 2)
    blank = np.mean((splits.x_train.mean(axis=0) - splits.x_val[:64]) ** 2)
    assert err < blank, (err, blank)


def test_reconstruction_weight_adds_the_decoder_loss():
    x = np.random.default_rng(0).uniform(size=(8, 8, 8, 1)).astype("float32")
    y = np.arange(8) % 3
    tiny = {**SMALL, "conv_filters": 8, "primary_capsules": 4, "primary_dim": 4,
            "capsule_dim": 4, "decoder_units": (16,)}
    with_decoder = kzoo.capsule_network(num_classes=3, input_shape=(8, 8, 1), **tiny)
    plain = kzoo.capsule_network(num_classes=3, input_shape=(8, 8, 1),
                                 reconstruction_weight=0.0, **tiny)
    plain.set_weights([w for w in with_decoder.get_weights()[:len(plain.weights)]])
    loss_with = with_decoder.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    loss_plain = plain.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    expected = 0.0005 * float(_numpy(with_decoder.reconstruction_loss(x, y)))
    assert loss_with - loss_plain == pytest.approx(expected, rel=1e-3)
    with pytest.raises(ValueError, match="reconstruction_weight"):
        plain.reconstruct(x)


@pytest.mark.parametrize("kwargs, match", [
    ({"routings": 0}, r"routings must be an integer >= 1. Received: routings=0"),
    ({"num_classes": 1}, r"Received: num_classes=1"),
    ({"input_shape": (8, 8)}, r"input_shape must be a tuple of 3 dimension"),
    ({"conv_kernel_size": 9}, r"input_shape is too small .*Received: input_shape=\(8, 8, 1\)"),
    ({"capsule_dim": 0}, r"Received: capsule_dim=0"),
    ({"reconstruction_weight": -1.0}, r"Received: reconstruction_weight=-1.0"),
    ({"m_plus": 1.5}, r"Received: m_plus=1.5"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kzoo.capsule_network(**{"num_classes": 3, "input_shape": (8, 8, 1), **SMALL, **kwargs})
