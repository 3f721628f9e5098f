"""``kzoo.evaluate``: the guide's evaluation metrics as a report (guide: Evaluation Metrics).

Classification: accuracy, balanced accuracy (the mean per-class recall: 0.5 for a
constant prediction on two classes, however imbalanced), precision, recall, F1 (of the
positive class for two classes, the macro average for more: ``report.average`` names
it), AUC-ROC (binary; macro one-vs-rest for more classes), PR-AUC (binary: the average
precision of the positive class, which, unlike AUC-ROC, falls with the positive
class's prevalence), the per-class table of ``sklearn.metrics.classification_report``
and the confusion matrix; :meth:`EvaluationReport.thresholds` gives precision, recall
and F1 at every decision threshold. Regression: MAE, RMSE and R².

:func:`evaluate` scores a model on ``(x, y)``; :func:`evaluate_predictions` scores
predictions you already have (a scikit-learn model's ``predict_proba``, constructed
examples). Numbers and figures come from scikit-learn (imported inside the functions).
"""

import dataclasses
import os
import warnings

import numpy as np

from kzoo.data.checks import check_arrays

_CLASSIFICATION_LOSSES = ("crossentropy", "focal", "hinge", "kl_divergence", "poisson")

_AVERAGES = {
    "binary": "precision, recall, f1: of the positive class (label 1), average='binary'",
    "macro": "precision, recall, f1: macro average (unweighted mean over the {n} classes)",
}


def _per_class(y_true, y_pred, labels, class_names):
    """The per-class rows of ``sklearn.metrics.classification_report``."""
    from sklearn.metrics import classification_report

    table = classification_report(y_true, y_pred, labels=labels, output_dict=True,
                                  target_names=[str(n) for n in class_names], zero_division=0)
    return {name: {"precision": float(table[str(name)]["precision"]),
                   "recall": float(table[str(name)]["recall"]),
                   "f1": float(table[str(name)]["f1-score"]),
                   "support": int(table[str(name)]["support"])} for name in class_names}


