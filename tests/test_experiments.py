"""kzoo.experiments: the seeded repeats, the verdict rule and the record the claims table
is built from (notebooks/claims.py)."""

import json
import math

import keras
import numpy as np
import pytest

import kzoo
from kzoo import experiments as E


def test_repeat_seeds_each_run_so_it_is_reproducible():
    def draw(seed):
        return float(keras.ops.convert_to_numpy(keras.random.uniform((1,)))[0])

    first, again = E.repeat(draw, seeds=(3, 4)), E.repeat(draw, seeds=(3, 4))
    assert first.values == again.values and first.values[0] != first.values[1]
    assert first.seeds == (3, 4)
    assert len(E.repeat(lambda s: s, seeds=2)) == 2


def test_repeat_collects_dicts_and_keeps_what_is_not_a_number():
    out = E.repeat(lambda s: {"acc": s / 10, "history": {"loss": [s]}}, seeds=3)
    assert out["acc"].values == (0.0, 0.1, 0.2) and out["acc"].mean == pytest.approx(0.1)
    assert out["acc"].std == pytest.approx(0.1)
    assert out["history"] == ({"loss": [0]}, {"loss": [1]}, {"loss": [2]})


@pytest.mark.parametrize("seeds", [0, -1, (), (1.5,), "3", True])
def test_repeat_rejects_bad_seeds(seeds):
    with pytest.raises(ValueError, match="seeds"):
        E.repeat(lambda s: 1.0, seeds=seeds)


def test_repeat_rejects_a_result_that_is_not_a_number():
    with pytest.raises(ValueError, match="run must return a number"):
        E.repeat(lambda s: "high", seeds=1)
    with pytest.raises(ValueError, match="run must be a callable"):
        E.repeat(3)


A = [0.90, 0.92, 0.91]
B = [0.50, 0.52, 0.49]


def test_a_consistent_difference_beyond_noise_confirms_and_its_opposite_refutes():
    assert E.compare("X-1", A, B).verdict == "confirmed"
    assert E.compare("X-1", A, B, expect="less").verdict == "refuted"
    assert E.compare("X-1", B, A, expect="less").verdict == "confirmed"


def test_a_difference_within_noise_or_of_mixed_sign_is_inconclusive():
    assert E.compare("X-1", [0.9, 0.5, 0.7], [0.7, 0.6, 0.6]).verdict == "inconclusive"
    # every seed agrees in sign, but the gap is smaller than twice the pooled std
    assert E.compare("X-1", [0.71, 0.9, 0.5], [0.70, 0.89, 0.49]).verdict == "inconclusive"


def test_a_claimed_size_must_be_reached_and_falling_short_of_it_refutes():
    fast, slow = [2.1, 2.0, 2.2], [1.0, 1.1, 1.0]
    assert E.compare("X-1", fast, slow, ratio=True, min_effect=2).verdict == "confirmed"
    assert E.compare("X-1", [1.3, 1.2, 1.25], slow, ratio=True,
                     min_effect=2).verdict == "refuted"
    assert E.compare("X-1", A, B, min_effect=0.3).verdict == "confirmed"
    assert E.compare("X-1", A, B, min_effect=0.6).verdict == "refuted"
    assert E.compare("X-1", slow, fast, expect="less", ratio=True,
                     min_effect=2).verdict == "confirmed"
    with pytest.raises(ValueError, match="positive"):
        E.compare("X-1", [1.0, -1.0], [1.0, 2.0], ratio=True)


def test_similar_needs_the_difference_within_tolerance_and_refutes_beyond_noise():
    assert E.similar("X-1", A, [0.905, 0.91, 0.915], tolerance=0.01).verdict == "confirmed"
    assert E.similar("X-1", A, B, tolerance=0.01).verdict == "refuted"
    assert E.similar("X-1", [0.9, 0.7, 0.8], [0.7, 0.75, 0.72],
                     tolerance=0.02).verdict == "inconclusive"


def test_levels_count_every_seed():
    assert E.at_least("X-1", A, 0.9).verdict == "confirmed"
    assert E.at_least("X-1", A, 0.95).verdict == "refuted"
    assert E.at_least("X-1", A, 0.915).verdict == "inconclusive"
    assert E.at_most("X-1", B, 0.55).verdict == "confirmed"


def test_check_settles_arithmetic_claims():
    softmax = np.exp([2.0, 1.0, 0.1]) / np.exp([2.0, 1.0, 0.1]).sum()
    assert E.check("ACT-09", softmax, [0.66, 0.24, 0.10], tolerance=0.005).verdict == "confirmed"
    assert E.check("X-1", 10.0, 10.5, tolerance=0.1).verdict == "refuted"
    with pytest.raises(ValueError, match="same shape"):
        E.check("X-1", [1.0, 2.0], [1.0])


def test_judged_verdicts_need_a_known_verdict_a_number_and_a_reason():
    v = E.judged("X-1", "depends", number="depth 8: 0.4 vs 0.9; depth 2: 0.96 vs 0.97",
                 because="only deep sigmoid networks vanish", seeds=3)
    assert v.verdict == "depends" and v.seeds == 3
    with pytest.raises(ValueError, match="verdict"):
        E.judged("X-1", "probably", number="1", because="x")
    with pytest.raises(ValueError, match="because"):
        E.judged("X-1", "confirmed", number="1", because="")


