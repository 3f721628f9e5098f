"""recipes/attack_defend_explain.py runs end to end at a tiny size."""

import keras

from kzoo import adversarial


def test_attack_defend_explain_recipe(load_recipe, tmp_path, capsys):
    summary = load_recipe("attack_defend_explain").main(
        ["--epochs", "3", "--eps-values", "0.1", "--methods", "fgsm", "--explain", "3",
         "--output", str(tmp_path)])
    out = capsys.readouterr().out
    assert "FGSM eps=0.15" in out and "robust FGSM" in out
    assert summary["clean_accuracy"] >= 0.5
    assert summary["fgsm_accuracy"] < summary["clean_accuracy"]
    for model in ("plain", "adversarially trained"):
        assert list(summary["curves"][model]) == ["fgsm"]
        assert list(summary["curves"][model]["fgsm"]) == [0.0, 0.1, 0.15]
    for name in ("robustness.png", "adversarial_examples.png", "saliency_plain.png",
                 "grad_cam_plain.png", "saliency_robust.png", "grad_cam_robust.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    trainer = keras.saving.load_model(tmp_path / "cnn_adversarial.keras")
    assert isinstance(trainer, adversarial.AdversarialTrainer)
    assert keras.saving.load_model(tmp_path / "cnn_plain.keras").name == "cnn_classifier"
