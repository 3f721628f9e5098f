"""Grad-CAM: where a convolutional classifier looks, from its last feature maps.

Selvaraju et al. (2017): take the feature maps ``A^k`` of a convolution layer
and the gradient of the class score ``y^c`` (before the softmax) with respect
to them; weight each map by its average gradient ``alpha_k = mean_ij
d y^c / d A^k_ij`` and keep the positive part of the weighted sum,
``ReLU(sum_k alpha_k A^k)``, upsampled to the input size. Works for 2-D
(``Conv2D``, images) and 1-D (``Conv1D``, sequences) convolution layers.

The model is cut at the layer into ``inputs -> A`` and ``(inputs, A) ->
score`` (a Keras functional model may take an intermediate tensor as an
input), so skip connections around the layer (ResNet) stay intact and the
gradient with respect to ``A`` is an ordinary input gradient
(:mod:`kzoo.backend.gradients`). Written here because the Grad-CAM
libraries (tf-keras-vis, tf-explain, pytorch-grad-cam) are tied to one
framework; this follows the keras.io Grad-CAM example, made backend-agnostic.
"""

import weakref

import keras
import numpy as np
from keras import ops

from kzoo import checks
from kzoo.adversarial import outputs
from kzoo.backend import gradients
from kzoo.explain.gradients import _prepare

CONV_LAYERS = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.SeparableConv1D,
               keras.layers.SeparableConv2D, keras.layers.DepthwiseConv1D,
               keras.layers.DepthwiseConv2D, keras.layers.Conv1DTranspose,
               keras.layers.Conv2DTranspose)

_CUTS = weakref.WeakKeyDictionary()


def conv_layers(model):
    """The 1-D / 2-D convolution layers of ``model``, in ``model.layers`` order."""
    return [layer for layer in model.layers if isinstance(layer, CONV_LAYERS)]


def last_conv_layer(model):
    """The default Grad-CAM layer: the last convolution with a kernel wider than 1.

    In a residual network the last block's 3x3 convolution and its 1x1
    projection shortcut are both "last"; the 1x1 one only mixes channels of
    the block input, so spatial kernels are preferred (if every convolution
    is 1x1, the last of them is used).

    Raises:
        ValueError: if ``model`` has no convolution layer.
    """
    layers = conv_layers(model)
    if not layers:
        raise ValueError(f"Grad-CAM needs a model with a Conv1D/Conv2D layer. Received: "
                         f"model={model.name!r} without one")
    spatial = [layer for layer in layers if max(layer.kernel_size) > 1]
    return (spatial or layers)[-1]


def _resolve(model, layer):
    if layer is None:
        return last_conv_layer(model)
    if isinstance(layer, str):
        try:
            found = model.get_layer(layer)
        except ValueError:
            found = None
        if found is None:
            raise ValueError(f"layer must name a layer of the model. Received: layer={layer!r}; "
                             f"convolution layers: {[c.name for c in conv_layers(model)]}")
        layer = found
    if not isinstance(layer, CONV_LAYERS):
        name = getattr(layer, "name", layer)
        raise ValueError(
            "layer must be a Conv1D/Conv2D (or separable, depthwise, transposed) layer. "
            f"Received: layer={name!r} of type {type(layer).__name__}; convolution layers: "
            f"{[c.name for c in conv_layers(model)]}")
    return layer


def _cut(model, layer):
    """``(features, head)``: ``inputs -> A`` and ``(inputs, A) -> T`` (the logit body)."""
    cache = _CUTS.setdefault(model, {})
    if layer.name not in cache:
        feature_map = layer.output
        features = keras.Model(outputs.single(model.inputs), feature_map,
                               name=f"{layer.name}_features")
        head = keras.Model([*model.inputs, feature_map], outputs.view(model).body_output,
                           name=f"{layer.name}_head")
        cache[layer.name] = (features, head, {})
    return cache[layer.name]


METHODS = ("grad_cam", "hires_cam")


