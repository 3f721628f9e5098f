"""Learning-rate range test (guide: Hyperparameters > Learning Rate).

``lr_find`` trains the model for a short run while the learning rate grows
exponentially from ``min_lr`` to ``max_lr``, records the (exponentially
smoothed) loss at each step, suggests a rate, and then puts the model back
exactly as it was: weights and optimizer state (its step counter, moments and
learning rate) are restored bit for bit.
"""

import contextlib
import dataclasses
import math

import keras
import numpy as np

from kzoo import checks

_SUGGESTIONS = ("steepest", "min/10")


@dataclasses.dataclass
class LRFinderResult:
    """What ``kzoo.lr_find`` measured.

    Attributes:
        learning_rates: np.ndarray. The rate used at each step.
        losses: np.ndarray. The raw training loss at each step.
        smoothed_losses: np.ndarray. The bias-corrected exponential moving
            average of ``losses``.
        suggestion: float. The suggested learning rate (see ``method``).
        min_loss_lr: float. The rate at which the (centered-average) loss was
            lowest.
        steepest_lr: float. The rate at which that loss fell fastest.
        method: str. ``"steepest"`` or ``"min/10"``.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    suggestion: float
    min_loss_lr: float
    steepest_lr: float
    method: str

    def __repr__(self):
        return (f"LRFinderResult(suggestion={self.suggestion:.3g} ({self.method}), "
                f"steps={len(self.learning_rates)}, min_loss_lr={self.min_loss_lr:.3g}, "
                f"steepest_lr={self.steepest_lr:.3g})")

    def plot(self, ax=None):
        """Plots smoothed loss against the learning rate (log scale).

        Args:
            ax: matplotlib Axes or None. Axes to draw on; a new figure when None.

        Returns:
            The matplotlib ``Figure``.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(6, 4))
        else:
            fig = ax.figure
        ax.plot(self.learning_rates, self.losses, alpha=0.3, label="loss")
        ax.plot(self.learning_rates, self.smoothed_losses, label="smoothed loss")
        ax.axvline(self.suggestion, color="red", linestyle="--",
                   label=f"suggestion {self.suggestion:.2g} ({self.method})")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("training loss")
        ax.set_ylim(*_y_limits(self.smoothed_losses))
        ax.legend()
        ax.set_title("Learning-rate range test")
        return fig

    def save(self, path):
        """Saves the plot (``.png``, ``.pdf``, ...) or the numbers (``.csv``).

        Args:
            path: str. Output file; a ``.csv`` path writes
                ``learning_rate,loss,smoothed_loss`` rows instead of a figure.

        Returns:
            The path written.
        """
        path = str(path)
        if path.endswith(".csv"):
            table = np.stack([self.learning_rates, self.losses, self.smoothed_losses], 1)
            np.savetxt(path, table, delimiter=",", header="learning_rate,loss,smoothed_loss",
                       comments="")
            return path
        import matplotlib.pyplot as plt

        fig = self.plot()
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
        return path


def _y_limits(smoothed):
    """Y-limits that show every finite smoothed loss, with a margin.

    A trained model's loss only rises along the test (its first smoothed
    value is the lowest), so the limits come from the whole finite range, not
    from the first point.
    """
    finite = smoothed[np.isfinite(smoothed)]
    if not finite.size:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    margin = 0.05 * (high - low) or 0.05 * abs(low) or 0.05
    return low - margin, high + margin


