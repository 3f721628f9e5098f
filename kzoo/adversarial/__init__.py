"""Adversarial robustness: FGSM and PGD attacks, robust accuracy, adversarial training.

Guide: neural-networks-master, Advanced Topics > Adversarial Training
(``x' = x + eps * sign(grad_x L(theta, x, y))``; defence: "Train on adversarial
examples").

* :func:`fgsm`, :func:`pgd`, :func:`attack`: adversarial examples for any kzoo
  classifier (sigmoid or softmax output, integer labels), optional clipping to
  the valid input range.
* :func:`robust_accuracy`, :func:`robustness_curve`: accuracy under attack;
  :class:`RobustAccuracy`: the same as an epoch-log entry (``val_robust_accuracy``).
* :class:`AdversarialTrainer`: a ``fit``-compatible wrapper that trains a
  classifier on a mix of clean and freshly attacked batches, on all backends.
"""

from kzoo.adversarial.attacks import METHODS, attack, fgsm, pgd
from kzoo.adversarial.outputs import ClassifierView
from kzoo.adversarial.robustness import RobustAccuracy, robust_accuracy, robustness_curve
from kzoo.adversarial.training import AdversarialTrainer

__all__ = [
    "METHODS",
    "AdversarialTrainer",
    "ClassifierView",
    "RobustAccuracy",
    "attack",
    "fgsm",
    "pgd",
    "robust_accuracy",
    "robustness_curve",
]
