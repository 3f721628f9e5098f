"""benchmarks/ucr.py runs at tiny size on generated .ts files (it asserts no accuracy)."""


from kzoo import data


def _write(folder, name, **kwargs):
    for part, seed in (("TRAIN", 0), ("TEST", 1)):
        x, labels = data.shape_series(24, length=16, seed=seed, **kwargs)
        data.write_ts(folder / f"{name}_{part}.ts", x, labels, problem_name=name)


def test_ucr_benchmark_prints_and_writes_the_table(tmp_path, capsys, load_benchmark):
    _write(tmp_path, "Tiny", channels=2)
    _write(tmp_path, "Ragged", variable_length=True)
    out = tmp_path / "results.md"
    rows = load_benchmark("ucr").main(["--data", str(tmp_path), "--datasets", "Tiny", "Ragged",
                                  "--models", "mlp_classifier", "no_such_classifier",
                                  "--epochs", "1", "--out", str(out)])
    assert [r["dataset"] for r in rows] == ["Tiny", "Ragged"]
    for row in rows:
        result = row["results"]["mlp_classifier"]
        assert "error" not in result, result
        assert 0.0 <= result["accuracy"] <= 1.0 and result["epochs"] == 1
    assert rows[0]["normalized"] == "per channel" and rows[1]["normalized"] == "per series"
    printed = capsys.readouterr().out
    assert "no_such_classifier is not registered" in printed
    assert "| Tiny | 24/24 | 16 x 2 | per channel |" in printed
    assert "| Ragged | 24/24 | 16* x 1 |" in printed and "no published number" in printed
    text = out.read_text()
    assert text.startswith("Command: `python benchmarks/ucr.py --data") and "| Tiny |" in text


def test_published_numbers_cite_their_results_file(load_benchmark):
    bench = load_benchmark("ucr")
    for name, (accuracy, network, source) in bench.PUBLISHED.items():
        assert 0.5 < accuracy <= 1.0 and network and source.endswith(".csv"), name
