"""Convolutional family: the CNN beats the MLP on digit images, the ResNet learns them."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import data


@pytest.fixture(scope="module")
def digit_images():
    x, y = data.load_digits(as_images=True)
    return data.split(x / 16.0, y, seed=0)


def _accuracy(model, splits):
    return model.evaluate(splits.x_val, splits.y_val, verbose=0, return_dict=True)["accuracy"]


def test_cnn_beats_mlp_on_digit_images(digit_images):
    s = digit_images
    # Same data, same budget (8 epochs of batch 32): the MLP sees flattened
    # pixels, the CNN keeps their 2-D neighbourhoods (local connectivity,
    # parameter sharing: neural-networks-master, CNN).
    mlp = kzoo.mlp_classifier(num_classes=10, input_shape=(8, 8, 1), hidden_units=(64,))
    mlp.fit(s.x_train, s.y_train, epochs=8, batch_size=32, verbose=0)
    cnn = kzoo.cnn_classifier(num_classes=10, input_shape=(8, 8, 1), filters=(16, 32),
                              dense_units=(64,))
    cnn.fit(s.x_train, s.y_train, epochs=8, batch_size=32, verbose=0)
    mlp_acc, cnn_acc = _accuracy(mlp, s), _accuracy(cnn, s)
    assert cnn_acc >= 0.93, f"CNN validation accuracy {cnn_acc:.3f}"
    assert cnn_acc > mlp_acc, f"CNN {cnn_acc:.3f} does not beat the MLP {mlp_acc:.3f}"


def test_resnet_learns_digit_images(digit_images):
    s = digit_images
    model = kzoo.resnet_classifier(num_classes=10, input_shape=(8, 8, 1),
                                   stage_filters=(16, 32), blocks_per_stage=1)
    model.fit(s.x_train, s.y_train, epochs=6, batch_size=32, verbose=0)
    acc = _accuracy(model, s)
    assert acc >= 0.92, f"ResNet validation accuracy {acc:.3f} < 0.92"


def _kinds(model):
    return [type(layer).__name__ for layer in model.layers]


@pytest.mark.parametrize("shape", [(8, 8, 1), (28, 28, 1), (32, 32, 3)])
def test_cnn_accepts_the_usual_image_shapes(shape):
    model = kzoo.cnn_classifier(num_classes=10, input_shape=shape, filters=(4, 8),
                                dense_units=(8,))
    side = shape[0] // 4  # two 2x2 poolings
    assert model.get_layer("flatten").output.shape[-1] == side * side * 8
    assert model.output_shape == (None, 10)


def test_cnn_architecture_follows_its_arguments():
    model = kzoo.cnn_classifier(num_classes=2, input_shape=(16, 16, 3), filters=(8, 16, 32),
                                kernel_size=5, pool="avg", dense_units=(32, 16), dropout=0.5,
                                l2=1e-3)
    kinds = _kinds(model)
    assert kinds.count("Conv2D") == 3 and kinds.count("BatchNormalization") == 3
    assert kinds.count("AveragePooling2D") == 3 and "MaxPooling2D" not in kinds
    assert kinds.count("Dense") == 3 and kinds.count("Dropout") == 2
    conv = model.get_layer("block0_conv")
    assert conv.kernel_size == (5, 5) and not conv.use_bias  # bias is BN's job
    assert model.output_shape == (None, 1)  # binary: one sigmoid unit
    assert len(model.losses) == 3 + 3  # l2 on every conv and dense kernel
    plain = kzoo.cnn_classifier(num_classes=3, input_shape=(8, 8, 1), batch_norm=False,
                                compile=False)
    assert "BatchNormalization" not in _kinds(plain)
    assert plain.get_layer("block0_conv").use_bias and not plain.compiled


def test_resnet_has_identity_and_projection_shortcuts():
    model = kzoo.resnet_classifier(num_classes=10, input_shape=(32, 32, 3), compile=False)
    kinds = _kinds(model)
    # 3 stages x 2 blocks; stages 2 and 3 start with a stride-2 block whose
    # shortcut is a 1x1 projection; the other 4 blocks add the identity.
    assert kinds.count("Add") == 6
    projections = [layer for layer in model.layers if "projection_conv" in layer.name]
    assert [p.name for p in projections] == ["stage1_block0_projection_conv",
                                             "stage2_block0_projection_conv"]
    assert all(p.kernel_size == (1, 1) and p.strides == (2, 2) for p in projections)
    # 14 weight layers: stem + 12 block convs + output (projections excluded).
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert len(convs) - len(projections) + 1 == 14
    assert model.get_layer("global_pool").output.shape[1:] == (64,)
    assert model.count_params() < 250_000


def test_residual_block_adds_its_input():
    """With the residual branch zeroed, y = ReLU(0 + x): the skip connection carries x."""
    model = kzoo.resnet_classifier(num_classes=3, input_shape=(8, 8, 1), stage_filters=(4,),
                                   blocks_per_stage=1, compile=False)
    stem = model.get_layer("stem_relu")
    add = model.get_layer("stage0_block0_add")
    bn = model.get_layer("stage0_block0_b_bn")
    gamma, beta, *statistics = bn.get_weights()  # moving mean, variance, update count
    bn.set_weights([np.zeros_like(gamma), np.zeros_like(beta), *statistics])
    probe = keras.Model(model.inputs, [stem.output, add.output])
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 1)).astype("float32")
    before, after = probe.predict(x, verbose=0)
    np.testing.assert_allclose(after, before, atol=1e-6)


@pytest.mark.parametrize("factory, kwargs, match", [
    (kzoo.cnn_classifier, {"input_shape": (8, 8, 1), "filters": (8, 8, 8, 8)},
     r"too small for 4 conv blocks.*at most 3 for this input"),
    (kzoo.cnn_classifier, {"input_shape": (2, 2, 1)}, r"too small for 2 conv blocks"),
    (kzoo.cnn_classifier, {"input_shape": (8, 8)}, r"Received: input_shape=\(8, 8\)"),
    (kzoo.cnn_classifier, {"input_shape": (8, 8, 1), "filters": ()}, r"Received: filters=\(\)"),
    (kzoo.cnn_classifier, {"input_shape": (8, 8, 1), "pool": "min"}, r"Received: pool='min'"),
    (kzoo.cnn_classifier, {"input_shape": (8, 8, 1), "kernel_size": 0},
     r"Received: kernel_size=0"),
    (kzoo.cnn_classifier, {"input_shape": (8, 8, 1), "dropout": 1.5}, r"Received: dropout=1.5"),
    (kzoo.cnn_classifier, {"input_shape": (8, 8, 1), "num_classes": 1},
     r"Received: num_classes=1"),
    (kzoo.resnet_classifier, {"input_shape": (2, 2, 1), "stage_filters": (4, 8, 16)},
     r"too small for 3 stages"),
    (kzoo.resnet_classifier, {"input_shape": (8, 8, 1), "blocks_per_stage": 0},
     r"Received: blocks_per_stage=0"),
    (kzoo.resnet_classifier, {"input_shape": (8, 8, 1), "stage_filters": (16, 0)},
     r"Received: stage_filters=\(16, 0\)"),
    (kzoo.resnet_classifier, {"input_shape": (8, 8, 1), "learning_rate": -1.0},
     r"Received: learning_rate=-1.0"),
])
def test_bad_arguments_raise_value_error(factory, kwargs, match):
    with pytest.raises(ValueError, match=match):
        factory(**{"num_classes": 10, **kwargs})


def test_search_space_defaults_reproduce_the_factory():
    for name in ("cnn_classifier", "resnet_classifier"):
        info = kzoo.model_info(name)
        space = info.search_space
        values = space.defaults_from(info.defaults)
        for p in space.params:
            if p.name not in values:
                values[p.name] = info.defaults[p.name]
        kwargs = space.kwargs_for(values)
        for key, value in kwargs.items():
            assert info.defaults[key] == value, (name, key, value)


def test_image_classification_recipe_runs(load_recipe, tmp_path, capsys):
    scores = load_recipe("image_classification").main(
        ["--epochs", "2", "--output", str(tmp_path), "--verbose", "0"])
    assert scores["accuracy"] >= 0.8
    assert "test accuracy" in capsys.readouterr().out
    assert (tmp_path / "cnn_classifier.keras").exists()
