"""Explanations: what a model looks at (guide: Explainable AI).

* :func:`saliency`, :func:`integrated_gradients`: gradient attributions for
  any kzoo classifier (:func:`class_scores` is the score they explain).
* :func:`grad_cam`: Grad-CAM heatmaps from a Conv1D / Conv2D layer (the last
  one by default) of ``kzoo.cnn_classifier``, ``kzoo.resnet_classifier`` or
  any functional conv model.
* :func:`transformer_attention`: per-head self-attention of a
  ``kzoo.layers.TransformerEncoder`` block; :func:`decoder_attention`: the
  seq2seq model's attention while decoding.
* :func:`plot_heatmaps`, :func:`plot_attention`: the figures.

All return NumPy arrays and work on TensorFlow, JAX and PyTorch. The guide
also names LIME and SHAP. Their model-agnostic explainers need only a
``predict`` function (e.g. ``shap.KernelExplainer(model.predict, background)``),
so they apply to kzoo models as they are; they are not re-implemented here,
and since neither library is a kzoo dependency that use is not tested here.
"""

from kzoo.explain.attention import decoder_attention, encoder_layers, transformer_attention
from kzoo.explain.grad_cam import conv_layers, grad_cam, last_conv_layer
from kzoo.explain.gradients import class_scores, integrated_gradients, saliency
from kzoo.explain.plots import plot_attention, plot_heatmaps

__all__ = [
    "class_scores",
    "conv_layers",
    "decoder_attention",
    "encoder_layers",
    "grad_cam",
    "integrated_gradients",
    "last_conv_layer",
    "plot_attention",
    "plot_heatmaps",
    "saliency",
    "transformer_attention",
]