@dataclasses.dataclass
class EvaluationReport:
    """The metrics of one model on one dataset, printable and savable.

    Attributes:
        task: str. ``"classification"`` or ``"regression"``.
        metrics: dict. Metric name -> value.
        y_true: np.ndarray. The targets.
        y_pred: np.ndarray. Predicted classes (classification) or values.
        y_score: np.ndarray or None. Predicted class probabilities.
        confusion_matrix: np.ndarray or None. Rows = true, columns = predicted.
        class_names: list or None. Names of the classes.
        history: dict or None. ``History.history`` of the training run.
        model_name: str. The model's name.
        per_class: dict or None. Class name -> ``{"precision", "recall",
            "f1", "support"}`` (classification).
        average: str or None. How ``precision``/``recall``/``f1`` average the
            classes: ``"binary"`` (the positive class, label 1) or ``"macro"``
            (unweighted mean over the classes).
    """

    task: str
    metrics: dict
    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray = None
    confusion_matrix: np.ndarray = None
    class_names: list = None
    history: dict = None
    model_name: str = "model"
    per_class: dict = None
    average: str = None

    def __getitem__(self, name):
        return self.metrics[name]

    def thresholds(self, thresholds=None):
        """Precision, recall and F1 at each decision threshold (binary classification).

        Args:
            thresholds: sequence of float in (0, 1), or None for 0.05, 0.10, ..., 0.95.

        Returns:
            dict of arrays, see :func:`kzoo.evaluation.threshold_table`.
        """
        from kzoo.evaluation.thresholds import DEFAULT_THRESHOLDS, threshold_table

        if self.task != "classification" or self.y_score is None or self.y_score.shape[1] != 2:
            raise ValueError("thresholds() needs a binary classification report. Received: a "
                             f"{self.task} report with {len(self.class_names or [])} classes")
        return threshold_table(self.y_true, self.y_score[:, 1],
                               DEFAULT_THRESHOLDS if thresholds is None else thresholds)

    def table(self):
        """The metrics as aligned text rows."""
        width = max(len(k) for k in self.metrics)
        lines = [f"{self.model_name} — {self.task} ({len(self.y_true)} samples)",
                 f"{'metric':<{width}}  value", f"{'-' * width}  ------"]
        lines += [f"{k:<{width}}  {v:.4f}" for k, v in self.metrics.items()]
        if self.average is not None:
            lines += ["", _AVERAGES[self.average].format(n=len(self.class_names))]
        if self.per_class:
            names = [str(n) for n in self.per_class]
            cell = max(max(len(n) for n in names), 5)
            lines += ["", f"{'class':>{cell}}  precision  recall      f1  support"]
            lines += [f"{name:>{cell}}  {row['precision']:9.4f}  {row['recall']:6.4f}  "
                      f"{row['f1']:6.4f}  {row['support']:7d}"
                      for name, row in zip(names, self.per_class.values())]
        if self.confusion_matrix is not None:
            names = [str(n) for n in self.class_names]
            cell = max(max(len(n) for n in names), len(str(self.confusion_matrix.max())), 4)
            lines += ["", "confusion matrix (rows: true, columns: predicted)",
                      " " * (cell + 1) + " ".join(f"{n:>{cell}}" for n in names)]
            for name, row in zip(names, self.confusion_matrix):
                lines.append(f"{name:>{cell}} " + " ".join(f"{v:>{cell}d}" for v in row))
        return "\n".join(lines)

    def __str__(self):
        return self.table()

    def to_markdown(self, figures=()):
        """A Markdown summary: metric table, confusion matrix, figure links."""
        lines = [f"# Evaluation of `{self.model_name}`", "",
                 f"Task: {self.task}, {len(self.y_true)} samples.", "",
                 "| metric | value |", "|---|---|"]
        lines += [f"| {k} | {v:.4f} |" for k, v in self.metrics.items()]
        if self.average is not None:
            lines += ["", _AVERAGES[self.average].format(n=len(self.class_names))]
        if self.per_class:
            lines += ["", "| class | precision | recall | f1 | support |", "|---|---|---|---|---|"]
            lines += [f"| {name} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | "
                      f"{r['support']} |" for name, r in self.per_class.items()]
        if self.confusion_matrix is not None:
            names = [str(n) for n in self.class_names]
            lines += ["", "Confusion matrix (rows: true, columns: predicted):", "",
                      "| true \\ predicted | " + " | ".join(names) + " |",
                      "|---" * (len(names) + 1) + "|"]
            for name, row in zip(names, self.confusion_matrix):
                lines.append(f"| {name} | " + " | ".join(str(int(v)) for v in row) + " |")
        if self.history:
            loss = self.history.get("loss", [])
            lines += ["", f"Training: {len(loss)} epochs"]
            if "val_loss" in self.history:
                best = int(np.argmin(self.history["val_loss"]))
                lines[-1] += (f", best validation loss {self.history['val_loss'][best]:.4f} "
                              f"at epoch {best + 1}.")
        if figures:
            lines += ["", "## Figures", ""]
            lines += [f"![{os.path.splitext(f)[0]}]({f})" for f in figures]
        return "\n".join(lines) + "\n"

    def plot(self):
        """Draws every figure (shown inline in Jupyter); see :meth:`save`.

        Returns:
            list of ``(name, matplotlib.figure.Figure)``.
        """
        from kzoo.evaluation import plots

        return plots.figures(self)

    def save(self, directory):
        """Writes PNG figures and ``summary.md`` into ``directory``.

        Figures: ``loss.png`` and one ``<metric>.png`` per tracked metric (when
        a history was given), ``confusion_matrix.png`` and ``roc.png``
        (classification), ``residuals.png`` (regression).

        Args:
            directory: str. Output folder, created if needed.

        Returns:
            list of str: the paths written (figures, then the summary).
        """
        from kzoo.evaluation import plots

        os.makedirs(directory, exist_ok=True)
        written = []
        import matplotlib.pyplot as plt

        for name, fig in plots.figures(self):
            path = os.path.join(directory, f"{name}.png")
            fig.savefig(path, dpi=100, bbox_inches="tight")
            plt.close(fig)
            written.append(path)
        summary = os.path.join(directory, "summary.md")
        with open(summary, "w", encoding="utf-8") as f:
            f.write(self.to_markdown([os.path.basename(p) for p in written]))
        return written + [summary]


def _balanced_accuracy(y_true, y_pred):
    """The mean recall over the classes present in ``y_true`` (scikit-learn's)."""
    from sklearn import metrics as skm

    with warnings.catch_warnings():  # a class predicted but absent from y_true warns
        warnings.simplefilter("ignore", UserWarning)
        return float(skm.balanced_accuracy_score(y_true, y_pred))


