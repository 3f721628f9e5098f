"""Subprocess half of tests/test_distribute.py: every registered model, 1 device vs 2.

The device count must be set before the backend initializes, so this runs in
its own process: ``python tests/distribute_check.py --out result.json
[--models a,b] [--tune DIR] [--recipe]``, with ``KERAS_BACKEND`` jax or
tensorflow. For each model it trains the registry ``Example`` twice with the
same seed, data order and global batch, on one device and inside
``kzoo.distribute.data_parallel(devices=2).scope()``, saves the distributed
model to ``.keras``, reloads it outside the scope (one device) and records
both loss curves, the largest prediction difference and any error.
"""

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
import traceback

REPLICAS = 2


def set_devices(backend):
    """Two virtual CPU devices, before the backend initializes."""
    if backend == "jax":
        flag = f"--xla_force_host_platform_device_count={REPLICAS}"
        os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flag}".strip()
    elif backend == "tensorflow":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * REPLICAS)


def _length(x):
    return len(x[0]) if isinstance(x, (list, tuple)) else len(x)


def _take(data, n):
    if data is None:
        return None
    if isinstance(data, (list, tuple)):
        return type(data)(d[:n] for d in data)
    if isinstance(data, dict):
        return {k: v[:n] for k, v in data.items()}
    return data[:n]


RANDOM_LAYERS = ("Dropout", "Noise")  # Dropout, SpatialDropout*, GaussianNoise, MaskingNoise


def without_training_noise(model):
    """Sets every dropout / noise rate to 0; returns the names of the layers changed.

    Only for TensorFlow: each MirroredStrategy replica draws its own dropout
    mask, so noisy layers make the 1- and 2-device runs differ by chance, not
    by a fault of the distribution.
    """
    changed = []
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if not any(word in type(layer).__name__ for word in RANDOM_LAYERS):
            continue
        for attr in ("rate", "stddev"):
            if isinstance(getattr(layer, attr, None), (int, float)) and getattr(layer, attr):
                setattr(layer, attr, 0.0)
                changed.append(f"{layer.name}.{attr}")
    return changed


def _train(info, x, y, batch, epochs, strategy, quiet=False):
    import keras

    keras.utils.set_random_seed(0)
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        model = info.factory(**info.example.kwargs)
        if quiet:
            without_training_noise(model)
        kwargs = {"epochs": epochs, "batch_size": batch, "shuffle": False, "verbose": 0}
        history = model.fit(x, y, **kwargs) if y is not None else model.fit(x, **kwargs)
    return model, history.history


def _outputs(model, x):
    """Inference outputs by a direct call (no predict function to compile)."""
    from kzoo.testing.harness import _flat

    return _flat(model(x, training=False))


def check_model(name, strategy, epochs, tmp):
    import keras
    import numpy as np

    import kzoo

    info = kzoo.model_info(name)
    x, y = info.example.make_data(0)
    batch = int(info.example.fit_kwargs.get("batch_size", 32))
    n = _length(x)
    n -= (n % batch) % REPLICAS          # every batch splits equally over the replicas
    x, y = _take(x, n), _take(y, n)
    strategy.check_fit(batch, n)
    record = {"samples": n, "batch_size": batch}
    start = time.perf_counter()
    with strategy.scope():
        probe = info.factory(**info.example.kwargs)
    quiet = strategy.backend == "tensorflow"
    record["noise_off"] = without_training_noise(probe) if quiet else []
    try:
        strategy.check_model(probe)
    except ValueError as error:
        record["refused"] = str(error)
        return record
    del probe
    _, single = _train(info, x, y, batch, epochs, None, quiet)
    model, multi = _train(info, x, y, batch, epochs, strategy, quiet)
    record["single"] = {k: [float(v) for v in vs] for k, vs in single.items()}
    record["multi"] = {k: [float(v) for v in vs] for k, vs in multi.items()}
    path = os.path.join(tmp, f"{name}.keras")
    model.save(path)
    reloaded = keras.saving.load_model(path)
    diff = [float(np.max(np.abs(a - b))) for a, b in
            zip(_outputs(model, x), _outputs(reloaded, x))]
    record["reload_max_abs_diff"] = max(diff)
    record["seconds"] = time.perf_counter() - start
    keras.backend.clear_session()
    return record


