"""The reuse-and-compress recipe runs end to end at a tiny size."""

import keras


def test_reuse_and_compress_recipe(load_recipe, tmp_path, capsys):
    # 419 = 1257 / 3: full batches only, so each model compiles one train step on JAX;
    # the few-label distillation comparison is covered by tests/test_distillation.py.
    result = load_recipe("reuse_and_compress").main(
        ["--epochs", "20", "--batch-size", "419", "--prune-epochs", "3", "--transfer-epochs",
         "15", "--few-labels", "0", "--output", str(tmp_path)])
    rows = result["rows"]
    assert rows["original"]["accuracy"] > 0.9
    assert rows["int8"]["accuracy"] >= rows["original"]["accuracy"] - 0.02
    assert rows["int8"]["file_kb"] < 0.5 * rows["original"]["file_kb"]
    pruned = rows["pruned 80% weights"]
    assert pruned["nonzero"] < 0.35 * rows["original"]["nonzero"]
    assert pruned["zipped_kb"] < 0.6 * rows["original"]["zipped_kb"]
    shrunk = rows["pruned 50% units + shrink"]
    assert shrunk["parameters"] < 0.4 * rows["original"]["parameters"]
    assert rows["distilled student"]["parameters"] < 0.05 * rows["original"]["parameters"]
    assert result["transfer"]["transfer"] > result["transfer"]["scratch"]
    out = capsys.readouterr().out
    assert "zipped KB" in out and "transfer to noisy digits" in out
    assert keras.saving.load_model(tmp_path / "shrunk.keras").count_params() == \
        shrunk["parameters"]
