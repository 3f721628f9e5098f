"""Distributed training: one device -> several devices -> several hosts, with Keras' engines.

The same ``kzoo.mlp_classifier`` on the bundled digits, trained data-parallel
with ``kzoo.distribute.data_parallel`` (JAX: ``keras.distribution.DataParallel``;
TensorFlow: ``tf.distribute.MirroredStrategy``, ``MultiWorkerMirroredStrategy``
from ``TF_CONFIG``):

1. Devices: every local accelerator by default; ``--virtual-devices N`` splits
   the CPU into N devices first (a demo on a laptop).
2. Batch and learning rate: global batch = ``--per-replica-batch`` x replicas
   (``kzoo.distribute.global_batch_size``); the learning rate scaled linearly
   with it (``kzoo.distribute.scaled_learning_rate``) and reached by a linear
   warm-up (``CosineDecay(warmup_target=..., warmup_steps=...)``).
3. Build, fit and evaluate inside ``strategy.scope()``; save a ``.keras`` file
   and reload it on one device with the same predictions.

Run:  KERAS_BACKEND=jax python recipes/distributed_training.py --virtual-devices 2
      KERAS_BACKEND=tensorflow python recipes/distributed_training.py --virtual-devices 2
Several hosts (same script in every process, see ``--help`` and the README):
      JAX:  add --coordinator HOST:PORT --num-processes N --process-id I
      TF:   export TF_CONFIG='{"cluster": {"worker": ["h0:12345", "h1:12345"]},
                               "task": {"type": "worker", "index": I}}'
            (Keras 3.15.1's fit fails under MultiWorkerMirroredStrategy with "Attempt to
            convert a value (PerReplica...) to a Tensor": keras-team/keras#20585, open;
            reproduced here with two workers on 127.0.0.1.)
"""

import argparse
import os
import tempfile
import time


def set_virtual_devices(count):
    """Splits the host CPU into ``count`` devices; must run before the backend starts."""
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend == "jax":
        flag = f"--xla_force_host_platform_device_count={count}"
        os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flag}".strip()
    elif backend == "tensorflow":
        import tensorflow as tf

        try:
            tf.config.set_logical_device_configuration(
                tf.config.list_physical_devices("CPU")[0],
                [tf.config.LogicalDeviceConfiguration()] * count)
        except RuntimeError as error:
            raise ValueError("--virtual-devices must be set before TensorFlow starts (run "
                             f"the recipe as a script): {error}. Received: "
                             f"virtual_devices={count}") from error


def _trim(x, y, batch, replicas):
    """Drops the few samples that would leave an unequal last batch."""
    n = len(x) - (len(x) % batch) % replicas
    return x[:n], y[:n]


def _process_share(strategy, arrays, batch):
    """JAX with several processes: each feeds its own slice and per-process batch.

    ``keras.distribution`` treats what each process passes to ``fit`` as its
    local part of the global batch; TensorFlow's MultiWorkerMirroredStrategy
    shards the data itself and takes the global batch.
    """
    import keras

    if keras.backend.backend() != "jax":
        return arrays, batch
    import jax

    count, index = jax.process_count(), jax.process_index()
    if count == 1:
        return arrays, batch
    strategy.engine.auto_shard_dataset = False  # NumPy slices: sharded here, not by Keras
    return [a[index::count] for a in arrays], batch // count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=None,
                        help="devices to use (default: all accelerators, else all CPU devices)")
    parser.add_argument("--virtual-devices", type=int, default=0,
                        help="split the CPU into this many devices first (0: do not)")
    parser.add_argument("--per-replica-batch", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--warmup-epochs", type=int, default=2)
    parser.add_argument("--coordinator", default=None,
                        help="JAX multi-host: HOST:PORT of process 0")
    parser.add_argument("--num-processes", type=int, default=None)
    parser.add_argument("--process-id", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2))
    args = parser.parse_args(argv)
    if args.virtual_devices:
        set_virtual_devices(args.virtual_devices)

    import keras
    import numpy as np

    import kzoo
    from kzoo import data
    from kzoo.distribute import data_parallel, global_batch_size, scaled_learning_rate

    if args.coordinator:  # JAX several hosts: wraps jax.distributed.initialize
        keras.distribution.initialize(args.coordinator, args.num_processes, args.process_id)
    start = time.perf_counter()
    strategy = data_parallel(devices=args.devices)  # first: TF's multi-worker needs it so
    keras.utils.set_random_seed(args.seed)
    replicas = strategy.num_replicas
    batch = global_batch_size(args.per_replica_batch, replicas)
    lr = scaled_learning_rate(kzoo.defaults.LEARNING_RATE, batch)
    print(f"{strategy}\nglobal batch {args.per_replica_batch} x {replicas} = {batch}; "
          f"learning rate 1e-3 x {batch}/32 = {lr:g} after {args.warmup_epochs} warm-up epochs")

    x, y = data.load_digits()
    s, _ = data.standardize(data.split(x, y, seed=args.seed))
    x_train, y_train = _trim(s.x_train, s.y_train, batch, replicas)
    x_val, y_val = _trim(*s.val, batch, replicas)
    x_test, y_test = _trim(s.x_test, s.y_test, batch, replicas)
    (x_train, y_train, x_val, y_val, x_test, y_test), feed = _process_share(
        strategy, [x_train, y_train, x_val, y_val, x_test, y_test], batch)
    steps = -(-len(x_train) // batch)
    schedule = keras.optimizers.schedules.CosineDecay(
        kzoo.defaults.LEARNING_RATE, decay_steps=max(1, steps * args.epochs),
        warmup_target=lr, warmup_steps=steps * min(args.warmup_epochs, args.epochs))
    with strategy.scope():
        model = kzoo.mlp_classifier(num_classes=10, input_shape=x.shape[1:],
                                    learning_rate=schedule)
        strategy.check_model(model)
        strategy.check_fit(batch, len(x_train) * (batch // feed),
                           validation_samples=len(x_val) * (batch // feed))
        history = model.fit(x_train, y_train, validation_data=(x_val, y_val),
                            batch_size=feed, epochs=args.epochs, verbose=args.verbose)
        test = model.evaluate(x_test, y_test, batch_size=feed, verbose=0, return_dict=True)
        # Keras 3.15.1's predict cannot fetch a batch sharded over other hosts'
        # devices ("spans non-addressable devices"): several JAX processes skip it.
        pred = model.predict(x_test, batch_size=feed, verbose=0) if feed == batch else None
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "distributed.keras")
        model.save(path)
        reloaded = keras.saving.load_model(path)  # outside the scope: one device
        single = reloaded.predict(x_test, verbose=0)
        diff = None if pred is None else float(np.max(np.abs(pred - single)))
    result = {"backend": strategy.backend, "replicas": replicas, "global_batch": batch,
              "learning_rate": lr, "final_loss": float(history.history["loss"][-1]),
              "test_accuracy": float(test["accuracy"]), "reload_max_abs_diff": diff,
              "reloaded_accuracy": float(np.mean(np.argmax(single, -1) == y_test)),
              "seconds": time.perf_counter() - start}
    print(f"test accuracy {result['test_accuracy']:.3f} on {replicas} replicas; reloaded on "
          f"one device: accuracy {result['reloaded_accuracy']:.3f} on this process's test "
          f"samples, max |prediction difference| {diff}; {result['seconds']:.1f}s")
    return result


if __name__ == "__main__":
    main()
