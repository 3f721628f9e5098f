"""The guide's "Quick Diagnosis" and "When to Change What" tables as a callback.

``TrainingDoctor`` watches the epoch logs (and, when given validation data,
the model's predictions) and records a :class:`Finding` the first time one of
the guide's problems shows up. Real curves are noisy, so every test compares
a change with the run's own epoch-to-epoch variation, a median over a few
epochs, or the loss of the *trivial predictor* (class frequencies or the mean:
``ln K`` for K balanced classes, the base rate's binary entropy, the targets'
variance), never one step against a fixed relative threshold:

- ``nan_loss``: the loss is NaN or infinite -> divide the learning rate by 10.
- ``diverging``: the model's loss is >= 3x the trivial predictor's for 2 epochs,
  and above the untrained model's (measured on ``validation_data``; without it:
  not falling), or the training loss >= 10x it -> divide the learning rate by 10.
- ``oscillating_loss``: the model's loss swings up >= 3 times and down >= 2
  times in 10 epochs, each move > 10% of its level and > 5% of the trivial loss
  -> a lower learning rate, batch normalization.
- ``collapsed_predictions``: >= 95% of the validation predictions are one class
  (and the labels are not) for 3 epochs -> class weights + a lower rate.
- ``stuck_at_trivial``: for 5 epochs the loss is no better than the trivial
  predictor's, flat though the weights move, and the score is at chance ->
  check the labels, the scaling, the learning rate (``kzoo.lr_find``).
- ``slow_progress``: after 10 epochs the loss is still >= 3/4 of the trivial
  loss and falls steadily (more than its own noise) but by less than 10% of it
  per 5 epochs -> multiply the learning rate by 2-5.
- ``no_improvement``: no 0.1% better training loss for 20 epochs, while the loss
  never got far below the trivial level -> multiply the learning rate by 2-5.
- ``overfitting``: the validation loss rose >= 1.3x above its minimum, by more
  than its own noise explains, while the training loss kept falling; or train
  score >= 0.7 and >= 0.2 above the validation score for 3 epochs -> dropout +
  L2 + augmentation; the evidence says where early stopping would have stopped.
- ``underfitting``: train and validation scores < 0.7, stalled, above chance
  with a loss below the trivial predictor's (it learned a little; or the model
  is linear), and not slow progress -> a more complex model.
- ``plateau``: after learning, 10 epochs without a 1% better loss (training and
  validation) at a constant learning rate -> halve it (ReduceLROnPlateau).
- ``vanishing_gradients`` / ``exploding_gradients``: the ``grad_norm_min`` /
  ``grad_norm_max`` epoch logs (written by a gradient-health callback) below
  1e-6 / above 1e3 -> ReLU, He init, batch norm, residuals / gradient clipping.

Every threshold is an argument of ``TrainingDoctor``; their defaults are the
definitions of ``benchmarks/doctor/LABELS.md``, measured on a labelled corpus
of real runs by ``benchmarks/doctor/replay.py``.
"""

import dataclasses
import logging
import math

import keras
import numpy as np

from kzoo import checks, defaults
from kzoo.callbacks.diagnosis import baseline as baselines
from kzoo.callbacks.diagnosis import curves
from kzoo.callbacks.diagnosis.findings import DIAGNOSES, LEARNING_RATE_DIRECTION, Finding

__all__ = ["DIAGNOSES", "Finding", "TrainingDoctor"]

logger = logging.getLogger("kzoo.doctor")
logger.addHandler(logging.NullHandler())  # printed only with verbose=1 unless logging is set up

_SCORE_METRICS = ("accuracy", "binary_accuracy", "sparse_categorical_accuracy",
                  "categorical_accuracy", "r2", "r2_score")


