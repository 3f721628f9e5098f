"""Dense (fully connected) family: the perceptron and multi-layer perceptrons.

Guide: "The Perceptron - Building Block" (neural-networks-master) and the
deep-learning guide's "Quick Start Guide > Recommended Default Configuration".
Each factory is a body (:func:`linear_body`, :func:`mlp_body`) put to a task
by :mod:`kzoo.tasks`.
"""


from kzoo import checks, defaults, tasks
from kzoo.data import examples
from kzoo.models import blocks
from kzoo.registry import Example
from kzoo.search_space import (
    Boolean,
    Choice,
    SearchSpace,
    dropout_space,
    funnel_space,
    training_space,
)

_MLP_SPACE = (funnel_space() + dropout_space() + training_space()
              + SearchSpace((Choice("activation", defaults.HIDDEN_ACTIVATIONS),
                             Boolean("batch_norm"))))
_MLP_GUIDE = "Quick Start Guide > Recommended Default Configuration"


def linear_body(*, input_shape):
    """The inputs, flattened: the output layer alone is the model.

    With two classes this is Rosenblatt's perceptron with a differentiable
    activation (logistic regression); with more it is one layer of such
    neurons under a softmax. It separates only linearly separable classes,
    which is the guide's reason for hidden layers.

    Args:
        input_shape: tuple. Shape of one sample, e.g. ``(30,)``; higher ranks
            are flattened.
    """
    return blocks.flat_inputs(input_shape)


def mlp_body(*, input_shape, hidden_units=defaults.HIDDEN_UNITS, activation=defaults.ACTIVATION,
             dropout=defaults.DROPOUT, batch_norm=False,
             batch_norm_momentum=blocks.BATCH_NORM_MOMENTUM, kernel_initializer=None,
             kernel_regularizer=None):
    """Dense -> [BatchNorm] -> activation -> Dropout, once per hidden layer.

    Args:
        input_shape: tuple. Shape of one sample, e.g. ``(64,)``; images are
            flattened.
        hidden_units: tuple of int. Width of each hidden layer. Defaults to
            ``(256, 128)`` (guide: Quick Start, "2-3 hidden layers, 128-256
            neurons", funnel shaped).
        activation: str. Hidden activation: relu, leaky_relu, elu, gelu, swish,
            tanh or sigmoid, or ``"linear"`` (none: the stack collapses to one
            linear map, the guide's reason for activations; never searched).
            Defaults to ``"relu"`` (guide: Quick Start).
        dropout: float. Fraction of units dropped after each hidden layer.
            Defaults to 0.3 (guide: Quick Start, "Dropout 0.3-0.5").
        batch_norm: bool. Batch normalization before each activation.
            Defaults to False (guide: add it when training is unstable).
        batch_norm_momentum: {momentum}
        kernel_initializer: Initializer; ``None`` picks He normal for the ReLU
            family and Glorot uniform for tanh / sigmoid. Defaults to None.
    """
    hidden_units = checks.int_tuple("hidden_units", hidden_units)
    blocks.check_activation(activation, allow_linear=True)
    checks.fraction("dropout", dropout)
    checks.boolean("batch_norm", batch_norm)
    checks.fraction("batch_norm_momentum", batch_norm_momentum)
    inputs, x = blocks.flat_inputs(input_shape)
    x = blocks.dense_stack(x, hidden_units, activation=activation, dropout=dropout,
                           batch_norm=batch_norm, batch_norm_momentum=batch_norm_momentum,
                           kernel_regularizer=kernel_regularizer,
                           kernel_initializer=kernel_initializer)
    return inputs, x


mlp_body.__doc__ = mlp_body.__doc__.replace("{momentum}", blocks.BATCH_NORM_MOMENTUM_DOC)

perceptron = tasks.classifier(
    linear_body, name="perceptron", family="dense",
    guide="neural-networks-master: 1 The Perceptron - Building Block",
    summary="The single neuron y = f(w·x + b), with a sigmoid (2 classes) or softmax.",
    search_space=training_space(),
    example=Example({"num_classes": 3, "input_shape": (8,)}, examples.blobs),
    overrides={"num_classes": 2},
    docs={"num_classes": "int. Number of classes; 2 gives one sigmoid unit. Defaults to 2."},
    example_doc=">>> model = kzoo.perceptron(input_shape=(30,))   # breast cancer: 2 classes",
    reference="neural-networks-master: The Perceptron; Rosenblatt (1958).",
)

mlp_classifier = tasks.classifier(
    mlp_body, name="mlp_classifier", family="dense", guide=_MLP_GUIDE,
    summary="A multi-layer perceptron classifier with the guide's default configuration.",
    search_space=_MLP_SPACE,
    example=Example({"num_classes": 3, "input_shape": (8,), "hidden_units": (16, 8)},
                    examples.blobs),
    example_doc="""
        >>> model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
        >>> model.fit(x, y, validation_split=0.15, epochs=200,
        ...           callbacks=kzoo.callbacks.recommended())""",
    reference="Guide: Quick Start Guide; Hyperparameters > Number of Neurons per Layer.",
)

mlp_regressor = tasks.regressor(
    mlp_body, name="mlp_regressor", family="dense", guide=_MLP_GUIDE,
    summary="A multi-layer perceptron regressor with the guide's default configuration.",
    search_space=_MLP_SPACE,
    example=Example({"input_shape": (8,), "hidden_units": (16, 8)}, examples.linear_target),
    example_doc=">>> model = kzoo.mlp_regressor(input_shape=(10,))   # diabetes",
    reference="Guide: Quick Start Guide; Loss Functions for Regression.",
)
