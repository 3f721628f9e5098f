"""The evaluation figures, drawn by scikit-learn's displays (matplotlib is
imported only in these functions).

``ConfusionMatrixDisplay``, ``RocCurveDisplay`` and ``PredictionErrorDisplay``
draw the figures; written here are only the learning curves (train vs
validation per metric, integer epoch ticks) and the arrangement.
"""

import numpy as np


def history_figures(history):
    """``("loss", fig)`` and one ``(metric, fig)`` per metric: train vs validation."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    out = []
    names = [k for k in history if not k.startswith("val_") and k != "learning_rate"]
    for name in names:
        fig, ax = plt.subplots(figsize=(6, 4))
        epochs = np.arange(1, len(history[name]) + 1)
        ax.plot(epochs, history[name], label=f"train {name}")
        if f"val_{name}" in history:
            ax.plot(epochs, history[f"val_{name}"], label=f"validation {name}")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(f"{name}: train vs validation")
        ax.legend()
        out.append((name, fig))
    return out


def confusion_matrix_figure(cm, class_names):
    """The confusion matrix (``sklearn.metrics.ConfusionMatrixDisplay``)."""
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    size = len(cm)
    fig, ax = plt.subplots(figsize=(1.5 + 0.6 * size, 1.0 + 0.6 * size))
    display = ConfusionMatrixDisplay(cm, display_labels=[str(c) for c in class_names])
    display.plot(ax=ax, cmap="Blues", xticks_rotation=45, colorbar=True,
                 text_kw={"fontsize": 8})
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Confusion matrix")
    return fig


def roc_figure(y_true, scores, class_names):
    """ROC curve (binary) or one-vs-rest curves (multiclass): ``RocCurveDisplay``."""
    import matplotlib.pyplot as plt
    from sklearn.metrics import RocCurveDisplay

    fig, ax = plt.subplots(figsize=(5, 5))
    pairs = [(1, class_names[1])] if scores.shape[1] == 2 else list(enumerate(class_names))
    drawn = [(i, n) for i, n in pairs if 0 < (y_true == i).sum() < len(y_true)]
    for k, (index, name) in enumerate(drawn):
        RocCurveDisplay.from_predictions((y_true == index).astype(int), scores[:, index],
                                         name=str(name), ax=ax,
                                         plot_chance_level=k == len(drawn) - 1)
    title = "ROC curve" if scores.shape[1] == 2 else "ROC curves (one vs rest)"
    ax.set_xlabel("false positive rate")  # the display's "(Positive label: 1)" misleads
    ax.set_ylabel("true positive rate")   # for one-vs-rest curves
    ax.set_title(title)
    ax.legend(fontsize=7)
    return fig


def residuals_figure(y_true, y_pred):
    """Residuals against predictions and actual against predicted values
    (``PredictionErrorDisplay``; several outputs are pooled)."""
    import matplotlib.pyplot as plt
    from sklearn.metrics import PredictionErrorDisplay

    y_true, y_pred = np.ravel(y_true), np.ravel(y_pred)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    subsample = min(len(y_true), 1000)
    PredictionErrorDisplay.from_predictions(y_true, y_pred, kind="residual_vs_predicted",
                                            ax=left, subsample=subsample, random_state=0)
    left.set_title("Residuals")
    PredictionErrorDisplay.from_predictions(y_true, y_pred, kind="actual_vs_predicted",
                                            ax=right, subsample=subsample, random_state=0)
    right.set_title("Actual vs predicted")
    return fig


def figures(report):
    """Every figure of an ``EvaluationReport`` as ``(name, Figure)`` pairs."""
    out = history_figures(report.history) if report.history else []
    if report.task == "classification":
        out.append(("confusion_matrix",
                    confusion_matrix_figure(report.confusion_matrix, report.class_names)))
        out.append(("roc", roc_figure(report.y_true, report.y_score, report.class_names)))
    else:
        out.append(("residuals", residuals_figure(report.y_true, report.y_pred)))
    return out


def threshold_figure(table, *, title="Precision and recall against the threshold"):
    """Precision, recall and F1 against the decision threshold (binary classification).

    Args:
        table: dict from :func:`kzoo.evaluation.threshold_table` (or
            ``EvaluationReport.thresholds()``).
        title: str. The axes' title.

    Returns:
        ``matplotlib.figure.Figure``.
    """
    import matplotlib.pyplot as plt

    missing = {"threshold", "precision", "recall", "f1"} - set(table)
    if missing:
        raise ValueError(f"table must come from threshold_table (keys threshold, precision, "
                         f"recall, f1). Received: a table without {sorted(missing)}")
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, style in (("precision", "-o"), ("recall", "-s"), ("f1", "--")):
        ax.plot(table["threshold"], table[name], style, label=name, markersize=3)
    ax.set_xlabel("decision threshold (predict positive when p >= threshold)")
    ax.set_ylabel("score")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title)
    ax.legend()
    return fig
