"""How big a model is: parameters, bytes in memory, bytes on disk, bytes zipped.

A ``.keras`` file is a zip archive written *without* compression
(``zipfile.ZIP_STORED``), so weights pruned to zero take as many bytes on
disk as any others. Two measures show what compression gains:

- ``file_bytes``: the ``.keras`` file (architecture + weights, no optimizer
  state). It shrinks when the model is *structurally* smaller (unit / filter
  pruning + ``kzoo.compression.shrink``) or stores fewer bytes per weight
  (int8 quantization).
- ``zipped_bytes``: that file compressed with DEFLATE (``zlib``, level 9),
  the size a zipped download or a compressed store would take. Zeros
  compress to almost nothing, so weight pruning shows up here.
"""

import os
import tempfile
import zlib
from dataclasses import dataclass

import keras
import numpy as np

from kzoo.transfer.pretrained import copy_model


@dataclass(frozen=True)
class ModelSize:
    """Sizes of one model (see the module docstring)."""

    parameters: int
    nonzero_parameters: int
    weight_bytes: int
    file_bytes: int
    zipped_bytes: int

    def as_dict(self):
        """The sizes as a plain dict."""
        return dict(self.__dict__)


def saved_bytes(model):
    """``(file_bytes, zipped_bytes)`` of ``model`` saved as ``.keras`` without optimizer state.

    Args:
        model: keras.Model.

    Returns:
        A tuple of two ints.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        if getattr(model, "optimizer", None) is None:
            model.save(path)
        else:  # an uncompiled copy: no optimizer state in the file
            copy_model(model, compile=False).save(path)
        with open(path, "rb") as f:
            data = f.read()
    return len(data), len(zlib.compress(data, 9))


def model_size(model):
    """Measures ``model``: parameters, non-zero parameters, weight bytes, file and zipped bytes.

    Args:
        model: keras.Model. A built model (quantized ones included: an int8
            kernel counts one byte per weight).

    Returns:
        A :class:`ModelSize`.

    Example:
        >>> size = kzoo.compression.model_size(model)
        >>> size.file_bytes, size.zipped_bytes
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model. Received: model={model!r}")
    parameters = nonzero = weight_bytes = 0
    for variable in model.weights:
        value = keras.ops.convert_to_numpy(variable.value)
        parameters += value.size
        nonzero += int(np.count_nonzero(value))
        weight_bytes += value.nbytes
    file_bytes, zipped_bytes = saved_bytes(model)
    return ModelSize(int(parameters), int(nonzero), int(weight_bytes), file_bytes, zipped_bytes)
