"""The reuse-and-compress recipe runs end to end at a tiny size."""

import keras


def test_reuse_and_compress_recipe(load_recipe, tmp_path, capsys):
    result = load_recipe("reuse_and_compress").main(
        ["--epochs", "10", "--batch-size", "128", "--prune-epochs", "3", "--transfer-epochs", "15",
         "--output", str(tmp_path)])
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
