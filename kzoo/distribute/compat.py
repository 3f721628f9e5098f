"""Which models train correctly under each engine, checked before training.

Measured on every registered model (``tests/distribute_check.py``, 2 virtual
CPU devices, Keras 3.15.1):

* JAX (``keras.distribution.DataParallel``): the step is one jitted function
  of the *global* batch, sharded by XLA, so every model trains as on one
  device, custom ``train_step`` (GAN, SOM) and ``compute_loss`` (VAE,
  capsule network) included: loss curves equal to float rounding.
* TensorFlow (``tf.distribute.MirroredStrategy``): each replica runs the step
  on its share of the batch and the optimizer *sums* the gradients; Keras
  divides only its own compiled loss by ``num_replicas_in_sync``
  (``keras.src.losses.loss.scale_loss_for_distribution``). A model that
  overrides ``train_step`` or ``compute_loss`` and returns a per-replica
  mean therefore counts its own loss terms once per replica (the VAE's
  reported loss doubles on 2 replicas; the capsule network's reconstruction
  term is weighted twice), and a step that assigns variables itself (the
  SOM's Kohonen update) updates each replica from half the batch. Such
  models are refused on TensorFlow with more than one replica.
"""

import keras


def _overrides(model):
    """Names of the training hooks ``model``'s class overrides."""
    cls = type(model)
    return [name for name in ("train_step", "compute_loss")
            if getattr(cls, name, None) is not getattr(keras.Model, name, None)]


def check_model(model, backend, num_replicas):
    """Raises ``ValueError`` if ``model`` would not train as on one device under the engine.

    Args:
        model: keras.Model. The model to train.
        backend: str. ``"jax"`` or ``"tensorflow"``.
        num_replicas: int. Replicas in sync.

    Returns:
        ``model``.
    """
    if backend != "tensorflow" or num_replicas == 1:
        return model
    hooks = _overrides(model)
    if hooks:
        raise ValueError(
            f"{model.name} overrides {' and '.join(hooks)} ({type(model).__module__}."
            f"{type(model).__name__}); under tf.distribute.MirroredStrategy Keras divides only "
            f"its own compiled loss by num_replicas_in_sync before the {num_replicas} replicas' "
            "gradients are summed, so this model's own loss terms or variable updates would "
            f"count once per replica. Train it on one device, or data-parallel on JAX "
            f"(keras.distribution). Received: model={model.name!r}, "
            f"num_replicas={num_replicas}")
    return model
