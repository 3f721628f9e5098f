"""``kzoo.export``: a trained model as an inference artifact, per backend.

A thin layer over Keras' ``model.export`` that says up front which formats
work on the current backend (and why the others do not), names the packages a
format needs, and fixes the one case kzoo can: on PyTorch, ONNX export fails
on a model that was never called ("The model provided has never called"), so
``export`` calls it once on a zero batch first.

Checked with keras 3.15.1, TensorFlow 2.21, JAX 0.10, torch 2.13 (CPU):

| format           | tensorflow     | jax           | torch             |
|------------------|----------------|---------------|-------------------|
| ``tf_saved_model`` | yes          | yes (jax2tf)  | no (a)            |
| ``onnx``         | yes (tf2onnx) (b) | needs jax2onnx (c) | yes (onnxscript) |
| ``litert``       | yes            | no (d)        | needs litert-torch |
| ``torch``        | no             | no            | yes (ExportedProgram) (e) |

(a) ``torch.export`` rejects the ``dynamic_shapes`` Keras 3.15 builds.
(c) jax2onnx pulls flax and equinox. (d) Keras' LiteRT export supports the
TensorFlow and PyTorch backends only.

(b) ``transformer_classifier``: tf2onnx writes its GELU as an ``Erfc`` node that
onnxruntime rejects as an invalid graph; MLP, CNN and recurrent models convert.
A ``keras.layers.Normalization`` (``with_preprocessing``) makes tf2onnx turn
the layer's mean and variance into graph inputs nobody feeds: ``export``
refuses it on TensorFlow (export from PyTorch, or a SavedModel).

(e) ``format="torch"``: Keras 3.15 exports the ``ExportedProgram`` with a static
batch of 1 (``Guard failed: args_0.size()[0] == 1`` for larger batches):
feed one sample per call, or pass ``dynamic_shapes`` through ``**kwargs``.
"""

import importlib.util
import os

import keras
import numpy as np

from kzoo import checks

FORMATS = ("tf_saved_model", "onnx", "litert", "torch")

#: (backend, format) -> why that export does not work (upstream, as of keras 3.15.1).
UNSUPPORTED = {
    ("torch", "tf_saved_model"): (
        "on the PyTorch backend Keras 3.15 exports a SavedModel through torch.export, which "
        "fails with 'Detected mismatch between the structure of inputs and dynamic_shapes' "
        "(also for plain Keras models); use format='onnx' or format='torch'"),
    ("jax", "litert"): "Keras' LiteRT export supports the TensorFlow and PyTorch backends only",
    ("tensorflow", "torch"): "format='torch' (an ExportedProgram) needs the PyTorch backend",
    ("jax", "torch"): "format='torch' (an ExportedProgram) needs the PyTorch backend",
}

#: (backend, format) -> (import names, pip install hint) the export needs.
REQUIRES = {
    ("tensorflow", "onnx"): (("tf2onnx", "onnx"), "pip install 'kzoo[onnx]'"),
    ("torch", "onnx"): (("onnxscript", "onnx"), "pip install 'kzoo[onnx]'"),
    ("jax", "onnx"): (("jax2onnx", "flax", "equinox", "onnx"),
                      "pip install jax2onnx  (pulls flax and equinox)"),
    ("torch", "litert"): (("litert_torch",), "pip install litert-torch"),
}


def supported_formats(backend=None):
    """The formats :func:`export` can write on ``backend`` (default: the current one)."""
    backend = backend or keras.backend.backend()
    return [f for f in FORMATS if (backend, f) not in UNSUPPORTED]


def _check(model, path, format):
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model. Received: model={model!r}")
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be a path. Received: path={path!r}")
    checks.one_of("format", format, FORMATS)
    backend = keras.backend.backend()
    if (backend, format) in UNSUPPORTED:
        raise ValueError(f"format={format!r} does not work on the {backend} backend: "
                         f"{UNSUPPORTED[backend, format]}. Received: format={format!r}; "
                         f"supported here: {supported_formats(backend)}")
    modules, hint = REQUIRES.get((backend, format), ((), ""))
    if (backend, format) == ("tensorflow", "onnx") and any(
            isinstance(layer, keras.layers.Normalization) for layer in model._flatten_layers()):
        raise ValueError("format='onnx' on the tensorflow backend cannot export a model with a "
                         "keras.layers.Normalization: tf2onnx turns its mean and variance "
                         "into unfed graph inputs. Received: format='onnx', model="
                         f"{model.name!r}; export it from the torch backend or as a SavedModel")
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise ImportError(f"format={format!r} on the {backend} backend needs {missing}: {hint}")


def export(model, path, *, format="tf_saved_model", verbose=False, **kwargs):
    """Exports ``model`` for inference outside Keras.

    Args:
        model: keras.Model. A built model (any kzoo factory's, or a
            ``with_preprocessing`` model so the artifact takes raw inputs).
        path: str. Output path: a folder for ``"tf_saved_model"``, a file
            (``.onnx``, ``.tflite``, ``.pt2``) otherwise.
        format: str. One of ``"tf_saved_model"``, ``"onnx"``, ``"litert"``,
            ``"torch"`` (see :func:`supported_formats` and the module's table).
            Defaults to ``"tf_saved_model"``.
        verbose: bool. Let Keras print what it writes. Defaults to False.
        **kwargs: Passed to ``model.export`` (``input_signature``,
            ``opset_version``, converter options).

    Returns:
        str: ``path``.

    Raises:
        ValueError: an unknown format, or one that does not work on this backend
            (the message gives the upstream reason).
        ImportError: a package the format needs is missing (with the pip command).

    Example:
        >>> kzoo.export(model, "model.onnx", format="onnx")
        >>> session = onnxruntime.InferenceSession("model.onnx")

    Reference:
        Keras ``Model.export``; ONNX (onnx.ai), LiteRT (ai.google.dev/edge/litert).
    """
    _check(model, path, format)
    path = os.fspath(path)
    if keras.backend.backend() == "torch" and format == "onnx" and len(model.inputs) == 1:
        spec = model.inputs[0]
        shape = tuple(1 if d is None else d for d in spec.shape)
        model.predict(np.zeros(shape, dtype=spec.dtype), verbose=0)  # "never called" otherwise
    model.export(path, format=format, verbose=verbose, **kwargs)
    return path
