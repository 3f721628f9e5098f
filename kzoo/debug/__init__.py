"""Debugging tools from the guide's Best Practices > Debugging and Gradient Problems.

* :func:`overfit_one_batch`: "Overfit single batch first" on a clone of the
  model; returns a verdict (:class:`OverfitResult`).
* :class:`GradientHealth`: per-layer gradient norms and activation statistics
  after every epoch ("Check gradient flow", "Visualize activations"); names
  vanishing / exploding gradients and writes ``grad_norm_min`` /
  ``grad_norm_max`` into the epoch logs for ``kzoo.callbacks.TrainingDoctor``.
* :func:`gradient_norms`, :func:`activation_statistics`: the same measurements
  as functions.
* :func:`gradient_check`: backpropagation against finite differences ("Use
  gradient checking").

Exploding gradients are fixed with gradient clipping: pass
``optimizer=keras.optimizers.Adam(clipnorm=1.0)`` when compiling.
"""

from kzoo.debug.gradient_check import GradientCheckResult, gradient_check
from kzoo.debug.gradient_health import (
                                        DIAGNOSES,
                                        Finding,
                                        GradientHealth,
                                        activation_statistics,
                                        gradient_norms,
)
from kzoo.debug.overfit import OverfitResult, overfit_one_batch

__all__ = [
    "DIAGNOSES",
    "Finding",
    "GradientCheckResult",
    "GradientHealth",
    "OverfitResult",
    "activation_statistics",
    "gradient_check",
    "gradient_norms",
    "overfit_one_batch",
]
