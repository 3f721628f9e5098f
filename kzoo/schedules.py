"""Learning-rate schedules the guide names, as Keras schedule objects.

Keras ships step/exponential decay (``ExponentialDecay``), cosine decay with
linear warm-up (``CosineDecay``) and warm restarts (``CosineDecayRestarts``);
these helpers build them with the guide's vocabulary. Only the one-cycle
policy is written here (:class:`OneCycle`). Every schedule is serializable, so
a model compiled with one saves to ``.keras`` and reloads without
``custom_objects``. Steps count optimizer updates (batches), not epochs; pass
``steps_per_epoch`` where a helper speaks in epochs.
"""

import math

import keras

from kzoo import checks


def step_decay(learning_rate, *, drop=0.5, epochs_drop=10, steps_per_epoch=1):
    """Step decay: ``lr * drop ** floor(step / (epochs_drop * steps_per_epoch))``.

    Args:
        learning_rate: float. Initial learning rate.
        drop: float. Factor applied at each drop, in (0, 1). Defaults to 0.5
            (guide: ReduceLROnPlateau, "divide by 2").
        epochs_drop: int. Epochs between drops. Defaults to 10.
        steps_per_epoch: int. Batches per epoch. Defaults to 1 (steps = epochs).

    Returns:
        ``keras.optimizers.schedules.ExponentialDecay`` with ``staircase=True``.

    Example:
        >>> schedule = kzoo.schedules.step_decay(1e-3, drop=0.5, epochs_drop=10,
        ...                                      steps_per_epoch=len(x) // 32)

    Reference:
        Guide: Hyperparameters > Learning Rate; Regularization > ReduceLROnPlateau.
    """
    checks.positive("learning_rate", learning_rate)
    checks.number_in_range("drop", drop, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    checks.positive_int("epochs_drop", epochs_drop)
    checks.positive_int("steps_per_epoch", steps_per_epoch)
    return keras.optimizers.schedules.ExponentialDecay(
        learning_rate, decay_steps=epochs_drop * steps_per_epoch, decay_rate=drop,
        staircase=True, name="step_decay")


def exponential(learning_rate, *, decay_rate=0.96, decay_steps=1000):
    """Smooth exponential decay: ``lr * decay_rate ** (step / decay_steps)``.

    Args:
        learning_rate: float. Initial learning rate.
        decay_rate: float. Factor reached after ``decay_steps``, in (0, 1).
            Defaults to 0.96 (Keras' documented example).
        decay_steps: int. Steps over which the rate is multiplied by
            ``decay_rate``. Defaults to 1000.

    Returns:
        ``keras.optimizers.schedules.ExponentialDecay``.

    Example:
        >>> schedule = kzoo.schedules.exponential(1e-3, decay_rate=0.9, decay_steps=500)

    Reference:
        Guide: Hyperparameters > Learning Rate.
    """
    checks.positive("learning_rate", learning_rate)
    checks.number_in_range("decay_rate", decay_rate, 0.0, 1.0, low_inclusive=False,
                           high_inclusive=False)
    checks.positive_int("decay_steps", decay_steps)
    return keras.optimizers.schedules.ExponentialDecay(
        learning_rate, decay_steps=decay_steps, decay_rate=decay_rate, name="exponential")


def cosine(learning_rate, *, decay_steps, warmup_steps=0, warmup_start=0.0, alpha=0.0):
    """Cosine decay, with an optional linear warm-up to ``learning_rate``.

    For ``step < warmup_steps`` the rate rises linearly from ``warmup_start``
    to ``learning_rate``; then it follows
    ``lr * ((1 - alpha) * 0.5 * (1 + cos(pi * t / decay_steps)) + alpha)``.

    Args:
        learning_rate: float. Peak learning rate.
        decay_steps: int. Steps of the cosine decay (after the warm-up).
        warmup_steps: int. Steps of linear warm-up. Defaults to 0 (none).
        warmup_start: float. Rate at step 0 when warming up. Defaults to 0.
        alpha: float. Final rate as a fraction of ``learning_rate``.
            Defaults to 0.

    Returns:
        ``keras.optimizers.schedules.CosineDecay``.

    Example:
        >>> schedule = kzoo.schedules.cosine(1e-3, decay_steps=10_000, warmup_steps=500)

    Reference:
        Loshchilov & Hutter, "SGDR" (2017); Goyal et al., warm-up (2017).
    """
    checks.positive("learning_rate", learning_rate)
    checks.positive_int("decay_steps", decay_steps)
    checks.positive_int("warmup_steps", warmup_steps, minimum=0)
    checks.non_negative("warmup_start", warmup_start)
    checks.fraction("alpha", alpha, allow_one=True)
    if warmup_steps == 0:
        return keras.optimizers.schedules.CosineDecay(
            learning_rate, decay_steps=decay_steps, alpha=alpha, name="cosine")
    return keras.optimizers.schedules.CosineDecay(
        warmup_start, decay_steps=decay_steps, alpha=alpha, name="cosine",
        warmup_target=learning_rate, warmup_steps=warmup_steps)


def warm_restarts(learning_rate, *, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    """Cosine decay with warm restarts (SGDR).

    Args:
        learning_rate: float. Rate at the start of the first cycle.
        first_decay_steps: int. Length of the first cycle in steps.
        t_mul: float. Each cycle is ``t_mul`` times longer. Defaults to 2.
        m_mul: float. Each restart peaks at ``m_mul`` times the previous peak.
            Defaults to 1.
        alpha: float. Minimum rate as a fraction of ``learning_rate``.
            Defaults to 0.

    Returns:
        ``keras.optimizers.schedules.CosineDecayRestarts``.

    Example:
        >>> schedule = kzoo.schedules.warm_restarts(1e-3, first_decay_steps=1000)

    Reference:
        Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
        Restarts" (2017).
    """
    checks.positive("learning_rate", learning_rate)
    checks.positive_int("first_decay_steps", first_decay_steps)
    checks.positive("t_mul", t_mul)
    checks.positive("m_mul", m_mul)
    checks.fraction("alpha", alpha, allow_one=True)
    return keras.optimizers.schedules.CosineDecayRestarts(
        learning_rate, first_decay_steps, t_mul=t_mul, m_mul=m_mul, alpha=alpha,
        name="warm_restarts")


@keras.saving.register_keras_serializable(package="kzoo")
class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """The one-cycle policy: cosine warm-up to a peak, then cosine annealing.

    With ``start = max_learning_rate / div_factor``,
    ``end = start / final_div_factor`` and ``w = pct_start * total_steps``:
    for ``step <= w`` the rate goes from ``start`` to ``max_learning_rate``
    as ``max + (start - max) * (1 + cos(pi * step / w)) / 2``; after it, from
    ``max_learning_rate`` to ``end`` as
    ``end + (max - end) * (1 + cos(pi * (step - w) / (total_steps - w))) / 2``,
    and stays at ``end`` past ``total_steps`` (PyTorch's ``OneCycleLR`` with
    ``anneal_strategy="cos"``; momentum is not cycled).

    Args:
        max_learning_rate: float. Peak rate (e.g. ``lr_find``'s suggestion x 3-10).
        total_steps: int. Steps of the whole cycle (epochs x steps per epoch).
        pct_start: float. Fraction of the cycle spent warming up. Defaults to 0.3.
        div_factor: float. ``start = max_learning_rate / div_factor``.
            Defaults to 25.
        final_div_factor: float. ``end = start / final_div_factor``.
            Defaults to 1e4.
        name: str. Defaults to ``"one_cycle"``.

    Returns:
        A serializable ``LearningRateSchedule``.

    Example:
        >>> schedule = kzoo.schedules.one_cycle(1e-2, total_steps=30 * len(x) // 32)

    Reference:
        L. N. Smith, "Super-Convergence" (2018).
    """

    def __init__(self, max_learning_rate, total_steps, pct_start=0.3, div_factor=25.0,
                 final_div_factor=1e4, name="one_cycle"):
        super().__init__()
        checks.positive("max_learning_rate", max_learning_rate)
        checks.positive_int("total_steps", total_steps, minimum=2)
        checks.number_in_range("pct_start", pct_start, 0.0, 1.0, low_inclusive=False,
                               high_inclusive=False)
        checks.number_in_range("div_factor", div_factor, 1.0, None)
        checks.number_in_range("final_div_factor", final_div_factor, 1.0, None)
        self.max_learning_rate = float(max_learning_rate)
        self.total_steps = int(total_steps)
        self.pct_start = float(pct_start)
        self.div_factor = float(div_factor)
        self.final_div_factor = float(final_div_factor)
        self.name = name

    def __call__(self, step):
        ops = keras.ops
        step = ops.cast(step, "float32")
        peak = self.max_learning_rate
        start = peak / self.div_factor
        end = start / self.final_div_factor
        warm = max(self.pct_start * self.total_steps, 1.0)
        rest = max(self.total_steps - warm, 1.0)
        up = ops.clip(step / warm, 0.0, 1.0)
        down = ops.clip((step - warm) / rest, 0.0, 1.0)
        rising = peak + (start - peak) * 0.5 * (1.0 + ops.cos(math.pi * up))
        falling = end + (peak - end) * 0.5 * (1.0 + ops.cos(math.pi * down))
        return ops.where(step <= warm, rising, falling)

    def get_config(self):
        return {"max_learning_rate": self.max_learning_rate, "total_steps": self.total_steps,
                "pct_start": self.pct_start, "div_factor": self.div_factor,
                "final_div_factor": self.final_div_factor, "name": self.name}


def one_cycle(max_learning_rate, *, total_steps, pct_start=0.3, div_factor=25.0,
              final_div_factor=1e4):
    """The one-cycle schedule (see :class:`OneCycle`).

    Args:
        max_learning_rate: float. Peak learning rate.
        total_steps: int. Steps of the whole cycle.
        pct_start: float. Fraction of the cycle spent warming up. Defaults to 0.3.
        div_factor: float. Initial rate is ``max_learning_rate / div_factor``.
            Defaults to 25.
        final_div_factor: float. Final rate is the initial rate divided by this.
            Defaults to 1e4.

    Returns:
        A ``kzoo.schedules.OneCycle`` schedule.

    Example:
        >>> model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,),
        ...     learning_rate=kzoo.schedules.one_cycle(1e-2, total_steps=1000))

    Reference:
        L. N. Smith, "Super-Convergence" (2018).
    """
    return OneCycle(max_learning_rate, total_steps, pct_start=pct_start,
                    div_factor=div_factor, final_div_factor=final_div_factor)


__all__ = ["OneCycle", "cosine", "exponential", "one_cycle", "step_decay", "warm_restarts"]
