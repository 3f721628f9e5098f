"""The recipes run end to end and reach the scores they promise."""

import importlib.util
import pathlib

import keras

RECIPES = pathlib.Path(__file__).parent.parent / "recipes"


def load_recipe(name):
    spec = importlib.util.spec_from_file_location(f"recipe_{name}", RECIPES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quickstart_reaches_097_on_the_test_split(tmp_path, capsys):
    scores = load_recipe("quickstart").main(["--output", str(tmp_path), "--verbose", "0"])
    assert scores["accuracy"] >= 0.97
    out = capsys.readouterr().out
    assert "test accuracy" in out and "precision" in out  # per-class report printed
    model = keras.saving.load_model(tmp_path / "mlp_classifier.keras")
    assert model.name == "mlp_classifier"
