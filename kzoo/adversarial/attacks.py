"""FGSM and PGD: the guide's adversarial examples, for any kzoo classifier.

The guide (neural-networks-master, Advanced Topics > Adversarial Training)
defines the adversarial example as ``x' = x + eps * sign(grad_x L(theta, x, y))``:
one step of size ``eps`` in the direction that increases the loss fastest
under an L-infinity budget. That is the Fast Gradient Sign Method (FGSM,
Goodfellow et al., 2015). PGD (Madry et al., 2018) repeats smaller steps from
a random start inside the ``eps``-ball and projects back onto it after each
step; it is the standard strong first-order attack.

The loss is the cross-entropy of the true integer label, computed from the
model's logits when its last layer exposes them (see
:mod:`kzoo.adversarial.outputs`), so saturated probabilities do not hide the
gradient. The input gradient is the only backend-specific part
(:mod:`kzoo.backend.gradients`); the attack itself is written once with
``keras.ops``, so the same code runs eagerly here and inside
:class:`kzoo.adversarial.AdversarialTrainer`'s training step.
"""

import keras
from keras import ops

from kzoo import checks
from kzoo.adversarial import outputs
from kzoo.backend import gradients

METHODS = ("fgsm", "pgd")
PGD_STEPS = 10          # Madry et al. (2018) use 7-40; 10 is the usual evaluation budget
PGD_STEP_FACTOR = 2.5   # step size = 2.5 * eps / steps (Madry et al., 2018)


def check_clip(clip):
    """``None`` or a ``(low, high)`` pair of floats with ``low < high``."""
    if clip is None:
        return None
    ok = isinstance(clip, (tuple, list)) and len(clip) == 2
    ok = ok and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in clip)
    if not ok or not clip[0] < clip[1]:
        raise ValueError("clip must be None or a (low, high) pair with low < high, the "
                         f"valid input range (e.g. (0, 1) for pixels). Received: clip={clip!r}")
    return (float(clip[0]), float(clip[1]))


def check_attack_args(method, eps, steps, step_size, clip):
    """Validates attack arguments; returns ``(eps, steps, step_size, clip)`` for ``method``."""
    checks.one_of("method", method, METHODS)
    eps = checks.number_in_range("eps", eps, 0.0, None)
    clip = check_clip(clip)
    if method == "fgsm":
        return eps, 1, eps, clip
    steps = checks.positive_int("steps", steps)
    if step_size is None:
        step_size = PGD_STEP_FACTOR * eps / steps
    else:
        step_size = checks.positive("step_size", step_size)
    return eps, steps, step_size, clip


def perturb(view, x, y, *, eps, steps=1, step_size=None, random_start=False, clip=None,
            seed=None, grad_fn=None):
    """The L-infinity attack core, written once with ``keras.ops`` (tensors in, tensor out).

    ``steps=1, step_size=eps, random_start=False`` is FGSM; more steps with a
    random start and a projection onto the ``eps``-ball is PGD. Arguments
    are assumed valid (the public functions check them).

    Args:
        view: :class:`kzoo.adversarial.outputs.ClassifierView` of the model.
        x: float tensor. Clean inputs.
        y: int tensor ``(batch,)``. True labels.
        eps: float. L-infinity radius.
        steps: int. Gradient-sign steps.
        step_size: float. Size of each step; defaults to ``eps``.
        random_start: bool. Start from a uniform point of the ``eps``-ball.
        clip: ``(low, high)`` or None. Valid input range.
        seed: A ``keras.random.SeedGenerator`` or int for the random start.
        grad_fn: callable ``(x, y) -> d loss / dx`` or None. Defaults to the
            plain input gradient (traceable inside a train step); eager
            callers pass ``view.loss_gradient`` (jit-compiled on JAX).

    Returns:
        The adversarial inputs, a tensor like ``x`` with no gradient history.
    """
    step_size = eps if step_size is None else step_size
    x = ops.convert_to_tensor(x)
    y = ops.convert_to_tensor(y)
    x_adv = x
    if random_start and eps > 0:
        x_adv = x + keras.random.uniform(ops.shape(x), -eps, eps, dtype=x.dtype, seed=seed)
        if clip is not None:
            x_adv = ops.clip(x_adv, clip[0], clip[1])
    if grad_fn is None:
        def grad_fn(z, labels):
            return gradients.input_gradient(lambda v: ops.sum(view.losses(v, labels)), z)
    for _ in range(steps):
        grad = grad_fn(x_adv, y)
        x_adv = x_adv + step_size * ops.sign(grad)
        x_adv = ops.clip(x_adv, x - eps, x + eps)
        if clip is not None:
            x_adv = ops.clip(x_adv, clip[0], clip[1])
    return ops.stop_gradient(x_adv)


