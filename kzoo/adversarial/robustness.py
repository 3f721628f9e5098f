"""Robust accuracy: accuracy on adversarial examples, as a number and as a log entry.

``robust_accuracy`` attacks every example (FGSM or PGD) and reports the share
still classified correctly; ``robustness_curve`` does so for several budgets.
Keras metrics only see ``(y_true, y_pred)``, never the inputs, so they cannot
craft an attack; :class:`RobustAccuracy` is therefore a callback that adds
``val_robust_accuracy`` to the epoch logs like a metric, where
``EarlyStopping``, ``ModelCheckpoint`` and the ``History`` read it.
"""

import keras
import numpy as np

from kzoo import checks
from kzoo.adversarial import attacks, outputs


def _accuracy(model, x, y, batch_size):
    return float(np.mean(outputs.view(model).predict_classes(x, batch_size) == y))


def robust_accuracy(model, x, y, *, eps, method="fgsm", batch_size=256, **attack_kwargs):
    """Accuracy on adversarial examples crafted against ``model`` itself (white box).

    Args:
        model: A kzoo classifier.
        x: float array. Clean inputs.
        y: int array ``(n,)``. True labels.
        eps: float. L-infinity budget, >= 0 (0 gives the clean accuracy).
        method: str. ``"fgsm"`` or ``"pgd"``. Defaults to ``"fgsm"``.
        batch_size: int. Defaults to 256.
        **attack_kwargs: Passed to the attack (``clip``, ``steps``, ``seed``...).

    Returns:
        float in [0, 1].

    Example:
        >>> kzoo.adversarial.robust_accuracy(model, x_test, y_test, eps=0.1, clip=(0, 1))

    Reference:
        Guide: Advanced Topics > Adversarial Training; Madry et al. (2018).
    """
    x_adv = attacks.attack(model, x, y, method=method, eps=eps, batch_size=batch_size,
                           **attack_kwargs)
    y = outputs.check_labels(y, len(x_adv), outputs.view(model).num_classes)
    return _accuracy(model, x_adv, y, batch_size)


def robustness_curve(model, x, y, *, eps_values, method="fgsm", batch_size=256,
                     **attack_kwargs):
    """Robust accuracy for each budget in ``eps_values``.

    Args:
        model: A kzoo classifier.
        x: float array. Clean inputs.
        y: int array. True labels.
        eps_values: sequence of float. Budgets, each >= 0.
        method: str. ``"fgsm"`` or ``"pgd"``. Defaults to ``"fgsm"``.
        batch_size: int. Defaults to 256.
        **attack_kwargs: Passed to the attack.

    Returns:
        dict ``{eps: accuracy}`` in the order given.

    Example:
        >>> kzoo.adversarial.robustness_curve(model, x, y, eps_values=[0, 0.05, 0.1, 0.2])
    """
    eps_values = list(eps_values)
    if not eps_values:
        raise ValueError("eps_values must hold at least one budget. Received: eps_values=[]")
    for eps in eps_values:
        checks.number_in_range("eps", eps, 0.0, None)
    return {float(eps): robust_accuracy(model, x, y, eps=eps, method=method,
                                        batch_size=batch_size, **attack_kwargs)
            for eps in eps_values}


class RobustAccuracy(keras.callbacks.Callback):
    """Logs the robust accuracy on held-out data after every epoch, like a metric.

    Put it before the callbacks that read it (``EarlyStopping(monitor=
    "val_robust_accuracy", mode="max")``, checkpoints) in the list.

    Args:
        validation_data: tuple. ``(x, y)`` held-out inputs and integer labels.
        eps: float. L-infinity budget, >= 0.
        method: str. ``"fgsm"`` or ``"pgd"``. Defaults to ``"fgsm"``.
        name: str. Log key. Defaults to ``"val_robust_accuracy"``.
        every: int. Measure every ``every`` epochs (and the last one).
            Defaults to 1.
        batch_size: int. Defaults to 256.
        **attack_kwargs: Passed to the attack (``clip``, ``steps``...).

    Example:
        >>> cb = kzoo.adversarial.RobustAccuracy((x_val, y_val), eps=0.1, clip=(0, 1))
        >>> history = model.fit(x, y, epochs=10, callbacks=[cb])
        >>> history.history["val_robust_accuracy"]
    """

    def __init__(self, validation_data, *, eps, method="fgsm", name="val_robust_accuracy",
                 every=1, batch_size=256, **attack_kwargs):
        super().__init__()
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("validation_data must be an (x, y) pair. Received: "
                             f"validation_data of type {type(validation_data).__name__}")
        checks.one_of("method", method, attacks.METHODS)
        attacks.check_attack_args(method, eps, attack_kwargs.get("steps", attacks.PGD_STEPS),
                                  attack_kwargs.get("step_size"), attack_kwargs.get("clip"))
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string. Received: name={name!r}")
        self.x = outputs.check_inputs(validation_data[0])
        self.y = np.asarray(validation_data[1])
        self.eps = eps
        self.method = method
        self.name = name
        self.every = checks.positive_int("every", every)
        self.batch_size = checks.positive_int("batch_size", batch_size)
        self.attack_kwargs = attack_kwargs
        self.history = []

    def on_epoch_end(self, epoch, logs=None):
        last = self.params.get("epochs") if self.params else None
        if (epoch + 1) % self.every and (last is None or epoch + 1 != last):
            return
        value = robust_accuracy(self.model, self.x, self.y, eps=self.eps, method=self.method,
                                batch_size=self.batch_size, **self.attack_kwargs)
        self.history.append((epoch + 1, value))
        if logs is not None:
            logs[self.name] = value
