"""Few-shot learning (kzoo.fewshot): episodes, prototypical and siamese networks."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import fewshot


def _encoder():
    """One conv block of a kzoo CNN; its flattened feature maps are the embedding.

    With only five training classes, the dense head's features specialise to
    them (novel-digit accuracy ~0.77); the conv features transfer (~0.92).
    """
    cnn = kzoo.cnn_classifier(num_classes=5, input_shape=(8, 8, 1), filters=(64,),
                              kernel_size=5, dense_units=(16,), compile=False)
    return fewshot.embedding_body(cnn, layer="flatten")


def _protonet():
    net = fewshot.PrototypicalNetwork(_encoder(), n_way=5, k_shot=5)
    net.compile(optimizer="adam")
    return net


@pytest.fixture(scope="module")
def digits():
    x, y = kzoo.data.load_digits(as_images=True)
    x = (x / 16.0).astype("float32")
    base, novel = y < 5, y >= 5
    return x[base], y[base], x[novel], y[novel]


@pytest.fixture(scope="module")
def protonet(digits):
    """A prototypical network trained on digits 0-4 only."""
    xb, yb, xn, yn = digits
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    net = _protonet()
    episodes = fewshot.EpisodeSampler(xb, yb, n_way=5, k_shot=5, q_queries=10, episodes=50,
                                      seed=0)
    history = net.fit(episodes, epochs=6, verbose=0)
    return {"weights": net.get_weights(), "history": history.history,
            "novel": fewshot.few_shot_accuracy(net, xn, yn, n_way=5, k_shot=5, seed=0)}


def test_prototypical_network_classifies_digits_it_never_saw(protonet, digits):
    xb, yb, xn, yn = digits
    assert protonet["history"]["episode_accuracy"][-1] >= 0.95   # on the training digits
    novel = protonet["novel"]["accuracy"]
    assert novel >= 0.9, protonet["novel"]                        # 5-way 5-shot on 5-9
    raw = fewshot.few_shot_accuracy(None, xn, yn, n_way=5, k_shot=5, seed=0)["accuracy"]
    assert novel > raw, (novel, raw)                               # beats pixel prototypes


def test_episode_sampler_layout_and_reproducibility(digits):
    xb, yb, _, _ = digits
    sampler = fewshot.EpisodeSampler(xb, yb, n_way=3, k_shot=2, q_queries=4, episodes=5,
                                     seed=0)
    assert len(sampler) == 5 and sampler.episode_size == 18
    x, y = sampler[0]
    assert x.shape == (18, 8, 8, 1)
    np.testing.assert_array_equal(y, [0, 0, 1, 1, 2, 2] + [0] * 4 + [1] * 4 + [2] * 4)
    x_again, _ = fewshot.EpisodeSampler(xb, yb, n_way=3, k_shot=2, q_queries=4, episodes=5,
                                        seed=0)[0]
    np.testing.assert_array_equal(x, x_again)
    sampler.on_epoch_end()
    assert not np.array_equal(sampler[0][0], x)     # new episodes every epoch
    # Support and query of a class come from one original class, and never overlap.
    _, labels, classes = fewshot.sample_episode(np.arange(len(yb)), yb, n_way=3, k_shot=2,
                                                q_queries=4, rng=0)
    idx, _, _ = fewshot.sample_episode(np.arange(len(yb)), yb, n_way=3, k_shot=2,
                                       q_queries=4, rng=0)
    assert len(set(idx)) == 18
    np.testing.assert_array_equal(yb[idx], classes[labels])


@pytest.mark.parametrize("loss", ["triplet", "contrastive"])
def test_siamese_network_learns_a_metric(loss, digits):
    xb, yb, _, _ = digits
    rng = np.random.default_rng(0)
    order = rng.permutation(len(xb))
    train, held = order[:600], order[600:]
    encoder = fewshot.embedding_body(kzoo.mlp_classifier(
        num_classes=5, input_shape=(8, 8, 1), hidden_units=(64, 32), dropout=0.0,
        compile=False))
    net = fewshot.SiameseNetwork(encoder, loss=loss)
    net.compile(optimizer="adam")
    before = fewshot.few_shot_accuracy(net, xb[held], yb[held], n_way=5, k_shot=1,
                                       q_queries=10, episodes=100)["accuracy"]
    net.fit(xb[train], yb[train], batch_size=64, epochs=8, verbose=0)
    after = fewshot.few_shot_accuracy(net, xb[held], yb[held], n_way=5, k_shot=1,
                                      q_queries=10, episodes=100)["accuracy"]
    assert after >= 0.8 and after >= before + 0.2, (before, after)   # 1-shot, 5-way
    embeddings = net.predict(xb[:4], verbose=0)
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-5)


def test_models_save_reload_and_classify(tmp_path, protonet, digits):
    x = digits[2][:8]
    net = _protonet()
    net.set_weights(protonet["weights"])
    siamese = fewshot.SiameseNetwork(_encoder(), loss="contrastive", margin=0.5)
    siamese.compile()
    for model in (net, siamese):
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        reloaded = keras.saving.load_model(path)
        assert type(reloaded) is type(model) and reloaded.compiled
        np.testing.assert_array_equal(reloaded.predict(x, verbose=0),
                                      model.predict(x, verbose=0))
    assert keras.saving.load_model(tmp_path / f"{siamese.name}.keras").margin == 0.5
    # classify() labels novel queries with the support's own labels.
    _, _, xn, yn = digits
    rng = np.random.default_rng(1)
    support = np.concatenate([rng.choice(np.flatnonzero(yn == c), 5, replace=False)
                              for c in range(5, 10)])
    query = np.setdiff1d(np.arange(len(yn)), support)
    predicted = net.classify(xn[support], yn[support], xn[query])
    assert set(np.unique(predicted)) <= set(range(5, 10))
    assert np.mean(predicted == yn[query]) >= 0.85


def test_embedding_body_is_the_layer_before_the_output():
    mlp = kzoo.mlp_classifier(num_classes=3, input_shape=(4,), hidden_units=(16, 8))
    body = fewshot.embedding_body(mlp)
    assert body.output_shape == (None, 8)
    assert fewshot.embedding_body(mlp, layer="hidden_0_dense").output_shape == (None, 16)
    with pytest.raises(ValueError, match="layer must be the name"):
        fewshot.embedding_body(mlp, layer="nope")


def test_episode_bad_arguments(digits):
    xb, yb, _, _ = digits
    for kwargs, match in [({"k_shot": 500}, "k_shot"),   # more shots than a class has
                          ({"k_shot": 150, "q_queries": 100}, "k_shot"),
                          ({"n_way": 6}, "n_way"),       # only 5 classes
                          ({"n_way": 1}, "n_way"),
                          ({"q_queries": 0}, "q_queries"),
                          ({"episodes": 0}, "episodes")]:
        args = {"n_way": 5, "k_shot": 5, "q_queries": 5, **kwargs}
        with pytest.raises(ValueError, match=match):
            fewshot.EpisodeSampler(xb, yb, **args)
        if "episodes" not in kwargs:
            with pytest.raises(ValueError, match=match):
                fewshot.few_shot_accuracy(None, xb, yb, **args)


def test_model_bad_arguments():
    encoder = _encoder()
    with pytest.raises(ValueError, match="distance"):
        fewshot.PrototypicalNetwork(encoder, n_way=5, k_shot=5, distance="manhattan")
    with pytest.raises(ValueError, match="k_shot"):
        fewshot.PrototypicalNetwork(encoder, n_way=5, k_shot=0)
    with pytest.raises(ValueError, match="loss"):
        fewshot.SiameseNetwork(encoder, loss="arcface")
    with pytest.raises(ValueError, match="margin"):
        fewshot.SiameseNetwork(encoder, margin=-1.0)
    with pytest.raises(ValueError, match="encoder"):
        fewshot.PrototypicalNetwork(kzoo.cnn_classifier(num_classes=3, input_shape=(8, 8, 1),
                                                        compile=False).layers[1],
                                    n_way=5, k_shot=5)
    with pytest.raises(ValueError, match="own loss"):
        fewshot.PrototypicalNetwork(encoder, n_way=5, k_shot=5).compile(loss="mse")