def _run(model, x, y, batch_size, **kwargs):
    checks.positive_int("batch_size", batch_size)
    view = outputs.view(model)
    x = outputs.check_inputs(x)
    y = outputs.check_labels(y, len(x), view.num_classes)
    if not len(x):
        return x.copy()

    def run(xb, yb):
        return perturb(view, ops.convert_to_tensor(xb), ops.convert_to_tensor(yb),
                       grad_fn=view.loss_gradient, **kwargs)

    return outputs.batched(run, [x, y], batch_size).astype("float32")


def fgsm(model, x, y, *, eps, clip=None, batch_size=256):
    """Fast Gradient Sign Method: ``x' = x + eps * sign(grad_x L(theta, x, y))``.

    Args:
        model: A kzoo classifier (or any ``keras.Model`` with one sigmoid /
            softmax probability output).
        x: float array. Clean inputs, scaled as the model expects.
        y: int array ``(n,)``. True class labels.
        eps: float. Perturbation size per input value (L-infinity), >= 0, in
            the units of ``x`` (e.g. 0.1 for pixels in [0, 1]).
        clip: ``(low, high)`` or None. Clip the adversarial inputs to the
            valid input range. Defaults to None (no clipping).
        batch_size: int. Examples attacked together. Defaults to 256.

    Returns:
        float32 NumPy array of ``x``'s shape: the adversarial examples.

    Raises:
        ValueError: for ``eps < 0``, a bad ``clip``, non-float ``x`` or labels
            outside the model's classes.

    Example:
        >>> x_adv = kzoo.adversarial.fgsm(model, x_test, y_test, eps=0.1, clip=(0, 1))
        >>> model.evaluate(x_adv, y_test)

    Reference:
        Guide: neural-networks-master, Advanced Topics > Adversarial Training;
        Goodfellow, Shlens & Szegedy, "Explaining and Harnessing Adversarial
        Examples" (2015).
    """
    eps, steps, step_size, clip = check_attack_args("fgsm", eps, None, None, clip)
    return _run(model, x, y, batch_size, eps=eps, steps=1, step_size=eps, clip=clip)


def pgd(model, x, y, *, eps, steps=PGD_STEPS, step_size=None, random_start=True, clip=None,
        seed=None, batch_size=256):
    """Projected Gradient Descent: iterated FGSM steps projected onto the eps-ball.

    Starting from a uniform random point of the L-infinity ball of radius
    ``eps`` around ``x`` (``random_start=True``), each step moves the input
    by ``step_size * sign(grad_x L)`` and projects it back onto the ball (and
    into ``clip``). Stronger than FGSM at the same ``eps``.

    Args:
        model: A kzoo classifier with a sigmoid / softmax output.
        x: float array. Clean inputs.
        y: int array ``(n,)``. True class labels.
        eps: float. L-infinity radius, >= 0.
        steps: int. Number of steps, >= 1. Defaults to 10.
        step_size: float or None. Size of each step; defaults to
            ``2.5 * eps / steps`` (Madry et al., 2018).
        random_start: bool. Start from a random point of the ball. Defaults
            to True.
        clip: ``(low, high)`` or None. Valid input range. Defaults to None.
        seed: int or None. Seed of the random start. Defaults to None.
        batch_size: int. Examples attacked together. Defaults to 256.

    Returns:
        float32 NumPy array of ``x``'s shape.

    Raises:
        ValueError: for ``eps < 0``, ``steps < 1``, ``step_size <= 0`` or a
            bad ``clip``.

    Example:
        >>> x_adv = kzoo.adversarial.pgd(model, x_test, y_test, eps=0.1, steps=10,
        ...                              clip=(0, 1), seed=0)

    Reference:
        Madry et al., "Towards Deep Learning Models Resistant to Adversarial
        Attacks" (2018); guide: Advanced Topics > Adversarial Training.
    """
    eps, steps, step_size, clip = check_attack_args("pgd", eps, steps, step_size, clip)
    checks.one_of("random_start", random_start, (True, False))
    seed = keras.random.SeedGenerator(seed) if random_start else None
    return _run(model, x, y, batch_size, eps=eps, steps=steps, step_size=step_size,
                random_start=random_start, clip=clip, seed=seed)


def attack(model, x, y, *, method="fgsm", eps, **kwargs):
    """Runs :func:`fgsm` or :func:`pgd` by name.

    Args:
        model: A kzoo classifier.
        x: float array. Clean inputs.
        y: int array. True labels.
        method: str. ``"fgsm"`` or ``"pgd"``. Defaults to ``"fgsm"``.
        eps: float. L-infinity radius.
        **kwargs: The chosen attack's other arguments (``clip``, ``steps``...).

    Returns:
        float32 NumPy array of adversarial examples.
    """
    checks.one_of("method", method, METHODS)
    return (fgsm if method == "fgsm" else pgd)(model, x, y, eps=eps, **kwargs)
