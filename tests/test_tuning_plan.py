"""kzoo.tuning without training: search plans, objectives, the trials table."""

import math

import keras
import keras_tuner
import pytest

import kzoo
from kzoo import defaults
from kzoo.tuning import objectives, plan_search
from kzoo.tuning.results import TrialsTable

DIGITS_LIKE = {"num_classes": 3, "input_shape": (8,)}


def _configs(model):
    """Everything that defines a compiled model, without run-specific names."""
    optimizer = model.optimizer.get_config()
    optimizer.pop("name", None)
    return model.get_config(), type(model.optimizer).__name__, optimizer


# The dense family and one CNN (the plan has no per-model code; building every
# registered model here would cost the CI budget ~20 s per backend).
PLANNED = [n for n in kzoo.list_models() if kzoo.model_info(n).family == "dense"] + [
    n for n in ("cnn_classifier",) if n in kzoo.list_models()]


@pytest.mark.parametrize("name", PLANNED)
def test_default_hyperparameters_rebuild_the_factory_default(name):
    """Trial one (every hyperparameter at its default) builds the factory's model."""
    info = kzoo.model_info(name)
    fixed = dict(info.example.kwargs)
    plan = plan_search(name, fixed)
    hp = keras_tuner.HyperParameters()
    keras.backend.clear_session()
    tuned = plan.build(hp)
    keras.backend.clear_session()
    reference = info.factory(**fixed)
    assert _configs(tuned) == _configs(reference)
    for spec in plan.tuned:
        assert hp.values[spec.name] == spec.default, spec.name
    # the defaults are the factory's: a tuned hyperparameter with the same name
    # as a factory argument defaults to that argument's default
    for spec in plan.tuned:
        if spec.name in info.defaults and spec.name not in fixed:
            assert spec.default == info.defaults[spec.name], spec.name


def test_mlp_defaults_come_from_the_guide():
    plan = plan_search("mlp_classifier", DIGITS_LIKE)
    assert plan.defaults() == {
        "num_layers": 2, "units": 256, "dropout": defaults.DROPOUT,
        "learning_rate": defaults.LEARNING_RATE, "optimizer": "adam",
        "activation": "relu", "batch_norm": False, "batch_size": defaults.BATCH_SIZE}
    ranges = {s.name: s for s in plan.tuned}
    assert (ranges["learning_rate"].min_value, ranges["learning_rate"].max_value,
            ranges["learning_rate"].sampling) == (1e-4, 1e-2, "log")
    assert (ranges["dropout"].min_value, ranges["dropout"].max_value) == (0.1, 0.5)
    assert set(ranges["optimizer"].values) == {"adam", "adamw", "sgd", "rmsprop"}
    assert plan.batch_size_spec().values == (32, 64, 128, 256)


def test_sampled_values_reach_the_factory():
    plan = plan_search("mlp_classifier", DIGITS_LIKE)
    hp = keras_tuner.HyperParameters()
    hp.values.update({"units": 64, "num_layers": 3, "dropout": 0.45, "activation": "tanh",
                      "batch_norm": True, "optimizer": "rmsprop", "learning_rate": 5e-3})
    model = plan.build(hp)
    dense = [l for l in model.layers if isinstance(l, keras.layers.Dense)]
    assert [l.units for l in dense] == [64, 32, 16, 3]  # funnel, then the softmax head
    assert all(l.rate == pytest.approx(0.45) for l in model.layers
               if isinstance(l, keras.layers.Dropout))
    assert any(isinstance(l, keras.layers.BatchNormalization) for l in model.layers)
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(
        5e-3)
    assert model.name == "mlp_classifier"


def test_fixed_arguments_are_not_tuned():
    plan = plan_search("mlp_classifier", {**DIGITS_LIKE, "hidden_units": (32, 16),
                                          "learning_rate": 3e-4, "batch_size": 64})
    names = {s.name for s in plan.tuned}
    assert {"units", "num_layers", "learning_rate"}.isdisjoint(names)
    assert {"dropout", "optimizer", "activation", "batch_norm"} <= names
    assert not plan.tunes_batch_size and plan.batch_size == 64
    model = plan.build(keras_tuner.HyperParameters())
    assert [l.units for l in model.layers if isinstance(l, keras.layers.Dense)] == [32, 16, 3]
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(
        3e-4)