def _infer_task(model, y):
    loss = getattr(model, "loss", None)
    name = loss if isinstance(loss, str) else type(loss).__name__ if loss is not None else ""
    name = getattr(loss, "name", None) or name
    lowered = str(name).lower() + " " + type(loss).__name__.lower()
    if any(k in lowered for k in _CLASSIFICATION_LOSSES):
        return "classification"
    if loss is not None and not isinstance(loss, (list, dict)):
        return "regression"
    return "classification" if np.asarray(y).dtype.kind in "biu" else "regression"


def _regression_report(y_arr, pred, *, history, name):
    from sklearn import metrics as skm

    y_true = y_arr.astype("float64").reshape(len(y_arr), -1)
    pred = pred.reshape(len(pred), -1)
    if y_true.shape[1] != pred.shape[1]:
        raise ValueError(f"y must have {pred.shape[1]} column(s) like the model's output. "
                         f"Received: y with shape {y_arr.shape}")
    metrics = {"mae": float(skm.mean_absolute_error(y_true, pred)),
               "rmse": float(np.sqrt(skm.mean_squared_error(y_true, pred))),
               "r2": float(skm.r2_score(y_true, pred))}
    return EvaluationReport("regression", metrics, y_true.squeeze(-1) if y_true.shape[1] == 1
                            else y_true, pred.squeeze(-1) if pred.shape[1] == 1 else pred,
                            history=history, model_name=name)


def _classification_report(x_arr, y_arr, pred, *, class_names, history, name, threshold):
    from sklearn import metrics as skm

    y_true = y_arr.reshape(-1)
    if pred.ndim == 1 or pred.shape[-1] == 1:
        p = pred.reshape(-1)
        scores = np.stack([1 - p, p], axis=1)
    else:
        scores = pred.reshape(len(pred), -1)
    num_classes = scores.shape[1]
    check_arrays(x_arr, y_true, num_classes=num_classes)
    y_true = y_true.astype("int64")
    y_pred = (scores.argmax(axis=1) if num_classes > 2
              else (scores[:, 1] >= threshold).astype("int64"))
    labels = list(range(num_classes))
    if class_names is None:
        class_names = labels
    elif len(class_names) != num_classes:
        raise ValueError(f"class_names must have {num_classes} entries. Received: "
                         f"class_names with {len(class_names)}")
    average = "binary" if num_classes == 2 else "macro"
    metrics = {
        "accuracy": float(skm.accuracy_score(y_true, y_pred)),
        "balanced_accuracy": _balanced_accuracy(y_true, y_pred),
        "precision": float(skm.precision_score(y_true, y_pred, average=average,
                                               labels=labels if average == "macro" else None,
                                               zero_division=0)),
        "recall": float(skm.recall_score(y_true, y_pred, average=average,
                                         labels=labels if average == "macro" else None,
                                         zero_division=0)),
        "f1": float(skm.f1_score(y_true, y_pred, average=average,
                                 labels=labels if average == "macro" else None,
                                 zero_division=0)),
    }
    present = np.unique(y_true)
    if len(present) == num_classes:
        if num_classes == 2:
            metrics["auc_roc"] = float(skm.roc_auc_score(y_true, scores[:, 1]))
            metrics["pr_auc"] = float(skm.average_precision_score(y_true, scores[:, 1]))
        else:
            probs = scores / np.clip(scores.sum(axis=1, keepdims=True), 1e-12, None)
            metrics["auc_roc"] = float(skm.roc_auc_score(y_true, probs, multi_class="ovr",
                                                         average="macro", labels=labels))
    cm = skm.confusion_matrix(y_true, y_pred, labels=labels)
    return EvaluationReport("classification", metrics, y_true, y_pred, y_score=scores,
                            confusion_matrix=cm, class_names=list(class_names),
                            history=history, model_name=name,
                            per_class=_per_class(y_true, y_pred, labels, class_names),
                            average=average)


def _check_task_and_history(task, history):
    if task is not None and task not in ("classification", "regression"):
        raise ValueError("task must be one of ['classification', 'regression'] or None. "
                         f"Received: task={task!r}")
    if history is not None and not isinstance(history, dict):
        history = getattr(history, "history", None)
        if not isinstance(history, dict):
            raise ValueError("history must be a keras History or its .history dict. "
                             f"Received: history of type {type(history).__name__}")
    return history


def _check_threshold(threshold):
    from kzoo import checks

    checks.number_in_range("threshold", threshold, 0.0, 1.0, low_inclusive=False,
                           high_inclusive=False)


