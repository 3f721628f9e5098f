"""Gradient flow and activations, per layer: the guide's "Gradient Problems".

The guide names two failures (neural-networks-master, Gradient Problems):

* *vanishing gradients*: "gradients become very small in early layers" (deep
  networks, sigmoid/tanh); remedies: ReLU, batch normalization, residual
  connections;
* *exploding gradients*: "gradients become very large" (NaN, divergence);
  remedies: gradient clipping, proper weight initialization, a lower
  learning rate.

:func:`gradient_norms` measures the L2 norm of the loss gradient of every
trainable kernel on one batch; :func:`activation_statistics` the mean, spread
and share of zeros of every layer's output ("Visualize activations": dead
ReLUs show as zeros); :class:`GradientHealth` does both after each epoch,
writes ``grad_norm_min`` / ``grad_norm_max`` into the epoch logs (for
``kzoo.callbacks.TrainingDoctor`` placed after it, and for the History) and
records its own findings.
"""

import math

import keras
import numpy as np

from kzoo import checks
from kzoo.adversarial.outputs import single
from kzoo.backend import gradients
from kzoo.callbacks.diagnosis.findings import Finding  # the doctor's: one finding type

VANISHING_RATIO = 1e-3   # first-layer norm / last-layer norm below this: vanishing
VANISHING_NORM = 1e-7    # or any kernel gradient norm below this
EXPLODING_NORM = 1e3     # any kernel gradient norm above this (or non-finite): exploding

#: code -> (cause, advice), worded after the guide's Gradient Problems section.
DIAGNOSES = {
    "vanishing_gradients": (
        "Vanishing gradients: the early layers' gradients are far smaller than the last "
        "layers' (deep network, sigmoid/tanh activations)",
        "Use ReLU-family activations with He initialization, add batch normalization, or "
        "residual (skip) connections, e.g. kzoo.resnet_classifier (guide: Gradient "
        "Problems > Vanishing Gradients)."),
    "exploding_gradients": (
        "Exploding gradients: some layers' gradients are very large or not finite",
        "Clip gradients (optimizer=keras.optimizers.Adam(clipnorm=1.0)), use proper "
        "weight initialization (He for ReLU, Glorot for tanh) and a lower learning rate "
        "(guide: Gradient Problems > Exploding Gradients)."),
}


def _kernels(model):
    """``(index, variable)`` of the trainable kernels (weight matrices, filters, embeddings)."""
    names = ("kernel", "depthwise_kernel", "pointwise_kernel", "embeddings", "recurrent_kernel")
    picked = [(i, v) for i, v in enumerate(model.trainable_variables)
              if v.path.split("/")[-1] in names]
    return picked or [(i, v) for i, v in enumerate(model.trainable_variables) if len(v.shape) > 1]


def _batch(x, y, batch_size):
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x and y must have the same, non-zero length. Received: len(x)="
                         f"{len(x)}, len(y)={len(y)}")
    return x[:batch_size], y[:batch_size]


def gradient_norms(model, x, y, *, batch_size=64):
    """L2 norm of the training-loss gradient of every trainable kernel, on one batch.

    The model is not changed (see
    :func:`kzoo.backend.gradients.loss_and_weight_gradients`).

    Args:
        model: A compiled ``keras.Model``.
        x: array. Inputs; the first ``batch_size`` are used.
        y: array. Targets.
        batch_size: int. Defaults to 64.

    Returns:
        dict ``{variable path: norm}`` ordered from the input to the output.

    Example:
        >>> kzoo.debug.gradient_norms(model, x_train, y_train)
        {'dense/kernel': 0.41, 'dense_1/kernel': 0.38, 'output/kernel': 0.97}
    """
    checks.positive_int("batch_size", batch_size)
    xb, yb = _batch(x, y, batch_size)
    _, grads = gradients.loss_and_weight_gradients(model, xb, yb, training=True)
    return {v.path: float(np.linalg.norm(np.asarray(grads[i], dtype="float64")))
            for i, v in _kernels(model)}


def activation_statistics(model, x, *, batch_size=64):
    """Mean, standard deviation and share of exact zeros of every layer's output.

    Args:
        model: A functional ``keras.Model``.
        x: array. Inputs; the first ``batch_size`` are used (inference mode).
        batch_size: int. Defaults to 64.

    Returns:
        dict ``{layer name: {"mean", "std", "zero_fraction"}}``; a
        ``zero_fraction`` near 1 after a ReLU marks dead units.

    Example:
        >>> stats = kzoo.debug.activation_statistics(model, x_train)
        >>> {k: v["zero_fraction"] for k, v in stats.items()}
    """
    checks.positive_int("batch_size", batch_size)
    layers = [layer for layer in model.layers
              if not isinstance(layer, keras.layers.InputLayer)
              and not isinstance(getattr(layer, "output", None), (list, tuple))]
    if not layers or not getattr(model, "inputs", None):
        raise ValueError("activation_statistics needs a functional model. Received: "
                         f"model={model.name!r}")
    probe = keras.Model(single(model.inputs), [layer.output for layer in layers])
    values = probe(np.asarray(x)[:batch_size], training=False)   # eager: no compilation
    if not isinstance(values, (list, tuple)):
        values = [values]
    values = [keras.ops.convert_to_numpy(v) for v in values]
    out = {}
    for layer, value in zip(layers, values):
        value = np.asarray(value, dtype="float64")
        out[layer.name] = {"mean": float(value.mean()), "std": float(value.std()),
                           "zero_fraction": float(np.mean(value == 0.0))}
    return out


