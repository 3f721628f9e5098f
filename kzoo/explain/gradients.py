"""Gradient attributions: saliency maps and integrated gradients.

* Saliency (Simonyan, Vedaldi & Zisserman, 2014): ``|d S_c(x) / dx|``, how
  much each input value moves the class score ``S_c`` locally.
* Integrated gradients (Sundararajan, Taly & Yan, 2017): ``(x - x0) *
  mean_a d S_c(x0 + a (x - x0)) / dx`` over the straight path from a
  baseline ``x0`` (zeros: a black image) to ``x``. Unlike the raw gradient it
  is *complete*: the attributions sum to ``S_c(x) - S_c(x0)``.

The class score is the pre-softmax logit by default (``score="logit"``, via
:class:`kzoo.adversarial.ClassifierView`), or the predicted probability.
The input gradient is the only backend-specific step
(:mod:`kzoo.backend.gradients`). Written here because the libraries that
implement these (Captum: PyTorch; tf-keras-vis, tf-explain: TensorFlow;
SHAP's DeepExplainer: TF/PyTorch) cover one or two backends, not Keras 3's
three, and none is a kzoo dependency.
"""

import numpy as np
from keras import ops

from kzoo import checks
from kzoo.adversarial import outputs

IG_STEPS = 32   # Sundararajan et al.: 20-300 steps; 32 keeps the sum within a few % of exact


def _targets(view, x, target, batch_size):
    """Integer target classes: the predicted class by default, or one per example / one for all."""
    if target is None:
        return view.predict_classes(x, batch_size)
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        target = np.full(len(x), int(target))
    return outputs.check_labels(target, len(x), view.num_classes)


def _prepare(model, x, target, score, batch_size):
    checks.one_of("score", score, outputs.SCORES)
    checks.positive_int("batch_size", batch_size)
    view = outputs.view(model)
    x = outputs.check_inputs(x)
    return view, x, _targets(view, x, target, batch_size)


def class_scores(model, x, *, target=None, score="logit", batch_size=256):
    """The class score ``S_c(x)`` that the attributions explain, per example.

    Args:
        model: A kzoo classifier.
        x: float array. Inputs.
        target: int, int array ``(n,)`` or None. Class to score; None picks
            the predicted class. Defaults to None.
        score: str. ``"logit"`` (pre-softmax) or ``"probability"``.
        batch_size: int. Defaults to 256.

    Returns:
        float32 NumPy array ``(n,)``.
    """
    view, x, target = _prepare(model, x, target, score, batch_size)
    if not len(x):
        return np.zeros(0, "float32")
    out = outputs.batched(lambda xb, tb: view.scores(ops.convert_to_tensor(xb),
                                                     ops.convert_to_tensor(tb), score),
                          [x, target], batch_size)
    return out.astype("float32")


def _score_gradient(view, x, target, score):
    grad = view.score_gradient(ops.convert_to_tensor(x), ops.convert_to_tensor(target), score)
    return ops.convert_to_numpy(grad)


def saliency(model, x, *, target=None, score="logit", batch_size=256):
    """Gradient saliency ``|d S_c(x) / dx|`` for every input value.

    Args:
        model: A kzoo classifier (sigmoid / softmax output, float inputs).
        x: float array ``(n, ...)``. Inputs, scaled as the model expects.
        target: int, int array ``(n,)`` or None. Class explained; None
            explains the predicted class. Defaults to None.
        score: str. ``"logit"`` (pre-softmax class score, the paper's
            choice and the default) or ``"probability"``.
        batch_size: int. Defaults to 256.

    Returns:
        float32 NumPy array of ``x``'s shape, >= 0. For images, take the
        maximum over the channel axis to get one map per image (as
        :func:`kzoo.explain.plot_heatmaps` does).

    Example:
        >>> maps = kzoo.explain.saliency(model, x_test[:8])
        >>> kzoo.explain.plot_heatmaps(x_test[:8], maps)

    Reference:
        Guide: neural-networks-master, Explainable AI; Simonyan et al., "Deep
        Inside Convolutional Networks" (2014).
    """
    view, x, target = _prepare(model, x, target, score, batch_size)
    if not len(x):
        return np.zeros_like(x)
    out = outputs.batched(lambda xb, tb: _score_gradient(view, xb, tb, score), [x, target],
                          batch_size)
    return np.abs(out).astype("float32")


def integrated_gradients(model, x, *, target=None, baseline=None, steps=IG_STEPS,
                         score="logit", batch_size=256):
    """Integrated gradients from ``baseline`` to ``x`` (midpoint Riemann sum).

    Args:
        model: A kzoo classifier.
        x: float array ``(n, ...)``. Inputs.
        target: int, int array ``(n,)`` or None. Class explained; None
            explains the predicted class. Defaults to None.
        baseline: float array broadcastable to one input, or None (zeros).
            The "absence of signal" reference. Defaults to None.
        steps: int. Points on the path, >= 1. Defaults to 32.
        score: str. ``"logit"`` or ``"probability"``. Defaults to ``"logit"``.
        batch_size: int. Interpolated inputs per gradient call. Defaults to 256.

    Returns:
        float32 NumPy array of ``x``'s shape (signed); each example's
        attributions sum to about ``S_c(x) - S_c(baseline)``.

    Example:
        >>> attributions = kzoo.explain.integrated_gradients(model, x_test[:4], steps=64)

    Reference:
        Sundararajan, Taly & Yan, "Axiomatic Attribution for Deep Networks" (2017).
    """
    checks.positive_int("steps", steps)
    view, x, target = _prepare(model, x, target, score, batch_size)
    if baseline is None:
        baseline = np.zeros(x.shape[1:], "float32")
    baseline = np.asarray(baseline, "float32")
    try:
        baseline = np.broadcast_to(baseline, x.shape[1:])
    except ValueError as error:
        raise ValueError("baseline must be broadcastable to one input of shape "
                         f"{x.shape[1:]}. Received: baseline with shape "
                         f"{baseline.shape}") from error
    alphas = ((np.arange(steps) + 0.5) / steps).astype("float32")
    alphas = alphas.reshape((1, steps) + (1,) * (x.ndim - 1))
    if not len(x):
        return np.zeros_like(x)

    def attribute(xb, tb):
        path = baseline + alphas * (xb[:, None] - baseline)          # (b, steps, ...)
        flat = path.reshape((-1,) + x.shape[1:])
        grad = _score_gradient(view, flat, np.repeat(tb, steps), score)
        return (xb - baseline) * grad.reshape(path.shape).mean(axis=1)

    per_call = max(1, batch_size // steps)
    return outputs.batched(attribute, [x, target], per_call).astype("float32")
