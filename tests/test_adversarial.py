"""Adversarial examples, robust accuracy and adversarial training (kzoo.adversarial)."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import adversarial

EPS = 0.15          # in pixel units of digits scaled to [0, 1] (16 grey levels: ~2.4 levels)
CLIP = (0.0, 1.0)
EPOCHS = 25
BATCH = 64


def _cnn():
    return kzoo.cnn_classifier(num_classes=10, input_shape=(8, 8, 1), filters=(16, 32),
                               dense_units=(64,))


@pytest.fixture(scope="module")
def digits():
    x, y = kzoo.data.load_digits(as_images=True)
    return kzoo.data.split(x / 16.0, y, seed=0)


@pytest.fixture(scope="module")
def trained(digits):
    """Weights and scores of a clean and an adversarially trained CNN (same seed, epochs)."""
    s = digits
    out = {}
    for kind in ("clean", "adversarial"):
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model = _cnn()
        if kind == "clean":
            model.fit(s.x_train, s.y_train, epochs=EPOCHS, batch_size=BATCH, verbose=0)
        else:
            trainer = adversarial.AdversarialTrainer(model, eps=EPS, ratio=0.5, clip=CLIP)
            trainer.fit(s.x_train, s.y_train, epochs=EPOCHS, batch_size=BATCH, verbose=0)
        out[kind] = {
            "weights": model.get_weights(),
            "clean": float(np.mean(model.predict(s.x_test, verbose=0).argmax(-1) == s.y_test)),
            "fgsm": adversarial.robust_accuracy(model, s.x_test, s.y_test, eps=EPS, clip=CLIP),
        }
    return out


def _model(weights):
    model = _cnn()
    model.set_weights(weights)
    return model


def test_fgsm_halves_accuracy_and_adversarial_training_restores_robustness(trained):
    clean, robust = trained["clean"], trained["adversarial"]
    assert clean["clean"] >= 0.9
    # FGSM at eps=0.15 cuts the clean model's accuracy by at least half.
    assert clean["fgsm"] <= clean["clean"] / 2, clean
    # Adversarial training: +15 points under the same attack, <= 5 points of clean accuracy.
    assert robust["fgsm"] >= clean["fgsm"] + 0.15, (clean, robust)
    assert robust["clean"] >= clean["clean"] - 0.05, (clean, robust)


def test_attacks_stay_in_the_budget_and_pgd_is_stronger(trained, digits):
    model = _model(trained["clean"]["weights"])
    x, y = digits.x_test[:128], digits.y_test[:128]
    x_fgsm = adversarial.fgsm(model, x, y, eps=EPS, clip=CLIP)
    x_pgd = adversarial.pgd(model, x, y, eps=EPS, steps=10, clip=CLIP, seed=0)
    for x_adv in (x_fgsm, x_pgd):
        assert x_adv.shape == x.shape and x_adv.dtype == np.float32
        assert np.abs(x_adv - x).max() <= EPS + 1e-5
        assert x_adv.min() >= 0.0 and x_adv.max() <= 1.0
    # FGSM moves every unclipped pixel by exactly eps (the sign of the gradient).
    moved = np.abs(x_fgsm - x)
    inside = (x_fgsm > 1e-6) & (x_fgsm < 1 - 1e-6)
    assert np.allclose(moved[inside], EPS, atol=1e-5)
    acc = lambda xa: np.mean(model.predict(xa, verbose=0).argmax(-1) == y)  # noqa: E731
    assert acc(x_pgd) <= acc(x_fgsm) + 0.02
    # The attack raises the loss it differentiates; eps=0 changes nothing.
    view = adversarial.ClassifierView(model)
    loss = lambda xa: float(np.mean(keras.ops.convert_to_numpy(view.losses(xa, y))))  # noqa: E731
    assert loss(x_fgsm) > loss(x) + 0.5
    np.testing.assert_array_equal(adversarial.fgsm(model, x, y, eps=0.0), x)
    # The logits the attack differentiates reproduce the model's probabilities.
    assert view.has_logits and view.num_classes == 10
    probs = keras.ops.convert_to_numpy(keras.ops.softmax(view.logits(x[:16]), axis=-1))
    np.testing.assert_allclose(probs, model.predict(x[:16], verbose=0), atol=1e-5)


def test_binary_classifier_is_attacked_and_robust_accuracy_is_logged():
    x, y = kzoo.data.load_breast_cancer()
    splits, _ = kzoo.data.standardize(kzoo.data.split(x, y, seed=0))
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(30,), hidden_units=(32,))
    # RobustAccuracy logs like a metric: EarlyStopping (after it) can monitor it.
    callback = adversarial.RobustAccuracy(splits.val, eps=0.25)
    stop = keras.callbacks.EarlyStopping(monitor="val_robust_accuracy", mode="max", patience=50)
    history = model.fit(splits.x_train, splits.y_train, epochs=15, batch_size=32, verbose=0,
                        callbacks=[callback, stop])
    assert [epoch for epoch, _ in callback.history] == list(range(1, 16))
    assert history.history["val_robust_accuracy"] == [v for _, v in callback.history]
    view = adversarial.ClassifierView(model)
    assert view.binary and view.has_logits
    curve = adversarial.robustness_curve(model, splits.x_test, splits.y_test,
                                         eps_values=[0.0, 0.25, 0.5])
    assert list(curve) == [0.0, 0.25, 0.5]
    assert curve[0.0] >= 0.9
    assert curve[0.0] >= curve[0.25] >= curve[0.5]
    assert curve[0.5] <= curve[0.0] - 0.3, curve


def test_adversarial_trainer_saves_and_reloads(tmp_path, digits):
    model = kzoo.cnn_classifier(num_classes=10, input_shape=(8, 8, 1), filters=(4, 8),
                                dense_units=(16,))
    trainer = adversarial.AdversarialTrainer(model, eps=0.1, method="pgd", steps=2, clip=CLIP,
                                             ratio=1.0, seed=0)
    assert trainer.compiled   # compiled like the classifier
    trainer.fit(digits.x_train[:64], digits.y_train[:64], epochs=1, batch_size=32, verbose=0)
    np.testing.assert_allclose(trainer.predict(digits.x_test[:8], verbose=0),
                               model.predict(digits.x_test[:8], verbose=0), atol=1e-6)
    path = tmp_path / "trainer.keras"
    trainer.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded, adversarial.AdversarialTrainer)
    np.testing.assert_array_equal(reloaded.predict(digits.x_test[:8], verbose=0),
                                  trainer.predict(digits.x_test[:8], verbose=0))
    assert reloaded.get_config()["method"] == "pgd" and tuple(reloaded.get_config()["clip"]) == (0, 1)


BAD_CALLS = [
    ("eps < 0", lambda m, x, y: adversarial.fgsm(m, x, y, eps=-0.1), "eps"),
    ("pgd eps < 0", lambda m, x, y: adversarial.pgd(m, x, y, eps=-1), "eps"),
    ("steps < 1", lambda m, x, y: adversarial.pgd(m, x, y, eps=0.1, steps=0), "steps"),
    ("step_size 0", lambda m, x, y: adversarial.pgd(m, x, y, eps=0.1, step_size=0),
     "step_size"),
    ("clip low > high", lambda m, x, y: adversarial.fgsm(m, x, y, eps=0.1, clip=(1, 0)), "clip"),
    ("unknown method", lambda m, x, y: adversarial.attack(m, x, y, method="deepfool", eps=0.1),
     "method"),
    ("integer inputs", lambda m, x, y: adversarial.fgsm(m, x.astype("int32"), y, eps=0.1),
     "float"),
    ("label out of range", lambda m, x, y: adversarial.fgsm(m, x, y + 10, eps=0.1), "labels"),
    ("length mismatch", lambda m, x, y: adversarial.fgsm(m, x, y[:-1], eps=0.1), "y must be"),
    ("curve eps < 0", lambda m, x, y: adversarial.robustness_curve(m, x, y,
                                                                   eps_values=[0.1, -0.1]),
     "eps"),
    ("trainer eps < 0", lambda m, x, y: adversarial.AdversarialTrainer(m, eps=-0.1), "eps"),
    ("trainer steps < 1", lambda m, x, y: adversarial.AdversarialTrainer(m, eps=0.1,
                                                                         method="pgd", steps=0),
     "steps"),
    ("trainer ratio 0", lambda m, x, y: adversarial.AdversarialTrainer(m, eps=0.1, ratio=0.0),
     "ratio"),
    ("callback eps < 0", lambda m, x, y: adversarial.RobustAccuracy((x, y), eps=-0.1), "eps"),
    ("not a classifier", lambda m, x, y: adversarial.fgsm(
        kzoo.mlp_regressor(input_shape=(8, 8, 1), outputs=3), x, y, eps=0.1),
     "sigmoid or softmax"),
]


def test_bad_arguments_raise_value_error(digits):
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(8, 8, 1), hidden_units=(8,))
    x, y = digits.x_test[:8], digits.y_test[:8]
    for case, call, match in BAD_CALLS:
        with pytest.raises(ValueError, match=match):
            call(model, x, y)
            pytest.fail(f"no ValueError for {case}")
