"""Smoke tests of the attention recipes (loaded by path, as in test_recipes.py)."""

import keras
import numpy as np
import pytest


@pytest.mark.slow
def test_seq2seq_reversal_recipe(load_recipe, tmp_path, capsys):
    result = load_recipe("seq2seq_reversal").main(
        ["--length", "4", "--samples", "2000", "--epochs", "3", "--units", "32",
         "--learning-rate", "1e-2", "--verbose", "0", "--output", str(tmp_path)])
    assert result["teacher_forced_accuracy"] >= 0.9
    assert result["greedy_token_accuracy"] >= 0.9
    np.testing.assert_allclose(result["attention"].sum(axis=-1), 1.0, atol=1e-4)
    out = capsys.readouterr().out
    assert "who looks at whom" in out and "++" in out and "->" in out
    assert keras.saving.load_model(tmp_path / "seq2seq_attention.keras").name == \
        "seq2seq_attention"


@pytest.mark.slow
def test_text_classification_recipe(load_recipe, tmp_path, capsys):
    result = load_recipe("text_classification").main(
        ["--samples", "2000", "--length", "12", "--epochs", "3", "--learning-rate", "3e-3",
         "--verbose", "0",
         "--output", str(tmp_path)])
    # chance is 0.5; a few epochs put it well above (the 0.5 threshold lags the AUC)
    assert result["accuracy"] >= 0.75 and result["auc"] >= 0.85, result
    assert result["majority_baseline"] < 0.55
    assert "test accuracy" in capsys.readouterr().out
    assert (tmp_path / "transformer_classifier.keras").exists()
