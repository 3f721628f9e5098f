"""XLA compilation for tuning trials (``jit_compile``).

What ``jit_compile`` means on each backend (Keras 3.15):

* **JAX**: ``True`` (and ``"auto"``) jit-compiles the train/test steps with
  XLA; with ``False`` every step runs op by op, which is many times slower.
* **TensorFlow**: ``True`` compiles the ``tf.function`` steps with XLA, on
  CPU as on GPU; ``"auto"`` uses XLA only when a GPU is visible.
* **PyTorch**: ``True`` wraps the steps in ``torch.compile`` (inductor), not
  XLA; the first step pays a long compilation and needs a C++ compiler.
  ``"auto"`` runs eagerly.

On every backend a single layer with ``supports_jit = False``
(``RandomRotation``/``RandomZoom``/``RandomTranslation``/``RandomCrop``/...,
``TextVectorization``, ``StringLookup``/``IntegerLookup``/``Hashing``, and on
TensorFlow a cuDNN ``LSTM``/``GRU``) makes Keras silently fall back to
``jit_compile=False`` for the whole model. kzoo refuses ``jit_compile=True``
for such a model before the search starts, and warns when ``"auto"`` would
silently lose XLA on JAX: put augmentation and text lookups in the data
pipeline (``tf.data``/``Dataset.map``) instead of the model.
"""

import warnings

import keras


def jit_blockers(model) -> list:
    """Names and classes of the layers of ``model`` that disable XLA.

    Args:
        model: keras.Model. A built model.

    Returns:
        A list of ``"name (ClassName)"`` strings; empty when the whole model
        can be compiled.

    Example:
        >>> kzoo.tuning.jit_blockers(model)
        ['random_rotation (RandomRotation)']
    """
    from kzoo.tuning.compat import all_layers

    layers = all_layers(model)
    return [f"{layer.name} ({type(layer).__name__})" for layer in layers
            if not getattr(layer, "supports_jit", True)]


def check_jit(model, jit_compile) -> None:
    """Refuses ``jit_compile=True`` for a model that cannot be XLA-compiled.

    Args:
        model: keras.Model. The model built with default hyperparameters.
        jit_compile: bool or ``"auto"``. What the user asked for.

    Raises:
        ValueError: ``jit_compile=True`` and a layer has ``supports_jit=False``
            (Keras would silently run without XLA).
    """
    blockers = jit_blockers(model)
    if not blockers:
        return
    if jit_compile is True:
        raise ValueError(
            f"jit_compile=True, but {model.name} contains layer(s) that disable XLA for the "
            f"whole model: {blockers}. Keras would silently train without XLA. Move "
            "augmentation and lookup layers into the data pipeline (dataset.map), use "
            "use_cudnn=False for TensorFlow LSTM/GRU, or pass jit_compile='auto'. "
            f"Received: jit_compile={jit_compile!r}")
    if jit_compile == "auto" and keras.backend.backend() == "jax":
        warnings.warn(
            f"{model.name} contains layer(s) that disable XLA on JAX: {blockers}; every "
            "trial will run op by op (several times slower). Move them into the data "
            "pipeline.", stacklevel=3)
