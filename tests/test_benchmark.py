"""The benchmarks (throughput.py, vs_pytorch.py) run and report; they assert no speed."""

import importlib.util

import numpy as np
import pytest

HAS_TORCH = importlib.util.find_spec("torch") is not None


def test_throughput_main_reports_every_model(capsys, load_benchmark):
    names = ["mlp_classifier", "perceptron"]
    rows = load_benchmark("throughput").main(["--models", *names, "--steps", "1", "--warmup", "1",
                                  "--batch-size", "8"])
    assert [row["model"] for row in rows] == names
    for row in rows:
        assert "error" not in row, row
        assert row["samples_per_s"] > 0 and row["params"] > 0
    out = capsys.readouterr().out
    assert "| model | params | samples/s |" in out and "perceptron" in out


@pytest.mark.skipif(not HAS_TORCH, reason="the PyTorch reference loop needs torch")
def test_vs_pytorch_runs_at_tiny_size_and_reports_a_ratio(capsys, load_benchmark):
    """Two subprocesses (the PyTorch loop, kzoo on this backend); it asserts no speed."""
    import keras

    backend = keras.backend.backend()
    rows = load_benchmark("vs_pytorch").main(["--tiny", "--models", "mlp", "--backends", backend,
                                   "--threads", "1"])
    assert [(row["model"], row["backend"]) for row in rows] == [("mlp", backend)]
    row = rows[0]
    assert "error" not in row, row
    assert row["kzoo_s"] > 0 and row["torch_s"] > 0 and row["kzoo_peak_mib"] > 0
    assert row["ratio"] == pytest.approx(row["torch_s"] / row["kzoo_s"])
    assert f"| mlp | {backend} |" in capsys.readouterr().out


@pytest.mark.skipif(not HAS_TORCH, reason="the PyTorch twins need torch")
@pytest.mark.parametrize("model", ["mlp", "cnn", "lstm", "gru", "transformer"])
def test_vs_pytorch_twins_have_the_kzoo_architecture(model, load_benchmark):
    """Same defaults and (up to PyTorch's second recurrent bias) the same weights."""
    import torch

    import kzoo

    bench = load_benchmark("vs_pytorch")
    defaults = kzoo.model_info(f"{model}_classifier").defaults
    assert {k: defaults[k] for k in bench.TWIN_DEFAULTS[model]} == bench.TWIN_DEFAULTS[model]
    kw = bench.model_kwargs(model)  # the sizes of the published table
    twin = bench.torch_model(model, kw)
    net = kzoo.create_model(f"{model}_classifier", **kw, compile=False)
    x, _ = bench.make_data(model, kw, 2)
    xt = torch.as_tensor(x)
    out = twin(xt.permute(0, 3, 1, 2) if model == "cnn" else xt)
    assert tuple(out.shape) == (2, *net.output.shape[1:])
    torch_params = sum(p.numel() for p in twin.parameters())
    extra = 0
    if model in ("lstm", "gru"):  # PyTorch: bias_hh next to bias_ih
        gates, units = (4 if model == "lstm" else 3), kw["units"]
        extra = gates * units if model == "lstm" else 0  # Keras GRU keeps both biases
    # Trainable weights only: BatchNorm's moving statistics (and kzoo's update count) are
    # non-trainable weights in Keras and buffers in PyTorch.
    trainable = sum(int(np.prod(w.shape)) for w in net.trainable_weights)
    assert torch_params == trainable + extra, (torch_params, trainable)
