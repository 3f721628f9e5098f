"""kzoo.tune runs real searches: four tuners, objective directions, XLA."""

import keras
import keras_tuner
import numpy as np
import pytest

import kzoo
from kzoo.tuning import plan_search


def blobs(n, seed, features=8, classes=3):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    centers = np.random.default_rng(99).normal(0, 3, size=(classes, features))
    x = centers[y] + rng.normal(0, 1, size=(n, features))
    return x.astype("float32"), y.astype("int32")


FIXED = {"num_classes": 3, "hidden_units": (16, 8)}


@pytest.mark.parametrize("tuner, max_trials, epochs", [
    ("random", 2, 2), ("bayesian", 2, 2), ("grid", 2, 2),
    # 3 epochs, factor 3: three 1-epoch trials, then the best one continues
    # from epoch 1 to 3 (Hyperband's epochs / initial_epoch).
    ("hyperband", 4, 3),
])
def test_every_tuner_searches_a_registered_model(tuner, max_trials, epochs, tmp_path):
    x, y = blobs(96, seed=0)
    val = blobs(48, seed=1)
    result = kzoo.tune("mlp_classifier", x, y, validation_data=val, fixed=FIXED, tuner=tuner,
                       max_trials=max_trials, epochs=epochs, directory=tmp_path, verbose=0)
    table = result.trials
    assert result.objective == ("val_accuracy", "max")
    assert len(table) == max_trials
    assert [row["status"] for row in table] == ["COMPLETED"] * max_trials
    assert {row["tuner"] for row in table} == {"tuner0"}
    assert all(row["seconds"] > 0 for row in table)

    # The first trial is the factory's default model.
    plan = plan_search("mlp_classifier", {**FIXED, "input_shape": (8,)})
    assert {k: table[0][k] for k in plan.defaults()} == plan.defaults()

    # Epochs actually trained: all of them (patience 15), or Hyperband's budget.
    trials = result.tuner.oracle.trials
    for row in table:
        values = trials[row["trial"]].hyperparameters.values
        expected = epochs
        if tuner == "hyperband":
            expected = values["tuner/epochs"] - values["tuner/initial_epoch"]
        assert row["epochs"] == expected, row
    if tuner == "hyperband":
        assert any(t.hyperparameters.values["tuner/initial_epoch"] > 0 for t in trials.values())

    # The best trial is the one with the highest validation accuracy, and the
    # returned model holds the weights of its best epoch.
    scores = [row["score"] for row in table]
    assert result.best_score == max(scores) == table.best()["score"]
    best_row = table.best()
    assert all(result.best_hyperparameters[k] == best_row[k] for k in plan.defaults())
    logs = result.best_model.evaluate(*val, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(result.best_score, abs=1e-6)
    assert result.best_fit_kwargs == {"batch_size": best_row["batch_size"]}

    rebuilt = result.build_best()
    assert rebuilt.name == "mlp_classifier" and rebuilt.count_params() == \
        result.best_model.count_params()
    assert "COMPLETED" in str(result) and "val_accuracy (max)" in str(result.trials)


def one_hot_task(n=30):
    labels = np.arange(n) % 3
    eye = np.eye(3, dtype="float32")
    return eye[labels], eye[labels]


def signed_identity(hp):
    """Predicts the label (sign=+1, F1 = 1) or always a wrong class (sign=-1, F1 = 0).

    The learning rate is negligible, so the hyperparameter alone decides the
    validation F1 score and the search must pick ``sign=+1``.
    """
    sign = hp.Choice("sign", [-1.0, 1.0], default=-1.0)
    inputs = keras.Input((3,))
    logits = keras.layers.Dense(3, kernel_initializer=keras.initializers.Identity(5.0 * sign),
                                name="logits")(inputs)
    model = keras.Model(inputs, keras.layers.Softmax()(logits), name="signed_identity")
    model.compile(optimizer=keras.optimizers.SGD(1e-9), loss="categorical_crossentropy",
                  metrics=[keras.metrics.F1Score(average="macro", name="f1_score")])
    return model


def test_a_maximised_objective_is_maximised(tmp_path):
    x, y = one_hot_task()
    result = kzoo.tune(signed_identity, x, y, validation_data=(x, y),
                       objective="val_f1_score", max_trials=2, epochs=1,
                       directory=tmp_path, verbose=0)
    assert result.objective == ("val_f1_score", "max")
    assert result.tuner.oracle.objective.direction == "max"
    scores = {row["sign"]: row["score"] for row in result.trials}
    assert scores == {-1.0: pytest.approx(0.0), 1.0: pytest.approx(1.0)}
    assert result.best_hyperparameters["sign"] == 1.0
    assert result.best_score == pytest.approx(1.0)
    assert result.trials.sorted()[0]["sign"] == 1.0
    assert result.best_kwargs is None and result.best_model.name == "signed_identity"


class RecordJit(keras.callbacks.Callback):
    """Records ``model.jit_compile`` of every trial (KerasTuner deep-copies callbacks,
    so the record lives on the class)."""

    seen = []

    def on_train_begin(self, logs=None):
        RecordJit.seen.append(self.model.jit_compile)


def test_jit_compile_true_reaches_every_trial(backend, tmp_path):
    x, y = blobs(48, seed=0)
    if backend == "torch":
        # On PyTorch jit_compile=True means torch.compile (inductor), not XLA;
        # compiling takes minutes on a CPU, so the search itself is not run here.
        hm = kzoo.tuning.hypermodel_for("mlp_classifier", {**FIXED, "input_shape": (8,)},
                                        jit_compile=True)
        assert hm.build(keras_tuner.HyperParameters()).jit_compile is True
        return
    RecordJit.seen.clear()
    result = kzoo.tune("mlp_classifier", x, y, validation_split=0.25, fixed=FIXED,
                       max_trials=1, epochs=1, jit_compile=True, callbacks=[RecordJit()],
                       directory=tmp_path, verbose=0)
    assert RecordJit.seen == [True]  # XLA on TensorFlow and JAX, CPU included
    assert result.best_model.jit_compile is True
    assert result.trials[0]["status"] == "COMPLETED"
