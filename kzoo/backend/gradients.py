"""Gradients with respect to inputs and to weights, once per backend.

Keras 3 has no backend-agnostic "gradient of this with respect to that", so
the few kzoo tools that need one (adversarial attacks and adversarial
training, saliency / integrated gradients / Grad-CAM, gradient-health
diagnostics) call this module, which picks the implementation from
``keras.backend.backend()``:

* TensorFlow: ``tf.GradientTape`` (works eagerly and inside a ``tf.function``
  train step).
* JAX: ``jax.value_and_grad`` of a pure function; inside a (stateless,
  jit-compiled) train step the model's variables are bound to the values of
  the training state with a ``keras.StatelessScope`` (:func:`bind_state`).
* PyTorch: ``torch.autograd.grad``, which returns the gradient of the inputs
  without touching the weights' ``.grad`` fields.

Everything else (losses, attacks, attributions) is written once with
``keras.ops`` on top of these functions.
"""

import contextlib
import weakref

import keras
from keras import ops

_BACKENDS = ("tensorflow", "jax", "torch")


def _backend():
    backend = keras.backend.backend()
    if backend not in _BACKENDS:
        raise ValueError(f"kzoo gradients support the {', '.join(_BACKENDS)} backends. "
                         f"Received: backend={backend!r}")
    return backend


def value_and_input_gradient(fn, x):
    """Returns ``(fn(x), d fn(x) / dx)`` for a scalar-valued ``fn``.

    Args:
        fn: callable. Maps a float tensor ``x`` to a scalar tensor. On JAX it
            must be traceable (no Python side effects on ``x``'s values).
        x: float tensor or array. The point at which the gradient is taken.

    Returns:
        ``(value, gradient)``: the scalar value (not tracking gradients) and
        a tensor of ``x``'s shape. An input ``fn`` does not depend on gets a
        zero gradient.

    Example:
        >>> value, grad = kzoo.backend.gradients.value_and_input_gradient(
        ...     lambda z: keras.ops.sum(z ** 2), x)   # grad == 2 * x
    """
    backend = _backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = fn(x)
        grad = tape.gradient(value, x)
        return tf.stop_gradient(value), tf.zeros_like(x) if grad is None else grad
    if backend == "jax":
        import jax

        return jax.value_and_grad(fn)(ops.convert_to_tensor(x))
    import torch

    x = ops.convert_to_tensor(x).detach().requires_grad_(True)
    with torch.enable_grad():
        value = fn(x)
        (grad,) = torch.autograd.grad(value, x, allow_unused=True)
    return value.detach(), torch.zeros_like(x) if grad is None else grad


def input_gradient(fn, x):
    """``d fn(x) / dx`` for a scalar-valued ``fn`` (see :func:`value_and_input_gradient`)."""
    return value_and_input_gradient(fn, x)[1]


def compiled_input_gradient(model, fn):
    """``(x, *args) -> d fn(x, *args) / dx`` for repeated eager calls on ``model``.

    On JAX an eager ``jax.grad`` of a Keras model runs op by op (slow); here
    the gradient is jit-compiled once as a pure function of the model's
    variable values, which are read afresh at every call (so later training
    is seen). TensorFlow and PyTorch run :func:`input_gradient` eagerly.

    Args:
        model: The ``keras.Model`` whose variables ``fn`` reads.
        fn: callable ``(x, *args) -> scalar`` written with ``keras.ops``;
            ``args`` are tensors (labels, targets, other inputs).

    Returns:
        A callable with the same arguments as ``fn`` returning the gradient.
    """
    if _backend() != "jax":
        return lambda x, *args: input_gradient(lambda z: fn(z, *args), x)
    import jax

    @jax.jit
    def pure(trainable, non_trainable, x, *args):
        with bind_state(model, (trainable, non_trainable)):
            return jax.grad(fn)(x, *args)

    def call(x, *args):
        return pure([v.value for v in model.trainable_variables],
                    [v.value for v in model.non_trainable_variables],
                    ops.convert_to_tensor(x), *[ops.convert_to_tensor(a) for a in args])

    return call


# --- custom train steps ------------------------------------------------------

def split_step_args(args):
    """``train_step(*args)`` -> ``(state, data)``; ``state`` is None except on JAX.

    JAX calls ``train_step(state, data)`` (stateless), TensorFlow and PyTorch
    ``train_step(data)``.
    """
    if _backend() == "jax":
        state, data = args
        return state, data
    (data,) = args
    return None, data


def join_step_args(state, data):
    """The inverse of :func:`split_step_args`: the arguments for ``super().train_step``."""
    return (data,) if state is None else (state, data)


