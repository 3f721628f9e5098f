"""kzoo.data: keras.datasets loaders, class weights, image and text augmentation, focal loss."""

import urllib.error

import keras
import numpy as np
import pytest

import kzoo
from kzoo import data


# ---------------------------------------------------------------- datasets
def _fake(shape_train, shape_test, labels_shape=lambda n: (n,), classes=10, seed=0):
    rng = np.random.default_rng(seed)

    def load_data(**kwargs):
        xs = [rng.integers(0, 256, size=s, dtype=np.uint8) for s in (shape_train, shape_test)]
        ys = [rng.integers(0, classes, size=labels_shape(s[0])).astype("uint8")
              for s in (shape_train, shape_test)]
        load_data.kwargs = kwargs
        return (xs[0], ys[0]), (xs[1], ys[1])

    return load_data


@pytest.mark.parametrize("loader, module, shape, channels", [
    (data.load_mnist, "mnist", (28, 28), 1),
    (data.load_fashion_mnist, "fashion_mnist", (28, 28), 1),
    (data.load_cifar10, "cifar10", (32, 32, 3), 3),
])
def test_image_loaders_scale_and_reshape(monkeypatch, loader, module, shape, channels):
    labels = (lambda n: (n, 1)) if module == "cifar10" else (lambda n: (n,))
    fake = _fake((12,) + shape, (5,) + shape, labels)
    monkeypatch.setattr(getattr(keras.datasets, module), "load_data", fake)
    (x, y), (xt, yt) = loader()
    assert x.shape == (12,) + shape[:2] + (channels,) and xt.shape[0] == 5
    assert x.dtype == np.float32 and 0.0 <= x.min() and x.max() <= 1.0 and x.max() > 0.9
    assert y.shape == (12,) and y.dtype == np.int32 and yt.shape == (5,)
    (xf, _), _ = loader(flatten=True)
    assert xf.shape == (12, int(np.prod(shape)))


def test_mnist_pixels_are_divided_by_255(monkeypatch):
    x_train = np.arange(2 * 28 * 28).reshape(2, 28, 28) % 256
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: (
        (x_train.astype("uint8"), np.array([3, 7], "uint8")),
        (x_train[:1].astype("uint8"), np.array([1], "uint8"))))
    (x, y), (xt, yt) = data.load_mnist()
    np.testing.assert_allclose(x[..., 0], x_train / 255.0, rtol=1e-6)
    assert y.tolist() == [3, 7] and yt.tolist() == [1]


def test_imdb_is_padded_to_maxlen(monkeypatch):
    reviews = np.array([[1, 5, 6, 7], [1, 8], list(range(1, 12))], dtype=object)

    def load_data(num_words=None):
        load_data.num_words = num_words
        return (reviews, np.array([1, 0, 1])), (reviews[:1], np.array([0]))

    monkeypatch.setattr(keras.datasets.imdb, "load_data", load_data)
    (x, y), (xt, yt) = data.load_imdb(num_words=500, maxlen=5)
    assert load_data.num_words == 500
    assert x.dtype == np.int32 and x.shape == (3, 5) and xt.shape == (1, 5)
    assert x[0].tolist() == [0, 1, 5, 6, 7]  # pre-padding with 0
    assert x[2].tolist() == [7, 8, 9, 10, 11]  # long reviews lose their start
    post = data.load_imdb(maxlen=5, padding="post", truncating="post")[0][0]
    assert post[1].tolist() == [1, 8, 0, 0, 0] and post[2].tolist() == [1, 2, 3, 4, 5]
    assert y.tolist() == [1, 0, 1]


def test_offline_download_raises_an_actionable_error(monkeypatch, tmp_path):
    from keras.src.backend import config
    from keras.src.utils import file_utils

    def no_network(*args, **kwargs):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(file_utils, "urlretrieve", no_network)
    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path))  # an empty cache
    for loader in (data.load_mnist, data.load_imdb):
        with pytest.raises(data.DatasetUnavailableError) as info:
            loader()
        message = str(info.value)
        assert "offline" in message and str(tmp_path) in message
        assert "load_digits" in message and "KERAS_HOME" in message


# ------------------------------------------------------------ class weights
def test_class_weights_match_sklearn():
    from sklearn.utils.class_weight import compute_class_weight

    y = np.array([0] * 70 + [1] * 20 + [2] * 10)
    weights = data.class_weights(y)
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    assert list(weights) == [0, 1, 2]
    np.testing.assert_allclose(list(weights.values()), expected)
    assert data.class_weights(y[:, None]) == weights
    with pytest.raises(ValueError, match="every class"):
        data.class_weights(np.array([0, 0, 2]), num_classes=3)
    with pytest.raises(ValueError, match="labels"):
        data.class_weights(np.array([0, 1, 3]), num_classes=3)


