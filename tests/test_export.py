"""kzoo.export: each format either round-trips predictions on this backend, or is refused
with the upstream reason (the table in kzoo/export.py)."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo.data.scaling import normalization_layer, with_preprocessing
from kzoo.export import UNSUPPORTED, export, supported_formats

BACKEND = keras.backend.backend()


@pytest.fixture(scope="module")
def raw_digits_model():
    """A digits MLP with its standardization inside, so artifacts take raw pixels."""
    x, y = kzoo.data.load_digits()
    model = with_preprocessing(kzoo.mlp_classifier(num_classes=10, input_shape=(64,),
                                                   hidden_units=(16,)),
                               normalization_layer(x[:1000]))
    model.fit(x[:1000], y[:1000], epochs=2, verbose=0)
    return model, x[1000:1016]


def _needs(format):
    for module in {"onnx": ("onnxruntime",), "litert": ()}.get(format, ()):
        pytest.importorskip(module, reason=f"{module} not installed (pip install 'kzoo[onnx]')")
    from kzoo.export import REQUIRES

    for module in REQUIRES.get((BACKEND, format), ((), ""))[0]:
        pytest.importorskip(module, reason=f"{module} not installed: "
                                           f"{REQUIRES[BACKEND, format][1]}")


def _run(format, path, x):
    if format == "tf_saved_model":
        import tensorflow as tf

        loaded = tf.saved_model.load(path)  # keep it alive while serving
        return np.asarray(loaded.serve(x))
    if format == "onnx":
        import onnxruntime

        session = onnxruntime.InferenceSession(path)
        return session.run(None, {session.get_inputs()[0].name: x})[0]
    if format == "litert":
        import tensorflow as tf

        interpreter = tf.lite.Interpreter(model_path=path)
        interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], x.shape)
        interpreter.allocate_tensors()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    import torch

    return torch.export.load(path).module()(torch.from_numpy(x)).detach().numpy()


@pytest.mark.parametrize("format", ["tf_saved_model", "onnx", "litert", "torch"])
def test_each_format_round_trips_or_is_refused_with_the_reason(format, raw_digits_model,
                                                                tmp_path):
    model, x = raw_digits_model
    path = str(tmp_path / {"tf_saved_model": "saved", "onnx": "m.onnx", "litert": "m.tflite",
                           "torch": "m.pt2"}[format])
    if (BACKEND, format) in UNSUPPORTED:
        assert format not in supported_formats()
        with pytest.raises(ValueError, match=f"format='{format}' does not work on the"):
            export(model, path, format=format)
        return
    _needs(format)
    if (BACKEND, format) == ("tensorflow", "onnx"):
        with pytest.raises(ValueError, match="Normalization"):
            export(model, path, format=format)
        model = model.layers[2]  # the model behind the standardization converts
        x = (x - x.mean(0)) / (x.std(0) + 1)
    if format == "torch":
        x = x[:1]  # Keras 3.15 exports a static batch of 1 (see kzoo.export)
    assert export(model, path, format=format) == path
    np.testing.assert_allclose(_run(format, path, x), model.predict(x, verbose=0),
                               rtol=1e-4, atol=1e-5)


def test_bad_arguments_raise():
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(4,))
    with pytest.raises(ValueError, match="format"):
        export(model, "m.pdf", format="pdf")
    with pytest.raises(ValueError, match="model must be a keras.Model"):
        export("mlp", "m.onnx", format="onnx")
