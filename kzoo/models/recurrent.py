"""Recurrent family: SimpleRNN, LSTM and GRU classifiers and regressors.

Guide: "Sequence Models - Architecture and Usage" (RNN, LSTM, GRU) and
neural-networks-master "Recurrent Neural Networks (RNN)" (bidirectional
variant). Every layer is a Keras built-in (``SimpleRNN``, ``LSTM``, ``GRU``,
``Bidirectional``, ``Embedding``), so models save and reload anywhere.

Two kinds of input:

* numeric sequences, ``input_shape=(timesteps, features)`` (``timesteps`` may
  be ``None`` for variable length), e.g. windows of a time series;
* token ids, ``vocab_size=`` (+ optional ``sequence_length``), embedded with
  ``keras.layers.Embedding``; id 0 is padding and is masked when
  ``mask_zero=True``, so padded steps change neither the state nor the output.
"""

import keras

from kzoo import checks, defaults, heads
from kzoo.models import blocks
from kzoo.registry import Example, register_model
from kzoo.search_space import Boolean, Int, SearchSpace, dropout_space, training_space

# Quick Start Guide: "2-3 hidden layers, 128-256 neurons"; the guide's
# Hyperparameters section adds "often use powers of 2". The smaller end of that
# range is the recurrent default: an LSTM layer has 4x the weights of a Dense
# layer of the same width.
UNITS = 128
EMBEDDING_DIM = 128

_CELLS = {
    "rnn": keras.layers.SimpleRNN,
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
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


def _sequence_classes(rng, n=64, steps=12, features=3):
    """Sign of the sum of the first feature over time: a learnable sequence label."""
    x = rng.normal(size=(n, steps, features)).astype("float32")
    return x, (x[:, :, 0].sum(axis=1) > 0).astype("int32")


def _token_classes(rng, n=64, steps=12, vocab=30):
    """Padded token sequences; label: does token 1 appear?"""
    x = rng.integers(2, vocab, size=(n, steps))
    lengths = rng.integers(3, steps + 1, size=n)
    for i, length in enumerate(lengths):
        x[i, :steps - length] = 0  # pre-padding
    y = rng.integers(0, 2, size=n)
    for i in range(n):
        if y[i]:
            x[i, rng.integers(steps - lengths[i], steps)] = 1
    return x.astype("int32"), y.astype("int32")


def _sequence_targets(rng, n=64, steps=12, features=2, outputs=3):
    x = rng.normal(size=(n, steps, features)).astype("float32")
    y = x[:, -outputs:, 0] + 0.5 * x[:, :outputs, 1]
    return x, y.astype("float32")


def _check_recurrent_args(*, input_shape, vocab_size, sequence_length, embedding_dim, units,
                          num_layers, bidirectional, dropout, recurrent_dropout, mask_zero,
                          l1, l2, optimizer, learning_rate):
    """Validates every shared argument before anything is built."""
    if (input_shape is None) == (vocab_size is None):
        raise ValueError(
            "Pass exactly one of input_shape=(timesteps, features) for numeric sequences "
            "or vocab_size= for token ids. Received: "
            f"input_shape={input_shape!r}, vocab_size={vocab_size!r}")
    if input_shape is not None:
        input_shape = checks.shape("input_shape", input_shape, rank=2)
        if input_shape[1] is None:
            raise ValueError("input_shape must be (timesteps, features) with a known number "
                             f"of features. Received: input_shape={input_shape!r}")
        if sequence_length is not None:
            raise ValueError("sequence_length is for token input (vocab_size=); numeric "
                             "input takes the length from input_shape. Received: "
                             f"sequence_length={sequence_length!r}")
    else:
        checks.positive_int("vocab_size", vocab_size, minimum=2)
        if sequence_length is not None:
            checks.positive_int("sequence_length", sequence_length)
        checks.positive_int("embedding_dim", embedding_dim)
    checks.positive_int("units", units)
    checks.positive_int("num_layers", num_layers)
    checks.one_of("bidirectional", bidirectional, (True, False))
    checks.fraction("dropout", dropout)
    checks.fraction("recurrent_dropout", recurrent_dropout)
    checks.one_of("mask_zero", mask_zero, (True, False))
    blocks.regularizer(l1, l2)
    heads.check_compile_args(optimizer, learning_rate)
    return input_shape


def _recurrent(name, cell, *, input_shape, vocab_size, sequence_length, embedding_dim, units,
               num_layers, bidirectional, dropout, recurrent_dropout, mask_zero, l1, l2,
               optimizer, learning_rate, head):
    """Validates, then builds inputs -> [embedding] -> recurrent stack -> ``head``."""
    input_shape = _check_recurrent_args(
        input_shape=input_shape, vocab_size=vocab_size, sequence_length=sequence_length,
        embedding_dim=embedding_dim, units=units, num_layers=num_layers,
        bidirectional=bidirectional, dropout=dropout, recurrent_dropout=recurrent_dropout,
        mask_zero=mask_zero, l1=l1, l2=l2, optimizer=optimizer, learning_rate=learning_rate)
    reg = blocks.regularizer(l1, l2)
    if vocab_size is not None:
        inputs = keras.Input(shape=(sequence_length,), dtype="int32", name="tokens")
        x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=mask_zero,
                                   name="embedding")(inputs)
    else:
        inputs = keras.Input(shape=input_shape, name="inputs")
        x = inputs
    layer_cls = _CELLS[cell]
    for i in range(num_layers):
        last = i == num_layers - 1
        layer = layer_cls(units, return_sequences=not last,
                          recurrent_dropout=recurrent_dropout, kernel_regularizer=reg,
                          name=f"{cell}_{i}")
        if bidirectional:
            layer = keras.layers.Bidirectional(layer, name=f"bidirectional_{cell}_{i}")
        x = layer(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"dropout_{i}")(x)
    return keras.Model(inputs, head(x, kernel_regularizer=reg), name=name)