def grad_cam(model, x, *, layer=None, target=None, score="logit", method="grad_cam",
             upsample=True, normalize=True, batch_size=256):
    """Grad-CAM heatmaps of a convolutional classifier.

    Args:
        model: A functional classifier with a sigmoid / softmax output and a
            Conv1D/Conv2D layer (``kzoo.cnn_classifier``,
            ``kzoo.resnet_classifier``, ...).
        x: float array. Images ``(n, H, W, C)`` or sequences ``(n, T, F)``.
        layer: str, layer or None. The convolution layer whose feature maps
            are weighted. Defaults to None: :func:`last_conv_layer`.
        target: int, int array ``(n,)`` or None. Class explained; None
            explains the predicted class. Defaults to None.
        score: str. ``"logit"`` (the class score before the softmax, as in
            the paper) or ``"probability"``. Defaults to ``"logit"``.
        upsample: bool. Resize the maps (bilinear) to the input's spatial
            size. Defaults to True.
        normalize: bool. Divide each map by its maximum (maps in [0, 1]).
            Defaults to True.
        batch_size: int. Defaults to 256.

    Returns:
        float32 NumPy array: ``(n, H, W)`` for 2-D layers, ``(n, T)`` for
        1-D ones (the layer's own resolution when ``upsample=False``).

    Raises:
        ValueError: if ``layer`` is not a convolution layer of ``model``.

    Example:
        >>> heat = kzoo.explain.grad_cam(model, x_test[:8])          # last conv layer
        >>> heat = kzoo.explain.grad_cam(model, x_test[:8], layer="block0_conv")
        >>> kzoo.explain.plot_heatmaps(x_test[:8], heat)

    Reference:
        Guide: neural-networks-master, Explainable AI (Grad-CAM); Selvaraju et
        al., "Grad-CAM: Visual Explanations from Deep Networks via
        Gradient-based Localization" (2017).
    """
    checks.one_of("method", method, METHODS)
    checks.one_of("upsample", upsample, (True, False))
    checks.one_of("normalize", normalize, (True, False))
    layer = _resolve(model, layer)
    view, x, target = _prepare(model, x, target, score, batch_size)
    if len(model.inputs) != 1:
        raise ValueError(f"grad_cam needs a single-input model. Received: model with "
                         f"{len(model.inputs)} inputs")
    features, head, compiled = _cut(model, layer)
    if score not in compiled:
        compiled[score] = gradients.compiled_input_gradient(
            model, lambda fm, xb, tb: ops.sum(view.scores_from_body(head([xb, fm]), tb, score)))
    channels_first = getattr(layer, "data_format", "channels_last") == "channels_first"
    if not len(x):
        return np.zeros((0,), "float32")

    def cam_batch(xb, tb):
        xb, tb = ops.convert_to_tensor(xb), ops.convert_to_tensor(tb)
        a = features(xb, training=False)
        grad = compiled[score](a, xb, tb)
        a, grad = ops.convert_to_numpy(a), ops.convert_to_numpy(grad)
        if channels_first:
            a, grad = np.moveaxis(a, 1, -1), np.moveaxis(grad, 1, -1)
        if method == "grad_cam":
            spatial = tuple(range(1, a.ndim - 1))
            grad = grad.mean(axis=spatial, keepdims=True)         # alpha_k
        return np.maximum((grad * a).sum(axis=-1), 0.0)           # ReLU(sum_k alpha_k A^k)

    cam = outputs.batched(cam_batch, [x, target], batch_size).astype("float32")
    if upsample and len(cam):
        cam = _resize(cam, x.shape[1:-1] if not channels_first else x.shape[2:])
    if normalize and len(cam):
        top = cam.reshape(len(cam), -1).max(axis=1)
        cam = cam / np.where(top > 0, top, 1.0).reshape((-1,) + (1,) * (cam.ndim - 1))
    return cam.astype("float32")


def _resize(cam, size):
    """Bilinear resize of ``(n, h, w)`` maps to ``size`` (or ``(n, t)`` to ``(T,)``)."""
    size = tuple(int(s) for s in size)
    if cam.shape[1:] == size:
        return cam
    if cam.ndim == 2:          # 1-D maps: resize as (n, t, 1, 1) images
        out = ops.image.resize(cam[:, :, None, None], (size[0], 1), interpolation="bilinear")
        return ops.convert_to_numpy(out)[:, :, 0, 0]
    out = ops.image.resize(cam[..., None], size, interpolation="bilinear")
    return np.maximum(ops.convert_to_numpy(out)[..., 0], 0.0)
