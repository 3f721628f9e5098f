"""kzoo.tune checks everything it can before the first trial, and creates nothing."""

import json
import os

import keras
import numpy as np
import pytest

import kzoo
from kzoo.tuning import jit_blockers


def blobs(n=60, features=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    centers = np.random.default_rng(99).normal(0, 3, size=(classes, features))
    x = centers[y] + rng.normal(0, 1, size=(n, features))
    return x.astype("float32"), y.astype("int32")


FIXED = {"num_classes": 3, "hidden_units": (8,)}


def tune_fails(tmp_path, match, model="mlp_classifier", data=None, **kwargs):
    x, y = data if data is not None else blobs()
    directory = tmp_path / "runs"
    kwargs.setdefault("fixed", FIXED)
    with pytest.raises(ValueError, match=match):
        kzoo.tune(model, x, y, directory=directory, max_trials=kwargs.pop("max_trials", 2),
                  epochs=1, verbose=0, **kwargs)
    assert not directory.exists(), "a trial directory was created before the check failed"


@pytest.mark.parametrize("kwargs, match", [
    ({"tuner": "annealing"}, "tuner must be one of"),
    ({"max_trials": 0}, "max_trials must be"),
    ({"executions_per_trial": 0}, "executions_per_trial must be"),
    ({"jit_compile": "yes"}, "jit_compile must be"),
    ({"validation_split": 1.5}, "validation_split must be"),
    ({"validation_split": 0.2, "validation_data": blobs(9)}, "not both"),
    ({"objective": "val_custom_metric"}, "silently minimise"),
    ({"fixed": {**FIXED, "bogus": 3}}, "does not take"),
    ({"fixed": {"hidden_units": (8,)}}, "needs the argument"),
])
def test_bad_arguments_raise_before_any_trial(tmp_path, kwargs, match):
    tune_fails(tmp_path, match, **kwargs)


def test_an_objective_the_model_does_not_report_raises(tmp_path):
    # mlp_classifier with 3 classes reports loss and accuracy, not F1.
    tune_fails(tmp_path, r"not reported by the compiled model.*val_accuracy",
               objective="val_f1_score")


def test_data_that_does_not_fit_raises(tmp_path):
    x, y = blobs(features=5)
    tune_fails(tmp_path, "does not fit mlp_classifier", data=(x, y),
               fixed={**FIXED, "input_shape": (8,)})


def test_labels_outside_the_classes_raise(tmp_path):
    x, y = blobs()
    tune_fails(tmp_path, r"labels must be in 0..2", data=(x, y + 2))


def test_validation_data_that_does_not_fit_raises(tmp_path):
    xv, yv = blobs(9, features=4)
    tune_fails(tmp_path, "does not fit", validation_data=(xv, yv))


def test_a_build_function_must_return_a_compiled_model(tmp_path):
    def build(hp):
        return keras.Sequential([keras.Input((8,)), keras.layers.Dense(3)])

    tune_fails(tmp_path, "compiled", model=build, fixed=None)


def rotating_cnn(hp):
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.RandomRotation(0.1)(inputs)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(3, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="rotating_cnn")
    model.compile(optimizer=keras.optimizers.Adam(hp.Float("learning_rate", 1e-4, 1e-2)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_jit_compile_true_refuses_a_layer_that_disables_xla(tmp_path):
    import keras_tuner

    assert jit_blockers(rotating_cnn(keras_tuner.HyperParameters())) == [
        "random_rotation (RandomRotation)"]
    x, y = blobs(features=64)
    tune_fails(tmp_path, r"disable XLA.*RandomRotation", model=rotating_cnn, fixed=None,
               data=(x.reshape(-1, 8, 8, 1), y), jit_compile=True)


def test_a_different_search_in_the_same_project_is_refused(tmp_path):
    x, y = blobs()
    project = tmp_path / "runs" / "mlp_classifier"
    project.mkdir(parents=True)
    fingerprint = {"model": "mlp_classifier", "tuner": "grid", "objective":
                   ["val_accuracy", "max"], "fixed": "[]", "space": []}
    (project / "kzoo_search.json").write_text(json.dumps(fingerprint))
    with pytest.raises(ValueError, match="different.*overwrite=True"):
        kzoo.tune("mlp_classifier", x, y, fixed=FIXED, directory=tmp_path / "runs",
                  max_trials=1, epochs=1, verbose=0)
    assert os.listdir(project) == ["kzoo_search.json"]
