"""Knowledge distillation: the loss, the Distiller model, and the gain over a student alone."""

import re

import keras
import numpy as np
import pytest

import kzoo
from kzoo.compression import Distiller, distillation_loss
from kzoo.compression.distillation import as_logits
from kzoo.testing import assert_same_predictions


def _student():
    return kzoo.mlp_classifier(num_classes=10, input_shape=(64,), hidden_units=(16,),
                               dropout=0.0, learning_rate=1e-2)


@pytest.fixture(scope="module")
def digits_teacher(digits_mlp):
    """The shared (256, 128) digits MLP (conftest) as the teacher."""
    return digits_mlp


def _teacher(data):
    teacher = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
    teacher.set_weights(data["weights"])
    return teacher


def _accuracy(model, x, y):
    return float(np.mean(model.predict(x, batch_size=len(x), verbose=0).argmax(-1) == y))


def test_distilled_student_beats_the_same_student_trained_alone(digits_teacher):
    # Hinton et al. (2015): the teacher's soft targets carry more information per sample
    # than hard labels, which matters most with little data (here 30 samples, 3 per class).
    x, y = digits_teacher["x"], digits_teacher["y"]
    x_test, y_test = x[1312:], y[1312:]
    teacher = _teacher(digits_teacher)
    few = slice(1280, 1310)
    alone = _student()
    start = alone.get_weights()
    alone.fit(x[few], y[few], epochs=60, batch_size=10, verbose=0)
    student = _student()
    student.set_weights(start)  # the same initial weights, the same data
    distiller = Distiller(teacher, student, temperature=4.0, alpha=0.1)
    distiller.compile(learning_rate=1e-2)
    history = distiller.fit(x[few], y[few], epochs=60, batch_size=10, verbose=0)
    assert {"loss", "student_loss", "distillation_loss", "accuracy"} <= set(history.history)
    distilled, alone = _accuracy(student, x_test, y_test), _accuracy(alone, x_test, y_test)
    print(f"distilled {distilled:.3f} vs alone {alone:.3f}")
    assert distilled >= alone + 0.03
    # The teacher was frozen throughout.
    assert_same_predictions(teacher.get_weights(), digits_teacher["weights"])


def test_binary_sigmoid_distiller_trains_saves_and_reloads(tmp_path):
    x, y = kzoo.data.load_breast_cancer()
    x = ((x - x.mean(0)) / x.std(0)).astype("float32")
    teacher = kzoo.mlp_classifier(num_classes=2, input_shape=(30,), hidden_units=(16,))
    teacher.fit(x[:300], y[:300], epochs=3, batch_size=30, verbose=0)
    student = kzoo.perceptron(input_shape=(30,))
    distiller = Distiller(teacher, student, temperature=2.0, alpha=0.5)
    distiller.compile(learning_rate=1e-2)
    history = distiller.fit(x[:300], y[:300], epochs=8, batch_size=30, verbose=0)
    losses = history.history["distillation_loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert {"auc", "precision", "recall"} <= set(history.history)  # kzoo's binary metrics
    x_test = x[300:556]  # 8 full batches: one compiled predict function
    predictions = distiller.predict(x_test, verbose=0)
    assert np.mean((predictions[:, 0] > 0.5) == y[300:556]) > 0.85

    path = tmp_path / "distiller.keras"
    distiller.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded, Distiller)
    assert (reloaded.temperature, reloaded.alpha) == (2.0, 0.5)
    assert reloaded.optimizer is not None  # the compile state comes back too
    assert_same_predictions(predictions, reloaded.predict(x_test, verbose=0))
    assert_same_predictions(teacher.get_weights(), reloaded.teacher.get_weights())
    # The student alone is a plain functional kzoo model.
    student_path = tmp_path / "student.keras"
    distiller.student.save(student_path)
    plain = keras.saving.load_model(student_path)
    assert not isinstance(plain, Distiller) and plain.name == "perceptron"
    assert_same_predictions(predictions, plain.predict(x_test, verbose=0))


def test_probabilities_become_logits_of_the_same_distribution():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(5), size=8).astype("float32")
    logits = keras.ops.convert_to_numpy(as_logits(p))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(keras.ops.softmax(logits)), p,
                               atol=1e-5)
    sigmoid = rng.uniform(0.01, 0.99, size=(8, 1)).astype("float32")
    two = keras.ops.convert_to_numpy(keras.ops.softmax(as_logits(sigmoid)))
    np.testing.assert_allclose(two[:, 1:], sigmoid, atol=1e-5)  # binary as 2 classes
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(as_logits(np.log(sigmoid / (1 - sigmoid)), from_logits=True)),
        np.concatenate([np.zeros_like(sigmoid), np.log(sigmoid / (1 - sigmoid))], 1), atol=1e-5)


def test_distillation_loss_is_hintons_t_squared_kl():
    rng = np.random.default_rng(1)
    teacher = rng.dirichlet(np.ones(4), size=6).astype("float32")
    student = rng.dirichlet(np.ones(4), size=6).astype("float32")
    t = 3.0

    def soft(p):
        z = np.log(p) / t
        e = np.exp(z - z.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    expected = t**2 * np.sum(soft(teacher) * (np.log(soft(teacher)) - np.log(soft(student))), -1)
    got = keras.ops.convert_to_numpy(distillation_loss(teacher, student, t))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)
    same = keras.ops.convert_to_numpy(distillation_loss(teacher, teacher, t))
    np.testing.assert_allclose(same, 0.0, atol=1e-6)


def test_bad_arguments_raise():
    teacher = kzoo.mlp_classifier(num_classes=3, input_shape=(4,), hidden_units=(8,))
    student = kzoo.perceptron(input_shape=(4,), num_classes=3)
    for kwargs, message in [
        ({"temperature": 0}, "temperature must be a finite number in (0.0, inf]. "
                             "Received: temperature=0"),
        ({"temperature": -1.0}, "Received: temperature=-1.0"),
        ({"alpha": -0.1}, "alpha must be a finite number in [0.0, 1.0]. Received: alpha=-0.1"),
        ({"alpha": 1.5}, "Received: alpha=1.5"),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)):
            Distiller(teacher, student, **kwargs)
    wider = kzoo.perceptron(input_shape=(4,), num_classes=4)
    with pytest.raises(ValueError, match="same width"):
        Distiller(teacher, wider)
