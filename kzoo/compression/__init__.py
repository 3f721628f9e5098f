"""Model compression: knowledge distillation, pruning and quantization.

Guide: neural-networks-master, "Advanced Topics > Pruning and Compression"
(weight and neuron pruning, knowledge distillation, FP32 -> INT8
quantization) and "Guidelines > Deployment" ("Optimize model size, use
appropriate precision").
"""

from kzoo.compression.distillation import Distiller, distillation_loss
from kzoo.compression.pruning import MagnitudePruning, sparsity_report
from kzoo.compression.quantization import QuantizationResult, quantize
from kzoo.compression.shrink import dead_units, shrink, strip
from kzoo.compression.size import ModelSize, model_size

__all__ = [
    "Distiller",
    "MagnitudePruning",
    "ModelSize",
    "QuantizationResult",
    "dead_units",
    "distillation_loss",
    "model_size",
    "quantize",
    "shrink",
    "sparsity_report",
    "strip",
]
