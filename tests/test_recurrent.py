"""Recurrent family: memory over long sequences, forecasting, token input and masking."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import data

CELLS = ("rnn", "lstm", "gru")
LAYER_TYPES = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


class StopWhenSolved(keras.callbacks.Callback):
    """Stops training once the validation loss is below ``threshold``."""

    def __init__(self, threshold):
        super().__init__()
        self.threshold = threshold

    def on_epoch_end(self, epoch, logs=None):
        if logs and logs.get("val_loss", np.inf) < self.threshold:
            self.model.stop_training = True


@pytest.mark.slow
def test_lstm_and_gru_remember_where_simple_rnn_forgets():
    """The guide: a plain RNN "forgets on long sequences", LSTM/GRU remember.

    The adding problem at length 50: the first marked value is 25-50 steps
    behind the end. Same data, size and budget (at most 15 epochs) for all three.
    """
    length = 50
    x, y = data.adding_problem(2000, length, seed=0)
    x_val, y_val = data.adding_problem(500, length, seed=1)
    baseline = float(np.mean((y_val - 1.0) ** 2))  # always predict the mean sum
    assert baseline == pytest.approx(2 / 12, abs=0.03)
    mse = {}
    for cell in CELLS:
        keras.utils.set_random_seed(0)
        factory = getattr(kzoo, f"{cell}_regressor")
        model = factory(input_shape=(length, 2), units=16, dropout=0.0, learning_rate=1e-2)
        model.fit(x, y, validation_data=(x_val, y_val), epochs=15, batch_size=32, verbose=0,
                  callbacks=[StopWhenSolved(0.01)])
        mse[cell] = float(model.evaluate(x_val, y_val, verbose=0, return_dict=True)["loss"])
    assert mse["lstm"] < 0.15 * baseline, (mse, baseline)
    assert mse["gru"] < 0.15 * baseline, (mse, baseline)
    assert mse["rnn"] > 0.8 * baseline, (mse, baseline)


def test_forecaster_beats_the_naive_forecast():
    series = data.seasonal_series(1200, period=24, noise=0.1, seed=0)
    horizon = 6
    x, y = data.make_windows(series, lookback=48, horizon=horizon)
    cut = int(0.8 * len(x))  # chronological split: train on the past
    # Predict the change from the last observed value, so the trend never
    # takes the model outside the range it was trained on.
    last = x[:, -1:, 0]
    x_rel, y_rel = x - last[:, :, None], y - last
    model = kzoo.gru_regressor(input_shape=(48, 1), outputs=horizon, units=16, dropout=0.0,
                               learning_rate=1e-2)
    model.fit(x_rel[:cut], y_rel[:cut], epochs=8, batch_size=32, verbose=0)
    pred = model.predict(x_rel[cut:], verbose=0) + last[cut:]
    mse = float(np.mean((pred - y[cut:]) ** 2))
    naive = float(np.mean((data.naive_forecast(x[cut:], horizon) - y[cut:]) ** 2))
    assert mse < 0.3 * naive, f"GRU MSE {mse:.4f} vs naive forecast {naive:.4f}"


def _token_task(rng, n, max_len=20, vocab=20):
    """Variable-length token sequences; label 1 when token 1 occurs."""
    lengths = rng.integers(4, max_len + 1, size=n)
    seqs = [rng.integers(2, vocab, size=length) for length in lengths]
    labels = rng.integers(0, 2, size=n)
    for seq, label in zip(seqs, labels):
        if label:
            seq[rng.integers(0, len(seq))] = 1
    return seqs, labels.astype("int32")


def _loud_padding(model):
    """Gives the padding id a large embedding, so reading it would show."""
    layer = model.get_layer("embedding")
    table = keras.ops.convert_to_numpy(layer.embeddings).copy()
    table[0] = 1.0
    layer.embeddings.assign(table)


def _pad(seqs, length, side="pre"):
    out = np.zeros((len(seqs), length), dtype="int32")
    for i, seq in enumerate(seqs):
        if side == "pre":
            out[i, length - len(seq):] = seq
        else:
            out[i, :len(seq)] = seq
    return out


@pytest.mark.parametrize("cell, bidirectional", [("lstm", False), ("gru", True)])
def test_token_classifier_learns_and_ignores_padding(cell, bidirectional):
    rng = np.random.default_rng(0)
    seqs, y = _token_task(rng, 800)
    val_seqs, y_val = _token_task(rng, 200)
    model = getattr(kzoo, f"{cell}_classifier")(num_classes=2, vocab_size=20, embedding_dim=16,
                                                units=16, bidirectional=bidirectional,
                                                learning_rate=1e-2)
    model.fit(_pad(seqs, 20), y, epochs=6, batch_size=32, verbose=0)
    acc = model.evaluate(_pad(val_seqs, 20), y_val, verbose=0, return_dict=True)["accuracy"]
    assert acc >= 0.9, f"{cell} (bidirectional={bidirectional}) accuracy {acc:.3f}"
    # Masked padding changes nothing: not its length, nor its side.
    _loud_padding(model)
    reference = model.predict(_pad(val_seqs[:32], 20), verbose=0)
    np.testing.assert_allclose(model.predict(_pad(val_seqs[:32], 35), verbose=0), reference,
                               atol=1e-5)
    np.testing.assert_allclose(model.predict(_pad(val_seqs[:32], 20, "post"), verbose=0),
                               reference, atol=1e-5)


def test_without_mask_padding_changes_the_predictions():
    """The control for the masking test: with mask_zero=False padding is read."""
    rng = np.random.default_rng(0)
    seqs, _ = _token_task(rng, 16)
    model = kzoo.lstm_classifier(num_classes=2, vocab_size=20, embedding_dim=8, units=8,
                                 mask_zero=False)
    _loud_padding(model)
    a = model.predict(_pad(seqs, 20), verbose=0)
    b = model.predict(_pad(seqs, 35), verbose=0)
    assert np.max(np.abs(a - b)) > 1e-3


@pytest.mark.parametrize("cell", CELLS)
def test_stacked_bidirectional_architecture(cell):
    model = getattr(kzoo, f"{cell}_classifier")(num_classes=4, input_shape=(None, 3), units=8,
                                                num_layers=3, bidirectional=True, l2=1e-3)
    wrappers = [layer for layer in model.layers if type(layer).__name__ == "Bidirectional"]
    assert len(wrappers) == 3
    assert [w.forward_layer.return_sequences for w in wrappers] == [True, True, False]
    assert all(type(w.forward_layer).__name__ == LAYER_TYPES[cell] for w in wrappers)
    assert wrappers[-1].output.shape[-1] == 16  # both directions concatenated
    assert [type(layer).__name__ for layer in model.layers].count("Dropout") == 3
    assert model.output_shape == (None, 4)
    x = np.random.default_rng(0).normal(size=(2, 7, 3)).astype("float32")
    assert model.predict(x, verbose=0).shape == (2, 4)  # variable length


def test_regressor_token_input_and_options():
    model = kzoo.lstm_regressor(vocab_size=50, sequence_length=10, outputs=3, embedding_dim=4,
                                units=5, dropout=0.0, recurrent_dropout=0.2)
    assert model.input_shape == (None, 10) and model.output_shape == (None, 3)
    assert model.get_layer("embedding").mask_zero
    assert model.get_layer("lstm_0").recurrent_dropout == pytest.approx(0.2)
    assert "Dropout" not in [type(layer).__name__ for layer in model.layers]
    assert model.loss.name == "mse"
    unmasked = kzoo.gru_regressor(vocab_size=50, mask_zero=False, compile=False)
    assert not unmasked.get_layer("embedding").mask_zero and not unmasked.compiled
    single = kzoo.rnn_regressor(input_shape=(5, 1))
    assert single.get_layer("rnn_0").units == 128 and single.output_shape == (None, 1)


@pytest.mark.parametrize("kwargs, match", [
    ({}, r"exactly one of input_shape.*Received: input_shape=None, vocab_size=None"),
    ({"input_shape": (10, 2), "vocab_size": 100},
     r"exactly one of .*Received: input_shape=\(10, 2\), vocab_size=100"),
    ({"input_shape": (10, 2), "units": 0}, r"Received: units=0"),
    ({"input_shape": (10, 2), "num_layers": 0}, r"Received: num_layers=0"),
    ({"input_shape": (10,)}, r"Received: input_shape=\(10,\)"),
    ({"input_shape": (10, 2), "sequence_length": 10}, r"Received: sequence_length=10"),
    ({"vocab_size": 1}, r"Received: vocab_size=1"),
    ({"vocab_size": 100, "sequence_length": 0}, r"Received: sequence_length=0"),
    ({"vocab_size": 100, "embedding_dim": 0}, r"Received: embedding_dim=0"),
    ({"input_shape": (10, 2), "dropout": 1.0}, r"Received: dropout=1.0"),
    ({"input_shape": (10, 2), "recurrent_dropout": -0.1}, r"Received: recurrent_dropout=-0.1"),
    ({"input_shape": (10, 2), "bidirectional": "yes"}, r"Received: bidirectional='yes'"),
    ({"input_shape": (10, 2), "l1": -1.0}, r"Received: l1=-1.0"),
    ({"input_shape": (10, 2), "optimizer": "adamax"}, r"Received: optimizer='adamax'"),
])
@pytest.mark.parametrize("cell", CELLS)
def test_bad_arguments_raise_value_error(cell, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(kzoo, f"{cell}_classifier")(num_classes=2, **kwargs)
    with pytest.raises(ValueError, match=match):
        getattr(kzoo, f"{cell}_regressor")(**kwargs)


def test_bad_head_arguments():
    with pytest.raises(ValueError, match=r"Received: num_classes=1"):
        kzoo.gru_classifier(num_classes=1, input_shape=(5, 1))
    with pytest.raises(ValueError, match=r"Received: outputs=0"):
        kzoo.lstm_regressor(input_shape=(5, 1), outputs=0)


def test_search_space_defaults_are_the_factory_defaults():
    for cell in CELLS:
        for kind in ("classifier", "regressor"):
            info = kzoo.model_info(f"{cell}_{kind}")
            assert info.family == "recurrent"
            assert set(info.search_space.names) == {"units", "num_layers", "bidirectional",
                                                    "dropout", "learning_rate", "optimizer"}
            for p in info.search_space.params:
                assert p.default is None  # the factory's own default
                assert p.name in info.defaults
            units = next(p for p in info.search_space.params if p.name == "units")
            assert units.min_value <= info.defaults["units"] <= units.max_value


def test_forecasting_recipe_runs(load_recipe, tmp_path, capsys):
    result = load_recipe("forecasting").main(
        ["--steps", "800", "--epochs", "4", "--cell", "gru", "--output", str(tmp_path),
         "--verbose", "0"])
    assert result["model_mse"] < result["naive_mse"]
    out = capsys.readouterr().out
    assert "naive" in out and "gru_regressor" in out
    # The saved forecaster takes raw windows: it reloads and predicts what the recipe measured.
    reloaded = keras.saving.load_model(result["path"])
    np.testing.assert_allclose(reloaded.predict(result["x_test"], verbose=0),
                               result["predictions"], rtol=1e-5, atol=1e-5)
