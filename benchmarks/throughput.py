"""Training throughput of every registered kzoo model on the current backend.

For each registered model's ``Example`` configuration it measures training
samples per second (``train_on_batch`` on a fixed batch, after warm-up steps
that include compilation). For ``mlp_classifier``, ``lstm_classifier`` and
``transformer_classifier`` it also times an equivalent hand-written PyTorch
training loop (``torch.nn.Linear`` stack / ``torch.nn.LSTM`` /
``torch.nn.TransformerEncoderLayer``: same sizes, same batch, same optimizer
and learning rate) in the same run and reports the ratio
``kzoo samples/s / torch samples/s`` (> 1: kzoo is faster).

It reports; it asserts nothing. Run it once per backend::

    KERAS_BACKEND=jax python benchmarks/throughput.py
    KERAS_BACKEND=torch python benchmarks/throughput.py --size medium --steps 50
    python benchmarks/throughput.py --torch-threads 1   # on a busy, shared machine

``--size example`` compares at the registry's tiny example sizes (dominated
by per-step overhead); ``--size medium`` at sizes closer to real use.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kzoo  # noqa: E402

# Sizes of the three kzoo-vs-torch comparisons. "example" uses the registry's
# example configuration of each model.
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


# --- hand-written PyTorch equivalents ----------------------------------------

def _torch_model(name, kw):
    import torch
    from torch import nn

    out = 1 if kw["num_classes"] == 2 else kw["num_classes"]
    if name == "mlp_classifier":
        layers, width = [], int(np.prod(kw["input_shape"]))
        for units in kw["hidden_units"]:
            layers += [nn.Linear(width, units), nn.ReLU(), nn.Dropout(kw["dropout"])]
            width = units
        return nn.Sequential(nn.Flatten(), *layers, nn.Linear(width, out))

    if name == "lstm_classifier":
        class LSTMClassifier(nn.Module):
            def __init__(self):
                super().__init__()
                directions = 2 if kw["bidirectional"] else 1
                self.embedding = nn.Embedding(kw["vocab_size"], kw["embedding_dim"],
                                              padding_idx=0)
                self.lstm = nn.LSTM(kw["embedding_dim"], kw["units"],
                                    num_layers=kw["num_layers"], batch_first=True,
                                    bidirectional=kw["bidirectional"])
                self.dropout = nn.Dropout(kw["dropout"])
                self.head = nn.Linear(kw["units"] * directions, out)

            def forward(self, tokens):
                _, (h, _) = self.lstm(self.embedding(tokens))
                last = torch.cat([h[-2], h[-1]], dim=-1) if self.lstm.bidirectional else h[-1]
                return self.head(self.dropout(last))
        return LSTMClassifier()

    class TransformerClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            dim, length = kw["embed_dim"], kw["sequence_length"]
            self.embedding = nn.Embedding(kw["vocab_size"], dim, padding_idx=0)
            self.positions = nn.Parameter(torch.randn(length, dim) * 0.02)
            self.encoder = nn.TransformerEncoder(
                nn.TransformerEncoderLayer(dim, kw["num_heads"], kw["ff_dim"],
                                           dropout=kw["dropout"], activation="gelu",
                                           batch_first=True, layer_norm_eps=1e-6),
                kw["num_layers"], enable_nested_tensor=False)
            self.dropout = nn.Dropout(kw["dropout"])
            self.head = nn.Linear(dim, out)

        def forward(self, tokens):
            pad = tokens == 0
            x = self.embedding(tokens) + self.positions[:tokens.shape[1]]
            x = self.encoder(self.dropout(x), src_key_padding_mask=pad)
            keep = (~pad).unsqueeze(-1).float()
            pooled = (x * keep).sum(1) / keep.sum(1).clamp(min=1)
            return self.head(self.dropout(pooled))
    return TransformerClassifier()


def _time_torch(name, kw, x, y, *, warmup, steps):
    import torch

    model = _torch_model(name, kw)
    opt_name = kw["optimizer"]
    params = model.parameters()
    lr = kw["learning_rate"]
    if opt_name == "adamw":
        optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.004)  # Keras' default
    elif opt_name == "sgd":
        optimizer = torch.optim.SGD(params, lr=lr, momentum=0.9)
    elif opt_name == "rmsprop":
        optimizer = torch.optim.RMSprop(params, lr=lr, alpha=0.9)
    else:
        optimizer = torch.optim.Adam(params, lr=lr, eps=1e-7)  # Keras' epsilon
    binary = kw["num_classes"] == 2
    loss_fn = torch.nn.BCEWithLogitsLoss() if binary else torch.nn.CrossEntropyLoss()
    xt = torch.as_tensor(x)
    yt = torch.as_tensor(y).float().unsqueeze(-1) if binary else torch.as_tensor(y).long()
    model.train()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(xt), yt)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    float(loss.detach())
    return time.perf_counter() - start


def run(patterns=("*",), *, batch_size=32, warmup=3, steps=20, size="example", torch_ref=True,
        seed=0):
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
        kw = {**info.defaults, **call_kwargs}  # every size, for the torch twin
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
        row = {"model": name, "params": model.count_params(),
               "samples_per_s": steps * batch_size / seconds}
        if torch_ref and name in _MEDIUM:
            torch_seconds = _time_torch(name, kw, x, y, warmup=warmup, steps=steps)
            row["torch_samples_per_s"] = steps * batch_size / torch_seconds
            row["ratio_vs_torch"] = row["samples_per_s"] / row["torch_samples_per_s"]
        rows.append(row)
    return rows


def format_table(rows, *, backend, batch_size, steps, size, torch_threads=None):
    threads = f"  torch_threads={torch_threads}" if torch_threads else ""
    lines = [f"backend={backend}  batch_size={batch_size}  timed_steps={steps}  size={size}"
             + threads,
             "", "| model | params | samples/s | torch loop samples/s | kzoo / torch |",
             "|---|---:|---:|---:|---:|"]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['model']} | - | failed: {row['error']} | - | - |")
            continue
        torch_cols = ("| {:,.0f} | {:.2f} ".format(row["torch_samples_per_s"],
                                                    row["ratio_vs_torch"])
                      if "ratio_vs_torch" in row else "| - | - ")
        lines.append(f"| {row['model']} | {row['params']:,} | {row['samples_per_s']:,.0f} "
                     + torch_cols + "|")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["*"],
                        help="fnmatch patterns of model names (default: all)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--size", choices=("example", "medium"), default="example")
    parser.add_argument("--no-torch", action="store_true",
                        help="skip the hand-written PyTorch reference loops")
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="torch.set_num_threads for the torch loops (and the Keras torch "
                             "backend); on a busy machine 1 avoids OpenMP oversubscription")
    args = parser.parse_args(argv)
    torch_ref = not args.no_torch
    threads = None
    if torch_ref or keras.backend.backend() == "torch":
        try:
            import torch

            if args.torch_threads:
                torch.set_num_threads(args.torch_threads)
            threads = torch.get_num_threads()
        except ImportError:
            print("torch is not installed: no PyTorch reference loops", file=sys.stderr)
            torch_ref = False
    rows = run(args.models, batch_size=args.batch_size, warmup=args.warmup, steps=args.steps,
               size=args.size, torch_ref=torch_ref)
    print(format_table(rows, backend=keras.backend.backend(), batch_size=args.batch_size,
                       steps=args.steps, size=args.size, torch_threads=threads))
    return rows


if __name__ == "__main__":
    main()