@pytest.mark.parametrize("claim_id", ["", None, 3])
def test_every_verdict_needs_a_claim_id(claim_id):
    with pytest.raises(ValueError, match="claim_id"):
        E.compare(claim_id, A, B)


def test_a_verdict_shows_as_text_and_carries_the_record_claims_md_is_built_from():
    v = E.compare("ACT-01", A, B, metric="test accuracy", labels=("relu", "linear"))
    bundle = v._repr_mimebundle_()
    assert bundle["text/plain"].startswith("ACT-01: CONFIRMED. test accuracy: relu 0.91")
    record = bundle[E.MIME_TYPE]
    assert json.loads(json.dumps(record)) == {**v.as_dict()}
    assert record["seeds"] == 3 and record["verdict"] == "confirmed"
    assert v.expect("confirmed", "depends") is v
    with pytest.raises(AssertionError, match="ACT-01: measured confirmed"):
        v.expect("refuted")


def test_protocol_datasets_are_split_scaled_and_fixed():
    digits = E.dataset("digits")
    assert (len(digits.x_train), len(digits.x_val), len(digits.x_test)) == (1257, 270, 270)
    assert abs(digits.x_train.mean()) < 1e-4
    again = E.dataset("digits")
    np.testing.assert_array_equal(digits.x_test, again.x_test)
    noisy = E.dataset("noisy_digits")
    assert len(noisy.x_train) == 150
    np.testing.assert_array_equal(noisy.y_val, digits.y_val)
    assert E.dataset("digit_images").x_train.shape[1:] == (8, 8, 1)
    diabetes = E.dataset("diabetes")
    assert abs(float(diabetes.y_train.mean())) < 1e-4
    xor = E.dataset("xor")
    assert set(np.unique(xor.y_train)) == {0, 1}
    with pytest.raises(ValueError, match="name"):
        E.dataset("mnist")


def test_epochs_to_a_level_counts_from_one_and_never_is_infinite():
    assert E.epochs_to({"val_accuracy": [0.5, 0.96, 0.97]}, "val_accuracy", 0.95) == 2
    assert E.epochs_to({"val_loss": [0.5, 0.4]}, "val_loss", 0.4, mode="min") == 2
    assert E.epochs_to({"val_loss": [0.5, 0.4]}, "val_loss", 0.1, mode="min") == math.inf
    with pytest.raises(ValueError, match="key"):
        E.epochs_to({"loss": [1.0]}, "val_loss", 0.1)


def test_reusable_runs_are_independent_trainings_of_one_compiled_model():
    moons = E.dataset("moons")
    built = []

    def build():
        model = kzoo.mlp_classifier(num_classes=2, input_shape=(2,), hidden_units=(8,))
        built.append(model)
        return model

    first = E.repeat(E.reusable(build, moons, epochs=2, batch_size=64), seeds=(0, 1),
                     clear_session=False)
    again = E.repeat(E.reusable(build, moons, epochs=2, batch_size=64), seeds=(0, 1),
                     clear_session=False)
    # seed 0 trains the model it built; seed 1 trains that same object from seed 1's
    # initial weights and a reset optimizer (iterations back to 0)
    assert built[1] is not built[0] and built[0].optimizer.iterations.numpy() == 2 * 11
    assert first["test"].values == again["test"].values
    assert first["train"].values[0] != first["train"].values[1]
    assert set(first) == {"train", "val", "test", "seconds", "history"}
    with pytest.raises(ValueError, match="build"):
        E.reusable(None, moons, epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        E.reusable(build, moons, epochs=0)


def test_accuracy_scores_binary_and_multiclass_models():
    x = np.zeros((4, 2), "float32")
    binary = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid",
                                                                       bias_initializer="ones")])
    assert E.accuracy(binary, x, np.array([1, 1, 0, 1])) == 0.75
    multi = keras.Sequential([keras.Input((2,)), keras.layers.Dense(
        3, bias_initializer=keras.initializers.Constant([0.0, 1.0, 0.0]))])
    assert E.accuracy(multi, x, np.array([1, 1, 1, 2])) == 0.75


def test_combine_merges_settings_and_table_renders_markdown():
    yes, no = E.compare("X-1", A, B), E.compare("X-1", B, A)
    assert E.combine("X-1", {"deep": yes, "shallow": yes}, because="b").verdict == "confirmed"
    mixed = E.combine("X-1", {"deep": yes, "shallow": no}, because="depth")
    assert mixed.verdict == "depends" and mixed.number.startswith("deep: confirmed")
    flat = E.combine("X-1", {"deep": yes, "x": E.similar("X-1", A, B, tolerance=0.9)},
                     because="b")
    assert flat.verdict == "confirmed"
    with pytest.raises(ValueError, match="parts"):
        E.combine("X-1", {}, because="b")
    table = E.Table(["arm", "accuracy"], [["relu", E.Samples.of(A)]])
    assert table._repr_markdown_().splitlines() == ["| arm | accuracy |", "|---|---|",
                                                    "| relu | 0.91 ± 0.01 |"]
    with pytest.raises(ValueError, match="one cell per header"):
        E.Table(["a", "b"], [["only one"]])
