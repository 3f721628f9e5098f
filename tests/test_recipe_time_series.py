"""recipes/time_series_classification.py: .ts files -> FCN -> test accuracy, end to end."""

import keras
import numpy as np


def test_time_series_recipe_learns_the_generated_problem(load_recipe, tmp_path, capsys):
    result = load_recipe("time_series_classification").main(
        ["--n", "45", "--length", "24", "--epochs", "12", "--output", str(tmp_path),
         "--verbose", "0"])
    assert result["accuracy"] >= 0.8, result["accuracy"]        # chance is 1/3
    assert result["confusion_matrix"].shape == (3, 3)
    assert result["confusion_matrix"].sum() == 45
    assert list(result["classes"]) == ["sawtooth", "sine", "square"]
    out = capsys.readouterr().out
    assert "normalized per series" in out and "confusion matrix" in out
    assert (tmp_path / "data" / "Shapes_TRAIN.ts").stat().st_size > 0
    model = keras.saving.load_model(result["path"])
    assert model.name == "fcn_classifier"
    assert np.isfinite(model.predict(np.zeros((2, 24, 1)), verbose=0)).all()
