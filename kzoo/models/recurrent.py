"""Recurrent family: SimpleRNN, LSTM and GRU classifiers and regressors.

Guide: "Sequence Models - Architecture and Usage" (RNN, LSTM, GRU) and
neural-networks-master "Recurrent Neural Networks (RNN)" (bidirectional
variant). The layers are Keras' (``SimpleRNN``, ``Bidirectional``,
``Embedding``) and ``kzoo.layers.LSTM`` / ``GRU``: Keras' LSTM and GRU, same
weights and config, that run PyTorch's fused kernels on the torch backend
(``kzoo/backend/fused_rnn.py``); models save and reload on every backend.

Two kinds of input:

* numeric sequences, ``input_shape=(timesteps, features)`` (``timesteps`` may
  be ``None`` for variable length), e.g. windows of a time series;
* token ids, ``vocab_size=`` (+ optional ``sequence_length``), embedded with
  ``keras.layers.Embedding``; id 0 is padding and is masked when
  ``mask_zero=True``, so padded steps change neither the state nor the output.

Numeric series of different lengths are padded at the end with a value
(``kzoo.data.pad_series``) and the model built with ``mask_value=`` that
value: a ``keras.layers.Masking`` layer at the input skips the padded steps.
"""

import keras

from kzoo import checks, defaults, layers, tasks
from kzoo.data import examples
from kzoo.models import blocks
from kzoo.registry import Example
from kzoo.search_space import Boolean, Int, SearchSpace, dropout_space, training_space

# Quick Start Guide: "2-3 hidden layers, 128-256 neurons"; the guide's
# Hyperparameters section adds "often use powers of 2". The smaller end of that
# range is the recurrent default: an LSTM layer has 4x the weights of a Dense
# layer of the same width.
UNITS = 128
EMBEDDING_DIM = 128

_CELLS = {
    "rnn": keras.layers.SimpleRNN,
    "lstm": layers.LSTM,  # keras.layers.LSTM/GRU + PyTorch's fused kernels on torch
    "gru": layers.GRU,
}
_GUIDE = {
    "rnn": "Sequence Models > 1. RNN (Recurrent Neural Networks)",
    "lstm": "Sequence Models > 2. LSTM (Long Short-Term Memory)",
    "gru": "Sequence Models > 3. GRU (Gated Recurrent Unit)",
}


def _space():
    lo_units, hi_units = defaults.UNITS_RANGE
    lo_layers, hi_layers = defaults.LAYERS_RANGE
    return (SearchSpace((Int("units", lo_units, hi_units, sampling="log"),
                         Int("num_layers", lo_layers, hi_layers),
                         Boolean("bidirectional")))
            + dropout_space() + training_space())


def sequence_inputs(*, input_shape, vocab_size, sequence_length, embedding_dim, mask_zero,
                    mask_value=None):
    """The ``Input`` and the sequence fed to the first layer: numeric or embedded tokens.

    Exactly one of ``input_shape=(timesteps, features)`` and ``vocab_size`` is
    given; token ids go through ``keras.layers.Embedding`` (id 0 masked when
    ``mask_zero``); numeric steps equal to ``mask_value`` in every feature
    are masked by ``keras.layers.Masking`` when ``mask_value`` is not None.
    """
    if (input_shape is None) == (vocab_size is None):
        raise ValueError(
            "Pass exactly one of input_shape=(timesteps, features) for numeric sequences "
            "or vocab_size= for token ids. Received: "
            f"input_shape={input_shape!r}, vocab_size={vocab_size!r}")
    checks.boolean("mask_zero", mask_zero)
    checks.positive_int("embedding_dim", embedding_dim)
    if mask_value is not None:
        checks.number_in_range("mask_value", mask_value)
    if vocab_size is not None:
        if mask_value is not None:
            raise ValueError("mask_value is for numeric input (input_shape=); token input "
                             f"masks id 0 with mask_zero. Received: mask_value={mask_value!r}")
        checks.positive_int("vocab_size", vocab_size, minimum=2)
        if sequence_length is not None:
            checks.positive_int("sequence_length", sequence_length)
        inputs = keras.Input(shape=(sequence_length,), dtype="int32", name="tokens")
        return inputs, blocks.embedding(vocab_size, embedding_dim, mask_zero=mask_zero)(inputs)
    input_shape = checks.shape("input_shape", input_shape, rank=2)
    if input_shape[1] is None:
        raise ValueError("input_shape must be (timesteps, features) with a known number "
                         f"of features. Received: input_shape={input_shape!r}")
    if sequence_length is not None:
        raise ValueError("sequence_length is for token input (vocab_size=); numeric "
                         "input takes the length from input_shape. Received: "
                         f"sequence_length={sequence_length!r}")
    inputs = keras.Input(shape=input_shape, name="inputs")
    if mask_value is not None:
        return inputs, keras.layers.Masking(float(mask_value), name="masking")(inputs)
    return inputs, inputs