_ARGS_DOC = """
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
        l1: float. L1 penalty on the input kernels and the output layer.
            Defaults to 0.
        l2: float. L2 penalty (guide: 0.01 is moderate). Defaults to 0.
        optimizer: str. ``"adam"``, ``"adamw"``, ``"sgd"`` or ``"rmsprop"``.
            Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start)."""


def _document(factory):
    factory.__doc__ = factory.__doc__.replace("{ARGS}", _ARGS_DOC.strip("\n"))
    return factory


def _make_classifier(cell, label):
    def factory(*, num_classes, input_shape=None, vocab_size=None, sequence_length=None,
                embedding_dim=EMBEDDING_DIM, units=UNITS, num_layers=1, bidirectional=False,
                dropout=defaults.DROPOUT, recurrent_dropout=0.0, mask_zero=True, l1=0.0,
                l2=0.0, optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE,
                loss=None, compile=True):
        checks.num_classes(num_classes)
        model = _recurrent(
            f"{cell}_classifier", cell, input_shape=input_shape, vocab_size=vocab_size,
            sequence_length=sequence_length, embedding_dim=embedding_dim, units=units,
            num_layers=num_layers, bidirectional=bidirectional, dropout=dropout,
            recurrent_dropout=recurrent_dropout, mask_zero=mask_zero, l1=l1, l2=l2,
            optimizer=optimizer, learning_rate=learning_rate,
            head=lambda x, **kw: heads.classification_output(x, num_classes, **kw))
        if compile:
            heads.compile_classifier(model, num_classes, optimizer=optimizer,
                                     learning_rate=learning_rate, loss=loss)
        return model

    factory.__name__ = factory.__qualname__ = f"{cell}_classifier"
    factory.__doc__ = f"""A {label} sequence classifier: sequence -> one class.

    The last recurrent layer's final output feeds a sigmoid (2 classes) or
    softmax head.

    Args:
        num_classes: int. Number of classes (>= 2); 2 gives one sigmoid unit
            and binary cross-entropy, more a softmax and sparse categorical
            cross-entropy. Labels are integers.
{{ARGS}}
        loss: A loss or ``"focal"``; defaults to cross-entropy for the task.
        compile: bool. Compile with the task's loss and metrics. Defaults to True.

    Returns:
        A ``keras.Model`` named ``"{cell}_classifier"``.

    Example:
        >>> model = kzoo.{cell}_classifier(num_classes=2, vocab_size=20_000)
        >>> model = kzoo.{cell}_classifier(num_classes=3, input_shape=(100, 8),
        ...                                bidirectional=True)

    Reference:
        Guide: {_GUIDE[cell]}.
    """
    return _document(factory)


