"""Gradient checking: backpropagation against finite differences (guide: "Use gradient checking").

Backpropagation gives the gradient ``g`` of the loss; a central finite
difference along a direction ``v`` gives ``(L(w + h v) - L(w - h v)) / 2h``,
which must match ``g . v``. A mismatch means a layer's gradient is wrong (a
custom layer with a bug, a stray ``stop_gradient``, a non-differentiable op).
In float32 single weights are too noisy to check one at a time, so each
trainable variable is checked along its own gradient direction and along
random unit directions, in inference mode (no dropout); the error is measured
in units of that variable's gradient norm (a float64 check is not portable:
JAX computes in float32 unless x64 is enabled at start-up).

Caveat (as for every gradient check): at a kink the two one-sided
derivatives differ and no finite difference matches. An untrained ReLU
network fed all-zero regions (digit backgrounds) sits exactly on ReLU's kink
wherever the pre-activation is a zero bias; check such models after a few
training steps, or on inputs without exact zeros.
"""

import dataclasses

import keras
import numpy as np

from kzoo import checks
from kzoo.backend import gradients

TOLERANCE = 1e-2


@dataclasses.dataclass
class GradientCheckResult:
    """What :func:`gradient_check` measured.

    Attributes:
        passed: bool. Every relative error is below ``tolerance``.
        max_relative_error: float. Worst ``|g.v - fd| / max(|g_var|, |fd|, 1e-3)``.
        worst_variable: str. The variable with that error.
        analytic: np.ndarray. ``g . v`` per direction.
        numeric: np.ndarray. The finite differences per direction.
        tolerance: float.
    """

    passed: bool
    max_relative_error: float
    worst_variable: str
    analytic: np.ndarray
    numeric: np.ndarray
    tolerance: float

    def __bool__(self):
        return self.passed

    def __str__(self):
        return (f"gradient_check {'PASSED' if self.passed else 'FAILED'}: max relative "
                f"error {self.max_relative_error:.2e} at {self.worst_variable} (tolerance "
                f"{self.tolerance:.0e}) over {len(self.analytic)} directions")


def _loss(model, x, y):
    y_pred = model(x, training=False)
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
    return float(keras.ops.convert_to_numpy(loss))


def gradient_check(model, x, y, *, directions=1, step=1e-3, tolerance=TOLERANCE,
                   batch_size=32, seed=0):
    """Compares the backpropagated gradient with central finite differences, per variable.

    Args:
        model: A compiled ``keras.Model``. Its weights are restored afterwards.
        x: array. Inputs; the first ``batch_size`` are used.
        y: array. Targets.
        directions: int. Random directions per variable, besides the
            variable's gradient direction. Defaults to 1.
        step: float. Finite-difference step along a unit direction.
            Defaults to 1e-3.
        tolerance: float. Largest error that passes, in units of the
            variable's gradient norm. Defaults to 1e-2.
        batch_size: int. Defaults to 32.
        seed: int or None. Seed of the directions. Defaults to 0.

    Returns:
        A :class:`GradientCheckResult` (truthy when it passed).

    Example:
        >>> print(kzoo.debug.gradient_check(model, x_train, y_train))
        gradient_check PASSED: max relative error 3.1e-04 ...

    Reference:
        Guide: neural-networks-master, Best Practices > Debugging ("Use
        gradient checking").
    """
    checks.positive_int("directions", directions)
    checks.positive("step", step)
    checks.positive("tolerance", tolerance)
    checks.positive_int("batch_size", batch_size)
    x, y = np.asarray(x)[:batch_size], np.asarray(y)[:batch_size]
    variables = model.trainable_variables
    if not variables:
        raise ValueError(f"model has no trainable weights to check. Received: "
                         f"model={model.name!r}")
    _, grads = gradients.loss_and_weight_gradients(model, x, y, training=False)
    rng = np.random.default_rng(seed)
    analytic, numeric, errors, names = [], [], [], []
    for var, grad in zip(variables, grads):
        w = keras.ops.convert_to_numpy(var.value).copy()
        grad = np.asarray(grad, dtype="float64")
        norm = float(np.linalg.norm(grad))
        dirs = [rng.normal(size=w.shape) for _ in range(directions)]
        if norm > 0:
            dirs.append(grad)
        try:
            for d in dirs:
                d = d / np.linalg.norm(d)
                values = []
                for sign in (1.0, -1.0):
                    var.assign((w + sign * step * d).astype(w.dtype))
                    values.append(_loss(model, x, y))
                fd = (values[0] - values[1]) / (2 * step)
                exact = float(np.sum(grad * d))
                analytic.append(exact)
                numeric.append(fd)
                errors.append(abs(exact - fd) / max(norm, abs(fd), 1e-3))
                names.append(var.path)
        finally:
            var.assign(w)
    errors = np.asarray(errors)
    worst = int(np.argmax(errors))
    return GradientCheckResult(passed=bool(errors[worst] < tolerance),
                               max_relative_error=float(errors[worst]),
                               worst_variable=names[worst], analytic=np.asarray(analytic),
                               numeric=np.asarray(numeric), tolerance=float(tolerance))
