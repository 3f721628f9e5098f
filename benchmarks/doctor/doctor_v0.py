"""The TrainingDoctor as it was before the labelled corpus (kzoo commit 59f368c).

Kept only so that ``replay.py --doctor-file benchmarks/doctor/doctor_v0.py`` prints the
"before" table of README.md. Not part of kzoo; nothing imports it.
"""

import dataclasses
import logging
import math

import keras
import numpy as np

from kzoo import checks

logger = logging.getLogger("kzoo.doctor")
logger.addHandler(logging.NullHandler())  # printed only with verbose=1 unless logging is set up

#: code -> (cause, advice), worded after the guide's Quick Diagnosis table.
DIAGNOSES = {
    "nan_loss": (
        "Learning rate too high",
        "Divide the learning rate by 10 (guide: Quick Diagnosis, 'Loss becomes NaN'); "
        "also check the inputs for NaN/inf and unscaled features."),
    "no_improvement": (
        "Learning rate too low",
        "Multiply the learning rate by 2-5 (guide: Quick Diagnosis, 'No improvement "
        "after 20 epochs')."),
    "overfitting": (
        "Severe overfitting (large train/validation gap)",
        "Add regularization progressively: dropout (0.3-0.5), L2 (lambda=0.01), data "
        "augmentation, early stopping (guide: Quick Diagnosis; Regularization Strategy "
        "by Levels)."),
    "underfitting": (
        "Underfitting (low scores on both training and validation)",
        "Use a more complex model: more layers and neurons, less regularization, train "
        "longer (guide: Quick Diagnosis; When to Change What, 'Low performance "
        "everywhere')."),
    "collapsed_predictions": (
        "Imbalanced classes or learning rate too high",
        "Use class weights (kzoo.data.class_weights) and reduce the learning rate (guide: "
        "Quick Diagnosis, 'All predictions = same class')."),
    "oscillating_loss": (
        "Unstable training (learning rate too high)",
        "Reduce the learning rate and add batch normalization (guide: When to Change "
        "What, 'Unstable training'; Learning Rate, 'Loss oscillates violently')."),
}

_SCORE_METRICS = ("accuracy", "binary_accuracy", "sparse_categorical_accuracy",
                  "categorical_accuracy", "r2", "r2_score")


@dataclasses.dataclass(frozen=True)
class Finding:
    """One diagnosis: what was seen, when, the numbers, and what to do.

    Attributes:
        code: str. One of ``DIAGNOSES`` (``"nan_loss"``, ``"overfitting"``, ...).
        epoch: int. The 1-based epoch at which the problem first appeared.
        evidence: dict. The numbers behind the finding (losses, scores, rates).
        cause: str. The likely cause, from the guide.
        advice: str. The guide's remedy.
    """

    code: str
    epoch: int
    evidence: dict
    cause: str
    advice: str

    def __str__(self):
        numbers = ", ".join(f"{k}={_fmt(v)}" for k, v in self.evidence.items())
        return f"[{self.code}] epoch {self.epoch}: {self.cause} ({numbers}). {self.advice}"


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def _finite(value):
    return value is not None and math.isfinite(value)


