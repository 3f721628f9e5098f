"""The recipes run end to end and reach the scores they promise."""

import keras


def test_quickstart_reaches_097_on_the_test_split(load_recipe, tmp_path, capsys):
    scores = load_recipe("quickstart").main(["--output", str(tmp_path), "--verbose", "0"])
    assert scores["accuracy"] >= 0.97
    out = capsys.readouterr().out
    assert "test accuracy" in out and "precision" in out  # per-class report printed
    model = keras.saving.load_model(tmp_path / "mlp_classifier.keras")
    assert model.name == "mlp_classifier"
    # The evaluation report: metric table printed, figures and summary written.
    assert "auc_roc" in out and "confusion matrix" in out
    report = tmp_path / "report"
    for name in ("loss.png", "accuracy.png", "confusion_matrix.png", "roc.png", "summary.md"):
        assert (report / name).stat().st_size > 0, name
    assert "| accuracy |" in (report / "summary.md").read_text()
