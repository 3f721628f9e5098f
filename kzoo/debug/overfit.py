"""The guide's first debugging step: can the model overfit a single batch?

A correctly wired model with a working optimizer drives the training loss on
one small batch towards zero within a few dozen steps: it has far more
parameters than the batch has examples. When it cannot, the bug is in the
set-up (learning rate, frozen layers, loss / label mismatch, an activation
that blocks the gradient), not in the data or the amount of training, and no
amount of tuning will fix it (guide: Best Practices > Debugging, "Overfit
single batch first").

:func:`overfit_one_batch` runs that check on a *clone* of the model (same
architecture, weights and compile settings, a fresh optimizer), so the model
itself is never touched.
"""

import dataclasses

import keras
import numpy as np

from kzoo import checks

TARGET = 0.1      # the loss must fall to 10% of its initial value...
STEPS = 200       # ...within this many steps (usually a few dozen suffice)
WINDOW = 3        # judged on the mean of the last WINDOW steps (dropout makes single steps noisy)


@dataclasses.dataclass
class OverfitResult:
    """The verdict of :func:`overfit_one_batch`.

    Attributes:
        passed: bool. The loss fell to ``target`` times its initial value.
        initial_loss: float. Loss on the batch before the first update.
        final_loss: float. Mean loss of the last steps run.
        steps: int. Training steps run (fewer than the budget when it passed early).
        losses: np.ndarray. The loss at every step.
        threshold: float. ``target * initial_loss``.
        batch_size: int. Examples in the batch.
        advice: str. What the result means and, on failure, what to check.
    """

    passed: bool
    initial_loss: float
    final_loss: float
    steps: int
    losses: np.ndarray
    threshold: float
    batch_size: int
    advice: str

    def __bool__(self):
        return self.passed

    def __str__(self):
        verdict = "PASSED" if self.passed else "FAILED"
        return (f"overfit_one_batch {verdict}: loss {self.initial_loss:.4g} -> "
                f"{self.final_loss:.4g} in {self.steps} steps on {self.batch_size} examples "
                f"(threshold {self.threshold:.4g}). {self.advice}")


def _clone(model):
    if not getattr(model, "compiled", False) or model.optimizer is None:
        raise ValueError("model must be compiled (its loss and optimizer are used). "
                         f"Received: model={model.name!r}, compiled=False")
    config = model.get_compile_config()
    if config is None:
        raise ValueError("model's compile settings cannot be copied (get_compile_config() "
                         f"returned None). Received: model={model.name!r}")
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    clone.compile_from_config(config)
    if not getattr(clone, "compiled", False):  # a model whose compile() is overridden
        clone.compile(**keras.saving.deserialize_keras_object(config))
    return clone


def _learning_rate(model):
    try:
        return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    except Exception:  # a schedule we cannot evaluate here
        return None


def overfit_one_batch(model, x, y, *, batch_size=16, steps=STEPS, target=TARGET, seed=0):
    """Trains a clone of ``model`` on one small batch and says whether it can overfit it.

    Args:
        model: A compiled ``keras.Model`` (left untouched).
        x: array. Training inputs; ``batch_size`` of them are drawn.
        y: array. Their targets.
        batch_size: int. Size of the single batch, >= 1. Defaults to 16.
        steps: int. Most training steps, >= 1. Defaults to 200.
        target: float. Pass when the loss falls to ``target * initial loss``,
            in (0, 1). Defaults to 0.1.
        seed: int or None. Which examples form the batch. Defaults to 0.

    Returns:
        An :class:`OverfitResult` (truthy when it passed).

    Raises:
        ValueError: for an uncompiled model or bad arguments.

    Example:
        >>> result = kzoo.debug.overfit_one_batch(model, x_train, y_train)
        >>> print(result)          # PASSED: loss 2.31 -> 0.09 in 41 steps ...
        >>> assert result.passed

    Reference:
        Guide: neural-networks-master, Best Practices > Debugging ("Overfit
        single batch first").
    """
    checks.positive_int("batch_size", batch_size)
    checks.positive_int("steps", steps)
    target = checks.number_in_range("target", target, 0.0, 1.0, low_inclusive=False,
                                    high_inclusive=False)
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x and y must have the same, non-zero length. Received: len(x)="
                         f"{len(x)}, len(y)={len(y)}")
    clone = _clone(model)
    pick = np.random.default_rng(seed).permutation(len(x))[:batch_size]
    xb, yb = x[pick], y[pick]
    losses = []
    threshold = None
    for _ in range(steps):
        loss = float(clone.train_on_batch(xb, yb, return_dict=True)["loss"])
        losses.append(loss)
        if threshold is None:
            threshold = target * loss
        if not np.isfinite(loss):
            break
        if len(losses) >= WINDOW and np.mean(losses[-WINDOW:]) <= threshold:
            break
    losses = np.asarray(losses, dtype="float64")
    final = float(np.mean(losses[-WINDOW:]))
    passed = bool(np.isfinite(final) and final <= threshold)
    advice = _advice(passed, clone, losses, final)
    return OverfitResult(passed=passed, initial_loss=float(losses[0]), final_loss=final,
                         steps=len(losses), losses=losses, threshold=float(threshold),
                         batch_size=len(xb), advice=advice)


def _advice(passed, clone, losses, final):
    if passed:
        return ("The model can learn: move on to the full data (guide: Debugging, "
                "'Overfit single batch first').")
    if not np.isfinite(final):
        return ("The loss became NaN/inf: divide the learning rate by 10 and check the "
                "inputs for NaN and unscaled features (guide: Quick Diagnosis).")
    notes = []
    if not clone.trainable_weights:
        notes.append("the model has no trainable weights (frozen layers: set "
                     "layer.trainable = True)")
    lr = _learning_rate(clone)
    if lr is not None and lr < 1e-5:
        notes.append(f"the learning rate {lr:.3g} is tiny (guide default: 1e-3)")
    drop = 1.0 - final / losses[0] if losses[0] else 0.0
    notes.append(f"the loss fell only {100 * drop:.1f}%" if drop > 0 else
                 f"the loss did not fall ({100 * -drop:+.1f}%)")
    return ("The model cannot overfit one batch, so it has a bug, not a data problem: "
            + "; ".join(notes) + ". Check the learning rate, frozen layers, that the loss "
            "matches the labels (integer labels need a sparse loss) and that the output "
            "activation fits the task (guide: Debugging, 'Overfit single batch first', "
            "'Check gradient flow').")
