"""kzoo.distribute: every registered model data-parallel on 2 virtual CPU devices.

The device count must be set before the backend starts, so the registry-wide
check runs once per backend in a subprocess (``tests/distribute_check.py``):
every model trained on one device and on two (same seed, data order and
global batch), the loss curves compared, the distributed model saved and
reloaded on one device; two data-parallel tuning trials; the bad
configurations; the recipe at tiny size. On torch, where Keras has no
data-parallel ``fit``, the documented refusal is tested instead.
"""

import json
import math
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest

import kzoo
from kzoo.distribute import compat, devices, global_batch_size, scaled_learning_rate

BACKEND = keras.backend.backend()
ENGINES = ("jax", "tensorflow")
CHECK = pathlib.Path(__file__).with_name("distribute_check.py")
REPO = CHECK.parent.parent
TIMEOUT = 1200
# Loss curves, 2 devices vs 1. JAX computes the same global step (float
# rounding only). TensorFlow runs one step per replica and all-reduces the
# gradients; with dropout / noise off, only reduction order and the
# per-replica BatchNormalization statistics differ.
RTOL = {"jax": 1e-4, "tensorflow": 2e-2}
# Refused under MirroredStrategy: they override train_step / compute_loss.
TF_REFUSED = {"capsule_network", "gan", "self_organizing_map", "vae"}

