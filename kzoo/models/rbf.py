"""Radial basis function networks: one Gaussian RBF layer and a linear output.

Guide: neural-networks-master, Types of Neural Networks > Radial Basis
Function Networks (RBFN): "input layer; hidden layer with RBF neurons; linear
output layer", φ(x) = exp(-||x - c||² / 2σ²); applications: function
approximation, time series prediction, classification.

Training is the classic two-stage recipe: pass the training inputs as
``x_init`` and the RBF centers are placed by k-means on them (widths from
each cluster's spread), then ``fit`` trains the linear output (and, unless
frozen, fine-tunes centers and widths) by gradient descent. Without
``x_init`` the centers start random, which only suits standardized inputs.
"""

import keras
import numpy as np

from kzoo import checks, defaults, heads
from kzoo.layers.rbf import RBF
from kzoo.registry import Example, register_model
from kzoo.search_space import Boolean, Int, SearchSpace, training_space

NUM_CENTERS = 32


def _rings(rng, n=96):
    """Two concentric rings (radius 0.5 -> class 0, 1.5 -> class 1)."""
    radius = rng.choice([0.5, 1.5], size=n)
    angle = rng.uniform(0, 2 * np.pi, size=n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x = x + rng.normal(0, 0.1, size=(n, 2))
    return x.astype("float32"), (radius > 1).astype("int32")


def _sine(rng, n=96):
    x = rng.uniform(-3, 3, size=(n, 1)).astype("float32")
    return x, (np.sin(x) + rng.normal(0, 0.05, size=(n, 1))).astype("float32")


_RBF_SPACE = SearchSpace((
    Int("num_centers", 4, 256, sampling="log"),
    Boolean("trainable_widths"),
    Boolean("trainable_centers"),
)) + training_space()


def _rbf_body(name, *, input_shape, num_centers, x_init, initial_width, trainable_centers,
              trainable_widths, seed, optimizer, learning_rate):
    input_shape = checks.shape("input_shape", input_shape)
    checks.positive_int("num_centers", num_centers)
    checks.positive("initial_width", initial_width)
    heads.check_compile_args(optimizer, learning_rate)
    inputs = keras.Input(shape=input_shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    rbf = RBF(num_centers, initial_width=initial_width, trainable_centers=trainable_centers,
              trainable_widths=trainable_widths, seed=seed, name="rbf")
    hidden = rbf(x)
    if x_init is not None:
        rbf.adapt(x_init)
    return inputs, hidden


@register_model(
    family="rbf",
    task="classification",
    guide="neural-networks-master: Types of Neural Networks > Radial Basis Function "
          "Networks (RBFN)",
    search_space=_RBF_SPACE,
    example=Example({"num_classes": 2, "input_shape": (2,), "num_centers": 8}, _rings),
)
def rbf_classifier(*, num_classes, input_shape, num_centers=NUM_CENTERS, x_init=None,
                   initial_width=1.0, trainable_centers=True, trainable_widths=True, seed=None,
                   optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE,
                   loss=None, compile=True):
    """An RBF network classifier: Gaussian RBF layer -> linear layer -> sigmoid/softmax.

    The output layer is linear in the RBF activations (the guide's "linear
    output layer"); the sigmoid / softmax on top turns its scores into class
    probabilities for cross-entropy, as every kzoo classifier does.

    Args:
        num_classes: int. Number of classes (>= 2); 2 gives one sigmoid unit.
        input_shape: tuple. Shape of one sample, e.g. ``(2,)``; higher ranks
            are flattened.
        num_centers: int. Number of RBF units (>= 1). Defaults to 32 (kzoo
            choice; the guide gives none).
        x_init: array. TRAINING inputs for k-means center placement (sklearn's
            ``KMeans``); needs at least ``num_centers`` rows. ``None`` leaves
            random N(0, 1) centers, for standardized inputs only.
            Defaults to None.
        initial_width: float. σ of every unit when ``x_init`` is None
            (k-means sets widths from cluster spread otherwise). Defaults to 1.0.
        trainable_centers: bool. Fine-tune centers by gradient descent.
            Defaults to True.
        trainable_widths: bool. Fine-tune widths by gradient descent; False
            keeps them fixed. Defaults to True.
        seed: int. Seed for the initial centers and k-means. Defaults to None.
        optimizer: str. Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start).
        loss: A loss or ``"focal"``; defaults to cross-entropy for the task.
        compile: bool. Compile with the task's loss and metrics. Defaults to True.

    Returns:
        A ``keras.Model`` named ``"rbf_classifier"``.

    Example:
        >>> model = kzoo.rbf_classifier(num_classes=2, input_shape=(2,),
        ...                             num_centers=16, x_init=x_train)
        >>> model.fit(x_train, y_train, epochs=50)

    Reference:
        Broomhead & Lowe (1988), "Multivariable functional interpolation and
        adaptive networks"; Moody & Darken (1989) for k-means centers.
    """
    checks.num_classes(num_classes)
    inputs, hidden = _rbf_body(
        "rbf_classifier", input_shape=input_shape, num_centers=num_centers, x_init=x_init,
        initial_width=initial_width, trainable_centers=trainable_centers,
        trainable_widths=trainable_widths, seed=seed, optimizer=optimizer,
        learning_rate=learning_rate)
    model = keras.Model(inputs, heads.classification_output(hidden, num_classes),
                        name="rbf_classifier")
    if compile:
        heads.compile_classifier(model, num_classes, optimizer=optimizer,
                                 learning_rate=learning_rate, loss=loss)
    return model


@register_model(
    family="rbf",
    task="regression",
    guide="neural-networks-master: Types of Neural Networks > Radial Basis Function "
          "Networks (RBFN)",
    search_space=_RBF_SPACE,
    example=Example({"input_shape": (1,), "num_centers": 8}, _sine),
)
def rbf_regressor(*, input_shape, outputs=1, num_centers=NUM_CENTERS, x_init=None,
                  initial_width=1.0, trainable_centers=True, trainable_widths=True, seed=None,
                  optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE,
                  loss=None, compile=True):
    """An RBF network regressor: Gaussian RBF layer -> linear output (function approximation).

    Args:
        input_shape: tuple. Shape of one sample, e.g. ``(1,)``.
        outputs: int. Values predicted per sample. Defaults to 1.
        num_centers: int. Number of RBF units (>= 1). Defaults to 32 (kzoo
            choice; the guide gives none).
        x_init: array. TRAINING inputs for k-means center placement; ``None``
            leaves random N(0, 1) centers. Defaults to None.
        initial_width: float. σ of every unit when ``x_init`` is None.
            Defaults to 1.0.
        trainable_centers: bool. Fine-tune centers. Defaults to True.
        trainable_widths: bool. Fine-tune widths; False keeps them fixed.
            Defaults to True.
        seed: int. Seed for the initial centers and k-means. Defaults to None.
        optimizer: str. Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start).
        loss: A loss such as ``"huber"``; defaults to MSE.
        compile: bool. Compile with MSE and MAE / RMSE / R². Defaults to True.

    Returns:
        A ``keras.Model`` named ``"rbf_regressor"`` with a linear output.

    Example:
        >>> model = kzoo.rbf_regressor(input_shape=(1,), num_centers=12, x_init=x_train)
        >>> model.fit(x_train, y_train, epochs=100)

    Reference:
        Broomhead & Lowe (1988); Moody & Darken (1989).
    """
    checks.positive_int("outputs", outputs)
    inputs, hidden = _rbf_body(
        "rbf_regressor", input_shape=input_shape, num_centers=num_centers, x_init=x_init,
        initial_width=initial_width, trainable_centers=trainable_centers,
        trainable_widths=trainable_widths, seed=seed, optimizer=optimizer,
        learning_rate=learning_rate)
    model = keras.Model(inputs, heads.regression_output(hidden, outputs), name="rbf_regressor")
    if compile:
        heads.compile_regressor(model, optimizer=optimizer, learning_rate=learning_rate,
                                loss=loss)
    return model
