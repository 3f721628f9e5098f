"""One epoch of ``model.fit`` with kzoo's defaults against the guide's PyTorch loop.

The comparison a reader of the guide makes: the same architecture, the same
data, the same optimizer and batch size (32), one warm-up epoch, then one timed
epoch of

* kzoo: ``model.fit(x, y, batch_size=32, epochs=1)`` with the factory's
  defaults (its loss, optimizer and metrics), on each Keras backend;
* PyTorch, written as the guide writes it (``nn-cheatsheet``: "Training Loop
  (PyTorch)")::

      for batch_x, batch_y in dataloader:        # DataLoader(shuffle=True)
          loss = criterion(model(batch_x), batch_y)
          optimizer.zero_grad(); loss.backward(); optimizer.step()

Models (the issue's sizes): ``mlp_classifier`` 64 -> 256 -> 128 -> 10,
``cnn_classifier`` 28x28x1 with its defaults, ``lstm_classifier`` and
``gru_classifier`` on T=100 steps of 4 features with 128 units,
``transformer_classifier`` with its defaults on 64 tokens (vocabulary 1000).

Every measurement runs in a fresh subprocess (two frameworks' thread pools in
one process distort each other), the PyTorch loop and the kzoo backends are
run in an order that rotates from one repeat to the next, and the table shows
medians. ``ratio`` is PyTorch-loop seconds / kzoo seconds (> 1: kzoo is
faster). Peak memory is each child's ``resource.getrusage(...).ru_maxrss``.
It reports; it asserts nothing::

    python benchmarks/vs_pytorch.py                       # every model, 3 backends
    python benchmarks/vs_pytorch.py --models lstm gru --backends torch --repeats 5
    python benchmarks/vs_pytorch.py --tiny                # seconds: a smoke test
"""

import argparse
import json
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

MODELS = ("mlp", "cnn", "lstm", "gru", "transformer")
BACKENDS = ("jax", "tensorflow", "torch")
BATCH_SIZE = 32
VOCAB = 1000

# kzoo's factory defaults the PyTorch twins need, written out so that the
# PyTorch process never imports Keras (tests/test_benchmark.py checks them).
TWIN_DEFAULTS = {
    "mlp": {"dropout": 0.3},
    "cnn": {"filters": (32, 64), "kernel_size": 3, "dense_units": (128,), "dropout": 0.3},
    "lstm": {"dropout": 0.3},
    "gru": {"dropout": 0.3},
    "transformer": {"embed_dim": 128, "num_heads": 8, "ff_dim": 256, "num_layers": 2,
                    "dropout": 0.1},
}

# Factory arguments (kzoo) and the sizes the PyTorch twin is built from.
_FULL = {
    "mlp": {"num_classes": 10, "input_shape": (64,), "hidden_units": (256, 128)},
    "cnn": {"num_classes": 10, "input_shape": (28, 28, 1)},
    "lstm": {"num_classes": 2, "input_shape": (100, 4), "units": 128},
    "gru": {"num_classes": 2, "input_shape": (100, 4), "units": 128},
    "transformer": {"num_classes": 2, "vocab_size": VOCAB, "sequence_length": 64},
}
_TINY = {
    "mlp": {"num_classes": 10, "input_shape": (8,), "hidden_units": (16, 8)},
    "cnn": {"num_classes": 3, "input_shape": (8, 8, 1), "filters": (4, 8),
            "dense_units": (8,)},
    "lstm": {"num_classes": 2, "input_shape": (6, 2), "units": 4},
    "gru": {"num_classes": 2, "input_shape": (6, 2), "units": 4},
    "transformer": {"num_classes": 2, "vocab_size": 50, "sequence_length": 8,
                    "embed_dim": 8, "num_heads": 2, "ff_dim": 8, "num_layers": 1},
}


def model_kwargs(model, tiny=False):
    """The factory arguments of one compared model."""
    return dict((_TINY if tiny else _FULL)[model])


def make_data(model, kw, samples, seed=0):
    """Seeded synthetic inputs (channels-last) and integer labels."""
    rng = np.random.default_rng(seed)
    if model == "transformer":
        x = rng.integers(1, kw["vocab_size"], size=(samples, kw["sequence_length"]))
        x = x.astype("int32")
    else:
        x = rng.normal(size=(samples, *kw["input_shape"])).astype("float32")
    return x, rng.integers(0, kw["num_classes"], size=samples).astype("int32")


def _peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --- kzoo side (a child process with KERAS_BACKEND set) ---------------------

def time_kzoo(model, kw, x, y):
    """Seconds of the epoch after a warm-up epoch of ``model.fit``."""
    import keras

    import kzoo

    keras.utils.set_random_seed(0)
    net = kzoo.create_model(f"{model}_classifier", **kw)
    net.fit(x, y, batch_size=BATCH_SIZE, epochs=1, verbose=0)   # warm-up (compiles)
    start = time.perf_counter()
    net.fit(x, y, batch_size=BATCH_SIZE, epochs=1, verbose=0)
    return time.perf_counter() - start