def recurrent_body(*, cell, input_shape=None, vocab_size=None, sequence_length=None,
                   embedding_dim=EMBEDDING_DIM, units=UNITS, num_layers=1, bidirectional=False,
                   dropout=defaults.DROPOUT, recurrent_dropout=0.0, mask_zero=True,
                   mask_value=None, kernel_regularizer=None):
    """A stack of recurrent layers; the last one's final output is the feature vector.

    Args:
        cell: str. ``"rnn"``, ``"lstm"`` or ``"gru"`` (fixed by each factory).
        input_shape: tuple. ``(timesteps, features)`` of a numeric sequence;
            ``timesteps`` may be None for variable length. Exactly one of
            ``input_shape`` and ``vocab_size`` is required. Defaults to None.
        vocab_size: int. Number of token ids (id 0 is padding) for token
            input, embedded with ``keras.layers.Embedding``. Defaults to None.
        sequence_length: int. Fixed length of token sequences; None accepts
            any length. Token input only. Defaults to None.
        embedding_dim: int. Size of the token embedding. Token input only.
            Defaults to 128 (guide: Quick Start, 128-256 units).
        units: int. Units of each recurrent layer (per direction). Defaults to
            128 (guide: Quick Start "128-256 neurons"; an LSTM layer already
            has 4x the weights of a Dense layer this wide).
        num_layers: int. Stacked recurrent layers; all but the last return
            sequences. Defaults to 1 (guide: Phase 2, start simple).
        bidirectional: bool. Wrap each layer in ``keras.layers.Bidirectional``
            (neural-networks-master: RNN variants, Bidirectional RNN); the
            outputs of both directions are concatenated. Defaults to False.
        dropout: float. Dropout applied to the output of every recurrent
            layer (between stacked layers and before the head). Defaults to
            0.3 (guide: Quick Start, "Dropout 0.3-0.5").
        recurrent_dropout: float. Dropout on the recurrent state, passed to
            the Keras layer. Defaults to 0.0 (it rules out the fused
            cuDNN kernels).
        mask_zero: bool. Mask token id 0 so padded steps are skipped. Token
            input only. Defaults to True.
        mask_value: float or None. Numeric input only: steps equal to this
            value in every feature (the padding of ``kzoo.data.pad_series``)
            are masked by ``keras.layers.Masking`` and change neither the
            state nor the output. Defaults to None (no masking).
    """
    checks.one_of("cell", cell, tuple(_CELLS))
    checks.positive_int("units", units)
    checks.positive_int("num_layers", num_layers)
    checks.boolean("bidirectional", bidirectional)
    checks.fraction("dropout", dropout)
    checks.fraction("recurrent_dropout", recurrent_dropout)
    inputs, x = sequence_inputs(input_shape=input_shape, vocab_size=vocab_size,
                                sequence_length=sequence_length, embedding_dim=embedding_dim,
                                mask_zero=mask_zero, mask_value=mask_value)
    for i in range(num_layers):
        layer = _CELLS[cell](units, return_sequences=i < num_layers - 1,
                             recurrent_dropout=recurrent_dropout,
                             kernel_regularizer=kernel_regularizer, name=f"{cell}_{i}")
        if bidirectional:
            layer = keras.layers.Bidirectional(layer, name=f"bidirectional_{cell}_{i}")
        x = layer(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"dropout_{i}")(x)
    return inputs, x


def _factories(cell, label, classifier_example, regressor_example):
    """The classifier and the regressor of one cell type."""
    common = {"family": "recurrent", "guide": _GUIDE[cell], "search_space": _space(),
              "bind": {"cell": cell}, "reference": f"Guide: {_GUIDE[cell]}."}
    classifier = tasks.classifier(
        recurrent_body, name=f"{cell}_classifier", example=classifier_example,
        summary=f"{label} sequence classifier: sequence -> one class.",
        description="The last recurrent layer's final output feeds a sigmoid (2 classes) or "
                    "softmax head.",
        example_doc=f"""
            >>> model = kzoo.{cell}_classifier(num_classes=2, vocab_size=20_000)
            >>> model = kzoo.{cell}_classifier(num_classes=3, input_shape=(100, 8),
            ...                                bidirectional=True)""", **common)
    regressor = tasks.regressor(
        recurrent_body, name=f"{cell}_regressor", example=regressor_example,
        summary=f"{label} sequence regressor: sequence -> ``outputs`` values.",
        description="With ``outputs=h`` it forecasts a horizon of ``h`` steps at once (pair "
                    "it with ``kzoo.data.make_windows(series, lookback, horizon=h)``).",
        example_doc=f"""
            >>> x, y = kzoo.data.make_windows(kzoo.data.seasonal_series(2000), 48, 6)
            >>> model = kzoo.{cell}_regressor(input_shape=(48, 1), outputs=6)""", **common)
    return classifier, regressor


_CLASSIFIER_EXAMPLE = Example({"num_classes": 2, "input_shape": (12, 3), "units": 8},
                              examples.sequence_classes)
_TOKEN_EXAMPLE = Example({"num_classes": 2, "vocab_size": 30, "embedding_dim": 8, "units": 8,
                          "bidirectional": True}, examples.token_classes)
_REGRESSOR_EXAMPLE = Example({"input_shape": (12, 2), "outputs": 3, "units": 8,
                              "num_layers": 2}, examples.sequence_targets)

rnn_classifier, rnn_regressor = _factories("rnn", "A SimpleRNN", _CLASSIFIER_EXAMPLE,
                                           _REGRESSOR_EXAMPLE)
lstm_classifier, lstm_regressor = _factories("lstm", "An LSTM", _TOKEN_EXAMPLE,
                                             _REGRESSOR_EXAMPLE)
gru_classifier, gru_regressor = _factories(
    "gru", "A GRU", _CLASSIFIER_EXAMPLE,
    Example({**_REGRESSOR_EXAMPLE.kwargs, "bidirectional": True}, examples.sequence_targets))
