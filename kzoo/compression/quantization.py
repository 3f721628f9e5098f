"""Post-training quantization in one call, with accuracy and size before / after.

Guide: neural-networks-master, "Pruning and Compression > Quantization:
Reduce precision (FP32 -> INT8)" and "Guidelines > Deployment > Use
appropriate precision". Keras 3 does the quantizing (``Model.quantize``);
:func:`quantize` works on a copy, measures, and names what was and was not
quantized.

What Keras 3.15 supports (all three backends, CPU included; checked on
TensorFlow, JAX and PyTorch):

- ``"int8"``: ``Dense``, ``EinsumDense``, ``Embedding`` and
  ``ReversibleEmbedding`` (exact classes only; a subclass is skipped). The
  kernel is stored as int8 with one float32 scale per output unit
  (abs-max), 4x smaller; inputs are quantized on the fly per sample, so
  matmuls run in int8.
- ``"int4"``: the same layers, two weights packed per byte (8x smaller than
  float32, with more accuracy loss).
- ``"float8"``: the same layers, for *FP8 training* (Transformer-Engine
  style, e4m3 forward / e5m2 gradients with delayed scaling): kernels stay
  float32 and scale / amax-history variables are added, so the model gets
  slightly *bigger*; the gain is speed on FP8 hardware (e.g. H100), and the
  scales need some training steps after ``quantize`` to calibrate.
- Every other layer - ``Conv1D/2D/3D``, ``BatchNormalization``, recurrent
  and attention internals other than ``EinsumDense`` - is left in float32;
  Keras warns once per layer and :class:`QuantizationResult` lists them in
  ``skipped``. A CNN therefore only has its dense head quantized.

A quantized model saves to ``.keras`` (int8 kernels and scales included) and
reloads with ``keras.saving.load_model`` and identical predictions.
"""

import warnings
from dataclasses import dataclass

import keras
import numpy as np

from kzoo import checks
from kzoo.compression.size import ModelSize, model_size
from kzoo.transfer.pretrained import copy_model

MODES = ("int8", "int4", "float8")


@dataclass
class QuantizationResult:
    """What :func:`quantize` returns.

    Attributes:
        model: keras.Model. The quantized copy.
        mode: str. The quantization mode.
        quantized: list of str. Layers Keras quantized.
        skipped: list of str. Layers with weights left in float.
        size_before: ModelSize. The original's size.
        size_after: ModelSize. The quantized copy's size.
        accuracy_before: float or None. The original's accuracy on ``(x, y)``.
        accuracy_after: float or None. The copy's accuracy on ``(x, y)``.
    """

    model: keras.Model
    mode: str
    quantized: list
    skipped: list
    size_before: ModelSize
    size_after: ModelSize
    accuracy_before: float | None = None
    accuracy_after: float | None = None

    @property
    def compression(self):
        """How many times smaller the weights are in memory (before / after)."""
        return self.size_before.weight_bytes / max(self.size_after.weight_bytes, 1)


def accuracy(model, x, y, batch_size=256):
    """Classification accuracy of ``model`` on ``(x, y)`` (integer labels).

    A one-unit output is a sigmoid probability (threshold 0.5); a wider one
    is scored by its argmax.

    Args:
        model: keras.Model. A classifier.
        x: array. Inputs.
        y: array. Integer labels.
        batch_size: int. Prediction batch size. Defaults to 256.

    Returns:
        float.
    """
    probs = np.asarray(model.predict(x, batch_size=batch_size, verbose=0))
    pred = (probs[..., 0] > 0.5).astype(int) if probs.shape[-1] == 1 else probs.argmax(-1)
    return float(np.mean(pred == np.asarray(y).reshape(pred.shape)))


def _weighted_layers(model):
    return [layer for layer in model._flatten_layers(include_self=False)
            if layer.weights and not list(layer._flatten_layers(include_self=False))]


def quantize(model, mode="int8", *, x=None, y=None, filters=None, metric=None):
    """Quantizes a copy of ``model`` with Keras' ``Model.quantize``; measures both.

    Args:
        model: keras.Model. A built (trained) model; it is not modified.
        mode: str. ``"int8"`` (default, the guide's FP32 -> INT8), ``"int4"``
            or ``"float8"`` (see the module docstring for what each does).
        x: array or None. Evaluation inputs for the accuracy before / after.
        y: array or None. Evaluation labels (integers).
        filters: str, list of str or callable, or None. Keras' layer filter:
            only matching layers are quantized. Defaults to all.
        metric: callable or None. ``metric(model, x, y) -> float`` used instead
            of classification accuracy (e.g. for a regressor).

    Returns:
        A :class:`QuantizationResult` with the quantized copy, the layers
        quantized and skipped, sizes and (when ``x`` and ``y`` are given)
        accuracies before and after.

    Raises:
        ValueError: on an unknown mode or an unbuilt model.

    Example:
        >>> result = kzoo.compression.quantize(model, "int8", x=x_test, y=y_test)
        >>> result.accuracy_before, result.accuracy_after, result.compression
        >>> result.model.save("model_int8.keras")

    Reference:
        Jacob et al. (2018), "Quantization and Training of Neural Networks for
        Efficient Integer-Arithmetic-Only Inference"; Keras
        ``Model.quantize``; guide: neural-networks-master, Pruning and
        Compression.
    """
    checks.one_of("mode", mode, MODES)
    if not isinstance(model, keras.Model) or not model.built:
        raise ValueError(f"model must be a built keras.Model. Received: model={model!r}")
    if (x is None) != (y is None):
        raise ValueError("Pass both x and y (or neither). Received: "
                         f"x={'None' if x is None else 'array'}, "
                         f"y={'None' if y is None else 'array'}")
    score = metric or accuracy
    copy = copy_model(model, compile=False)
    with warnings.catch_warnings():
        # Keras warns once per layer it cannot quantize; they are listed in `skipped`.
        warnings.filterwarnings("ignore", message=".*does not have a `quantize` method.*")
        warnings.filterwarnings("ignore", message=".*__array__ implementation.*")
        copy.quantize(mode, filters=filters)
    if getattr(model, "optimizer", None) is not None:
        copy.compile_from_config(model.get_compile_config())
    quantized, skipped = [], []
    for layer in _weighted_layers(copy):
        is_quantized = getattr(layer.dtype_policy, "quantization_mode", None) is not None
        (quantized if is_quantized else skipped).append(layer.name)
    before = score(model, x, y) if x is not None else None
    after = score(copy, x, y) if x is not None else None
    return QuantizationResult(copy, mode, quantized, skipped, model_size(model),
                              model_size(copy), before, after)