# --- PyTorch side: the guide's loop ------------------------------------------

def torch_model(model, kw):
    """The hand-written PyTorch twin of one kzoo model (same layers and widths)."""
    from torch import nn

    kw = {**TWIN_DEFAULTS[model], **kw}
    out = 1 if kw["num_classes"] == 2 else kw["num_classes"]
    if model == "mlp":
        layers, width = [], int(np.prod(kw["input_shape"]))
        for units in kw["hidden_units"]:
            layers += [nn.Linear(width, units), nn.ReLU(), nn.Dropout(kw["dropout"])]
            width = units
        return nn.Sequential(nn.Flatten(), *layers, nn.Linear(width, out))
    if model == "cnn":
        return _torch_cnn(kw, out)
    if model in ("lstm", "gru"):
        return _torch_recurrent(model, kw, out)
    return _torch_transformer(kw, out)


def _torch_cnn(kw, out):
    from torch import nn

    layers, channels, side = [], kw["input_shape"][-1], kw["input_shape"][0]
    for filters in kw["filters"]:
        layers += [nn.Conv2d(channels, filters, kw["kernel_size"], padding="same", bias=False),
                   nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01),  # Keras' defaults
                   nn.ReLU(), nn.MaxPool2d(2)]
        channels, side = filters, side // 2
    layers.append(nn.Flatten())
    width = channels * side * side
    for units in kw["dense_units"]:
        layers += [nn.Linear(width, units), nn.ReLU(), nn.Dropout(kw["dropout"])]
        width = units
    return nn.Sequential(*layers, nn.Linear(width, out))


def _torch_recurrent(cell, kw, out):
    from torch import nn

    class RecurrentClassifier(nn.Module):
        """nn.LSTM / nn.GRU, last output, dropout, linear head."""

        def __init__(self):
            super().__init__()
            rnn = nn.LSTM if cell == "lstm" else nn.GRU
            self.rnn = rnn(kw["input_shape"][-1], kw["units"], batch_first=True)
            self.dropout = nn.Dropout(kw["dropout"])
            self.head = nn.Linear(kw["units"], out)

        def forward(self, x):
            outputs, _ = self.rnn(x)
            return self.head(self.dropout(outputs[:, -1]))
    return RecurrentClassifier()


def _torch_transformer(kw, out):
    import torch
    from torch import nn

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


def _torch_optimizer(model, params):
    import torch

    if model == "transformer":   # kzoo's transformer default: AdamW, Keras' weight decay
        return torch.optim.AdamW(params, lr=1e-3, eps=1e-7, weight_decay=0.004)
    return torch.optim.Adam(params, lr=1e-3, eps=1e-7)            # Keras' epsilon


def time_torch(model, kw, x, y):
    """Seconds of the guide's loop over one epoch, after a warm-up epoch."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    net = torch_model(model, kw)
    optimizer = _torch_optimizer(model, net.parameters())
    binary = kw["num_classes"] == 2
    criterion = torch.nn.BCEWithLogitsLoss() if binary else torch.nn.CrossEntropyLoss()
    xt = torch.as_tensor(x)
    if model == "cnn":
        xt = xt.permute(0, 3, 1, 2).contiguous()          # PyTorch convolutions: NCHW
    yt = torch.as_tensor(y).float().unsqueeze(-1) if binary else torch.as_tensor(y).long()
    dataloader = DataLoader(TensorDataset(xt, yt), batch_size=BATCH_SIZE, shuffle=True)

    def epoch():
        net.train()
        for batch_x, batch_y in dataloader:
            predictions = net(batch_x)
            loss = criterion(predictions, batch_y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return float(loss.detach())

    epoch()                                                 # warm-up
    start = time.perf_counter()
    epoch()
    return time.perf_counter() - start


# --- orchestration ------------------------------------------------------------

def _worker(args):
    """Child process: one timed epoch; prints one JSON line."""
    torch_side = args.worker == "torch" or os.environ.get("KERAS_BACKEND") == "torch"
    if torch_side and os.environ.get("KZOO_BENCH_TORCH_THREADS"):
        import torch
        torch.set_num_threads(int(os.environ["KZOO_BENCH_TORCH_THREADS"]))
    kw = model_kwargs(args.models[0], args.tiny)
    x, y = make_data(args.models[0], kw, args.samples)
    if args.worker == "torch":
        seconds = time_torch(args.models[0], kw, x, y)
    else:
        seconds = time_kzoo(args.models[0], kw, x, y)
    print("RESULT " + json.dumps({"seconds": seconds, "peak_mib": _peak_mib()}))


def _thread_env(threads):
    """Environment that caps every framework's CPU thread pools at ``threads``."""
    if not threads:
        return {}
    n = str(threads)
    return {"OMP_NUM_THREADS": n, "MKL_NUM_THREADS": n, "TF_NUM_INTRAOP_THREADS": n,
            "TF_NUM_INTEROP_THREADS": n, "KZOO_BENCH_TORCH_THREADS": n,
            "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=" + ("false" if threads == 1 else "true")}


