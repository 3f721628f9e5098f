"""The training doctor's vocabulary: finding codes, the guide's cause and advice
for each, and the :class:`Finding` record."""

import dataclasses

#: code -> (cause, advice), worded after the guide's Quick Diagnosis table, its
#: "When to Change What" table, the Learning Rate section and Gradient Problems.
DIAGNOSES = {
    "nan_loss": (
        "Learning rate too high",
        "Divide the learning rate by 10 (guide: Quick Diagnosis, 'Loss becomes NaN'); "
        "also check the inputs for NaN/inf and unscaled features."),
    "diverging": (
        "Learning rate too high (the loss diverged far above the trivial predictor's)",
        "Divide the learning rate by 10 (guide: Learning Rate, 'Too high: ... the model "
        "never improves') and check that the inputs are standardized (guide: Common "
        "Mistakes, 'Forgetting to normalize')."),
    "oscillating_loss": (
        "Unstable training (learning rate too high)",
        "Reduce the learning rate and add batch normalization (guide: When to Change "
        "What, 'Unstable training'; Learning Rate, 'Loss oscillates violently')."),
    "no_improvement": (
        "Learning rate too low",
        "Multiply the learning rate by 2-5 (guide: Quick Diagnosis, 'No improvement "
        "after 20 epochs')."),
    "slow_progress": (
        "Learning rate too low (the loss falls, but very slowly)",
        "Multiply the learning rate by 2-5 (guide: Learning Rate, 'Too low: loss "
        "decreases very slowly'; When to Change What, 'Training too slow? Increase "
        "learning rate')."),
    "stuck_at_trivial": (
        "The model does no better than the trivial predictor (it learned nothing from "
        "the inputs)",
        "Check that the labels match the inputs and that the features are standardized; "
        "then choose the learning rate with kzoo.lr_find (too high kills ReLU units, too "
        "low never moves the weights); Leaky ReLU avoids dead units (guide: Quick "
        "Diagnosis; Learning Rate; Activation Functions, Leaky ReLU)."),
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
    "plateau": (
        "Plateau: the loss stopped improving at a constant learning rate",
        "Halve the learning rate when the loss stagnates: ReduceLROnPlateau (factor 0.5, "
        "patience 5-10, min 1e-7), as kzoo.callbacks.recommended() does (guide: "
        "Regularization, ReduceLROnPlateau)."),
    "vanishing_gradients": (
        "Vanishing gradients",
        "Use ReLU-family activations with He initialization, batch normalization and "
        "residual (skip) connections (guide: Gradient Problems, 'Vanishing gradients: "
        "ReLU, Batch Normalization, ResNet')."),
    "exploding_gradients": (
        "Exploding gradients",
        "Clip the gradients (e.g. the optimizer's clipnorm=1.0), lower the learning rate "
        "and check the weight initialization (guide: Gradient Problems, 'Exploding "
        "gradients: gradient clipping'; common in RNNs)."),
}

#: Codes whose advice changes the learning rate: "down" (too high) or "up" (too low).
LEARNING_RATE_DIRECTION = {
    "nan_loss": "down", "diverging": "down", "oscillating_loss": "down",
    "collapsed_predictions": "down", "exploding_gradients": "down",
    "no_improvement": "up", "slow_progress": "up", "stuck_at_trivial": "find",
    "plateau": "halve",
}


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