needs_engine = pytest.mark.skipif(
    BACKEND not in ENGINES, reason="keras.distribution / tf.distribute: jax and tensorflow")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("distribute")
    out = tmp / "report.json"
    env = {**os.environ, "KERAS_BACKEND": BACKEND, "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    env.pop("XLA_FLAGS", None)
    proc = subprocess.run(
        [sys.executable, str(CHECK), "--out", str(out), "--tune", str(tmp / "tune"),
         "--recipe"], env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    with open(out) as f:
        return json.load(f)


@needs_engine
@pytest.mark.slow
def test_every_registered_model_trains_the_same_on_two_devices(report):
    assert "num_replicas=2" in report["strategy"], report["strategy"]
    assert sorted(report["models"]) == kzoo.list_models()
    failures = []
    for name, record in sorted(report["models"].items()):
        if BACKEND == "tensorflow" and name in TF_REFUSED:
            if "num_replicas_in_sync" not in record.get("refused", ""):
                failures.append(f"{name}: not refused: {record}")
            continue
        if "error" in record or "refused" in record:
            failures.append(f"{name}: {record.get('error') or record['refused']}")
            continue
        assert record["single"], name
        for key, curve in record["single"].items():
            multi = record["multi"][key]
            # A rate over n samples moves in steps of 1/n: one sample may flip.
            atol = 1.01 / record["samples"] if "accuracy" in key else 1e-6
            if not np.allclose(multi, curve, rtol=RTOL[BACKEND], atol=atol):
                failures.append(f"{name} {key}: 1 device {curve} vs 2 devices {multi}")
        if record["reload_max_abs_diff"] > 1e-5:
            failures.append(f"{name}: reloaded predictions differ by "
                            f"{record['reload_max_abs_diff']}")
    assert not failures, "\n".join(failures)


@needs_engine
@pytest.mark.slow
def test_tuning_trials_build_and_fit_inside_the_scope(report):
    tune = report["tune"]
    assert "error" not in tune, tune.get("traceback")
    assert tune["statuses"] == ["COMPLETED", "COMPLETED"], tune
    assert tune["replicas_seen"] == [2, 2], tune  # every trial's fit ran on 2 replicas
    assert all(math.isfinite(s) for s in tune["scores"]), tune


@needs_engine
@pytest.mark.slow
def test_bad_configurations_raise_before_training(report):
    errors = report["errors"]
    assert "traceback" not in errors, errors.get("traceback")
    expected = {
        "odd_batch": "batch_size must be divisible by the 2 replicas",
        "uneven_last_batch": "last batch of 97 samples in batches of 16 holds 1",
        "uneven_validation": "last batch of 27 samples",
        "devices_0": "devices must be an integer >= 1. Received: devices=0",
        "unknown_device": "Unknown device name(s) ['gpu:9']",
        "too_many_devices": "devices must be <= 2",
        "tune_odd_batch": "batch_size must be divisible by the 2 replicas",
    }
    for case, text in expected.items():
        assert errors[case] is not None and text in errors[case], (case, errors[case])
    assert errors["tune_odd_batch_wrote_project"] is False


@needs_engine
@pytest.mark.slow
def test_recipe_trains_on_two_devices_and_reloads_on_one(report):
    result = report["recipe"]
    assert "error" not in result, result.get("traceback")
    assert (result["replicas"], result["global_batch"]) == (2, 64)
    assert result["learning_rate"] == pytest.approx(2e-3)  # 1e-3 x 64 / 32
    assert result["test_accuracy"] >= 0.8, result
    assert result["reload_max_abs_diff"] < 1e-5, result


@pytest.mark.skipif(BACKEND != "torch", reason="the torch refusal")
def test_torch_is_refused_with_the_upstream_reason():
    from kzoo.distribute import data_parallel

    with pytest.raises(ValueError, match="keras.distribution for JAX only.*torchrun"):
        data_parallel()
    with pytest.raises(ValueError, match="backend='torch'"):
        data_parallel(devices=2)


def test_custom_training_hooks_are_refused_on_tensorflow_only():
    model = kzoo.vae(**kzoo.model_info("vae").example.kwargs)
    with pytest.raises(ValueError, match="vae overrides compute_loss.*num_replicas=2"):
        compat.check_model(model, "tensorflow", 2)
    assert compat.check_model(model, "jax", 2) is model
    assert compat.check_model(model, "tensorflow", 1) is model
    plain = kzoo.perceptron(num_classes=3, input_shape=(8,))
    assert compat.check_model(plain, "tensorflow", 2) is plain


def test_device_choice_is_checked():
    names = ["cpu:0", "cpu:1"]
    assert devices.resolve(None, names) == names
    assert devices.resolve(1, names) == ["cpu:0"]
    assert devices.resolve(["/device:CPU:1", "CPU:0"], names) == ["cpu:1", "cpu:0"]
    for bad, text in [(0, "devices must be an integer >= 1. Received: devices=0"),
                      (-1, "Received: devices=-1"), (3, "devices must be <= 2"),
                      ([], "at least one device"), (["cpu:0", "/cpu:0"], "twice"),
                      (["gpu:0"], "Unknown device name(s) ['gpu:0']"),
                      ("cpu:0", "must be None, a number"), (True, "must be None")]:
        with pytest.raises(ValueError) as info:
            devices.resolve(bad, names)
        assert text in str(info.value), (bad, str(info.value))


def test_batch_and_learning_rate_arithmetic():
    assert global_batch_size(32, 4) == 128
    assert scaled_learning_rate(1e-3, 256) == pytest.approx(8e-3)
    assert scaled_learning_rate(0.1, 128, base_batch=256) == pytest.approx(0.05)
    for call, text in [(lambda: global_batch_size(0, 2), "per_replica"),
                       (lambda: global_batch_size(32, 0), "replicas"),
                       (lambda: scaled_learning_rate(0, 64), "learning_rate"),
                       (lambda: scaled_learning_rate(1e-3, 64, base_batch=0), "base_batch")]:
        with pytest.raises(ValueError, match=text):
            call()


def test_tune_refuses_a_distribution_that_is_not_a_strategy(tmp_path):
    from kzoo.tuning.tune import tune

    x, y = kzoo.model_info("perceptron").example.make_data(0)
    with pytest.raises(ValueError, match="distribution must be a strategy"):
        tune("perceptron", x, y, fixed={"num_classes": 3}, max_trials=1, epochs=1,
             directory=str(tmp_path), verbose=0, distribution="mirrored")
    assert not list(tmp_path.iterdir())
