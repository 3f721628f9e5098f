import numpy as np
import pytest

import kzoo
from kzoo import data


@pytest.fixture(scope="module")
def digits():
    splits, _ = data.standardize(data.split(*data.load_digits(), seed=0))
    return splits


def test_mlp_classifier_learns_digits(digits):
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
    model.fit(digits.x_train, digits.y_train, epochs=15, batch_size=32, verbose=0)
    _, acc = model.evaluate(digits.x_val, digits.y_val, verbose=0)
    assert acc >= 0.95, f"validation accuracy {acc:.3f} < 0.95"


def test_mlp_regressor_beats_the_mean_on_diabetes():
    x, y = data.load_diabetes()
    splits, _ = data.standardize(data.split(x, y, seed=0))
    scale = splits.y_train.std()
    center = splits.y_train.mean()
    model = kzoo.mlp_regressor(input_shape=(10,), hidden_units=(64, 32), dropout=0.1,
                               learning_rate=3e-3)
    model.fit(splits.x_train, (splits.y_train - center) / scale, epochs=60, batch_size=32,
              verbose=0)
    pred = model.predict(splits.x_val, verbose=0) * scale + center
    mse = float(np.mean((pred - splits.y_val) ** 2))
    baseline = float(np.mean((center - splits.y_val) ** 2))
    assert mse < 0.75 * baseline, f"MSE {mse:.0f} vs predicting the mean {baseline:.0f}"
    r2 = model.evaluate(splits.x_val, (splits.y_val - center) / scale, verbose=0,
                        return_dict=True)["r2"]
    assert r2 > 0.25


def test_perceptron_separates_breast_cancer():
    splits, _ = data.standardize(data.split(*data.load_breast_cancer(), seed=0))
    model = kzoo.perceptron(input_shape=(30,), learning_rate=1e-2)
    assert len(model.layers) == 2  # input + the single neuron
    assert model.count_params() == 31  # w (30) + b
    model.fit(splits.x_train, splits.y_train, epochs=30, batch_size=32, verbose=0)
    scores = model.evaluate(splits.x_val, splits.y_val, verbose=0, return_dict=True)
    assert scores["accuracy"] >= 0.93
    assert scores["auc"] >= 0.97


def test_perceptron_cannot_learn_xor_but_mlp_can():
    """The guide's reason for hidden layers, shown by numbers."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(512, 2)).astype("float32")
    y = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype("int32")
    linear = kzoo.perceptron(input_shape=(2,), learning_rate=1e-2)
    linear.fit(x, y, epochs=40, batch_size=32, verbose=0)
    deep = kzoo.mlp_classifier(num_classes=2, input_shape=(2,), hidden_units=(32, 16),
                               dropout=0.0, learning_rate=1e-2)
    deep.fit(x, y, epochs=40, batch_size=32, verbose=0)
    linear_acc = linear.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
    deep_acc = deep.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
    assert linear_acc < 0.7 and deep_acc > 0.9, (linear_acc, deep_acc)


def test_binary_head_and_metrics():
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(4,))
    assert model.output_shape == (None, 1)
    assert model.layers[-1].activation.__name__ == "sigmoid"
    assert model.loss.name == "binary_crossentropy"
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    logs = model.evaluate(x, np.array([0, 1] * 4), verbose=0, return_dict=True)
    assert {"accuracy", "auc", "precision", "recall"} <= set(logs)


def test_multiclass_head():
    model = kzoo.mlp_classifier(num_classes=4, input_shape=(3,))
    assert model.output_shape == (None, 4)
    assert model.layers[-1].activation.__name__ == "softmax"
    assert model.loss.name == "sparse_categorical_crossentropy"


def test_options_change_the_architecture():
    model = kzoo.mlp_classifier(num_classes=3, input_shape=(8, 8, 1), hidden_units=(32, 16, 8),
                                activation="tanh", batch_norm=True, dropout=0.5, l1=1e-4,
                                l2=1e-3)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("Dense") == 4 and kinds.count("BatchNormalization") == 3
    assert kinds.count("Dropout") == 3 and "Flatten" in kinds
    dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
    assert type(dense[0].kernel_initializer).__name__ == "GlorotUniform"  # tanh -> Glorot
    assert dense[0].kernel_regularizer.get_config() == pytest.approx({"l1": 1e-4, "l2": 1e-3})
    assert len(model.losses) == 4  # one penalty per Dense kernel
    relu = kzoo.mlp_regressor(input_shape=(3,), activation="leaky_relu")
    first = next(layer for layer in relu.layers if type(layer).__name__ == "Dense")
    assert type(first.kernel_initializer).__name__ == "HeNormal"
    assert first.kernel_regularizer is None


def test_compile_false_and_optimizers():
    assert not kzoo.mlp_regressor(input_shape=(3,), compile=False).compiled
    for name, cls in [("adamw", "AdamW"), ("sgd", "SGD"), ("rmsprop", "RMSprop")]:
        model = kzoo.mlp_regressor(input_shape=(3,), optimizer=name, learning_rate=0.01)
        assert type(model.optimizer).__name__ == cls
        assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert float(kzoo.mlp_regressor(input_shape=(3,), optimizer="sgd").optimizer.momentum) \
        == pytest.approx(0.9)


@pytest.mark.parametrize("kwargs, match", [
    ({"num_classes": 1}, r"num_classes must be an integer >= 2. Received: num_classes=1"),
    ({"input_shape": (0,)}, r"input_shape must be .*Received: input_shape=\(0,\)"),
    ({"input_shape": "64"}, r"Received: input_shape='64'"),
    ({"hidden_units": (64, -1)}, r"Received: hidden_units=\(64, -1\)"),
    ({"activation": "relux"}, r"activation must be one of .*Received: activation='relux'"),
    ({"dropout": 1.0}, r"Received: dropout=1.0"),
    ({"l2": -0.1}, r"Received: l2=-0.1"),
    ({"optimizer": "adamax"}, r"Received: optimizer='adamax'"),
    ({"learning_rate": 0}, r"Received: learning_rate=0"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    args = {"num_classes": 3, "input_shape": (4,), **kwargs}
    with pytest.raises(ValueError, match=match):
        kzoo.mlp_classifier(**args)


def test_bad_regressor_outputs():
    with pytest.raises(ValueError, match=r"Received: outputs=0"):
        kzoo.mlp_regressor(input_shape=(4,), outputs=0)
