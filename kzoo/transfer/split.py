"""Split a trained model into a reusable body and its task head.

Guide: neural-networks-master, "Advanced Topics > Transfer Learning": the
pre-trained layers (the *body*) extract features; the final layers (the
*head*) map them to the old task and are replaced for the new one.

Keras' functional API does the work: ``keras.Model(model.inputs, tensor)``
cuts a graph at any intermediate tensor and shares the layers (and weights)
with the original. This module only picks the tensor and checks arguments.
"""

from typing import NamedTuple

import keras


class Split(NamedTuple):
    """A model cut in two: ``head(body(x)) == model(x)``."""

    body: keras.Model
    head: keras.Model


def get_layer(model, name, argument="at"):
    """``model.get_layer(name)`` with a ``ValueError`` that names the argument.

    Args:
        model: keras.Model. The model to search.
        name: str. A layer name.
        argument: str. The argument name to report in the error.

    Returns:
        The layer.
    """
    names = [layer.name for layer in model.layers]
    if not isinstance(name, str) or name not in names:
        shown = names if len(names) <= 12 else names[:6] + ["..."] + names[-6:]
        raise ValueError(f"{argument} must be the name of a layer of model '{model.name}' "
                         f"(layers: {shown}). Received: {argument}={name!r}")
    return model.get_layer(name)


def _check_functional(model):
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model. Received: model={model!r}")
    if not hasattr(model, "_nodes_by_depth") or not model.inputs:
        raise ValueError("model must be a functional or Sequential keras.Model (built), so "
                         f"that it can be cut at a layer. Received: model={model.name!r} of "
                         f"type {type(model).__name__}")


def cut_tensor(model, at=None):
    """The tensor where the body ends.

    Args:
        model: keras.Model. A functional (or built Sequential) model.
        at: str or None. The name of the body's last layer; ``None`` picks the
            layer before the output layer (the tensor the output layer reads).

    Returns:
        A symbolic ``KerasTensor`` of ``model``'s graph.
    """
    _check_functional(model)
    if at is None:
        if len(model.outputs) != 1:
            raise ValueError(f"model '{model.name}' has {len(model.outputs)} outputs; name the "
                             "layer to cut at. Received: at=None")
        output_layer = model.outputs[0]._keras_history.operation
        inputs = output_layer.input
        if isinstance(inputs, (list, tuple)):
            raise ValueError(f"The output layer '{output_layer.name}' of model '{model.name}' "
                             "reads several tensors; name the layer to cut at. Received: at=None")
        return inputs
    layer = get_layer(model, at)
    if isinstance(layer, keras.layers.InputLayer):
        raise ValueError(f"at must name a layer after the input of model '{model.name}'. "
                         f"Received: at={at!r}")
    return layer.output


def split_model(model, at=None, *, name=None):
    """Splits ``model`` into a body (features) and a head (the old task's layers).

    Both parts share their layers and weights with ``model``: freezing the body
    freezes those layers of ``model`` too. Copy the model first
    (``kzoo.compression.copy_model``) to keep the original untouched.

    Args:
        model: keras.Model. A trained functional model: any kzoo model, a
            ``keras.applications`` architecture, or your own.
        at: str or None. Name of the body's last layer. Defaults to None: the
            layer before the output layer (for a kzoo MLP the last hidden
            layer's dropout, for a CNN the last dense block, for a
            ``keras.applications`` model with ``include_top=True`` the global
            pooling before ``predictions``).
        name: str or None. Name of the body. Defaults to ``"<model>_body"``.

    Returns:
        ``Split(body, head)``: ``body`` maps the model's inputs to the features
        at ``at``; ``head`` maps those features to the model's outputs.

    Raises:
        ValueError: when ``at`` is not the name of a layer of ``model``.

    Example:
        >>> model = kzoo.mlp_classifier(num_classes=5, input_shape=(64,))
        >>> body, head = kzoo.transfer.split_model(model)
        >>> body.output_shape
        (None, 128)

    Reference:
        Guide: neural-networks-master, Advanced Topics > Transfer Learning.
    """
    tensor = cut_tensor(model, at)
    body = keras.Model(model.inputs, tensor, name=name or f"{model.name}_body")
    try:
        head = keras.Model(tensor, model.outputs, name=f"{model.name}_head")
    except ValueError as error:  # e.g. a skip connection jumps over the cut
        raise ValueError(f"The layers after at={at!r} also read tensors from before it (a skip "
                         f"connection crosses the cut), so model '{model.name}' cannot be split "
                         f"there; cut at the end of a block. Keras said: {error}") from error
    return Split(body, head)