class GradientHealth(keras.callbacks.Callback):
    """Measures gradient flow (and activations) after every epoch and names the problems.

    After each epoch the callback computes the gradient norm of every
    trainable kernel on one batch of ``(x, y)`` (in training mode, without
    changing the model), writes ``grad_norm_min`` and ``grad_norm_max`` into
    the epoch logs, and records a :class:`Finding` the first time it sees:

    * ``vanishing_gradients``: the first kernel's norm is below
      ``vanishing_ratio`` times the last kernel's, or a norm is below
      ``vanishing_norm``;
    * ``exploding_gradients``: a norm is above ``exploding_norm`` or not finite.

    Place it *before* ``kzoo.callbacks.TrainingDoctor`` in the callbacks list
    so the doctor reads the two log keys.

    Args:
        x: array. Inputs of the batch to measure (the first ``batch_size``).
        y: array. Their targets.
        batch_size: int. Defaults to 64.
        vanishing_ratio: float. Defaults to 1e-3.
        vanishing_norm: float. Defaults to 1e-7.
        exploding_norm: float. Defaults to 1e3.
        activations: bool. Also record :func:`activation_statistics` each
            epoch (functional models). Defaults to True.
        verbose: int. 1 prints each finding when it appears. Defaults to 0.

    Attributes:
        findings: list of :class:`Finding`.
        history: list of dicts ``{variable path: norm}``, one per epoch.
        activation_history: list of :func:`activation_statistics` dicts.

    Example:
        >>> health = kzoo.debug.GradientHealth(x_train, y_train)
        >>> doctor = kzoo.callbacks.TrainingDoctor(validation_data=(x_val, y_val))
        >>> model.fit(x_train, y_train, epochs=20, callbacks=[health, doctor])
        >>> [f.code for f in health.findings], history.history["grad_norm_max"]

    Reference:
        Guide: neural-networks-master, Gradient Problems; Best Practices >
        Debugging ("Check gradient flow", "Visualize activations").
    """

    def __init__(self, x, y, *, batch_size=64, vanishing_ratio=VANISHING_RATIO,
                 vanishing_norm=VANISHING_NORM, exploding_norm=EXPLODING_NORM,
                 activations=True, verbose=0):
        super().__init__()
        checks.positive_int("batch_size", batch_size)
        self.vanishing_ratio = checks.number_in_range("vanishing_ratio", vanishing_ratio, 0.0,
                                                      1.0, low_inclusive=False)
        self.vanishing_norm = checks.non_negative("vanishing_norm", vanishing_norm)
        self.exploding_norm = checks.positive("exploding_norm", exploding_norm)
        checks.one_of("activations", activations, (True, False))
        checks.one_of("verbose", verbose, (0, 1))
        self.x, self.y = _batch(x, y, batch_size)
        self.batch_size = batch_size
        self.activations = activations
        self.verbose = verbose
        self.findings = []
        self.history = []
        self.activation_history = []

    @property
    def codes(self):
        """The codes of the findings so far, in order."""
        return [f.code for f in self.findings]

    def on_train_begin(self, logs=None):
        self.findings, self.history, self.activation_history = [], [], []

    def on_epoch_end(self, epoch, logs=None):
        norms = gradient_norms(self.model, self.x, self.y, batch_size=self.batch_size)
        self.history.append(norms)
        if self.activations:
            try:
                self.activation_history.append(activation_statistics(self.model, self.x))
            except ValueError:   # not a functional model: gradients only
                self.activations = False
        values = list(norms.values())
        finite = [v for v in values if math.isfinite(v)]
        low = min(values) if len(finite) == len(values) else float("nan")
        high = max(values) if len(finite) == len(values) else float("inf")
        if logs is not None:
            logs["grad_norm_min"] = low
            logs["grad_norm_max"] = high
        self._diagnose(epoch + 1, norms, low, high)

    def _diagnose(self, epoch, norms, low, high):
        names, values = list(norms), np.asarray(list(norms.values()), dtype="float64")
        if not len(values):
            return
        if not np.all(np.isfinite(values)) or high > self.exploding_norm:
            worst = int(np.argmax(np.where(np.isfinite(values), values, np.inf)))
            self._record("exploding_gradients", epoch, grad_norm_max=high,
                         layer=names[worst], threshold=self.exploding_norm)
            return
        first, last = float(values[0]), float(values[-1])
        ratio = first / last if last > 0 else float("inf")
        if low < self.vanishing_norm or (len(values) > 1 and ratio < self.vanishing_ratio):
            self._record("vanishing_gradients", epoch, grad_norm_min=low,
                         first_layer=names[0], first_norm=first, last_layer=names[-1],
                         last_norm=last, first_to_last_ratio=ratio,
                         threshold=self.vanishing_ratio)

    def _record(self, code, epoch, **evidence):
        if code in self.codes:
            return
        cause, advice = DIAGNOSES[code]
        finding = Finding(code=code, epoch=epoch, evidence=evidence, cause=cause,
                          advice=advice)
        self.findings.append(finding)
        if self.verbose:
            print(f"\nGradientHealth: {finding}")

    def summary(self):
        """One line per finding, or a clean bill of health."""
        if not self.findings:
            return "GradientHealth: no gradient problem found."
        return "\n".join(["GradientHealth findings:"] + [f"  {f}" for f in self.findings])
