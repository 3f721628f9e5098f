"""Radial basis function networks: one Gaussian RBF layer and a linear output.

Guide: neural-networks-master, Types of Neural Networks > Radial Basis
Function Networks (RBFN): "input layer; hidden layer with RBF neurons; linear
output layer", φ(x) = exp(-||x - c||² / 2σ²); applications: function
approximation, time series prediction, classification.

Training is the classic two-stage recipe: pass the training inputs as
``x_init`` and the RBF centers are placed by k-means on them (widths from
each cluster's spread), then ``fit`` trains the linear output (and, unless
frozen, fine-tunes centers and widths) by gradient descent. Without
``x_init`` the centers start random, which only suits standardized inputs.
"""

from kzoo import checks, tasks
from kzoo.data import examples
from kzoo.layers.rbf import RBF
from kzoo.models.blocks import flat_inputs
from kzoo.registry import Example
from kzoo.search_space import Boolean, Int, SearchSpace, training_space

NUM_CENTERS = 32
_GUIDE = "neural-networks-master: Types of Neural Networks > Radial Basis Function Networks (RBFN)"

_RBF_SPACE = SearchSpace((
    Int("num_centers", 4, 256, sampling="log"),
    Boolean("trainable_widths"),
    Boolean("trainable_centers"),
)) + training_space()


def rbf_body(*, input_shape, num_centers=NUM_CENTERS, x_init=None, initial_width=1.0,
             trainable_centers=True, trainable_widths=True, seed=None):
    """One Gaussian RBF layer φ(x) = exp(-||x - c||² / 2σ²); the output layer is linear in it.

    For classification a sigmoid / softmax on top of the linear layer turns
    its scores into class probabilities for cross-entropy, as every kzoo
    classifier does.

    Args:
        input_shape: tuple. Shape of one sample, e.g. ``(2,)``; higher ranks
            are flattened.
        num_centers: int. Number of RBF units (>= 1). Defaults to 32 (kzoo
            choice; the guide gives none).
        x_init: array. TRAINING inputs for k-means center placement (sklearn's
            ``KMeans``); needs at least ``num_centers`` rows. ``None`` leaves
            random N(0, 1) centers, for standardized inputs only.
            Defaults to None.
        initial_width: float. σ of every unit when ``x_init`` is None
            (k-means sets widths from cluster spread otherwise). Defaults to 1.0.
        trainable_centers: bool. Fine-tune centers by gradient descent.
            Defaults to True.
        trainable_widths: bool. Fine-tune widths by gradient descent; False
            keeps them fixed. Defaults to True.
        seed: int. Seed for the initial centers and k-means. Defaults to None.
    """
    checks.positive_int("num_centers", num_centers)
    checks.positive("initial_width", initial_width)
    inputs, x = flat_inputs(input_shape)
    rbf = RBF(num_centers, initial_width=initial_width, trainable_centers=trainable_centers,
              trainable_widths=trainable_widths, seed=seed, name="rbf")
    hidden = rbf(x)
    if x_init is not None:
        rbf.adapt(x_init)
    return inputs, hidden


_REFERENCE = """Broomhead & Lowe (1988), "Multivariable functional interpolation and
    adaptive networks"; Moody & Darken (1989) for k-means centers."""

rbf_classifier = tasks.classifier(
    rbf_body, name="rbf_classifier", family="rbf", guide=_GUIDE,
    summary="An RBF network classifier: Gaussian RBF layer -> linear layer -> sigmoid/softmax.",
    search_space=_RBF_SPACE,
    example=Example({"num_classes": 2, "input_shape": (2,), "num_centers": 8}, examples.rings),
    example_doc="""
        >>> model = kzoo.rbf_classifier(num_classes=2, input_shape=(2,),
        ...                             num_centers=16, x_init=x_train)
        >>> model.fit(x_train, y_train, epochs=50)""",
    reference=_REFERENCE,
)

rbf_regressor = tasks.regressor(
    rbf_body, name="rbf_regressor", family="rbf", guide=_GUIDE,
    summary="An RBF network regressor: Gaussian RBF layer -> linear output (function "
            "approximation).",
    search_space=_RBF_SPACE,
    example=Example({"input_shape": (1,), "num_centers": 8}, examples.sine),
    example_doc="""
        >>> model = kzoo.rbf_regressor(input_shape=(1,), num_centers=12, x_init=x_train)
        >>> model.fit(x_train, y_train, epochs=100)""",
    reference=_REFERENCE,
)
