"""Transfer learning: split, new head, feature extraction, fine-tuning, two phases, loading."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import transfer
from kzoo.testing import assert_same_predictions

MLP = {"input_shape": (64,)}  # the guide's default (256, 128) MLP
NOISE = 0.5  # the target domain: the same digits through a noisy "scanner"


def _digits():
    x, y = kzoo.data.load_digits()
    order = np.random.default_rng(0).permutation(len(x))
    return (x / 16.0)[order].astype("float32"), y[order]


def _few(y, per_class, seed):
    rng = np.random.default_rng(seed)
    picked = np.concatenate([rng.choice(np.flatnonzero(y == c), per_class, replace=False)
                             for c in np.unique(y)])
    return picked, np.setdiff1d(np.arange(len(y)), picked)


@pytest.fixture(scope="module")
def pretrained():
    """An MLP trained on 896 clean digits; the other 901 form the noisy target domain."""
    keras.utils.set_random_seed(0)
    x, y = _digits()
    source = kzoo.mlp_classifier(num_classes=10, learning_rate=3e-3, **MLP)
    source.fit(x[:896], y[:896], epochs=20, batch_size=128, verbose=0)
    noisy = np.clip(x[896:] + np.random.default_rng(1).normal(0, NOISE, x[896:].shape), 0, 1)
    return {"weights": source.get_weights(), "x": noisy.astype("float32"), "y": y[896:]}


def _source(pretrained):
    model = kzoo.mlp_classifier(num_classes=10, **MLP)
    model.set_weights(pretrained["weights"])
    return model


def _accuracy(model, x, y):
    return float(np.mean(model.predict(x, batch_size=len(x), verbose=0).argmax(-1) == y))


def test_transfer_with_few_labels_beats_training_from_scratch(pretrained, tmp_path):
    # Guide, Transfer Learning > Domain Adaptation: "Requires less data". Five labels per
    # class of the noisy domain; the same architecture from scratch on the same labels.
    x, y = pretrained["x"], pretrained["y"]
    source = _source(pretrained)
    train, test = _few(y, 5, seed=0)
    result = transfer.transfer(source, x[train], y[train], num_classes=10, head_epochs=30,
                               fine_tune_epochs=10, fine_tune_layers=1, learning_rate=1e-2,
                               batch_size=10, verbose=0)
    assert len(result.head_history.history["loss"]) == 30
    assert len(result.fine_tune_history.history["loss"]) == 10
    keras.utils.set_random_seed(0)
    scratch = kzoo.mlp_classifier(num_classes=10, **MLP)
    scratch.fit(x[train], y[train], epochs=40, batch_size=10, verbose=0)
    transferred, alone = _accuracy(result.model, x[test], y[test]), _accuracy(scratch, x[test],
                                                                             y[test])
    print(f"transfer {transferred:.3f} vs scratch {alone:.3f}")
    assert transferred >= alone + 0.10
    # transfer() works on a copy: the source model is untouched.
    assert all(layer.trainable for layer in source.layers)
    assert_same_predictions(source.get_weights(), pretrained["weights"])

    path = tmp_path / "transferred.keras"
    result.model.save(path)
    reloaded = keras.saving.load_model(path)
    assert_same_predictions(result.model.predict(x[:64], verbose=0),
                            reloaded.predict(x[:64], verbose=0))


def test_split_model_cuts_before_the_output_layer_or_at_a_named_layer(pretrained):
    model = _source(pretrained)
    body, head = transfer.split_model(model)
    assert body.output_shape == (None, 128)
    x = pretrained["x"][:32]
    assert_same_predictions(head.predict(body.predict(x, verbose=0), verbose=0),
                            model.predict(x, verbose=0))
    named = transfer.split_model(model, at="hidden_0_dense").body
    assert named.output_shape == (None, 256)
    assert named.layers[-1].name == "hidden_0_dense"
    with pytest.raises(ValueError, match="at must be the name of a layer.*Received: at='nope'"):
        transfer.split_model(model, at="nope")


def test_split_reports_a_skip_connection_across_the_cut():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(4, name="inner")(inputs)
    skip = keras.layers.Add(name="add")([hidden, inputs])
    outputs = keras.layers.Dense(2, name="output")(keras.layers.Dense(3, name="top")(skip))
    model = keras.Model(inputs, outputs)
    with pytest.raises(ValueError, match="skip connection"):
        transfer.split_model(model, at="inner")
    body, _ = transfer.split_model(model)  # the default cut (before `output`) is fine
    assert body.output_shape == (None, 3)


def test_feature_extraction_keeps_batch_norm_in_inference_mode_and_fine_tuning_is_gentle():
    x, y = kzoo.data.load_digits(as_images=True)
    x = (x / 16.0).astype("float32")
    source = kzoo.cnn_classifier(num_classes=10, input_shape=(8, 8, 1), filters=(8, 16),
                                 dense_units=(32,))
    body = transfer.split_model(source, at="flatten").body
    model = transfer.attach_head(body, num_classes=3, hidden_units=(8,))
    before = [w.copy() for w in body.get_weights()]
    model.fit(x[:64], y[:64] % 3, epochs=1, batch_size=16, verbose=0)
    after = body.get_weights()
    # Frozen body: every weight, BatchNorm moving statistics included, is unchanged.
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old, new)
    assert len(model.trainable_weights) == 4  # the new head's dense + output layers

    history = transfer.fine_tune(model, x[:64], y[:64] % 3, layers=1, epochs=2, batch_size=16,
                                 verbose=0)
    assert len(history.history["loss"]) == 2
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(1e-4)
    trainable = {layer.name for layer in body.layers if layer.trainable and layer.weights}
    assert trainable == {"block1_conv"}
    bn = body.get_layer("block1_bn")
    assert not bn.trainable
    names = [w.path for w in body.weights]
    for name, old, new in zip(names, before, body.get_weights()):
        if name.startswith("block1_conv"):
            assert not np.array_equal(old, new), name
        else:  # BatchNorm statistics and the lower block stay as they were
            np.testing.assert_array_equal(old, new, err_msg=name)


def test_layers_and_blocks_to_unfreeze_are_counted_from_the_top():
    model = kzoo.cnn_classifier(num_classes=3, input_shape=(8, 8, 1), filters=(8, 16),
                                dense_units=(32,), compile=False)
    assert [layer.name for layer in transfer.tunable_layers(model)] == [
        "block0_conv", "block1_conv", "head_0_dense", "output"]
    assert [block for block, _ in transfer.tunable_blocks(model)] == [
        "block0", "block1", "head_0", "output"]
    assert transfer.block_of("block_16_expand_BN") == "block_16"
    assert transfer.block_of("conv5_block3_out") == "conv5"
    unfrozen = transfer.unfreeze_top(model, 2, unit="blocks")
    assert unfrozen == ["head_0_dense", "output"]
    unfrozen = transfer.unfreeze_top(model, 3, unit="blocks")
    assert unfrozen == ["block1_conv", "head_0_dense", "output"]  # block1_bn stays frozen
    transfer.freeze(model, up_to="block1_relu")
    assert [layer.name for layer in model.layers if layer.trainable and layer.weights] == [
        "head_0_dense", "output"]
    # Feature maps (rank 4) are pooled or flattened before the new head.
    maps = transfer.split_model(model, at="block1_maxpool").body
    assert maps.output_shape == (None, 2, 2, 16)
    pooled = transfer.attach_head(maps, num_classes=4, pooling="max", compile=False)
    assert pooled.get_layer("transfer_max_pool").output.shape == (None, 16)
    flat = transfer.attach_head(maps, num_classes=4, pooling="flatten", compile=False)
    assert flat.get_layer("output").kernel.shape == (64, 4)


def test_regression_head_gets_kzoo_regression_loss_and_metrics(pretrained):
    body = transfer.split_model(_source(pretrained)).body
    model = transfer.attach_head(body, outputs=2)
    assert model.output_shape == (None, 2)
    x = pretrained["x"][:32]
    history = model.fit(x, np.stack([x[:, 0], x[:, 1]], 1), epochs=1, verbose=0)
    assert {"loss", "mae", "rmse", "r2"} <= set(history.history)


def test_load_pretrained_keras_applications_weights_then_transfer(tmp_path):
    kwargs = {"input_shape": (32, 32, 3), "alpha": 0.35, "classes": 4}
    original = keras.applications.MobileNetV2(weights=None, **kwargs)
    weights, keras_file = tmp_path / "mnv2.weights.h5", tmp_path / "mnv2.keras"
    original.save_weights(weights)
    original.save(keras_file)
    loaded = transfer.load_pretrained(weights, architecture="MobileNetV2", **kwargs)
    assert_same_predictions(original.get_weights(), loaded.get_weights())

    # transfer() reads the .keras file through load_pretrained; phase 1 trains the head.
    x = np.random.default_rng(0).uniform(0, 1, (16, 32, 32, 3)).astype("float32")
    result = transfer.transfer(keras_file, x, np.arange(16) % 3, num_classes=3, head_epochs=1,
                               verbose=0)
    assert result.fine_tune_history is None
    body = result.model.get_layer(f"{original.name}_body")
    assert body.output_shape == (None, 1280)  # the global pooling before `predictions`
    assert not any(layer.trainable for layer in body.layers)
    unfrozen = transfer.unfreeze_top(body, 2, unit="blocks")
    assert unfrozen == ["block_16_expand", "block_16_depthwise", "block_16_project", "Conv_1"]
    assert not body.get_layer("Conv_1_bn").trainable  # BatchNorm stays frozen


def test_bad_arguments_raise_before_training(pretrained, tmp_path):
    model = _source(pretrained)
    x, y = pretrained["x"][:20], pretrained["y"][:20]
    with pytest.raises(ValueError, match="fine_tune_layers must be <= 2.*Received: "
                                         "fine_tune_layers=4"):
        transfer.transfer(model, x, y, num_classes=10, fine_tune_layers=4)
    with pytest.raises(ValueError, match="at must be the name of a layer"):
        transfer.transfer(model, x, y, num_classes=10, at="missing")
    with pytest.raises(ValueError, match="up_to must be the name.*Received: up_to='missing'"):
        transfer.freeze(model, up_to="missing")
    with pytest.raises(ValueError, match="layers must be <= 3.*Received: layers=9"):
        transfer.unfreeze_top(model, 9)
    with pytest.raises(ValueError, match="blocks must be an integer >= 1"):
        transfer.unfreeze_top(model, 0, unit="blocks")
    body = transfer.split_model(model).body
    with pytest.raises(ValueError, match="exactly one of num_classes"):
        transfer.attach_head(body)
    with pytest.raises(ValueError, match="num_classes must be an integer >= 2"):
        transfer.attach_head(body, num_classes=1)
    new = transfer.attach_head(body, num_classes=3)
    with pytest.raises(ValueError, match="layers must be <= 2"):
        transfer.fine_tune(new, x, y % 3, layers=4)
    with pytest.raises(ValueError, match="exactly one of layers and blocks"):
        transfer.fine_tune(new, x, y % 3)
    with pytest.raises(ValueError, match="existing file"):
        transfer.load_pretrained(tmp_path / "missing.keras")
    weights = tmp_path / "model.weights.h5"
    model.save_weights(weights)
    with pytest.raises(ValueError, match="architecture"):
        transfer.load_pretrained(weights)