class TrainingDoctor(keras.callbacks.Callback):
    """Diagnoses a training run with the guide's Quick Diagnosis table.

    Each problem is recorded once, as a :class:`Finding`, at the epoch it
    first appears; it is also logged (logger ``"kzoo.doctor"``) and printed
    when ``verbose=1``. After ``fit`` read ``doctor.findings`` (a list) or
    ``doctor.codes`` (their codes, in order). Findings are reset when a new
    ``fit`` starts.

    Scores for over/underfitting come from ``metric`` and ``val_<metric>`` in
    the logs (the first of accuracy, r2, ... by default; higher is better).
    ``collapsed_predictions`` needs ``validation_data``: the doctor predicts on
    it after each epoch (one sigmoid unit: threshold 0.5; otherwise argmax).

    Args:
        validation_data: tuple or None. ``(x, y)`` (or ``x`` alone) of a
            classification task, used to detect collapsed predictions.
            Defaults to None (check disabled).
        metric: str or None. Score metric name (without ``val_``). Defaults to
            None (auto-detect).
        stop_on_nan: bool. Stop training on a NaN/inf loss. Defaults to True.
        no_improvement_epochs: int. Epochs without a training-loss improvement
            before ``no_improvement``. Defaults to 20 (guide: Quick Diagnosis,
            "No improvement after 20 epochs").
        min_delta: float. Smallest relative decrease of the training loss
            (a fraction of the best loss so far) that counts as an
            improvement. Defaults to 1e-3 (0.1%).
        overfit_gap: float. Train minus validation score that counts as
            overfitting. Defaults to 0.2 (guide: 98% vs 75% is "a large gap",
            100% vs 70% "severe overfitting").
        overfit_epochs: int. Consecutive epochs the gap must last. Defaults to 3.
        underfit_score: float. Both scores below this count as underfitting.
            Defaults to 0.7 (guide: "Train accuracy = 60%, Val accuracy = 58%").
        underfit_min_epochs: int. First epoch at which underfitting is judged.
            Defaults to 10.
        underfit_plateau_epochs: int. Window over which the training score must
            have stalled. Defaults to 5.
        underfit_min_gain: float. Gain of the training score over that window
            below which it has stalled. Defaults to 0.01. Underfitting also
            needs the training loss to have fallen at least 1% since the first
            epoch; a loss that never moved is ``no_improvement`` instead.
        collapse_fraction: float. Share of predictions in one class that counts
            as collapsed (unless the labels are that skewed too). Defaults to 0.95.
        collapse_epochs: int. Consecutive epochs the collapse must last.
            Defaults to 3.
        oscillation_window: int. Epochs of training loss examined. Defaults to 10.
        oscillation_rise: float. Relative epoch-to-epoch rise of the training
            loss that counts as a jump. Defaults to 0.1 (dropout on small
            data alone makes 5% jumps).
        oscillation_count: int. Jumps within the window that make the loss
            oscillating. Defaults to 3.
        batch_size: int. Batch size for the validation predictions.
            Defaults to 256.
        verbose: int. 1 prints each finding when it appears. Defaults to 1.

    Returns:
        A Keras callback.

    Example:
        >>> doctor = kzoo.callbacks.TrainingDoctor(validation_data=(x_val, y_val))
        >>> model.fit(x, y, validation_data=(x_val, y_val), callbacks=[doctor])
        >>> [f.code for f in doctor.findings]

    Reference:
        Guide: Best Practices > Quick Diagnosis; Quick Start Guide > When to
        Change What; Hyperparameters > Learning Rate.
    """

    def __init__(self, *, validation_data=None, metric=None, stop_on_nan=True,
                 no_improvement_epochs=20, min_delta=1e-3, overfit_gap=0.2,
                 overfit_epochs=3, underfit_score=0.7, underfit_min_epochs=10,
                 underfit_plateau_epochs=5, underfit_min_gain=0.01,
                 collapse_fraction=0.95, collapse_epochs=3, oscillation_window=10,
                 oscillation_rise=0.1, oscillation_count=3, batch_size=256, verbose=1):
        super().__init__()
        checks.positive_int("no_improvement_epochs", no_improvement_epochs)
        checks.non_negative("min_delta", min_delta)
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
        checks.positive_int("oscillation_count", oscillation_count)
        if oscillation_count >= oscillation_window:
            raise ValueError("oscillation_count must be < oscillation_window. Received: "
                             f"oscillation_count={oscillation_count}")
        checks.positive_int("batch_size", batch_size)
        checks.one_of("verbose", verbose, (0, 1))
        if metric is not None and (not isinstance(metric, str) or metric.startswith("val_")):
            raise ValueError("metric must be a metric name without the 'val_' prefix, e.g. "
                             f"'accuracy'. Received: metric={metric!r}")
        self.validation_data = self._check_validation_data(validation_data)
        self.metric = metric
        self.stop_on_nan = stop_on_nan
        self.no_improvement_epochs = no_improvement_epochs
        self.min_delta = min_delta
        self.overfit_gap = overfit_gap
        self.overfit_epochs = overfit_epochs
        self.underfit_score = underfit_score
        self.underfit_min_epochs = underfit_min_epochs
        self.underfit_plateau_epochs = underfit_plateau_epochs
        self.underfit_min_gain = underfit_min_gain
        self.collapse_fraction = collapse_fraction
        self.collapse_epochs = collapse_epochs
        self.oscillation_window = oscillation_window
        self.oscillation_rise = oscillation_rise
        self.oscillation_count = oscillation_count
        self.batch_size = batch_size
        self.verbose = verbose
        self.findings = []
        self._reset()

    @staticmethod
    def _check_validation_data(validation_data):
        if validation_data is None:
            return None
        if isinstance(validation_data, (tuple, list)):
            if len(validation_data) not in (1, 2):
                raise ValueError("validation_data must be (x, y) or x. Received: "
                                 f"validation_data with {len(validation_data)} items")
            x = np.asarray(validation_data[0])
            y = None if len(validation_data) == 1 else np.asarray(validation_data[1])
        else:
            x, y = np.asarray(validation_data), None
        if y is not None and len(y) != len(x):
            raise ValueError("validation_data x and y must have the same length. Received: "
                             f"len(x)={len(x)}, len(y)={len(y)}")
        return x, y

    # ---------------------------------------------------------------- state
    def _reset(self):
        self.findings = []
        self._seen = set()
        self._losses = []
        self._scores = []
        self._best_loss = math.inf
        self._best_epoch = 0
        self._gap_run = 0
        self._collapse_run = 0

    @property
    def codes(self):
        """The codes of the findings so far, in the order they appeared."""
        return [f.code for f in self.findings]

    def summary(self):
        """A readable summary: one line per finding, or a clean bill of health."""
        if not self.findings:
            return "TrainingDoctor: no problem found."
        return "\n".join(["TrainingDoctor findings:"] + [f"  {f}" for f in self.findings])

    def _record(self, code, epoch, **evidence):
        if code in self._seen:
            return
        self._seen.add(code)
        cause, advice = DIAGNOSES[code]
        lr = self._learning_rate()
        if lr is not None:
            evidence.setdefault("learning_rate", lr)
            if code in ("nan_loss", "oscillating_loss", "collapsed_predictions"):
                advice += f" Suggested learning rate: {lr / 10:.3g}."
            elif code == "no_improvement":
                advice += f" Suggested learning rate: {lr * 2:.3g} to {lr * 5:.3g}."
        finding = Finding(code=code, epoch=epoch, evidence=evidence, cause=cause,
                          advice=advice)
        self.findings.append(finding)
        logger.warning("%s", finding)
        if self.verbose:
            print(f"\nTrainingDoctor: {finding}")

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

    # ------------------------------------------------------------- callbacks
    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        epoch = epoch + 1
        loss = logs.get("loss")
        loss = None if loss is None else float(loss)
        if loss is not None and not math.isfinite(loss):
            self._record("nan_loss", epoch, loss=loss)
            if self.stop_on_nan:
                self.model.stop_training = True
            return
        val_loss = logs.get("val_loss")
        if val_loss is not None and not math.isfinite(float(val_loss)):
            self._record("nan_loss", epoch, loss=loss, val_loss=float(val_loss))
            if self.stop_on_nan:
                self.model.stop_training = True
            return
        if loss is not None:
            self._check_improvement(epoch, loss)
            self._losses.append(loss)
            self._check_oscillation(epoch)
        name = self._score_name(logs)
        if name is not None:
            train, val = float(logs[name]), float(logs[f"val_{name}"])
            self._scores.append(train)
            self._check_overfitting(epoch, name, train, val)
            self._check_underfitting(epoch, name, train, val)
        if self.validation_data is not None:
            self._check_collapse(epoch)

    # ---------------------------------------------------------------- checks
    def _check_improvement(self, epoch, loss):
        if loss < self._best_loss - self.min_delta * abs(self._best_loss) \
                or not math.isfinite(self._best_loss):
            self._best_loss, self._best_epoch = loss, epoch
        elif epoch - self._best_epoch >= self.no_improvement_epochs:
            self._record("no_improvement", epoch, best_loss=self._best_loss,
                         best_epoch=self._best_epoch, loss=loss,
                         epochs_without_improvement=epoch - self._best_epoch)

    def _check_oscillation(self, epoch):
        recent = self._losses[-self.oscillation_window:]
        if len(recent) < self.oscillation_window:
            return
        rises = [(b - a) / max(abs(a), 1e-12) for a, b in zip(recent, recent[1:])]
        jumps = [r for r in rises if r > self.oscillation_rise]
        if len(jumps) >= self.oscillation_count:
            self._record("oscillating_loss", epoch, rises=len(jumps),
                         window=self.oscillation_window, largest_rise=max(jumps),
                         losses=[float(v) for v in recent])

    def _check_overfitting(self, epoch, name, train, val):
        gap = train - val
        self._gap_run = self._gap_run + 1 if gap >= self.overfit_gap else 0
        if self._gap_run >= self.overfit_epochs:
            self._record("overfitting", epoch, metric=name, train=train, validation=val,
                         gap=gap)

    def _check_underfitting(self, epoch, name, train, val):
        if epoch < self.underfit_min_epochs or len(self._scores) <= self.underfit_plateau_epochs:
            return
        gain = train - self._scores[-1 - self.underfit_plateau_epochs]
        # A loss that never moved points to the learning rate (no_improvement),
        # not to capacity: require the loss to have fallen 1% since epoch 1.
        learned = bool(self._losses) and self._losses[-1] < 0.99 * self._losses[0]
        if (learned and train < self.underfit_score and val < self.underfit_score
                and train - val < self.overfit_gap and gain < self.underfit_min_gain):
            self._record("underfitting", epoch, metric=name, train=train, validation=val,
                         gain=gain, threshold=self.underfit_score)

    def _check_collapse(self, epoch):
        x, y = self.validation_data
        pred = np.asarray(self.model.predict(x, batch_size=self.batch_size, verbose=0))
        if pred.ndim == 1 or pred.shape[-1] == 1:
            classes = (pred.reshape(len(pred), -1)[:, 0] > 0.5).astype("int64")
        else:
            classes = pred.reshape(len(pred), -1, pred.shape[-1])[:, 0].argmax(-1)
        if not np.isfinite(pred).all():
            return
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
            self._record("collapsed_predictions", epoch, **evidence)
