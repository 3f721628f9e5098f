"""Series padding + masking, series normalizers, split(test=0) and predict_labels."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import data
from kzoo.evaluation import predict_labels


def test_pad_series_pads_at_the_end_and_lengths_come_back():
    a, b = np.arange(3.0), np.ones((5, 1))
    x = data.pad_series([a, b], mask_value=-9.0)
    assert x.shape == (2, 5, 1) and x.dtype == np.float32
    np.testing.assert_array_equal(x[0, :, 0], [0, 1, 2, -9, -9])
    np.testing.assert_array_equal(data.series_lengths(x, mask_value=-9.0), [3, 5])
    # A real zero inside a series is not padding; only the trailing run is.
    z = data.pad_series([[1.0, 0.0, 2.0], [1.0]])
    np.testing.assert_array_equal(data.series_lengths(z), [3, 1])
    cut = data.pad_series([np.arange(6.0)], maxlen=4, truncating="pre")
    np.testing.assert_array_equal(cut[0, :, 0], [2, 3, 4, 5])


@pytest.mark.parametrize("kwargs, match", [
    ({"sequences": []}, r"non-empty list"),
    ({"sequences": [np.ones((2, 2)), np.ones((2, 3))]}, r"same number of channels"),
    ({"sequences": [np.ones((0, 2))]}, r"at least one step"),
    ({"sequences": [np.ones(2)], "maxlen": 0}, r"Received: maxlen=0"),
    ({"sequences": [np.ones(2)], "mask_value": np.nan}, r"Received: mask_value=nan"),
])
def test_pad_series_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.pad_series(**kwargs)


def test_znormalize_per_series_ignores_padding():
    rng = np.random.default_rng(0)
    a = rng.normal(5.0, 3.0, (40, 2))
    b = rng.normal(-2.0, 0.1, (25, 2))
    x = data.znormalize(data.pad_series([a, b], mask_value=0.0), mask_value=0.0)
    for i, n in enumerate((40, 25)):
        np.testing.assert_allclose(x[i, :n].mean(axis=0), 0.0, atol=1e-5)
        np.testing.assert_allclose(x[i, :n].std(axis=0), 1.0, atol=1e-4)
    np.testing.assert_array_equal(x[1, 25:], 0.0)            # padding stays padding
    np.testing.assert_array_equal(data.znormalize(np.ones((2, 5))), 0.0)  # flat -> zeros


def test_znormalize_erases_amplitude_where_channel_standardizer_keeps_it():
    """The documented trade-off: per-series z-norm makes 'small' and 'large' identical."""
    t = np.sin(np.linspace(0, 6, 50))
    x = np.stack([t * 0.1, t * 10.0])[..., None]             # two classes by amplitude
    z = data.znormalize(x)
    np.testing.assert_allclose(z[0], z[1], atol=1e-5)
    scaler = data.ChannelStandardizer().fit(x)
    s = scaler.transform(x)
    assert np.abs(s[1]).max() > 10 * np.abs(s[0]).max()
    np.testing.assert_allclose(scaler.inverse_transform(s), x, rtol=1e-4, atol=1e-5)


def test_channel_standardizer_fits_on_train_only_and_skips_padding():
    rng = np.random.default_rng(1)
    train = data.pad_series([rng.normal([0, 100], [1, 10], (n, 2)) for n in (30, 50, 40)],
                            mask_value=-1.0)
    scaler = data.ChannelStandardizer(mask_value=-1.0).fit(train)
    real = np.concatenate([train[i, :n] for i, n in enumerate((30, 50, 40))])
    np.testing.assert_allclose(scaler.mean_, real.mean(axis=0), rtol=1e-4)
    out = scaler.transform(train)
    np.testing.assert_array_equal(out[0, 30:], -1.0)
    test = rng.normal([0, 100], [1, 10], (2, 10, 2))
    np.testing.assert_allclose(scaler.transform(test), (test - scaler.mean_) / scaler.scale_,
                               rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match=r"2 channels as in fit"):
        scaler.transform(np.ones((1, 5, 3)))
    with pytest.raises(ValueError, match=r"before fit"):
        data.ChannelStandardizer().transform(test)


def test_normalizers_reject_ragged_and_nan_series():
    with pytest.raises(ValueError, match=r"different lengths.*pad_series"):
        data.znormalize([np.ones((3, 1)), np.ones((4, 1))])
    with pytest.raises(ValueError, match=r"different lengths.*pad_series"):
        data.ChannelStandardizer().fit([np.ones((3, 1)), np.ones((4, 1))])
    with pytest.raises(ValueError, match=r"x must be finite"):
        data.znormalize(np.array([[1.0, np.nan, 2.0]]))


def test_ragged_series_given_to_fit_point_to_padding():
    model = kzoo.lstm_classifier(num_classes=2, input_shape=(None, 1), units=4)
    ragged = [np.zeros((5, 1), "float32"), np.zeros((7, 1), "float32")]
    with pytest.raises(ValueError, match=r"different shapes: pad .*pad_series.*mask_value="):
        model.fit(ragged, np.array([0, 1]), epochs=1, verbose=0)


def test_split_test_zero_makes_only_a_validation_split():
    x, y = np.arange(40.0).reshape(20, 2), np.arange(20) % 2
    s = data.split(x, y, val=0.2, test=0)
    assert (len(s.x_train), len(s.x_val), len(s.x_test)) == (16, 4, 0)
    assert s.x_test.shape == (0, 2) and s.y_test.shape == (0,)
    assert sorted(s.y_val) == [0, 0, 1, 1]                  # stratified
    np.testing.assert_array_equal(np.sort(np.concatenate([s.x_train, s.x_val]).ravel()),
                                  x.ravel())
    with pytest.raises(ValueError, match=r"Received: val=1.0"):
        data.split(x, y, val=1.0, test=0)


@pytest.mark.parametrize("classes", [2, 3])
def test_predict_labels_binary_and_multiclass_through_the_encoder(classes):
    from sklearn.preprocessing import LabelEncoder

    x, labels = data.shape_series(60, length=16, classes=classes)
    encoder = LabelEncoder().fit(labels)
    model = kzoo.mlp_classifier(num_classes=classes, input_shape=(16,), hidden_units=(16,))
    probabilities = model.predict(x[..., 0], verbose=0)
    assert probabilities.shape == (60, 1 if classes == 2 else classes)
    ints = predict_labels(model, x[..., 0])
    expected = ((probabilities[:, 0] >= 0.5).astype(int) if classes == 2
                else probabilities.argmax(axis=1))
    np.testing.assert_array_equal(ints, expected)
    names = predict_labels(model, x[..., 0], encoder)
    assert list(names) == list(encoder.classes_[expected])
    with pytest.raises(ValueError, match=r"Received: encoder="):
        predict_labels(model, x[..., 0], encoder="nope")
    with pytest.raises(ValueError, match=r"Received: threshold=1.5"):
        predict_labels(model, x[..., 0], threshold=1.5)


_MASKED = [
    ("lstm_classifier", {"units": 8}),
    ("gru_classifier", {"units": 8, "bidirectional": True}),
    ("transformer_classifier", {"embed_dim": 8, "num_heads": 2, "ff_dim": 8,
                                "num_layers": 1}),
    ("transformer_classifier", {"embed_dim": 8, "num_heads": 2, "ff_dim": 8,
                                "num_layers": 1, "pooling": "max"}),
]


@pytest.mark.parametrize("name, kwargs", _MASKED)
def test_padded_masked_batch_predicts_like_each_series_alone(name, kwargs, tmp_path):
    rng = np.random.default_rng(0)
    series = [rng.normal(size=(n, 2)).astype("float32") + 1.0 for n in (5, 12)]
    x = data.pad_series(series, maxlen=12, mask_value=0.0)
    model = kzoo.create_model(name, num_classes=3, input_shape=(12, 2), mask_value=0.0,
                              **kwargs)
    batch = model.predict(x, verbose=0)
    assert np.abs(batch[0] - batch[1]).max() > 1e-4            # different series differ
    if name.startswith("transformer"):      # fixed length (positional table): pad more
        alone = [model.predict(data.pad_series([s], maxlen=12), verbose=0)[0] for s in series]
    else:                                    # variable length: the series on its own
        free = kzoo.create_model(name, num_classes=3, input_shape=(None, 2), mask_value=0.0,
                                 **kwargs)
        free.set_weights(model.get_weights())
        alone = [free.predict(s[None], verbose=0)[0] for s in series]
    np.testing.assert_allclose(np.stack(alone), batch, atol=1e-5)
    path = tmp_path / "masked.keras"
    model.save(path)
    np.testing.assert_allclose(keras.saving.load_model(path).predict(x, verbose=0), batch,
                               atol=1e-6)


@pytest.mark.parametrize("name, kwargs, match", [
    ("lstm_classifier", {"vocab_size": 20, "mask_value": 0.0}, r"mask_value is for numeric"),
    ("transformer_classifier", {"vocab_size": 20, "sequence_length": 8, "mask_value": 0.0},
     r"mask_value is for numeric"),
    ("lstm_classifier", {"input_shape": (8, 2), "mask_value": "x"},
     r"Received: mask_value='x'"),
    ("transformer_classifier", {"input_shape": (8, 2), "mask_value": float("inf")},
     r"Received: mask_value=inf"),
])
def test_mask_value_is_checked(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        kzoo.create_model(name, num_classes=2, **kwargs)