def _imbalanced(n, seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype("int32")
    x = (rng.normal(size=(n, 6)) + 1.0 * y[:, None]).astype("float32")
    return x, y


def test_class_weights_raise_minority_recall():
    x, y = _imbalanced(600, 0)
    xt, yt = _imbalanced(600, 1)
    recalls = []
    for weights in (None, data.class_weights(y)):
        keras.utils.set_random_seed(0)
        model = kzoo.perceptron(input_shape=(6,), num_classes=2, learning_rate=1e-2)
        model.fit(x, y, epochs=10, batch_size=32, verbose=0, class_weight=weights)
        pred = (model.predict(xt, verbose=0)[:, 0] > 0.5).astype(int)
        recalls.append(float((pred[yt == 1] == 1).mean()))
    assert recalls[1] > recalls[0] + 0.2, recalls
    assert recalls[1] > 0.7


@pytest.mark.parametrize("num_classes", [2, 3])
def test_focal_loss_trains_and_reloads(num_classes, tmp_path):
    rng = np.random.default_rng(0)
    y = rng.integers(0, num_classes, size=240).astype("int32")
    centers = rng.normal(0, 3, size=(num_classes, 6))
    x = (centers[y] + rng.normal(size=(240, 6))).astype("float32")
    model = kzoo.mlp_classifier(num_classes=num_classes, input_shape=(6,), hidden_units=(16,),
                                loss="focal", learning_rate=1e-2)
    assert "focal" in type(model.loss).__name__.lower()
    history = model.fit(x, y, epochs=8, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "focal.keras")
    loaded = keras.saving.load_model(tmp_path / "focal.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert loaded.evaluate(x, y, verbose=0)[0] == pytest.approx(
        model.evaluate(x, y, verbose=0)[0], rel=1e-4)


# ------------------------------------------------------- image augmentation
def _blob_images(n=4, size=24):
    yy, xx = np.mgrid[:size, :size]
    images = np.zeros((n, size, size, 1), "float32")
    for i in range(n):
        cy, cx = size / 2 + i % 2, size / 2 - 1  # off-centre blobs: a flip is visible
        images[i, ..., 0] = np.exp(-((yy - cy) ** 2 + (xx - cx - 3) ** 2) / 8.0)
    return images


def test_flip_is_a_mirror_image():
    images = _blob_images(8)
    flip = data.image_augmentation(kind="natural", rotation=0, zoom=0, brightness=0,
                                   contrast=0, seed=1)
    out = keras.ops.convert_to_numpy(flip(images, training=True))
    flipped = [np.allclose(o, i[:, ::-1]) for o, i in zip(out, images)]
    kept = [np.allclose(o, i) for o, i in zip(out, images)]
    assert all(f or k for f, k in zip(flipped, kept))
    assert any(flipped)  # seeded: some images are mirrored


def test_symbols_are_never_mirrored_by_default():
    """A mirrored digit is not a digit (guide: "Transformations must be realistic!")."""
    layers = [layer.name for layer in data.image_augmentation(seed=0).layers]
    assert "flip" not in layers and "rotation" in layers
    natural = [layer.name for layer in data.image_augmentation(kind="natural").layers]
    assert "flip" in natural
    assert "flip" not in [layer.name for layer in
                          data.augmented_dataset(_blob_images(4), seed=0).augmentation.layers]
    assert "flip" in [layer.name for layer in data.image_augmentation(
        flip="horizontal").layers]   # an explicit argument overrides the kind's
    with pytest.raises(ValueError, match="kind"):
        data.image_augmentation(kind="faces")


def test_rotation_keeps_shape_and_mass():
    images = _blob_images(6)
    rotate = data.image_augmentation(flip=None, rotation=20, zoom=0, brightness=0,
                                     contrast=0, seed=3)
    out = keras.ops.convert_to_numpy(rotate(images, training=True))
    assert out.shape == images.shape
    np.testing.assert_allclose(out.sum(axis=(1, 2, 3)), images.sum(axis=(1, 2, 3)), rtol=0.1)
    assert not np.allclose(out, images)


def test_brightness_and_contrast_stay_in_range():
    images = np.random.default_rng(0).random((8, 16, 16, 3)).astype("float32")
    tone = data.image_augmentation(flip=None, rotation=0, zoom=0, brightness=0.2,
                                   contrast=0.2, seed=0)
    out = keras.ops.convert_to_numpy(tone(images, training=True))
    assert out.min() >= 0.0 and out.max() <= 1.0
    means = out.mean(axis=(1, 2, 3)) - images.mean(axis=(1, 2, 3))
    assert np.abs(means).max() > 0.01  # brightness moved


def test_augmented_dataset_is_random_per_epoch_but_seeded():
    images = _blob_images(16)
    labels = np.arange(16) % 2
    first = data.augmented_dataset(images, labels, batch_size=8, seed=7)
    second = data.augmented_dataset(images, labels, batch_size=8, seed=7)
    assert len(first) == 2
    epoch1 = [first[i] for i in range(len(first))]
    first.on_epoch_end()
    epoch2 = [first[i] for i in range(len(first))]
    replay = [second[i] for i in range(len(second))]
    for (a, la), (b, lb) in zip(epoch1, replay):
        np.testing.assert_allclose(a, b, atol=1e-6)  # same seed, same batches
        np.testing.assert_array_equal(la, lb)
    assert not np.allclose(np.concatenate([b[0] for b in epoch1]),
                           np.concatenate([b[0] for b in epoch2]))
    x, y = epoch1[0]
    assert x.shape == (8, 24, 24, 1) and x.dtype == np.float32 and y.shape == (8,)


def test_training_on_the_augmented_pipeline_keeps_augmentation_out_of_the_model():
    images = _blob_images(32)
    labels = (np.arange(32) % 2).astype("int32")
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(24, 24, 1), hidden_units=(16,))
    train = data.augmented_dataset(images, labels, batch_size=16, seed=0)
    history = model.fit(train, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    # No augmentation layer inside the model, so nothing switches XLA off.
    assert not any("Random" in type(layer).__name__ for layer in model.layers)


def test_augmentation_arguments_are_checked():
    with pytest.raises(ValueError, match="rotation"):
        data.image_augmentation(rotation=-5)
    with pytest.raises(ValueError, match="flip"):
        data.image_augmentation(flip="diagonal")
    with pytest.raises(ValueError, match="x must be a batch of images"):
        data.augmented_dataset(np.zeros((4, 8, 8)), np.zeros(4))


# -------------------------------------------------------- text augmentation
VOCAB = ["", "[UNK]", "the", "movie", "was", "good", "great", "film", "bad", "awful", "plot"]
TABLE = data.synonym_table(VOCAB)


def test_synonym_table_maps_words_to_ids():
    assert TABLE[VOCAB.index("good")] == [VOCAB.index("great")]
    assert sorted(TABLE[VOCAB.index("movie")]) == [VOCAB.index("film")]
    assert VOCAB.index("the") not in TABLE
    assert data.synonym_table({"hot": 1, "warm": 2}, {"hot": ["warm", "cold"]}) == {1: [2]}


def test_text_transforms_do_what_they_say():
    rng = np.random.default_rng(0)
    words = [2, 3, 4, 5]  # the movie was good
    replaced = data.synonym_replacement(words, TABLE, rate=1.0, rng=rng)
    assert replaced[0] == 2 and replaced[2] == 4  # words without synonyms stay
    assert replaced[1] in TABLE[3] and replaced[3] in TABLE[5]
    swapped = data.random_swap(words, 1, rng=rng)
    assert sorted(swapped) == sorted(words) and swapped != words
    inserted = data.random_insertion(words, TABLE, 1, rng=rng)
    assert len(inserted) == 5 and set(inserted) - set(words) <= {6, 7}
    assert data.random_insertion([2, 4], TABLE, 2, rng=rng) == [2, 4]  # nothing to insert


def test_text_augmenter_keeps_padding_and_length_and_is_seeded():
    x = np.array([[0, 0, 0, 2, 3, 4, 5],
                  [2, 3, 4, 5, 8, 2, 10],
                  [0, 0, 0, 0, 0, 0, 0]], "int32")
    augment = data.TextAugmenter(TABLE, replace_rate=0.5, swaps=1, insertions=1, seed=0)
    out = augment(x)
    assert out.shape == x.shape and out.dtype == x.dtype
    assert (out[2] == 0).all()  # all-padding row untouched
    assert (out[0] != 0).sum() == 5  # one insertion used one padding slot
    assert out[0, :2].tolist() == [0, 0]
    assert (out[1] != 0).all()  # full row: still 7 tokens
    again = data.TextAugmenter(TABLE, replace_rate=0.5, swaps=1, insertions=1, seed=0)(x)
    np.testing.assert_array_equal(out, again)
    later = augment(x)  # the next epoch draws new randomness
    assert not np.array_equal(out, later)
    with pytest.raises(ValueError, match="sequences"):
        augment(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="synonyms"):
        data.TextAugmenter({1: []})