def measure(side, model, *, samples, tiny, threads=None, timeout=3600):
    """Runs one measurement in a fresh process. ``side`` is "torch" or a backend."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **_thread_env(threads)}
    if side != "torch":
        env["KERAS_BACKEND"] = side
    root = str(pathlib.Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, __file__, "--worker", side, "--models", model,
           "--samples", str(samples)] + (["--tiny"] if tiny else [])
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    return {"error": f"exit {proc.returncode}: {tail[0][:160]}"}


def run(models=MODELS, backends=BACKENDS, *, repeats=3, samples=2048, tiny=False,
        threads=None, log=None):
    """All measurements; returns ``{model: {side: [result, ...]}}``.

    Per model and repeat the sides (the PyTorch loop, then each backend) run
    in an order rotated by one from the previous repeat, so no side always
    runs first or last on a shared machine.
    """
    results = {}
    for model in models:
        sides = ["torch-loop", *backends]
        results[model] = {side: [] for side in sides}
        for repeat in range(repeats):
            shift = repeat % len(sides)
            for side in sides[shift:] + sides[:shift]:
                result = measure("torch" if side == "torch-loop" else side, model,
                                 samples=samples, tiny=tiny, threads=threads)
                results[model][side].append(result)
                if log:
                    log(f"{model} {side} repeat {repeat}: {result}")
    return results


def summarize(results):
    """Median seconds, ratio and peak memory per model and backend."""
    rows = []
    for model, sides in results.items():
        ref = [r["seconds"] for r in sides["torch-loop"] if "seconds" in r]
        ref_mem = [r["peak_mib"] for r in sides["torch-loop"] if "peak_mib" in r]
        for side, runs in sides.items():
            if side == "torch-loop":
                continue
            ok = [r for r in runs if "seconds" in r]
            row = {"model": model, "backend": side, "runs": len(ok)}
            if not ok or not ref:
                errors = [r.get("error") for r in runs + sides["torch-loop"] if "error" in r]
                row["error"] = errors[0] if errors else "no measurement"
            else:
                row["kzoo_s"] = statistics.median(r["seconds"] for r in ok)
                row["torch_s"] = statistics.median(ref)
                row["ratio"] = row["torch_s"] / row["kzoo_s"]
                row["kzoo_peak_mib"] = statistics.median(r["peak_mib"] for r in ok)
                row["torch_peak_mib"] = statistics.median(ref_mem)
            rows.append(row)
    return rows


def format_table(rows, *, samples, repeats, threads=None):
    lines = [f"one epoch of {samples} samples, batch {BATCH_SIZE}, median of {repeats}, "
             f"threads={threads or 'default'}; ratio = PyTorch-loop s / kzoo s "
             "(> 1: kzoo faster)", "",
             "| model | backend | kzoo s | PyTorch loop s | ratio | kzoo peak MiB "
             "| PyTorch peak MiB |", "|---|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['model']} | {row['backend']} | failed: {row['error']} "
                         "| - | - | - | - |")
            continue
        lines.append("| {model} | {backend} | {kzoo_s:.3f} | {torch_s:.3f} | {ratio:.2f}x "
                     "| {kzoo_peak_mib:.0f} | {torch_peak_mib:.0f} |".format(**row))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--repeats", type=int, default=None,
                        help="measurements per side (default 3; 1 with --tiny)")
    parser.add_argument("--samples", type=int, default=None,
                        help="samples per epoch (default 2048; 64 with --tiny)")
    parser.add_argument("--tiny", action="store_true",
                        help="tiny models and data, one repeat by default: a smoke test")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap the CPU threads of every framework on both sides (torch, "
                             "OpenMP, TF, XLA); default: each framework's own choice. On a "
                             "busy, shared machine 1 avoids OpenMP oversubscription")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.samples is None:
        args.samples = 64 if args.tiny else 2048
    if args.repeats is None:
        args.repeats = 1 if args.tiny else 3
    if args.worker:
        return _worker(args)
    results = run(args.models, args.backends, repeats=args.repeats, samples=args.samples,
                  tiny=args.tiny, threads=args.threads,
                  log=lambda line: print(line, file=sys.stderr, flush=True))
    rows = summarize(results)
    print(format_table(rows, samples=args.samples, repeats=args.repeats, threads=args.threads))
    return rows


if __name__ == "__main__":
    main()
