"""The self-organizing map's train / test steps, per backend.

The SOM does not learn by gradient descent: each step moves the units towards
the inputs with the Kohonen rule (``SelfOrganizingMap.som_update``, written
once with ``keras.ops``). What differs between backends is only how a custom
step may change variables inside ``model.fit``:

- TensorFlow: ``train_step(data)`` runs in a ``tf.function`` and assigns
  variables directly.
- PyTorch: the same, under ``torch.no_grad()`` (no autograd graph is needed).
- JAX: ``train_step(state, data)`` must be stateless; the update runs inside a
  ``keras.StatelessScope`` that maps every variable to its value in ``state``,
  and the new values it records are returned as the new ``state``.
"""

import keras
from keras.utils import unpack_x_y_sample_weight


def _inputs(data):
    x, _, _ = unpack_x_y_sample_weight(data)
    return x


def _stateless(mapping, fn):
    """Runs ``fn()`` in a StatelessScope; returns its result and new values."""
    mapping = [(ref, value) for ref, value in mapping]
    with keras.StatelessScope(state_mapping=mapping) as scope:
        result = fn()
    new_values = {}
    for ref, value in mapping:
        current = scope.get_current_value(ref)
        new_values[id(ref)] = value if current is None else current
    return result, new_values


def _jax_train_step(model, state, data):
    trainable, non_trainable, optimizer_vars, metrics_vars = state
    x = _inputs(data)
    mapping = (list(zip(model.trainable_variables, trainable))
               + list(zip(model.non_trainable_variables, non_trainable))
               + list(zip(model.metrics_variables, metrics_vars)))
    logs, new = _stateless(mapping, lambda: model.som_update(x))
    state = (
        [new[id(v)] for v in model.trainable_variables],
        [new[id(v)] for v in model.non_trainable_variables],
        optimizer_vars,
        [new[id(v)] for v in model.metrics_variables],
    )
    return logs, state


def _jax_test_step(model, state, data):
    trainable, non_trainable, metrics_vars = state
    x = _inputs(data)
    mapping = (list(zip(model.trainable_variables, trainable))
               + list(zip(model.non_trainable_variables, non_trainable))
               + list(zip(model.metrics_variables, metrics_vars)))
    logs, new = _stateless(mapping, lambda: model.som_evaluate(x))
    return logs, (trainable, non_trainable, [new[id(v)] for v in model.metrics_variables])


def train_step(model, *args):
    """Dispatches ``SelfOrganizingMap.train_step`` to the active backend."""
    backend = keras.backend.backend()
    if backend == "jax":
        return _jax_train_step(model, *args)
    if backend == "torch":
        import torch

        with torch.no_grad():
            return model.som_update(_inputs(args[0]))
    return model.som_update(_inputs(args[0]))


def test_step(model, *args):
    """Dispatches ``SelfOrganizingMap.test_step`` to the active backend."""
    backend = keras.backend.backend()
    if backend == "jax":
        return _jax_test_step(model, *args)
    if backend == "torch":
        import torch

        with torch.no_grad():
            return model.som_evaluate(_inputs(args[0]))
    return model.som_evaluate(_inputs(args[0]))