class TrainingDoctor(keras.callbacks.Callback):
    """Diagnoses a training run with the guide's Quick Diagnosis table.

    Each problem is recorded once, as a :class:`Finding`, at the epoch it
    first appears; it is also logged (logger ``"kzoo.doctor"``) and printed
    when ``verbose=1``. After ``fit`` read ``doctor.findings`` (a list),
    ``doctor.codes`` (their codes, in order) or ``doctor.summary()``. Findings
    are reset when a new ``fit`` starts.

    The doctor compares the loss with the trivial predictor's. It reads the
    task from the model's loss and output layer (sparse/categorical
    cross-entropy: K classes; binary cross-entropy with one unit: 2; MSE:
    regression) unless ``task`` / ``num_classes`` / ``trivial_loss`` say it,
    and the class frequencies or the target variance from the labels of
    ``validation_data`` (without them: ``ln K``, and no regression level).
    Other losses (focal, Huber, custom) switch the trivial-level checks off.

    Scores for over/underfitting come from ``metric`` and ``val_<metric>`` in
    the logs (the first of accuracy, r2, ... by default; higher is better).
    ``collapsed_predictions`` needs ``validation_data``: the doctor predicts on
    it after each epoch (one sigmoid unit: threshold 0.5; otherwise argmax).
    When the predictions have collapsed, the collapse is the finding: those
    epochs do not count towards ``diverging`` or ``stuck_at_trivial``.

    Args:
        validation_data: tuple or None. ``(x, y)`` (or ``x`` alone), used for
            the collapsed-predictions check, the untrained model's loss, and
            the class frequencies / target variance of the trivial predictor.
            Defaults to None.
        metric: str or None. Score metric name (without ``val_``). Defaults to
            None (auto-detect).
        stop_on_nan: bool. Stop training on a NaN/inf loss. Defaults to True.
        stop_on: tuple of str or None. Finding codes that stop training when
            they appear, e.g. ``("nan_loss", "diverging")``. Defaults to None:
            ``("nan_loss",)`` when ``stop_on_nan``, else nothing.
        task: str or None. ``"binary"``, ``"multiclass"`` or ``"regression"``;
            None reads it from the model. Defaults to None.
        num_classes: int or None. Classes of a classifier; None reads them
            from the model's output layer. Defaults to None.
        trivial_loss: float or None. The trivial predictor's loss, when you
            know it better (e.g. from the training labels). Defaults to None.
        patience: int. Patience of the early stopping the doctor simulates on
            the validation loss: the overfitting evidence and ``summary()`` say
            where it would have stopped. Defaults to 15 (guide: Quick Start,
            "Early stopping (patience 15)").
        no_improvement_epochs: int. Epochs without a training-loss improvement
            before ``no_improvement``. Defaults to 20 (guide: Quick Diagnosis,
            "No improvement after 20 epochs").
        min_delta: float. Smallest relative decrease of the training loss
            (a fraction of the best loss so far) that counts as an
            improvement for ``no_improvement``. Defaults to 1e-3 (0.1%).
        learned_fraction: float. A loss below this fraction of the trivial
            loss means the model has learned: ``no_improvement`` and
            ``slow_progress`` apply above it, ``plateau`` below. Defaults to 0.75.
        diverging_factor: float. Multiple of the trivial loss that counts as
            diverged. Defaults to 3 (a fresh network starts at 1-2.5x). The loss
            Keras logs includes L2 penalties: with ``validation_data`` the doctor
            compares with the untrained model's loss, which includes them too.
        diverging_epochs: int. Consecutive epochs the divergence must last.
            Defaults to 2.
        stuck_epochs: int. Epochs the loss must stay at the trivial level for
            ``stuck_at_trivial``. Defaults to 5.
        stuck_band: float. "At the trivial level": between the trivial loss
            and ``1 + stuck_band`` times it. Defaults to 0.1.
        chance_margin: float. A validation score within this of the trivial
            predictor's counts as chance. Defaults to 0.05.
        overfit_ratio: float. Rise of the validation loss above its minimum
            (as a ratio) that counts as overfitting. Defaults to 1.3.
        overfit_gap: float. Train minus validation score that counts as
            overfitting. Defaults to 0.2 (guide: 98% vs 75% is "a large gap",
            100% vs 70% "severe overfitting").
        overfit_epochs: int. Consecutive epochs the gap must last. Defaults to 3.
        underfit_score: float. Both scores below this count as underfitting;
            the training score must reach it for the gap test. Defaults to 0.7
            (guide: "Train accuracy = 60%, Val accuracy = 58%").
        underfit_min_epochs: int. First epoch at which underfitting is judged.
            Defaults to 10.
        underfit_plateau_epochs: int. Window over which the training score must
            have stalled. Defaults to 5.
        underfit_min_gain: float. Gain of the training score (3-epoch medians)
            over that window below which it has stalled. Defaults to 0.05.
        collapse_fraction: float. Share of predictions in one class that counts
            as collapsed (unless the labels are that skewed too). Defaults to 0.95.
        collapse_epochs: int. Consecutive epochs the collapse must last.
            Defaults to 3.
        oscillation_window: int. Epochs of the model's loss (the validation
            loss when logged, else the training loss) examined. Defaults to 10.
        oscillation_rise: float. Relative epoch-to-epoch move that counts as a
            swing. Defaults to 0.1.
        oscillation_scale: float. A swing must also exceed this fraction of
            the trivial loss (of the first epoch's loss when unknown), so that
            noise at a tiny loss is not read as oscillation. Defaults to 0.05.
        oscillation_count: int. Upward swings within the window that make the
            loss oscillating (with at least two downward ones). Defaults to 3.
        slow_min_epochs: int. First epoch at which slow progress is judged.
            Defaults to 10.
        plateau_epochs: int. Epochs without a ``plateau_min_delta`` better
            loss that make a plateau. Defaults to 10 (guide: ReduceLROnPlateau,
            "Patience: 5-10 epochs").
        plateau_min_delta: float. Relative improvement (5-epoch medians) that
            still counts as progress. Defaults to 0.01.
        vanishing_gradient: float. ``grad_norm_min`` below this is vanishing.
            Defaults to 1e-6.
        exploding_gradient: float. ``grad_norm_max`` above this is exploding.
            Defaults to 1e3.
        lr_find_data: tuple or None. ``(x, y)``: when a finding suggests a new
            learning rate, ``kzoo.lr_find`` runs on a fresh copy of the model
            at the end of training and its suggestion goes into the advice
            (otherwise the advice states a rule of thumb). Defaults to None.
        batch_size: int. Batch size for the validation predictions.
            Defaults to 256.
        verbose: int. 1 prints each finding when it appears. Defaults to 1.

    Returns:
        A Keras callback.

    Example:
        >>> doctor = kzoo.callbacks.TrainingDoctor(validation_data=(x_val, y_val))
        >>> model.fit(x, y, validation_data=(x_val, y_val), callbacks=[doctor])
        >>> print(doctor.summary())
        >>> [f.code for f in doctor.findings]

    Reference:
        Guide: Best Practices > Quick Diagnosis; Quick Start Guide > When to
        Change What; Hyperparameters > Learning Rate; Regularization > Early
        Stopping, ReduceLROnPlateau; Gradient Problems.
    """

    def __init__(self, *, validation_data=None, metric=None, stop_on_nan=True, stop_on=None,
                 task=None, num_classes=None, trivial_loss=None,
                 patience=defaults.EARLY_STOPPING_PATIENCE, no_improvement_epochs=20,
                 min_delta=1e-3, learned_fraction=0.75, diverging_factor=3.0,
                 diverging_epochs=2, stuck_epochs=5, stuck_band=0.1, chance_margin=0.05,
                 overfit_ratio=1.3, overfit_gap=0.2, overfit_epochs=3, underfit_score=0.7,
                 underfit_min_epochs=10, underfit_plateau_epochs=5, underfit_min_gain=0.05,
                 collapse_fraction=0.95, collapse_epochs=3, oscillation_window=10,
                 oscillation_rise=0.1, oscillation_scale=0.05, oscillation_count=3,
                 slow_min_epochs=10, plateau_epochs=10, plateau_min_delta=0.01,
                 vanishing_gradient=1e-6, exploding_gradient=1e3, lr_find_data=None,
                 batch_size=256, verbose=1):
        super().__init__()
        checks.positive_int("no_improvement_epochs", no_improvement_epochs)
        checks.non_negative("min_delta", min_delta)
        checks.positive_int("patience", patience)
        checks.number_in_range("learned_fraction", learned_fraction, 0.0, 1.0,
                               low_inclusive=False, high_inclusive=False)
        checks.number_in_range("diverging_factor", diverging_factor, 1.0, None,
                               low_inclusive=False)
        checks.positive_int("diverging_epochs", diverging_epochs)
        checks.positive_int("stuck_epochs", stuck_epochs, minimum=2)
        checks.positive("stuck_band", stuck_band)
        checks.non_negative("chance_margin", chance_margin)
        checks.number_in_range("overfit_ratio", overfit_ratio, 1.0, None, low_inclusive=False)
        checks.number_in_range("overfit_gap", overfit_gap, 0.0, None, low_inclusive=False)
        checks.positive_int("overfit_epochs", overfit_epochs)
        checks.number_in_range("underfit_score", underfit_score)
        checks.positive_int("underfit_min_epochs", underfit_min_epochs)
        checks.positive_int("underfit_plateau_epochs", underfit_plateau_epochs)
        checks.non_negative("underfit_min_gain", underfit_min_gain)
        checks.number_in_range("collapse_fraction", collapse_fraction, 0.0, 1.0,
                               low_inclusive=False)
        checks.positive_int("collapse_epochs", collapse_epochs)
        checks.positive_int("oscillation_window", oscillation_window, minimum=2)
        checks.positive("oscillation_rise", oscillation_rise)
        checks.non_negative("oscillation_scale", oscillation_scale)
        checks.positive_int("oscillation_count", oscillation_count)
        if oscillation_count >= oscillation_window:
            raise ValueError("oscillation_count must be < oscillation_window. Received: "
                             f"oscillation_count={oscillation_count}")
        checks.positive_int("slow_min_epochs", slow_min_epochs, minimum=6)
        checks.positive_int("plateau_epochs", plateau_epochs, minimum=2)
        checks.non_negative("plateau_min_delta", plateau_min_delta)
        checks.positive("vanishing_gradient", vanishing_gradient)
        checks.positive("exploding_gradient", exploding_gradient)
        checks.positive_int("batch_size", batch_size)
        checks.one_of("verbose", verbose, (0, 1))
        checks.boolean("stop_on_nan", stop_on_nan)
        if metric is not None and (not isinstance(metric, str) or metric.startswith("val_")):
            raise ValueError("metric must be a metric name without the 'val_' prefix, e.g. "
                             f"'accuracy'. Received: metric={metric!r}")
        if task is not None:
            checks.one_of("task", task, baselines.TASKS)
        if num_classes is not None:
            checks.num_classes(num_classes)
        if trivial_loss is not None:
            checks.positive("trivial_loss", trivial_loss)
        if stop_on is None:
            stop_on = ("nan_loss",) if stop_on_nan else ()
        if isinstance(stop_on, str) or not all(code in DIAGNOSES for code in stop_on):
            raise ValueError(f"stop_on must be a tuple of finding codes from {sorted(DIAGNOSES)}."
                             f" Received: stop_on={stop_on!r}")
        self.validation_data = self._check_data("validation_data", validation_data)
        self.lr_find_data = self._check_data("lr_find_data", lr_find_data, need_y=True)
        settings = {k: v for k, v in locals().items()
                    if k not in ("self", "__class__", "validation_data", "lr_find_data")}
        vars(self).update(settings)  # every threshold is an attribute of the same name
        self.stop_on = tuple(stop_on)
        self.findings = []
        self.baseline = baselines.Baseline()
        self._reset()

    @staticmethod
    def _check_data(name, data, need_y=False):
        if data is None:
            return None
        if isinstance(data, (tuple, list)):
            if len(data) not in (1, 2) or (need_y and len(data) != 2):
                raise ValueError(f"{name} must be (x, y){'' if need_y else ' or x'}. Received: "
                                 f"{name} with {len(data)} items")
            x = np.asarray(data[0])
            y = None if len(data) == 1 else np.asarray(data[1])
        elif need_y:
            raise ValueError(f"{name} must be a tuple (x, y). Received: {name} of type "
                             f"{type(data).__name__}")
        else:
            x, y = np.asarray(data), None
        if y is not None and len(y) != len(x):
            raise ValueError(f"{name} x and y must have the same length. Received: "
                             f"len(x)={len(x)}, len(y)={len(y)}")
        return x, y

    # ---------------------------------------------------------------- state
    def _reset(self):
        self.findings = []
        self._seen = set()
        self._losses = []       # training loss per epoch
        self._val_losses = []   # validation loss per epoch (or None)
        self._scores = []       # (train, validation) score per epoch, or None
        self._lrs = []
        self._collapsed = []    # per epoch: were the validation predictions collapsed?
        self._collapse_run = 0
        self._initial_loss = None
        self._score_name_seen = None
        self._linear = False

    @property
    def codes(self):
        """The codes of the findings so far, in the order they appeared."""
        return [f.code for f in self.findings]

    @property
    def epochs_seen(self):
        """How many epochs the doctor has examined in the current run."""
        return len(self._losses)

    @property
    def early_stopping(self):
        """Where ``EarlyStopping(patience=self.patience)`` on the validation loss (the
        training loss without one) would stop this run: ``(best_epoch, stop_epoch)``,
        1-based, ``stop_epoch`` None while patience is not exhausted; None before
        the first epoch."""
        values = self._model_losses()
        if not values:
            return None
        return curves.early_stopping_epoch(values, self.patience)

    def summary(self):
        """A readable summary: one line per finding, or a clean bill of health that
        says which checks still need more epochs ("no finding yet")."""
        lines = []
        stopping = self.early_stopping
        if stopping is not None and stopping[1] is not None:
            lines.append(f"  early stopping (patience {self.patience}) would have stopped at "
                         f"epoch {stopping[1]} and restored epoch {stopping[0]}.")
        if not self.findings:
            head = f"TrainingDoctor: no problem found after {self.epochs_seen} epoch(s)."
            waiting = [f"{code} ({epoch})" for code, epoch in self._first_epochs().items()
                       if self.epochs_seen < epoch and self._can_check(code)]
            if waiting:
                head += (" No finding yet from the checks that need more epochs: "
                         + ", ".join(waiting) + ".")
            if self.baseline.trivial_loss is None:
                head += (" The trivial-predictor checks (diverging, stuck, slow progress) "
                         "are off: unknown task or loss; pass task= or trivial_loss=.")
            return "\n".join([head] + lines)
        return "\n".join(["TrainingDoctor findings:"] + [f"  {f}" for f in self.findings]
                         + lines)

    def _first_epochs(self):
        """The first epoch at which each windowed check can fire."""
        return {"stuck_at_trivial": max(8, self.stuck_epochs),
                "slow_progress": self.slow_min_epochs,
                "underfitting": max(self.underfit_min_epochs, self.underfit_plateau_epochs + 3),
                "plateau": self.plateau_epochs + 5,
                "no_improvement": self.no_improvement_epochs + 1}

    def _can_check(self, code):
        if code in ("stuck_at_trivial", "slow_progress"):
            return self.baseline.trivial_loss is not None
        if code == "underfitting":
            return self._score_name_seen is not None
        return True

    # ---------------------------------------------------------------- records
    def _record(self, code, epoch, **evidence):
        if code in self._seen:
            return
        self._seen.add(code)
        cause, advice = DIAGNOSES[code]
        lr = self._learning_rate()
        if lr is not None:
            evidence.setdefault("learning_rate", lr)
            advice = " ".join(filter(None, [advice, _rule_of_thumb(code, lr)]))
        extra = evidence.pop("_advice", None)
        if extra:
            advice += " " + extra
        finding = Finding(code=code, epoch=epoch, evidence=evidence, cause=cause,
                          advice=advice)
        self.findings.append(finding)
        logger.warning("%s", finding)
        if self.verbose:
            print(f"\nTrainingDoctor: {finding}")
        if code in self.stop_on and self.model is not None:
            self.model.stop_training = True

    def _learning_rate(self):
        optimizer = getattr(self.model, "optimizer", None) if self.model is not None else None
        if optimizer is None:
            return None
        try:
            return float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        except Exception:  # a callable learning rate we cannot evaluate here
            return None

    def _score_name(self, logs):
        if self.metric is not None:
            return self.metric if self.metric in logs and f"val_{self.metric}" in logs \
                else None
        for name in _SCORE_METRICS:
            if name in logs and f"val_{name}" in logs:
                return name
        return None

    def _model_losses(self):
        """The loss that measures the model itself: validation when logged (no dropout,
        fixed data), else training."""
        return [v if v is not None else t for t, v in zip(self._losses, self._val_losses)]

    # ------------------------------------------------------------- callbacks
    def on_train_begin(self, logs=None):
        self._reset()
        self.baseline = self._resolve_baseline()
        self._initial_loss = self._evaluate_initial_loss()
        self._linear = self._is_linear()

    def _resolve_baseline(self):
        task, k = self.task, self.num_classes
        if task is None:
            task, inferred_k = baselines.infer_task(self.model)
            k = k or inferred_k
        elif task != "regression" and k is None:
            k = baselines.infer_task(self.model)[1] or (2 if task == "binary" else None)
        if task == "multiclass" and k is None:
            task = None
        y = None if self.validation_data is None else self.validation_data[1]
        base = baselines.trivial_baseline(task, k, y)
        if self.trivial_loss is not None:
            base = dataclasses.replace(base, trivial_loss=float(self.trivial_loss),
                                       source="trivial_loss argument")
        return base

    def _is_linear(self):
        """A model with a single weight matrix is linear (a perceptron / logistic
        regression): at the trivial level it underfits rather than being stuck."""
        try:
            weights = self.model.trainable_weights
        except Exception:
            return False
        return sum(1 for v in weights if len(tuple(v.shape)) >= 2) == 1

    def _evaluate_initial_loss(self):
        if self.validation_data is None or self.validation_data[1] is None:
            return None
        x, y = self.validation_data
        try:
            result = self.model.evaluate(x, y, batch_size=self.batch_size, verbose=0,
                                         return_dict=True)
            value = float(result["loss"])
        except Exception:  # an uncompiled or unusual model: fall back to epoch 1's loss
            return None
        return value if math.isfinite(value) else None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        epoch = epoch + 1
        loss = logs.get("loss")
        loss = None if loss is None else float(loss)
        val_loss = logs.get("val_loss")
        val_loss = None if val_loss is None else float(val_loss)
        if loss is not None and not math.isfinite(loss):
            self._record("nan_loss", epoch, loss=loss)
            return
        if val_loss is not None and not math.isfinite(val_loss):
            self._record("nan_loss", epoch, loss=loss, val_loss=val_loss)
            return
        self._check_gradients(epoch, logs)
        if loss is None:
            return
        self._losses.append(loss)
        self._val_losses.append(val_loss)
        self._lrs.append(self._learning_rate())
        name = self._score_name(logs)
        if name is not None:
            self._score_name_seen = name
            self._scores.append((float(logs[name]), float(logs[f"val_{name}"])))
        else:
            self._scores.append(None)
        self._collapsed.append(self._check_collapse(epoch)
                               if self.validation_data is not None
                               and self.baseline.task != "regression" else False)
        i = len(self._losses) - 1
        model_loss = self._model_losses()
        T = self.baseline.trivial_loss
        if T is not None:
            self._check_diverging(epoch, i, model_loss, T)
            self._check_stuck(epoch, i, model_loss, T)
            self._check_slow(epoch, i, model_loss, T)
        self._check_oscillation(epoch, i, model_loss, T)
        self._check_overfitting(epoch, i)
        self._check_underfitting(epoch, i, model_loss, T)
        self._check_improvement(epoch, i, model_loss, T)
        self._check_plateau(epoch, i, model_loss, T)

    def on_train_end(self, logs=None):
        if self.lr_find_data is None or not self.findings:
            return
        wanted = [f for f in self.findings if LEARNING_RATE_DIRECTION.get(f.code) in
                  ("down", "up", "find")]
        if not wanted:
            return
        try:
            suggestion = self.suggest_learning_rate(*self.lr_find_data)
        except Exception as e:  # noqa: BLE001 - the advice falls back to the rule of thumb
            logger.warning("TrainingDoctor: lr_find failed (%s); advice keeps the rule of "
                           "thumb", e)
            return
        text = (f" kzoo.lr_find on a fresh copy of this model suggests a learning rate of "
                f"{suggestion:.3g} (steepest fall of its range test).")
        self.findings = [dataclasses.replace(
            f, advice=f.advice + text, evidence={**f.evidence, "lr_find_suggestion": suggestion})
            if f in wanted else f for f in self.findings]

    def suggest_learning_rate(self, x, y, **lr_find_kwargs):
        """Runs ``kzoo.lr_find`` on a fresh copy of the model and returns its suggestion.

        The copy has the model's architecture, loss and optimizer with new initial
        weights (the LR range test starts from initialization, and a diverged
        model's weights are useless to it); the model itself is not touched.

        Args:
            x: array-like. Training inputs (a few batches are enough).
            y: array-like. Training targets.
            **lr_find_kwargs: passed to ``kzoo.lr_find`` (``steps``,
                ``batch_size``, ``min_lr``, ``max_lr``, ...); ``seed`` defaults to 0.

        Returns:
            float: the suggested learning rate.

        Example:
            >>> doctor.suggest_learning_rate(x_train[:512], y_train[:512])
        """
        from kzoo.callbacks.lr_finder import lr_find

        if self.model is None or getattr(self.model, "optimizer", None) is None:
            raise ValueError("suggest_learning_rate needs the compiled model the doctor "
                             "watched: call it after fit (or set_model). Received: no model")
        model = self.model
        copy = keras.models.clone_model(model)
        optimizer = model.optimizer.__class__.from_config(model.optimizer.get_config())
        copy.compile(optimizer=optimizer, loss=model.loss)
        lr_find_kwargs.setdefault("seed", 0)
        return float(lr_find(copy, x, y, **lr_find_kwargs).suggestion)

    # ---------------------------------------------------------------- checks
    def _check_gradients(self, epoch, logs):
        low, high = logs.get("grad_norm_min"), logs.get("grad_norm_max")
        if low is not None and math.isfinite(float(low)) and float(low) < self.vanishing_gradient:
            self._record("vanishing_gradients", epoch, grad_norm_min=float(low),
                         threshold=self.vanishing_gradient)
        if high is not None and (not math.isfinite(float(high))
                                 or float(high) > self.exploding_gradient):
            self._record("exploding_gradients", epoch, grad_norm_max=float(high),
                         threshold=self.exploding_gradient)

    def _check_diverging(self, epoch, i, model_loss, T):
        n = self.diverging_epochs
        if i + 1 < n:
            return
        # Worse than guessing, and worse than the untrained model when the doctor could
        # measure it (validation_data): a bad initialization (or a large L2 penalty,
        # which the loss includes) starts high too, but does not climb. Without that
        # measure, the loss must at least not be falling.
        start = self._initial_loss
        window = range(i - n + 1, i + 1)

        def worse(j):
            if start is not None:
                return model_loss[j] >= 1.1 * start
            return j == 0 or model_loss[j] >= model_loss[j - 1]

        # A training loss 10x the trivial one is beyond what dropout or any start
        # explains, even when the validation loss looks fine (saturated outputs).
        exploded = all(self._losses[j] >= 10 * T and not self._collapsed[j] for j in window)
        # The training loss must be no better than trivial either: a validation loss
        # that climbs while the training loss falls is overfitting, not divergence.
        if exploded or all(model_loss[j] >= self.diverging_factor * T and worse(j)
                           and self._losses[j] >= T and not self._collapsed[j]
                           for j in window):
            level = max(model_loss[i], self._losses[i]) if exploded else model_loss[i]
            evidence = dict(loss=level, trivial_loss=T, ratio=level / T,
                            baseline=self.baseline.source)
            if start is not None:
                evidence["initial_loss"] = start
            self._record("diverging", epoch, **evidence)

    def _check_oscillation(self, epoch, i, model_loss, T):
        w = self.oscillation_window
        if i + 1 < w:
            return
        scale = T if T is not None else self._losses[0]
        recent = model_loss[i - w + 1:i + 1]
        rises, falls, largest = curves.swings(recent, self.oscillation_rise,
                                              self.oscillation_scale * abs(scale))
        if rises >= self.oscillation_count and falls >= 2:
            which = "val_loss" if self._val_losses[i] is not None else "loss"
            self._record("oscillating_loss", epoch, rises=rises, falls=falls, window=w,
                         largest_rise=largest, curve=which,
                         losses=[float(v) for v in recent])

    def _check_stuck(self, epoch, i, model_loss, T):
        n = self.stuck_epochs
        if i < 7 or i + 1 < n or self._linear:
            return
        window = range(i - n + 1, i + 1)
        if any(self._collapsed[j] for j in window):
            return
        in_band = all(T <= model_loss[j] <= (1 + self.stuck_band) * T
                      and self._losses[j] >= 0.99 * T for j in window)
        moving = max(abs(self._losses[j] - self._losses[j - 1]) for j in window) > 1e-3 * T
        flat = curves.drop(model_loss, i) < max(0.002 * T, 2 * curves.step_noise(model_loss, i))
        score = self._validation_score(i)
        chance = self._chance()
        at_chance = score is None or chance is None or score <= chance + self.chance_margin
        if in_band and moving and flat and at_chance:
            evidence = dict(loss=model_loss[i], trivial_loss=T, epochs=n,
                            baseline=self.baseline.source)
            if score is not None:
                evidence.update(score=score, chance=chance)
            lr = self._learning_rate()
            if lr is not None and lr < 1e-4:
                evidence["_advice"] = (f"The learning rate {lr:.3g} is below the guide's "
                                       "'low, for fine-tuning' 1e-4: raise it first.")
            self._record("stuck_at_trivial", epoch, **evidence)

    def _check_slow(self, epoch, i, model_loss, T):
        if i + 1 < self.slow_min_epochs:
            return
        fall = curves.drop(model_loss, i)
        noise = curves.step_noise(model_loss, i)
        level = curves.med3(model_loss, i)
        if level >= self.learned_fraction * T and \
                max(0.002 * T, 2 * noise) <= fall < 0.1 * T:
            self._record("slow_progress", epoch, loss=level, trivial_loss=T,
                         fall_per_5_epochs=fall, noise=noise,
                         epochs_to_halve_trivial=int(max(0.0, level - 0.5 * T) / fall * 5))

    def _check_overfitting(self, epoch, i):
        val = self._val_losses
        if val[i] is not None and i >= 3 and None not in val:
            best = min(range(i + 1), key=lambda j: val[j])
            now = curves.med3(val, i)
            noise = curves.step_noise(val, i)
            if i - best >= 3 and now > val[best] and now >= self.overfit_ratio * val[best] \
                    and curves.rise_is_a_trend(now - val[best], noise, i - best) \
                    and curves.med3(self._losses, i) < self._losses[best]:
                best_epoch, stop = curves.early_stopping_epoch(val, self.patience)
                self._record("overfitting", epoch, criterion="validation loss rose",
                             best_epoch=best + 1, best_val_loss=val[best], val_loss=now,
                             ratio=now / val[best], loss=self._losses[i],
                             early_stopping_epoch=stop or best_epoch + self.patience,
                             patience=self.patience)
                return
        n = self.overfit_epochs
        if i + 1 >= n and all(s is not None for s in self._scores[i - n + 1:i + 1]):
            window = self._scores[i - n + 1:i + 1]
            if all(t - v >= self.overfit_gap and t >= self.underfit_score for t, v in window):
                train, valid = window[-1]
                evidence = dict(criterion="train/validation gap", metric=self._score_name_seen,
                                train=train, validation=valid, gap=train - valid)
                if None not in val:
                    best_epoch, stop = curves.early_stopping_epoch(val, self.patience)
                    evidence.update(best_epoch=best_epoch,
                                    early_stopping_epoch=stop or best_epoch + self.patience,
                                    patience=self.patience)
                self._record("overfitting", epoch, **evidence)

    def _check_underfitting(self, epoch, i, model_loss, T):
        k = self.underfit_plateau_epochs
        if i + 1 < self.underfit_min_epochs or i < k or None in self._scores[i - k - 2:i + 1]:
            return
        train_scores = [s[0] for s in self._scores]
        val_scores = [s[1] for s in self._scores]
        train, valid = curves.med3(train_scores, i), curves.med3(val_scores, i)
        gain = train - curves.med3(train_scores, i - k)
        # It learned a little (above chance and below the trivial loss; a linear model
        # at chance is simply too simple), and it is not slowly progressing near the
        # trivial level (that is slow_progress).
        chance = self._chance()
        above_chance = chance is None or valid > chance + self.chance_margin
        if T is None:  # no trivial level: ask that the loss fell 1% since epoch 1
            learned = self._linear or (above_chance and self._losses[i] < 0.99 * self._losses[0])
            slow = False
        else:
            level = curves.med3(model_loss, i)
            learned = self._linear or (above_chance and level < T)
            slow = level >= self.learned_fraction * T and curves.drop(model_loss, i) >= max(
                0.002 * T, 2 * curves.step_noise(model_loss, i))
        if (train < self.underfit_score and valid < self.underfit_score
                and train - valid < self.overfit_gap and gain < self.underfit_min_gain
                and learned and not slow):
            self._record("underfitting", epoch, metric=self._score_name_seen, train=train,
                         validation=valid, gain=gain, threshold=self.underfit_score,
                         linear_model=self._linear)

    def _learned(self, i, model_loss, T):
        scale = T if T is not None else self._losses[0]
        return min(min(curves.med3(model_loss, j), curves.med3(self._losses, j))
                   for j in range(i + 1)) < self.learned_fraction * scale

    def _check_improvement(self, epoch, i, model_loss, T):
        if "stuck_at_trivial" in self._seen:
            return
        best = 0
        for j in range(1, i + 1):
            if self._losses[j] < self._losses[best] * (1 - self.min_delta):
                best = j
        if i - best >= self.no_improvement_epochs and (T is None
                                                       or not self._learned(i, model_loss, T)):
            self._record("no_improvement", epoch, best_loss=self._losses[best],
                         best_epoch=best + 1, loss=self._losses[i],
                         epochs_without_improvement=i - best)

    def _check_plateau(self, epoch, i, model_loss, T):
        p = self.plateau_epochs
        if i < p + 4 or "overfitting" in self._seen or "underfitting" in self._seen:
            return
        w = p // 2
        lrs = self._lrs[i - p + 1:i + 1]
        if None in lrs or len(set(lrs)) != 1:
            return

        def flat(xs):
            before = curves.median(xs, i - 2 * w + 1, i - w)
            return before - curves.median(xs, i - w + 1, i) < self.plateau_min_delta * before

        if flat(model_loss) and flat(self._losses) and self._learned(i, model_loss, T):
            self._record("plateau", epoch, loss=curves.med3(model_loss, i),
                         best_loss=min(model_loss), epochs=p, constant_learning_rate=lrs[-1])

    def _validation_score(self, i):
        if all(s is not None for s in self._scores[max(0, i - 2):i + 1]):
            return curves.med3([s[1] for s in self._scores], i)
        return None

    def _chance(self):
        if self._score_name_seen in ("r2", "r2_score"):
            return 0.0
        return self.baseline.chance_score

    def _check_collapse(self, epoch):
        x, y = self.validation_data
        pred = np.asarray(self.model.predict(x, batch_size=self.batch_size, verbose=0))
        if not np.isfinite(pred).all():
            self._collapse_run = 0
            return False
        if pred.ndim == 1 or pred.shape[-1] == 1:
            classes = (pred.reshape(len(pred), -1)[:, 0] > 0.5).astype("int64")
        else:
            classes = pred.reshape(len(pred), -1, pred.shape[-1])[:, 0].argmax(-1)
        values, counts = np.unique(classes, return_counts=True)
        top = int(values[np.argmax(counts)])
        share = float(counts.max() / len(classes))
        true_share = None if y is None else float(np.mean(y.reshape(len(y), -1)[:, 0] == top))
        collapsed = share >= self.collapse_fraction and (
            true_share is None or true_share < self.collapse_fraction)
        self._collapse_run = self._collapse_run + 1 if collapsed else 0
        if self._collapse_run >= self.collapse_epochs:
            evidence = {"predicted_class": top, "predicted_fraction": share}
            if true_share is not None:
                evidence["true_fraction"] = true_share
            T = self.baseline.trivial_loss
            if T is not None and self._model_losses():
                evidence["loss_vs_trivial"] = self._model_losses()[-1] / T
            k = self.baseline.num_classes
            if true_share is not None and k and true_share < 1.5 / k:
                evidence["_advice"] = ("The labels are balanced, so class weights will not "
                                       "help here: the cause is the learning rate or "
                                       "unscaled inputs.")
            self._record("collapsed_predictions", epoch, **evidence)
        return collapsed


def _rule_of_thumb(code, lr):
    direction = LEARNING_RATE_DIRECTION.get(code)
    if direction == "down":
        return f"Suggested learning rate: {lr / 10:.3g} (rule of thumb: the current {lr:.3g} / 10)."
    if direction == "up":
        return (f"Suggested learning rate: {lr * 2:.3g} to {lr * 5:.3g} (rule of thumb: the "
                f"current {lr:.3g} x 2-5).")
    if direction == "halve":
        return f"Suggested learning rate: {lr / 2:.3g} (rule of thumb: the current {lr:.3g} / 2)."
    return ""