def evaluate(model, x, y, *, history=None, task=None, class_names=None, batch_size=256,
             threshold=0.5):
    """Evaluates a model with the guide's metrics for its task.

    Args:
        model: keras.Model. A trained model (classifiers output probabilities:
            one sigmoid unit or a softmax).
        x: array-like. Test inputs.
        y: array-like. Test targets (integer labels for classification).
        history: keras.callbacks.History, dict or None. The ``fit`` history,
            for the loss/metric curves. Defaults to None.
        task: str or None. ``"classification"`` or ``"regression"``. Defaults to
            None (inferred from the model's loss, else from ``y``'s dtype).
        class_names: list or None. Names for the classes. Defaults to None
            (``0 .. k-1``).
        batch_size: int. Prediction batch size. Defaults to 256.
        threshold: float in (0, 1). Binary classification: a sample is predicted
            positive when its probability is ``>= threshold`` (accuracy, precision,
            recall, F1 and the confusion matrix depend on it; AUC-ROC and PR-AUC do
            not). Pick it on validation data, e.g. with
            :func:`kzoo.evaluation.best_threshold`. Defaults to 0.5.

    Returns:
        An ``EvaluationReport``: ``print(report)`` shows the table,
        ``report.metrics`` holds the numbers, ``report.save(directory)``
        writes the figures and a Markdown summary.

    Example:
        >>> history = model.fit(x, y, validation_split=0.15, epochs=50)
        >>> report = kzoo.evaluate(model, x_test, y_test, history=history)
        >>> print(report); report.save("runs/report")

    Reference:
        Guide: Evaluation Metrics (Summary Tables - Classification, Regression).
    """
    history = _check_task_and_history(task, history)
    _check_threshold(threshold)
    if y is None:
        raise ValueError("y must be the test targets (evaluate(model, x, y)). Received: y=None")
    x_arr, y_arr = check_arrays(x, y)
    task = task or _infer_task(model, y_arr)
    pred = np.asarray(model.predict(x_arr, batch_size=batch_size, verbose=0), dtype="float64")
    name = getattr(model, "name", "model")
    if task == "regression":
        return _regression_report(y_arr, pred, history=history, name=name)
    return _classification_report(x_arr, y_arr, pred, class_names=class_names,
                                  history=history, name=name, threshold=threshold)


def evaluate_predictions(y, predictions, *, task=None, class_names=None, history=None,
                         threshold=0.5, name="predictions"):
    """The report of :func:`evaluate` for predictions you already have.

    For a model that is not a Keras model (a scikit-learn tree's ``predict_proba``),
    or for constructed predictions (the guide's examples: a classifier that always says
    "not spam", errors of $10, $20 and $5).

    Args:
        y: array-like. The targets (integer labels for classification).
        predictions: array-like. Classification: probabilities, ``(n,)`` or ``(n, 1)``
            for the positive class of two, or ``(n, K)`` for K classes. Regression: the
            predicted values.
        task: str or None. ``"classification"`` or ``"regression"``. Defaults to None:
            classification when ``y`` holds integers, regression otherwise.
        class_names, history, threshold: as in :func:`evaluate`.
        name: str. Shown in the report. Defaults to ``"predictions"``.

    Returns:
        An ``EvaluationReport``.

    Example:
        >>> always_no = np.zeros(100)                     # P(spam) = 0 for every email
        >>> y = np.array([1] * 5 + [0] * 95)
        >>> report = kzoo.evaluation.evaluate_predictions(y, always_no)
        >>> report["accuracy"], report["recall"], report["balanced_accuracy"]
        (0.95, 0.0, 0.5)

    Reference:
        Guide: Evaluation Metrics.
    """
    history = _check_task_and_history(task, history)
    _check_threshold(threshold)
    pred, y_arr = check_arrays(predictions, y, name_x="predictions")
    task = task or ("classification" if y_arr.dtype.kind in "biu" else "regression")
    pred = pred.astype("float64")
    if task == "regression":
        return _regression_report(y_arr, pred, history=history, name=name)
    if pred.min() < 0 or pred.max() > 1:
        raise ValueError("predictions must be probabilities in [0, 1] for classification. "
                         f"Received: values in [{pred.min():.3g}, {pred.max():.3g}]")
    return _classification_report(pred, y_arr, pred, class_names=class_names,
                                  history=history, name=name, threshold=threshold)
