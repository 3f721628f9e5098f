"""The evaluation figures (matplotlib is imported only in these functions)."""

import numpy as np


def history_figures(history):
    """``("loss", fig)`` and one ``(metric, fig)`` per metric: train vs validation."""
    import matplotlib.pyplot as plt

    out = []
    names = [k for k in history if not k.startswith("val_") and k != "learning_rate"]
    for name in names:
        fig, ax = plt.subplots(figsize=(6, 4))
        epochs = np.arange(1, len(history[name]) + 1)
        ax.plot(epochs, history[name], label=f"train {name}")
        if f"val_{name}" in history:
            ax.plot(epochs, history[f"val_{name}"], label=f"validation {name}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(f"{name}: train vs validation")
        ax.legend()
        out.append((name, fig))
    return out


def confusion_matrix_figure(cm, class_names):
    """The confusion matrix as an annotated heat map."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1.0 + 0.6 * len(cm), 0.8 + 0.6 * len(cm)))
    image = ax.imshow(cm, cmap="Blues")
    fig.colorbar(image, ax=ax)
    ticks = np.arange(len(cm))
    ax.set_xticks(ticks, [str(c) for c in class_names], rotation=45)
    ax.set_yticks(ticks, [str(c) for c in class_names])
    threshold = cm.max() / 2 if cm.size else 0
    for i in range(len(cm)):
        for j in range(len(cm)):
            ax.text(j, i, int(cm[i, j]), ha="center", va="center",
                    color="white" if cm[i, j] > threshold else "black", fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Confusion matrix")
    return fig


def roc_figure(y_true, scores, class_names):
    """ROC curve (binary) or one-vs-rest curves (multiclass)."""
    import matplotlib.pyplot as plt
    from sklearn.metrics import auc, roc_curve

    fig, ax = plt.subplots(figsize=(5, 5))
    pairs = [(1, class_names[1])] if scores.shape[1] == 2 else list(enumerate(class_names))
    for index, name in pairs:
        positive = (y_true == index).astype(int)
        if positive.min() == positive.max():
            continue
        fpr, tpr, _ = roc_curve(positive, scores[:, index])
        ax.plot(fpr, tpr, label=f"{name} (AUC {auc(fpr, tpr):.3f})")
    ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="chance")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title("ROC curve")
    ax.legend(fontsize=7)
    return fig


def residuals_figure(y_true, y_pred):
    """Residuals against predictions, and their histogram."""
    import matplotlib.pyplot as plt

    y_true, y_pred = np.ravel(y_true), np.ravel(y_pred)
    residuals = y_true - y_pred
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.scatter(y_pred, residuals, s=8, alpha=0.6)
    left.axhline(0, color="k", linewidth=1)
    left.set_xlabel("prediction")
    left.set_ylabel("residual (true - predicted)")
    left.set_title("Residuals")
    right.hist(residuals, bins=30)
    right.set_xlabel("residual")
    right.set_title("Residual distribution")
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
