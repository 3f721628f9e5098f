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
