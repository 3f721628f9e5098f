"""Training throughput of every registered kzoo model on the current backend.

For each registered model's ``Example`` configuration it measures training
samples per second (``train_on_batch`` on a fixed batch, after warm-up steps
that include compilation): a quick look across the whole registry. The
comparison with the guide's hand-written PyTorch loop (one epoch of ``fit``,
each side in its own process) is ``benchmarks/vs_pytorch.py``: one fixed batch
in the same process as another framework hides what a user meets.

It reports; it asserts nothing. Run it once per backend::

    KERAS_BACKEND=jax python benchmarks/throughput.py
    KERAS_BACKEND=torch python benchmarks/throughput.py --size medium --steps 50
    KERAS_BACKEND=torch python benchmarks/throughput.py --torch-threads 1   # busy machine

``--size example`` compares at the registry's tiny example sizes (dominated
by per-step overhead); ``--size medium`` at sizes closer to real use.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kzoo  # noqa: E402

# "medium" sizes, closer to real use, for three models; "example" uses the
# registry's example configuration of each model.
_MEDIUM = {
    "mlp_classifier": {"num_classes": 10, "input_shape": (64,), "hidden_units": (256, 128)},
    "lstm_classifier": {"num_classes": 2, "vocab_size": 1000, "sequence_length": 64,
                        "embedding_dim": 64, "units": 64},
    "transformer_classifier": {"num_classes": 2, "vocab_size": 1000, "sequence_length": 64,
                               "embed_dim": 64, "num_heads": 4, "ff_dim": 128,
                               "num_layers": 2},
}


def _batch(x, y, batch_size):
    """The first ``batch_size`` samples, tiling small examples up to that size."""
    def take(a):
        if a is None:
            return None
        if isinstance(a, dict):
            return {k: take(v) for k, v in a.items()}
        if isinstance(a, (list, tuple)):
            return [take(v) for v in a]
        a = np.asarray(a)
        reps = -(-batch_size // len(a))
        return np.concatenate([a] * reps)[:batch_size]
    return take(x), take(y)


def _time_keras(model, x, y, *, warmup, steps):
    for _ in range(warmup):
        model.train_on_batch(x, y) if y is not None else model.train_on_batch(x)
    start = time.perf_counter()
    for _ in range(steps):
        logs = model.train_on_batch(x, y) if y is not None else model.train_on_batch(x)
    np.asarray(logs)  # train_on_batch returns NumPy values: the step has finished
    return time.perf_counter() - start


def _call_kwargs(name, size):
    """Factory arguments: the example's, with the medium sizes laid over them."""
    info = kzoo.model_info(name)
    medium = _MEDIUM.get(name, {}) if size == "medium" else {}
    return {**info.example.kwargs, **medium}


def _random_data(name, kw, n, rng):
    """Inputs and labels for the three compared models at any size."""
    if name == "mlp_classifier":
        x = rng.normal(size=(n, *kw["input_shape"])).astype("float32")
    else:
        length = kw.get("sequence_length") or 12
        x = rng.integers(1, kw["vocab_size"], size=(n, length)).astype("int32")
    return x, rng.integers(0, kw["num_classes"], size=n).astype("int32")


def run(patterns=("*",), *, batch_size=32, warmup=3, steps=20, size="example", seed=0):
    """Measures every matching model; returns one dict per model."""
    rows = []
    rng = np.random.default_rng(seed)
    if isinstance(patterns, str):
        patterns = (patterns,)
    names = sorted({name for pattern in patterns for name in kzoo.list_models(pattern)})
    for name in names:
        info = kzoo.model_info(name)
        if info.example is None:
            continue
        keras.backend.clear_session()
        keras.utils.set_random_seed(seed)
        call_kwargs = _call_kwargs(name, size)
        kw = {**info.defaults, **call_kwargs}
        medium = size == "medium" and name in _MEDIUM
        try:
            if medium:
                x, y = _random_data(name, kw, batch_size, rng)
            else:
                x, y = _batch(*info.example.make_data(seed), batch_size)
            model = info.factory(**call_kwargs)
            if not model.compiled:
                continue
            seconds = _time_keras(model, x, y, warmup=warmup, steps=steps)
        except Exception as error:  # a report, not a test: note it and go on
            rows.append({"model": name, "error": f"{type(error).__name__}: {error}"[:120]})
            continue
        rows.append({"model": name, "params": model.count_params(),
                     "samples_per_s": steps * batch_size / seconds})
    return rows


def format_table(rows, *, backend, batch_size, steps, size, torch_threads=None):
    threads = f"  torch_threads={torch_threads}" if torch_threads else ""
    lines = [f"backend={backend}  batch_size={batch_size}  timed_steps={steps}  size={size}"
             + threads,
             "", "| model | params | samples/s |", "|---|---:|---:|"]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['model']} | - | failed: {row['error']} |")
            continue
        lines.append(f"| {row['model']} | {row['params']:,} | {row['samples_per_s']:,.0f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["*"],
                        help="fnmatch patterns of model names (default: all)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--size", choices=("example", "medium"), default="example")
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="torch.set_num_threads for the Keras torch backend; on a busy "
                             "machine 1 avoids OpenMP oversubscription")
    args = parser.parse_args(argv)
    threads = None
    if keras.backend.backend() == "torch":
        import torch

        if args.torch_threads:
            torch.set_num_threads(args.torch_threads)
        threads = torch.get_num_threads()
    rows = run(args.models, batch_size=args.batch_size, warmup=args.warmup, steps=args.steps,
               size=args.size)
    print(format_table(rows, backend=keras.backend.backend(), batch_size=args.batch_size,
                       steps=args.steps, size=args.size, torch_threads=threads))
    return rows


if __name__ == "__main__":
    main()