def _replicas_seen(model):
    """Replicas the running fit uses, as the backend's engine sees them."""
    import keras

    if keras.backend.backend() == "tensorflow":
        return int(model.distribute_strategy.num_replicas_in_sync)
    distribution = keras.distribution.distribution()
    return 1 if distribution is None else int(distribution.device_mesh.devices.size)


def _probe_callback(path):
    import keras

    class ReplicaProbe(keras.callbacks.Callback):
        """Appends the replica count of every trial's fit to ``path`` (survives deepcopy)."""

        def on_train_begin(self, logs=None):
            with open(path, "a") as f:
                f.write(f"{_replicas_seen(self.model)}\n")

    return ReplicaProbe()


def check_tune(strategy, directory):
    """Two tiny data-parallel trials of kzoo.tune."""
    import kzoo
    from kzoo.tuning.tune import tune

    info = kzoo.model_info("mlp_classifier")
    x, y = info.example.make_data(0)
    probe = os.path.join(directory, "replicas.txt")
    os.makedirs(directory, exist_ok=True)
    result = tune("mlp_classifier", x, y, fixed={**info.example.kwargs, "batch_size": 16},
                  validation_split=0.25, max_trials=2, epochs=2, directory=directory,
                  overwrite=True, verbose=0, callbacks=[_probe_callback(probe)],
                  distribution=strategy)
    with open(probe) as f:
        seen = [int(line) for line in f]
    return {"statuses": [row["status"] for row in result.trials.rows],
            "scores": [row["score"] for row in result.trials.rows],
            "replicas_seen": seen, "best_score": result.best_score}


def check_errors(strategy, directory):
    """The ValueErrors bad configurations raise before any training."""
    import kzoo
    from kzoo.distribute import data_parallel
    from kzoo.tuning.tune import tune

    info = kzoo.model_info("mlp_classifier")
    x, y = info.example.make_data(0)
    cases = {
        "odd_batch": lambda: strategy.check_fit(33, 66),
        "uneven_last_batch": lambda: strategy.check_fit(16, 97),
        "uneven_validation": lambda: strategy.check_fit(16, 96, validation_split=0.29),
        "devices_0": lambda: data_parallel(devices=0),
        "unknown_device": lambda: data_parallel(devices=["gpu:9"]),
        "too_many_devices": lambda: data_parallel(devices=REPLICAS + 1),
        "tune_odd_batch": lambda: tune(
            "mlp_classifier", x, y, fixed={**info.example.kwargs, "batch_size": 15},
            max_trials=1, epochs=1, directory=directory, project_name="odd", verbose=0,
            distribution=strategy),
    }
    errors = {}
    for name, case in cases.items():
        try:
            case()
            errors[name] = None
        except ValueError as error:
            errors[name] = str(error)
    errors["tune_odd_batch_wrote_project"] = os.path.exists(os.path.join(directory, "odd"))
    return errors


def check_recipe():
    """recipes/distributed_training.py at tiny size, on the devices already set."""
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parent.parent / "recipes" / "distributed_training.py"
    spec = importlib.util.spec_from_file_location("recipe_distributed_training", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(["--devices", str(REPLICAS), "--epochs", "3", "--warmup-epochs", "1",
                        "--per-replica-batch", "32", "--verbose", "0"])


def _recorded(fn, *args):
    """``fn(*args)``, or the error it raised (the test shows it)."""
    try:
        return fn(*args)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}"[:2000],
                "traceback": traceback.format_exc()[-3000:]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--models", default="*")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--tune", default=None, help="also run 2 data-parallel trials here")
    parser.add_argument("--recipe", action="store_true", help="also run the recipe, tiny")
    args = parser.parse_args(argv)
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    set_devices(backend)

    import kzoo
    from kzoo.distribute import data_parallel

    strategy = data_parallel(devices=REPLICAS)
    names = kzoo.list_models() if args.models == "*" else args.models.split(",")
    report = {"backend": backend, "strategy": repr(strategy), "models": {}}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            try:
                report["models"][name] = check_model(name, strategy, args.epochs, tmp)
            except Exception as error:  # recorded: the test reports which model and why
                report["models"][name] = {
                    "error": f"{type(error).__name__}: {error}"[:2000],
                    "traceback": traceback.format_exc()[-3000:]}
        if args.tune:
            report["tune"] = _recorded(check_tune, strategy, args.tune)
            report["errors"] = _recorded(check_errors, strategy, args.tune)
        if args.recipe:
            report["recipe"] = _recorded(check_recipe)
    report["seconds"] = time.perf_counter() - start
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
