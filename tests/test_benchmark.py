"""benchmarks/throughput.py runs and reports (it asserts no speed)."""

import importlib.util
import pathlib

import numpy as np
import pytest

BENCHMARK = pathlib.Path(__file__).parent.parent / "benchmarks" / "throughput.py"
HAS_TORCH = importlib.util.find_spec("torch") is not None


def load_benchmark():
    spec = importlib.util.spec_from_file_location("kzoo_throughput", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_throughput_main_reports_models_and_the_torch_ratio(capsys):
    names = ["mlp_classifier", "perceptron"]
    rows = load_benchmark().main(["--models", *names, "--steps", "1", "--warmup", "1",
                                  "--batch-size", "8"])
    assert [row["model"] for row in rows] == names
    for row in rows:
        assert "error" not in row, row
        assert row["samples_per_s"] > 0 and row["params"] > 0
        if HAS_TORCH and row["model"] == "mlp_classifier":
            assert row["torch_samples_per_s"] > 0
            assert row["ratio_vs_torch"] == pytest.approx(
                row["samples_per_s"] / row["torch_samples_per_s"])
    out = capsys.readouterr().out
    assert "| model | params | samples/s |" in out and "perceptron" in out


@pytest.mark.skipif(not HAS_TORCH, reason="the PyTorch reference loops need torch")
@pytest.mark.parametrize("name", ["mlp_classifier", "lstm_classifier",
                                  "transformer_classifier"])
@pytest.mark.parametrize("size", ["example", "medium"])
def test_torch_twins_match_the_kzoo_sizes(name, size):
    """The hand-written loop trains a model of the same size on the same batch."""
    import torch

    import kzoo

    bench = load_benchmark()
    call_kwargs = bench._call_kwargs(name, size)
    kw = {**kzoo.model_info(name).defaults, **call_kwargs}
    x, y = bench._random_data(name, kw, 4, np.random.default_rng(0))
    twin = bench._torch_model(name, kw)
    out = twin(torch.as_tensor(x))
    assert tuple(out.shape) == (4, 1 if kw["num_classes"] == 2 else kw["num_classes"])
    keras_params = kzoo.create_model(name, **call_kwargs, compile=False).count_params()
    torch_params = sum(p.numel() for p in twin.parameters())
    # Same layers and widths; PyTorch's LSTM keeps two bias vectors per gate.
    slack = 0.25 if name == "lstm_classifier" else 0.02
    assert abs(torch_params - keras_params) <= slack * keras_params, (torch_params, keras_params)
    assert bench._time_torch(name, kw, x, y, warmup=1, steps=1) > 0
    table = bench.format_table([{"model": name, "error": "boom"}], backend="x", batch_size=4,
                               steps=1, size=size)
    assert "failed: boom" in table


VS_PYTORCH = pathlib.Path(__file__).parent.parent / "benchmarks" / "vs_pytorch.py"


def load_vs_pytorch():
    spec = importlib.util.spec_from_file_location("kzoo_vs_pytorch", VS_PYTORCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not HAS_TORCH, reason="the PyTorch reference loop needs torch")
def test_vs_pytorch_runs_at_tiny_size_and_reports_a_ratio(capsys):
    """Two subprocesses (the PyTorch loop, kzoo on this backend); it asserts no speed."""
    import keras

    backend = keras.backend.backend()
    rows = load_vs_pytorch().main(["--tiny", "--models", "mlp", "--backends", backend,
                                   "--threads", "1"])
    assert [(row["model"], row["backend"]) for row in rows] == [("mlp", backend)]
    row = rows[0]
    assert "error" not in row, row
    assert row["kzoo_s"] > 0 and row["torch_s"] > 0 and row["kzoo_peak_mib"] > 0
    assert row["ratio"] == pytest.approx(row["torch_s"] / row["kzoo_s"])
    assert f"| mlp | {backend} |" in capsys.readouterr().out


@pytest.mark.skipif(not HAS_TORCH, reason="the PyTorch twins need torch")
@pytest.mark.parametrize("model", ["mlp", "cnn", "lstm", "gru", "transformer"])
def test_vs_pytorch_twins_have_the_kzoo_architecture(model):
    """Same defaults and (up to PyTorch's second recurrent bias) the same weights."""
    import torch

    import kzoo

    bench = load_vs_pytorch()
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
    if model == "cnn":  # BatchNorm's moving statistics are buffers in PyTorch
        extra = -2 * sum(kw.get("filters", bench.TWIN_DEFAULTS["cnn"]["filters"]))
    assert torch_params == net.count_params() + extra, (torch_params, net.count_params())
