"""Tuning on an accelerator: XLA-compiled trials and their throughput.

Runs the same small search twice, with ``jit_compile=True`` (XLA on
TensorFlow and JAX) and with ``jit_compile=False``, and reports for each the
trial throughput: trials per minute and training samples per second (epochs
actually trained x training samples / trial wall time, compilation
included). The model is ``mlp_classifier`` (or ``--model``), a model
without layers that silently disable XLA; ``kzoo.tune(jit_compile=True)``
refuses one that has them (see ``kzoo.tuning.xla``).

On PyTorch ``jit_compile=True`` means ``torch.compile``, whose first step
takes minutes on a CPU: this recipe then compares eager with eager unless
``--torch-compile`` is given. It runs on a CPU too (the numbers then say
what XLA does on the CPU).

Run:  python recipes/tune_gpu.py                     (uses the GPU when one is visible)
      KERAS_BACKEND=jax python recipes/tune_gpu.py --max-trials 8 --samples 60000
"""

import argparse
import time

import keras
import numpy as np

import kzoo


def devices():
    """The accelerators the current backend sees, as a short string."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return ", ".join(str(d) for d in jax.devices())
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        return ", ".join(g.name for g in gpus) or "CPU"
    if backend == "torch":
        import torch

        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU"
    return "unknown"


def synthetic(samples, features, classes, seed):
    """Gaussian blobs: big enough to measure throughput, no download needed."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, size=samples).astype("int32")
    centers = rng.normal(0, 1.5, size=(classes, features))
    x = (centers[y] + rng.normal(0, 1, size=(samples, features))).astype("float32")
    return x, y


def throughput(result, train_samples):
    rows = result.trials.completed
    seconds = sum(r["seconds"] for r in rows)
    samples = sum(r["epochs"] * train_samples for r in rows)
    return {"trials": len(rows), "seconds": seconds,
            "trials_per_minute": 60 * len(rows) / seconds if seconds else float("nan"),
            "samples_per_second": samples / seconds if seconds else float("nan"),
            "best_score": result.best_score}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="mlp_classifier")
    parser.add_argument("--max-trials", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--torch-compile", action="store_true",
                        help="on PyTorch, compare torch.compile with eager")
    parser.add_argument("--output", default="runs/tune_gpu")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--verbose", type=int, default=1, choices=(0, 1))
    args = parser.parse_args(argv)

    backend = keras.backend.backend()
    print(f"backend {backend}, devices: {devices()}")
    x, y = synthetic(args.samples + max(args.samples // 5, 10), args.features, args.classes,
                     args.seed)
    x, y, xv, yv = x[:args.samples], y[:args.samples], x[args.samples:], y[args.samples:]
    # One fixed batch size so both runs do the same work per epoch.
    fixed = {"num_classes": args.classes, "batch_size": 256}
    modes = (True, False)
    if backend == "torch" and not args.torch_compile:
        print("PyTorch: jit_compile=True would be torch.compile; comparing eager runs "
              "(pass --torch-compile to include it).")
        modes = (False,)
    report = {}
    for jit in modes:
        start = time.perf_counter()
        result = kzoo.tune(args.model, x, y, validation_data=(xv, yv), fixed=fixed,
                           max_trials=args.max_trials, epochs=args.epochs,
                           jit_compile=jit, directory=args.output,
                           project_name=f"{args.model}_{backend}_jit{jit}", overwrite=True,
                           seed=args.seed, verbose=0)
        report[jit] = throughput(result, len(x))
        report[jit]["wall"] = time.perf_counter() - start
        if args.verbose:
            print(result.trials)

    print(f"\n{'jit_compile':<12} {'trials':>6} {'trials/min':>11} {'samples/s':>11} "
          f"{'best':>7}")
    for jit, r in report.items():
        print(f"{str(jit):<12} {r['trials']:>6} {r['trials_per_minute']:>11.2f} "
              f"{r['samples_per_second']:>11.0f} {r['best_score']:>7.4f}")
    if len(report) == 2 and report[False]["samples_per_second"]:
        print(f"XLA speed-up: "
              f"{report[True]['samples_per_second'] / report[False]['samples_per_second']:.2f}x")
    return report


if __name__ == "__main__":
    main()