def _centered(losses):
    """A centered moving average: smooths like the EMA but without its lag."""
    width = max(3, (len(losses) // 20) | 1)
    padded = np.pad(losses, width // 2, mode="edge")
    return np.convolve(padded, np.ones(width) / width, mode="valid")


def _suggest(lrs, losses, method):
    finite = np.isfinite(losses)
    lrs, smoothed = lrs[finite], _centered(losses[finite])
    best = int(np.argmin(smoothed))
    min_loss_lr = float(lrs[best])
    # The first steps are noise around the initial loss: skip a tenth of them.
    skip = max(1, len(lrs) // 10)
    if best - skip >= 2:
        slopes = np.gradient(smoothed[:best + 1], np.log(lrs[:best + 1]))
        steepest_lr = float(lrs[skip + int(np.argmin(slopes[skip:]))])
    else:
        steepest_lr = min_loss_lr / 10
    suggestion = steepest_lr if method == "steepest" else min_loss_lr / 10
    # A model already trained has its lowest loss at the very first (smallest)
    # rates: a tenth of that would lie below the range tried. Suggest only rates
    # that were tried.
    low, high = float(lrs[0]), float(lrs[-1])
    clip = lambda lr: min(max(lr, low), high)  # noqa: E731
    return clip(suggestion), min_loss_lr, clip(steepest_lr)


def _snapshot(variables):
    return [np.array(keras.ops.convert_to_numpy(v.value), copy=True) for v in variables]


def _restore(variables, values):
    for variable, value in zip(variables, values):
        variable.assign(value)


def _check_args(model, *, min_lr, max_lr, steps, batch_size, smoothing, divergence_factor,
                suggestion):
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model. Received: model={model!r}")
    if getattr(model, "optimizer", None) is None:
        raise ValueError("model must be compiled before lr_find. Received: an uncompiled "
                         f"model {model.name!r}")
    checks.positive("min_lr", min_lr)
    checks.positive("max_lr", max_lr)
    if max_lr <= min_lr:
        raise ValueError(f"max_lr must be > min_lr={min_lr}. Received: max_lr={max_lr}")
    checks.positive_int("steps", steps, minimum=5)
    checks.positive_int("batch_size", batch_size)
    checks.fraction("smoothing", smoothing)
    checks.number_in_range("divergence_factor", divergence_factor, 1.0, None,
                           low_inclusive=False)
    checks.one_of("suggestion", suggestion, _SUGGESTIONS)
    optimizer = model.optimizer
    if isinstance(optimizer._learning_rate, keras.optimizers.schedules.LearningRateSchedule) \
            or callable(optimizer._learning_rate):
        raise ValueError("model's optimizer must have a float learning rate for lr_find, not "
                         "a schedule. Received: learning_rate="
                         f"{type(optimizer._learning_rate).__name__}; compile with a float "
                         "and pass the schedule once the rate is chosen")


@contextlib.contextmanager
def _restored(model):
    """Puts the model's weights, optimizer state and metrics back as they were on exit."""
    groups = (model.variables, model.optimizer.variables, model.metrics_variables)
    states = [_snapshot(variables) for variables in groups]
    try:
        yield
    finally:
        for variables, state in zip(groups, states):
            _restore(variables, state)


def _range_test(model, x, y, lrs, *, batch_size, smoothing, divergence_factor, seed,
                sample_weight):
    """One training step per rate of ``lrs``; returns the raw and EMA-smoothed losses."""
    optimizer = model.optimizer
    rng = np.random.default_rng(seed)
    losses, smoothed = [], []
    average, best = 0.0, math.inf
    order = rng.permutation(len(x))
    position = 0
    for step, lr in enumerate(lrs):
        if position + batch_size > len(order):
            order, position = rng.permutation(len(x)), 0
        index = order[position:position + batch_size]
        position += batch_size
        optimizer.learning_rate = float(lr)
        weights = None if sample_weight is None else np.asarray(sample_weight)[index]
        logs = model.train_on_batch(x[index], y[index], sample_weight=weights,
                                    return_dict=True)
        loss = float(logs["loss"])
        losses.append(loss)
        if not math.isfinite(loss):
            smoothed.append(math.nan)
            break
        average = smoothing * average + (1 - smoothing) * loss
        value = average / (1 - smoothing ** (step + 1))
        smoothed.append(value)
        best = min(best, value)
        if value > divergence_factor * best and step > 5:
            break
    return losses, smoothed


def lr_find(model, x, y, *, min_lr=1e-7, max_lr=1.0, steps=100, batch_size=32,
            smoothing=0.9, divergence_factor=4.0, suggestion="steepest", seed=None,
            sample_weight=None):
    """Runs a learning-rate range test and restores the model afterwards.

    The rate grows geometrically from ``min_lr`` to ``max_lr`` over ``steps``
    training steps (one batch each, drawn from a seeded shuffle of ``x``).
    The loss is smoothed with a bias-corrected exponential moving average;
    the run stops early once the smoothed loss exceeds ``divergence_factor``
    times its minimum (or becomes NaN). The suggestion is read from the loss
    smoothed by a centered moving average (no lag, unlike the EMA): either
    the rate at which it falls fastest against ``log(lr)`` (``"steepest"``,
    searched between the first tenth of the run and the minimum) or a tenth
    of the rate at its minimum (``"min/10"``); both are in the result. The
    suggestion is always one of the rates tried: when the loss is lowest at
    the start (a model that is already trained), it is the smallest rate.

    Args:
        model: keras.Model. A compiled model with a float learning rate (not a
            schedule).
        x: array-like. Training inputs.
        y: array-like. Training targets.
        min_lr: float. First learning rate. Defaults to 1e-7.
        max_lr: float. Last learning rate. Defaults to 1.
        steps: int. Number of training steps. Defaults to 100.
        batch_size: int. Batch size. Defaults to 32 (guide: Quick Start).
        smoothing: float. EMA factor of the loss in [0, 1). Defaults to 0.9
            (an effective window of about 10 steps; raise it for longer runs).
        divergence_factor: float. Stop when the smoothed loss exceeds this
            multiple of its minimum. Defaults to 4.
        suggestion: str. ``"steepest"`` or ``"min/10"``. Defaults to
            ``"steepest"``.
        seed: int or None. Seed of the batch order. Defaults to None.
        sample_weight: array-like or None. Per-sample weights. Defaults to None.

    Returns:
        An ``LRFinderResult`` with ``.suggestion``, ``.plot()`` and ``.save(path)``.

    Example:
        >>> model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
        >>> result = kzoo.lr_find(model, x, y)
        >>> result.suggestion, result.save("lr.png")

    Reference:
        Guide: Hyperparameters > Learning Rate; L. N. Smith (2017), "Cyclical LRs".
    """
    _check_args(model, min_lr=min_lr, max_lr=max_lr, steps=steps, batch_size=batch_size,
                smoothing=smoothing, divergence_factor=divergence_factor,
                suggestion=suggestion)
    optimizer = model.optimizer
    from kzoo.data.checks import check_arrays

    if y is None:
        raise ValueError("y must be the training targets (lr_find(model, x, y)). "
                         "Received: y=None")
    x, y = check_arrays(x, y)  # finite, numeric, same length: before any step
    if not model.built:
        model.build((None,) + x.shape[1:])
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    lrs = np.geomspace(min_lr, max_lr, steps)
    with _restored(model):
        losses, smoothed = _range_test(model, x, y, lrs, batch_size=batch_size,
                                       smoothing=smoothing,
                                       divergence_factor=divergence_factor, seed=seed,
                                       sample_weight=sample_weight)
    lrs = lrs[:len(losses)]
    smoothed = np.asarray(smoothed, dtype="float64")
    if not np.isfinite(smoothed).any():
        raise ValueError(f"the loss was NaN from the first step at min_lr={min_lr}; check "
                         "the inputs for NaN/inf or lower min_lr")
    losses = np.asarray(losses, dtype="float64")
    chosen, min_loss_lr, steepest_lr = _suggest(lrs, losses, suggestion)
    return LRFinderResult(learning_rates=lrs, losses=losses,
                          smoothed_losses=smoothed, suggestion=chosen,
                          min_loss_lr=min_loss_lr, steepest_lr=steepest_lr,
                          method=suggestion)
