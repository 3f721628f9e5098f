"""1-D convolutional family: the published architectures, any length, learning on series."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo.data import examples

NAMES = ("fcn", "resnet1d", "inception_time")
SMALL = {"fcn": {"filters": (8, 16, 8)},
         "resnet1d": {"block_filters": (8, 16, 16)},
         "inception_time": {"depth": 3, "filters": 8, "kernel_sizes": (8, 4), "bottleneck": 8}}


def _layers(model, kind):
    return [layer for layer in model.layers if isinstance(layer, kind)]


def _conv_specs(model):
    return [(layer.filters, layer.kernel_size[0]) for layer in _layers(model, keras.layers.Conv1D)]


def test_fcn_is_wang_et_al():
    model = kzoo.fcn_classifier(num_classes=6, input_shape=(427, 1))
    assert _conv_specs(model) == [(128, 8), (256, 5), (128, 3)]
    assert len(_layers(model, kzoo.layers.BatchNormalization)) == 3
    assert len(_layers(model, keras.layers.GlobalAveragePooling1D)) == 1
    assert model.output_shape == (None, 6)


def test_resnet1d_is_wang_et_al():
    model = kzoo.resnet1d_classifier(num_classes=3, input_shape=(251, 1))
    convs = _conv_specs(model)
    # 3 blocks x (8, 5, 3) kernels, 1x1 projections where the width changes (64, 128).
    assert sorted(convs) == sorted([(64, 8), (64, 5), (64, 3), (64, 1),
                                    (128, 8), (128, 5), (128, 3), (128, 1),
                                    (128, 8), (128, 5), (128, 3)])
    assert len(_layers(model, keras.layers.Add)) == 3
    assert len(_layers(model, kzoo.layers.BatchNormalization)) == 3 * 3 + 3


def test_inception_time_is_fawaz_et_al():
    model = kzoo.inception_time_classifier(num_classes=2, input_shape=(150, 1))
    modules = [layer for layer in model.layers if layer.name.endswith("_concat")]
    assert len(modules) == 6 and all(m.output.shape[-1] == 4 * 32 for m in modules)
    kernels = {layer.kernel_size[0] for layer in _layers(model, keras.layers.Conv1D)}
    assert kernels == {40, 20, 10, 1}
    # a bottleneck on every module but the first (1 input channel), a shortcut every third
    assert len([n for n in (layer.name for layer in model.layers) if "bottleneck" in n]) == 5
    assert len(_layers(model, keras.layers.Add)) == 2


@pytest.mark.parametrize("name", NAMES)
def test_any_length_with_global_pooling(name):
    model = kzoo.create_model(f"{name}_classifier", num_classes=3, input_shape=(None, 2),
                              **SMALL[name])
    for length in (17, 40):  # two lengths, one model
        probabilities = model.predict(np.zeros((2, length, 2), "float32"), verbose=0)
        assert probabilities.shape == (2, 3)
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_learns_shapes_wherever_they_are(name):
    keras.utils.set_random_seed(0)
    x, y = examples.series_shapes(np.random.default_rng(0), n=128, steps=32)
    xt, yt = examples.series_shapes(np.random.default_rng(1), n=64, steps=32)
    model = kzoo.create_model(f"{name}_classifier", num_classes=3, input_shape=(32, 1),
                              learning_rate=1e-2, **SMALL[name])
    model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    accuracy = model.evaluate(xt, yt, verbose=0, return_dict=True)["accuracy"]
    assert accuracy >= 0.9, f"{name}: held-out accuracy {accuracy:.3f} on three shapes"


@pytest.mark.parametrize("kwargs, message", [
    ({"input_shape": (20, None)}, "known number of channels"),
    ({"input_shape": (20, 3, 1)}, "input_shape"),
    ({"input_shape": (20, 1), "kernel_sizes": (8, 5)}, "kernel_sizes must give one"),
    ({"input_shape": (20, 1), "filters": ()}, "filters"),
    ({"input_shape": (20, 1), "batch_norm_momentum": 1.0}, "batch_norm_momentum"),
    ({"input_shape": (20, 1), "dropout": -0.1}, "dropout"),
])
def test_fcn_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kzoo.fcn_classifier(num_classes=2, **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"depth": 0}, "depth"), ({"filters": 0}, "filters"), ({"kernel_sizes": ()}, "kernel_sizes"),
    ({"bottleneck": -1}, "bottleneck"), ({"residual": "yes"}, "residual"),
])
def test_inception_time_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kzoo.inception_time_classifier(num_classes=2, input_shape=(20, 1), **kwargs)


def test_resnet1d_refuses_bad_block_filters():
    with pytest.raises(ValueError, match="block_filters"):
        kzoo.resnet1d_regressor(input_shape=(20, 1), block_filters=(8, -1))