def test_hypermodel_fit_tunes_the_batch_size_and_honours_hyperband_epochs():
    hm = kzoo.tuning.hypermodel_for("perceptron", {"input_shape": (4,)})
    hp = keras_tuner.HyperParameters()
    hm.declare_hyperparameters(hp)
    assert hp.values == {"batch_size": 32}
    hp.values["batch_size"] = 128
    seen = {}

    class Recorder:
        def fit(self, *args, **kwargs):
            seen.update(kwargs)
            return "history"

    assert hm.fit(hp, Recorder(), "x", "y", epochs=7, initial_epoch=3) == "history"
    assert seen == {"batch_size": 128, "epochs": 7, "initial_epoch": 3, "verbose": 0}


@pytest.mark.parametrize("fixed, match", [
    ({**DIGITS_LIKE, "bogus": 1}, "does not take"),
    ({**DIGITS_LIKE, "compile": False}, "must be compiled"),
    ({"input_shape": (8,)}, "needs the argument"),
    ({**DIGITS_LIKE, "batch_size": 0}, "batch_size"),
])
def test_bad_fixed_arguments_raise(fixed, match):
    with pytest.raises(ValueError, match=match):
        plan_search("mlp_classifier", fixed)


def test_unknown_model_raises():
    with pytest.raises(ValueError, match="Unknown model name"):
        plan_search("mlp_clasifier", DIGITS_LIKE)


@pytest.mark.parametrize("name, direction", [
    ("val_accuracy", "max"), ("val_auc", "max"), ("val_f1_score", "max"),
    ("val_r2", "max"), ("val_r2_score", "max"), ("val_precision", "max"),
    ("val_auc_3", "max"), ("accuracy", "max"), ("val_loss", "min"), ("val_mae", "min"),
    ("val_rmse", "min"), ("loss", "min"), ("val_reconstruction_loss", "min"),
    ("val_custom_thing", None),
])
def test_directions(name, direction):
    assert objectives.infer_direction(name) == direction


def test_resolve_never_guesses():
    assert objectives.resolve("val_f1_score") == ("val_f1_score", "max")
    assert objectives.resolve(("val_custom", "max")) == ("val_custom", "max")
    assert objectives.resolve(keras_tuner.Objective("val_x", "min")) == ("val_x", "min")
    with pytest.raises(ValueError, match="silently minimise"):
        objectives.resolve("val_custom")
    with pytest.raises(ValueError, match="'min' or 'max'"):
        objectives.resolve(("val_custom", "up"))
    with pytest.raises(ValueError, match="one objective"):
        objectives.resolve([keras_tuner.Objective("a", "min"),
                            keras_tuner.Objective("b", "max")])


def test_default_objective_per_task():
    binary = {"loss", "accuracy", "auc", "precision", "recall"}  # heads.py, 2 classes
    assert objectives.default_objective("classification", binary) == ("val_auc", "max")
    assert objectives.default_objective("classification", {"loss", "accuracy"}) == (
        "val_accuracy", "max")
    assert objectives.default_objective("regression", {"loss", "mae", "rmse", "r2"}) == (
        "val_loss", "min")
    assert objectives.default_objective(None, {"loss", "accuracy"}) == ("val_loss", "min")
    assert objectives.default_objective("classification", {"loss", "accuracy"},
                                        validation=False) == ("accuracy", "max")


def test_trials_table_picks_the_best_by_direction():
    rows = [{"trial": "0", "status": "COMPLETED", "score": 0.5, "lr": 0.1},
            {"trial": "1", "status": "COMPLETED", "score": 0.9, "lr": 0.01},
            {"trial": "2", "status": "FAILED", "score": None, "lr": 0.2},
            {"trial": "3", "status": "COMPLETED", "score": 0.2, "lr": 0.001}]
    for row in rows:
        row.update(best_epoch=1, epochs=2, seconds=1.0, tuner="tuner0")
    high = TrialsTable(rows, ("val_f1_score", "max"))
    low = TrialsTable(rows, ("val_loss", "min"))
    assert high.best()["trial"] == "1"
    assert low.best()["trial"] == "3"
    assert [r["trial"] for r in high.sorted()] == ["1", "0", "3", "2"]
    assert [r["trial"] for r in low.sorted()] == ["3", "0", "1", "2"]
    text = str(high)
    assert "val_f1_score (max)" in text and "lr" in text and "FAILED" in text
    assert len(text.splitlines()) == 2 + len(rows)
    assert math.isclose(high.best()["score"], 0.9)
