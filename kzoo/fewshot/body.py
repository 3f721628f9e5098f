"""Encoders: a kzoo classifier's body (up to, not including, its output layer), and its input."""

import keras

from kzoo.adversarial.outputs import single


def embedding_body(model, *, layer=None, name=None):
    """A ``keras.Model`` from ``model``'s inputs to the features of one of its layers.

    By default the features are the input of the last layer, i.e. the
    output of the layer before the classifier's output (for
    ``kzoo.mlp_classifier`` / ``kzoo.cnn_classifier``: the last hidden
    layer). The body shares its layers (and weights) with ``model``.

    Args:
        model: A functional ``keras.Model`` (e.g. a kzoo classifier).
        layer: str or None. Name of the layer whose output is the embedding.
            Defaults to None (the layer before the output).
        name: str or None. Name of the body. Defaults to ``"<model>_body"``.

    Returns:
        An uncompiled ``keras.Model``.

    Raises:
        ValueError: if ``layer`` is not a layer of ``model``.

    Example:
        >>> cnn = kzoo.cnn_classifier(num_classes=5, input_shape=(8, 8, 1))
        >>> encoder = kzoo.fewshot.embedding_body(cnn)   # 128 features per image
    """
    if not isinstance(model, keras.Model) or not model.inputs:
        raise ValueError(f"model must be a functional keras.Model. Received: model={model!r}")
    if layer is None:
        features = model.layers[-1].input
    else:
        names = [item.name for item in model.layers]
        if layer not in names:
            raise ValueError(f"layer must be the name of a layer of {model.name!r}. Received: "
                             f"layer={layer!r}; layers: {names}")
        features = model.get_layer(layer).output
    if isinstance(features, (list, tuple)):
        raise ValueError("The embedding layer must have a single output tensor. Received: "
                         f"{len(features)} tensors")
    return keras.Model(single(model.inputs), features, name=name or f"{model.name}_body")


def encode(encoder):
    """``(inputs, encoder(inputs))`` for a few-shot model around ``encoder``, checked.

    Raises:
        ValueError: if ``encoder`` is not a ``keras.Model`` with one input and
            one ``(batch, features)`` output.
    """
    if not isinstance(encoder, keras.Model) or len(encoder.inputs) != 1 \
            or len(encoder.outputs) != 1 or len(encoder.outputs[0].shape) != 2:
        raise ValueError("encoder must be a keras.Model with one input and one "
                         "(batch, features) output. Received: encoder="
                         f"{getattr(encoder, 'name', encoder)!r}")
    spec = encoder.inputs[0]
    inputs = keras.Input(shape=spec.shape[1:], dtype=spec.dtype, name="inputs")
    return inputs, encoder(inputs)
