"""Load user-supplied pre-trained models and weights; copy models.

Offline there are no downloadable weights: ``load_pretrained`` reads what
the user has (a ``.keras`` file, or a ``.weights.h5`` file plus the
architecture that wrote it, e.g. a ``keras.applications`` model built with
``weights=None``) through Keras' own ``keras.saving.load_model`` and
``Model.load_weights``.
"""

import os
import pathlib
import tempfile

import keras

WEIGHT_SUFFIX = ".weights.h5"


def copy_model(model, *, compile=True):
    """An independent copy of ``model``: same architecture, weights and (optionally) compile.

    Written through a temporary ``.keras`` file, so it works for any model
    Keras can save (functional, Sequential, registered subclasses, quantized).

    Args:
        model: keras.Model.
        compile: bool. Keep the loss, metrics and a fresh optimizer of the same
            kind. Defaults to True.

    Returns:
        A new ``keras.Model`` with identical predictions.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model. Received: model={model!r}")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "copy.keras")
        model.save(path)
        copy = keras.saving.load_model(path, compile=False)
    if compile and getattr(model, "optimizer", None) is not None:
        copy.compile_from_config(model.get_compile_config())
    return copy


def _build(architecture, kwargs):
    if isinstance(architecture, keras.Model):
        if kwargs:
            raise ValueError("architecture is a built model, so it takes no keyword arguments. "
                             f"Received: {sorted(kwargs)}")
        return architecture
    if isinstance(architecture, str):
        if hasattr(keras.applications, architecture):
            kwargs = {**kwargs, "weights": None}
            return getattr(keras.applications, architecture)(**kwargs)
        from kzoo.registry import create_model, list_models

        if architecture in list_models():
            return create_model(architecture, **kwargs)
        raise ValueError("architecture must be a keras.applications name (e.g. 'MobileNetV2'), "
                         "a kzoo model name, a callable or a keras.Model. "
                         f"Received: architecture={architecture!r}")
    if callable(architecture):
        return architecture(**kwargs)
    raise ValueError("architecture must be a keras.applications name, a kzoo model name, a "
                     f"callable or a keras.Model. Received: architecture={architecture!r}")


def load_pretrained(path_or_model, *, architecture=None, compile=False, **architecture_kwargs):
    """Returns a pre-trained model from a model, a ``.keras`` file or a weights file.

    Args:
        path_or_model: keras.Model, str or path. A model is returned as is; a
            ``.keras`` file is loaded with ``keras.saving.load_model``; a
            ``.weights.h5`` file is loaded into ``architecture``.
        architecture: str, callable, keras.Model or None. Needed for a weights
            file: a ``keras.applications`` name (built with ``weights=None`` and
            ``architecture_kwargs``), a kzoo registry name (built with
            ``kzoo.create_model``), a callable returning a model, or a model.
        compile: bool. Restore the saved compile state of a ``.keras`` file.
            Defaults to False (a new head is compiled anyway).
        **architecture_kwargs: Arguments for ``architecture`` (e.g.
            ``input_shape=(32, 32, 3), alpha=0.35, classes=5``).

    Returns:
        A ``keras.Model`` with the pre-trained weights.

    Raises:
        ValueError: when the file does not exist, has an unknown suffix, or a
            weights file comes without its architecture.

    Example:
        >>> keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3),
        ...                                alpha=0.35).save_weights("mnv2.weights.h5")
        >>> model = kzoo.transfer.load_pretrained(
        ...     "mnv2.weights.h5", architecture="MobileNetV2",
        ...     input_shape=(32, 32, 3), alpha=0.35)
    """
    if isinstance(path_or_model, keras.Model):
        return path_or_model
    if not isinstance(path_or_model, (str, os.PathLike)):
        raise ValueError("path_or_model must be a keras.Model or a path to a .keras or "
                         f"{WEIGHT_SUFFIX} file. Received: path_or_model={path_or_model!r}")
    path = pathlib.Path(path_or_model)
    if not path.is_file():
        raise ValueError(f"path_or_model must be an existing file. Received: "
                         f"path_or_model={str(path)!r}")
    if path.name.endswith(".keras"):
        return keras.saving.load_model(path, compile=compile)
    if path.name.endswith(WEIGHT_SUFFIX):
        if architecture is None:
            raise ValueError(f"A {WEIGHT_SUFFIX} file holds weights only: pass the architecture "
                             "that wrote it. Received: architecture=None")
        model = _build(architecture, architecture_kwargs)
        model.load_weights(path)
        return model
    raise ValueError(f"path_or_model must end in .keras or {WEIGHT_SUFFIX}. "
                     f"Received: path_or_model={str(path)!r}")
