"""Dense (fully connected) family: the perceptron and multi-layer perceptrons.

Guide: "The Perceptron - Building Block" (neural-networks-master) and the
deep-learning guide's "Quick Start Guide > Recommended Default Configuration".
"""

import keras

from kzoo import checks, defaults, heads
from kzoo.models import blocks
from kzoo.registry import Example, register_model
from kzoo.search_space import (Boolean, Choice, SearchSpace, dropout_space, funnel_space,
                               training_space)


def _blobs(rng, n=96, features=8, classes=3):
    y = rng.integers(0, classes, size=n)
    centers = rng.normal(0, 3, size=(classes, features))
    x = centers[y] + rng.normal(0, 1, size=(n, features))
    return x.astype("float32"), y.astype("int32")


def _linear_target(rng, n=96, features=8):
    x = rng.normal(size=(n, features)).astype("float32")
    y = x @ rng.normal(size=(features, 1)) + 0.1 * rng.normal(size=(n, 1))
    return x, y.astype("float32")


_MLP_SPACE = (funnel_space() + dropout_space() + training_space()
              + SearchSpace((Choice("activation", defaults.HIDDEN_ACTIVATIONS),
                             Boolean("batch_norm"))))


def _inputs(input_shape):
    """An ``Input`` for ``input_shape`` and its flattened tensor."""
    inputs = keras.Input(shape=input_shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    return inputs, x


def _mlp(name, *, input_shape, hidden_units, activation, dropout, batch_norm, l1, l2,
         kernel_initializer, optimizer, learning_rate, head):
    """Validates the shared MLP arguments, then builds inputs -> stack -> ``head``."""
    input_shape = checks.shape("input_shape", input_shape)
    hidden_units = checks.int_tuple("hidden_units", hidden_units)
    blocks.check_activation(activation)
    checks.fraction("dropout", dropout)
    reg = blocks.regularizer(l1, l2)
    heads.check_compile_args(optimizer, learning_rate)
    inputs, x = _inputs(input_shape)
    x = blocks.dense_stack(x, hidden_units, activation=activation, dropout=dropout,
                           batch_norm=batch_norm, l1=l1, l2=l2,
                           kernel_initializer=kernel_initializer)
    return keras.Model(inputs, head(x, kernel_regularizer=reg), name=name)


@register_model(
    family="dense",
    task="classification",
    guide="neural-networks-master: 1 The Perceptron - Building Block",
    search_space=training_space(),
    example=Example({"num_classes": 3, "input_shape": (8,)}, _blobs),
)
def perceptron(*, input_shape, num_classes=2, l1=0.0, l2=0.0,
               optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE,
               loss=None, compile=True):
    """The single neuron y = f(w·x + b), with a sigmoid (2 classes) or softmax.

    With two classes this is Rosenblatt's perceptron with a differentiable
    activation (logistic regression); with more it is one layer of such
    neurons under a softmax. It separates only linearly separable classes,
    which is the guide's reason for hidden layers.

    Args:
        input_shape: tuple. Shape of one sample, e.g. ``(30,)``; higher ranks
            are flattened.
        num_classes: int. Number of classes; 2 gives one sigmoid unit.
            Defaults to 2.
        l1: float. L1 penalty on the weights. Defaults to 0.
        l2: float. L2 penalty on the weights. Defaults to 0.
        optimizer: str. ``"adam"``, ``"adamw"``, ``"sgd"`` or ``"rmsprop"``.
            Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start).
        loss: A loss or ``"focal"``; defaults to cross-entropy for the task.
        compile: bool. Compile with the task's loss and metrics. Defaults to True.

    Returns:
        A ``keras.Model`` named ``"perceptron"``.

    Example:
        >>> model = kzoo.perceptron(input_shape=(30,))   # breast cancer: 2 classes
    """
    checks.num_classes(num_classes)
    model = _mlp("perceptron", input_shape=input_shape, hidden_units=(),
                 activation=defaults.ACTIVATION, dropout=0.0, batch_norm=False, l1=l1, l2=l2,
                 kernel_initializer=None, optimizer=optimizer, learning_rate=learning_rate,
                 head=lambda x, **kw: heads.classification_output(x, num_classes, **kw))
    if compile:
        heads.compile_classifier(model, num_classes, optimizer=optimizer,
                                 learning_rate=learning_rate, loss=loss)
    return model


@register_model(
    family="dense",
    task="classification",
    guide="Quick Start Guide > Recommended Default Configuration",
    search_space=_MLP_SPACE,
    example=Example({"num_classes": 3, "input_shape": (8,), "hidden_units": (16, 8)},
                    _blobs),
)
def mlp_classifier(*, num_classes, input_shape, hidden_units=defaults.HIDDEN_UNITS,
                   activation=defaults.ACTIVATION, dropout=defaults.DROPOUT,
                   batch_norm=False, l1=0.0, l2=0.0, kernel_initializer=None,
                   optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE,
                   loss=None, compile=True):
    """A multi-layer perceptron classifier with the guide's default configuration.

    Args:
        num_classes: int. Number of classes (>= 2); 2 gives one sigmoid unit and
            binary cross-entropy, more a softmax and sparse categorical
            cross-entropy. Labels are integers.
        input_shape: tuple. Shape of one sample, e.g. ``(64,)``; images are
            flattened.
        hidden_units: tuple of int. Width of each hidden layer. Defaults to
            ``(256, 128)`` (guide: Quick Start, "2-3 hidden layers, 128-256
            neurons", funnel shaped).
        activation: str. Hidden activation: relu, leaky_relu, elu, gelu, swish,
            tanh or sigmoid. Defaults to ``"relu"`` (guide: Quick Start).
        dropout: float. Fraction of units dropped after each hidden layer.
            Defaults to 0.3 (guide: Quick Start, "Dropout 0.3-0.5").
        batch_norm: bool. Batch normalization before each activation.
            Defaults to False (guide: add it when training is unstable).
        l1: float. L1 penalty; with ``l2`` it is an elastic net. Defaults to 0.
        l2: float. L2 penalty (guide: 0.01 is moderate). Defaults to 0.
        kernel_initializer: Initializer; ``None`` picks He normal for the ReLU
            family and Glorot uniform for tanh / sigmoid. Defaults to None.
        optimizer: str. Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start).
        loss: A loss or ``"focal"``; defaults to cross-entropy for the task.
        compile: bool. Compile with the task's loss and metrics. Defaults to True.

    Returns:
        A ``keras.Model`` named ``"mlp_classifier"``.

    Example:
        >>> model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
        >>> model.fit(x, y, validation_split=0.15, epochs=200,
        ...           callbacks=kzoo.callbacks.recommended())

    Reference:
        Guide: Quick Start Guide; Hyperparameters > Number of Neurons per Layer.
    """
    checks.num_classes(num_classes)
    model = _mlp("mlp_classifier", input_shape=input_shape, hidden_units=hidden_units,
                 activation=activation, dropout=dropout, batch_norm=batch_norm, l1=l1, l2=l2,
                 kernel_initializer=kernel_initializer, optimizer=optimizer,
                 learning_rate=learning_rate,
                 head=lambda x, **kw: heads.classification_output(x, num_classes, **kw))
    if compile:
        heads.compile_classifier(model, num_classes, optimizer=optimizer,
                                 learning_rate=learning_rate, loss=loss)
    return model


@register_model(
    family="dense",
    task="regression",
    guide="Quick Start Guide > Recommended Default Configuration",
    search_space=_MLP_SPACE,
    example=Example({"input_shape": (8,), "hidden_units": (16, 8)}, _linear_target),
)
def mlp_regressor(*, input_shape, outputs=1, hidden_units=defaults.HIDDEN_UNITS,
                  activation=defaults.ACTIVATION, dropout=defaults.DROPOUT, batch_norm=False,
                  l1=0.0, l2=0.0, kernel_initializer=None, optimizer=defaults.OPTIMIZER,
                  learning_rate=defaults.LEARNING_RATE, loss=None, compile=True):
    """A multi-layer perceptron regressor with the guide's default configuration.

    Args:
        input_shape: tuple. Shape of one sample, e.g. ``(10,)``.
        outputs: int. Number of values predicted per sample. Defaults to 1.
        hidden_units: tuple of int. Defaults to ``(256, 128)`` (guide: Quick Start).
        activation: str. Hidden activation. Defaults to ``"relu"``.
        dropout: float. Defaults to 0.3 (guide: Quick Start).
        batch_norm: bool. Defaults to False.
        l1: float. L1 penalty. Defaults to 0.
        l2: float. L2 penalty. Defaults to 0.
        kernel_initializer: Initializer; ``None`` picks one by activation.
        optimizer: str. Defaults to ``"adam"``.
        learning_rate: float. Defaults to 1e-3.
        loss: A loss such as ``"huber"`` or ``"mae"``; defaults to MSE
            (guide: Loss Functions for Regression).
        compile: bool. Compile with MSE and MAE / RMSE / R². Defaults to True.

    Returns:
        A ``keras.Model`` named ``"mlp_regressor"`` with a linear output.

    Example:
        >>> model = kzoo.mlp_regressor(input_shape=(10,))   # diabetes
    """
    checks.positive_int("outputs", outputs)
    model = _mlp("mlp_regressor", input_shape=input_shape, hidden_units=hidden_units,
                 activation=activation, dropout=dropout, batch_norm=batch_norm, l1=l1, l2=l2,
                 kernel_initializer=kernel_initializer, optimizer=optimizer,
                 learning_rate=learning_rate,
                 head=lambda x, **kw: heads.regression_output(x, outputs, **kw))
    if compile:
        heads.compile_regressor(model, optimizer=optimizer, learning_rate=learning_rate,
                                loss=loss)
    return model