@contextlib.contextmanager
def bind_state(model, state):
    """Binds ``model``'s variables to a JAX training ``state`` while inside.

    With ``state=None`` (TensorFlow, PyTorch, or eager JAX) this does
    nothing: the variables hold their own values. With a JAX train-step
    state ``(trainable, non_trainable, ...)`` every read of a model variable
    inside the block returns its value in ``state``, so that the model can be
    called (and differentiated) inside the jit-compiled, stateless step.

    Yields:
        The ``keras.StatelessScope`` (or None); pass it to
        :func:`updated_state` to collect variables assigned inside.
    """
    if state is None:
        yield None
        return
    mapping = (list(zip(model.trainable_variables, state[0]))
               + list(zip(model.non_trainable_variables, state[1])))
    with keras.StatelessScope(state_mapping=mapping) as scope:
        yield scope


def updated_state(model, state, scope):
    """``state`` with the non-trainable values assigned inside ``scope`` (e.g. seeds)."""
    if state is None or scope is None:
        return state
    non_trainable = []
    for variable, value in zip(model.non_trainable_variables, state[1]):
        current = scope.get_current_value(variable)
        non_trainable.append(value if current is None else current)
    return (state[0], non_trainable, *state[2:])


# --- gradients of the training loss with respect to the weights ---------------

_JAX_LOSS_GRADIENTS = weakref.WeakKeyDictionary()


def _jax_loss_gradient(model, training):
    """``jax.jit(value_and_grad(model.compute_loss_and_updates))``, cached per model."""
    import jax

    cache = _JAX_LOSS_GRADIENTS.setdefault(model, {})
    if training not in cache:
        def loss(trainable, non_trainable, metrics, x, y, sample_weight, optimizer_variables):
            return model.compute_loss_and_updates(
                trainable, non_trainable, metrics, x, y, sample_weight, training=training,
                optimizer_variables=optimizer_variables)

        cache[training] = jax.jit(jax.value_and_grad(loss, has_aux=True))
    return cache[training]


def loss_and_weight_gradients(model, x, y, sample_weight=None, training=True):
    """The compiled training loss on one batch and its gradient for every trainable variable.

    The model is left exactly as it was: its weights are not updated, and
    the non-trainable variables a training-mode call assigns (batch-norm
    moving statistics, dropout seed state) are restored afterwards.

    Args:
        model: A compiled ``keras.Model``.
        x: Inputs of one batch.
        y: Targets of that batch.
        sample_weight: Optional sample weights.
        training: bool. Call the model in training mode (dropout active,
            batch statistics), like ``fit`` does. Defaults to True.

    Returns:
        ``(loss, gradients)``: a float and a list of NumPy arrays aligned
        with ``model.trainable_variables`` (zeros for a variable the loss
        does not depend on).
    """
    import numpy as np

    if not getattr(model, "compiled", False):
        raise ValueError("The model must be compiled (its loss is differentiated). "
                         f"Received: model={model.name!r}, compiled=False")
    backend = _backend()
    variables = model.trainable_variables
    x = keras.tree.map_structure(ops.convert_to_tensor, x)
    y = keras.tree.map_structure(ops.convert_to_tensor, y)
    if backend == "jax":
        optimizer_variables = ([v.value for v in model.optimizer.variables]
                               if model.optimizer is not None else None)
        (loss, _), grads = _jax_loss_gradient(model, training)(
            [v.value for v in variables], [v.value for v in model.non_trainable_variables],
            [v.value for v in model.metrics_variables], x, y, sample_weight,
            optimizer_variables)
        return float(loss), [np.asarray(g) for g in grads]

    saved = [ops.convert_to_numpy(v.value).copy() for v in model.non_trainable_variables]
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            with tf.GradientTape() as tape:
                y_pred = model(x, training=training)
                loss = model.compute_loss(x=x, y=y, y_pred=y_pred,
                                          sample_weight=sample_weight, training=training)
            grads = [None if g is None else tf.convert_to_tensor(g)  # IndexedSlices
                     for g in tape.gradient(loss, variables)]
        else:
            import torch

            with torch.enable_grad():
                y_pred = model(x, training=training)
                loss = model.compute_loss(x=x, y=y, y_pred=y_pred,
                                          sample_weight=sample_weight, training=training)
                grads = torch.autograd.grad(loss, [v.value for v in variables],
                                            allow_unused=True)
    finally:
        for variable, value in zip(model.non_trainable_variables, saved):
            variable.assign(value)
    out = [np.zeros(v.shape, dtype=v.dtype) if g is None else ops.convert_to_numpy(g)
           for v, g in zip(variables, grads)]
    return float(ops.convert_to_numpy(loss)), out