def _make_regressor(cell, label):
    def factory(*, input_shape=None, vocab_size=None, sequence_length=None, outputs=1,
                embedding_dim=EMBEDDING_DIM, units=UNITS, num_layers=1, bidirectional=False,
                dropout=defaults.DROPOUT, recurrent_dropout=0.0, mask_zero=True, l1=0.0,
                l2=0.0, optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE,
                loss=None, compile=True):
        checks.positive_int("outputs", outputs)
        model = _recurrent(
            f"{cell}_regressor", cell, input_shape=input_shape, vocab_size=vocab_size,
            sequence_length=sequence_length, embedding_dim=embedding_dim, units=units,
            num_layers=num_layers, bidirectional=bidirectional, dropout=dropout,
            recurrent_dropout=recurrent_dropout, mask_zero=mask_zero, l1=l1, l2=l2,
            optimizer=optimizer, learning_rate=learning_rate,
            head=lambda x, **kw: heads.regression_output(x, outputs, **kw))
        if compile:
            heads.compile_regressor(model, optimizer=optimizer, learning_rate=learning_rate,
                                    loss=loss)
        return model

    factory.__name__ = factory.__qualname__ = f"{cell}_regressor"
    factory.__doc__ = f"""A {label} sequence regressor: sequence -> ``outputs`` values.

    With ``outputs=h`` it forecasts a horizon of ``h`` steps at once (pair it
    with ``kzoo.data.make_windows(series, lookback, horizon=h)``).

    Args:
        outputs: int. Values predicted per sequence (the forecast horizon).
            Defaults to 1.
{{ARGS}}
        loss: A loss such as ``"huber"`` or ``"mae"``; defaults to MSE
            (guide: Loss Functions for Regression).
        compile: bool. Compile with MSE and MAE / RMSE / R². Defaults to True.

    Returns:
        A ``keras.Model`` named ``"{cell}_regressor"`` with a linear output.

    Example:
        >>> x, y = kzoo.data.make_windows(kzoo.data.seasonal_series(2000), 48, 6)
        >>> model = kzoo.{cell}_regressor(input_shape=(48, 1), outputs=6)

    Reference:
        Guide: {_GUIDE[cell]}.
    """
    return _document(factory)


_CLASSIFIER_EXAMPLE = Example({"num_classes": 2, "input_shape": (12, 3), "units": 8},
                              _sequence_classes)
_TOKEN_EXAMPLE = Example({"num_classes": 2, "vocab_size": 30, "embedding_dim": 8, "units": 8,
                          "bidirectional": True}, _token_classes)
_REGRESSOR_EXAMPLE = Example({"input_shape": (12, 2), "outputs": 3, "units": 8,
                              "num_layers": 2}, _sequence_targets)


def _register(factory, cell, task, example):
    return register_model(family="recurrent", task=task, search_space=_space(),
                          example=example, guide=_GUIDE[cell])(factory)


rnn_classifier = _register(_make_classifier("rnn", "SimpleRNN"), "rnn", "classification",
                           _CLASSIFIER_EXAMPLE)
lstm_classifier = _register(_make_classifier("lstm", "LSTM"), "lstm", "classification",
                            _TOKEN_EXAMPLE)
gru_classifier = _register(_make_classifier("gru", "GRU"), "gru", "classification",
                           _CLASSIFIER_EXAMPLE)
rnn_regressor = _register(_make_regressor("rnn", "SimpleRNN"), "rnn", "regression",
                          _REGRESSOR_EXAMPLE)
lstm_regressor = _register(_make_regressor("lstm", "LSTM"), "lstm", "regression",
                           _REGRESSOR_EXAMPLE)
gru_regressor = _register(_make_regressor("gru", "GRU"), "gru", "regression",
                          Example({**_REGRESSOR_EXAMPLE.kwargs, "bidirectional": True},
                                  _sequence_targets))
