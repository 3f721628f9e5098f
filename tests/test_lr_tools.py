"""kzoo.lr_find and kzoo.schedules."""

import math

import keras
import numpy as np
import pytest

import kzoo
from kzoo import data, schedules


@pytest.fixture(scope="module")
def digits():
    x, y = data.load_digits()
    return (x / 16.0).astype("float32"), y


def _value(schedule, step):
    return float(keras.ops.convert_to_numpy(schedule(step)))


def test_lr_find_restores_weights_and_optimizer_bitwise(digits):
    x, y = digits
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), hidden_units=(32,))
    model.fit(x[:64], y[:64], epochs=1, verbose=0)  # a used optimizer: moments, iterations
    before = model.get_weights()
    optimizer_before = [np.array(keras.ops.convert_to_numpy(v)) for v in
                        model.optimizer.variables]
    lr_before = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    result = kzoo.lr_find(model, x, y, steps=40, seed=0)
    assert len(result.learning_rates) > 5
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, v in zip(optimizer_before, model.optimizer.variables):
        np.testing.assert_array_equal(a, keras.ops.convert_to_numpy(v))
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == lr_before
    # The model still trains normally afterwards.
    model.fit(x[:64], y[:64], epochs=1, verbose=0)


def test_lr_find_suggests_a_sane_rate_and_plots(digits, tmp_path):
    x, y = digits
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), hidden_units=(64,),
                                dropout=0.0)
    result = kzoo.lr_find(model, x, y, min_lr=1e-6, max_lr=10.0, steps=60, seed=0)
    # Adam on scaled digits: the guide's 1e-3 standard is in the good region.
    assert 1e-4 <= result.suggestion <= 0.1, result
    assert result.method == "steepest" and result.steepest_lr == result.suggestion
    assert result.suggestion < result.min_loss_lr
    lrs = result.learning_rates
    assert np.allclose(np.diff(np.log(lrs)), np.log(lrs[1] / lrs[0]))  # exponential ramp
    # The loss rose sharply at the end: the run stopped before max_lr.
    assert len(lrs) < 60 or result.smoothed_losses[-1] > min(result.smoothed_losses)
    other = kzoo.lr_find(model, x, y, min_lr=1e-6, max_lr=10.0, steps=60, seed=0,
                         suggestion="min/10")
    assert other.suggestion == pytest.approx(other.min_loss_lr / 10)
    png = result.save(tmp_path / "lr.png")
    assert (tmp_path / "lr.png").stat().st_size > 1000 and png.endswith("lr.png")
    result.save(tmp_path / "lr.csv")
    table = np.loadtxt(tmp_path / "lr.csv", delimiter=",", skiprows=1)
    assert table.shape == (len(lrs), 3)


def test_lr_find_rejects_bad_arguments(digits):
    x, y = digits
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), hidden_units=(8,))
    with pytest.raises(ValueError, match="max_lr"):
        kzoo.lr_find(model, x, y, min_lr=1e-2, max_lr=1e-3)
    with pytest.raises(ValueError, match="suggestion"):
        kzoo.lr_find(model, x, y, suggestion="median")
    uncompiled = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), compile=False)
    with pytest.raises(ValueError, match="compiled"):
        kzoo.lr_find(uncompiled, x, y)
    scheduled = kzoo.mlp_classifier(num_classes=10, input_shape=(64,),
                                    learning_rate=schedules.exponential(1e-3))
    with pytest.raises(ValueError, match="schedule"):
        kzoo.lr_find(scheduled, x, y)


def test_schedule_values_match_their_formulas():
    step = schedules.step_decay(0.1, drop=0.5, epochs_drop=3, steps_per_epoch=10)
    for s in (0, 29, 30, 59, 60, 95):
        assert _value(step, s) == pytest.approx(0.1 * 0.5 ** (s // 30), rel=1e-6)
    expo = schedules.exponential(0.1, decay_rate=0.9, decay_steps=100)
    for s in (0, 50, 100, 250):
        assert _value(expo, s) == pytest.approx(0.1 * 0.9 ** (s / 100), rel=1e-5)
    cos = schedules.cosine(0.1, decay_steps=100, warmup_steps=10, warmup_start=0.0)
    assert _value(cos, 0) == pytest.approx(0.0, abs=1e-7)
    assert _value(cos, 5) == pytest.approx(0.05, rel=1e-5)  # linear warm-up
    for s in (10, 35, 60, 110):
        t = min(s - 10, 100) / 100
        assert _value(cos, s) == pytest.approx(0.1 * 0.5 * (1 + math.cos(math.pi * t)),
                                               rel=1e-4, abs=1e-7)
    plain = schedules.cosine(0.1, decay_steps=100, alpha=0.1)
    assert _value(plain, 100) == pytest.approx(0.01, rel=1e-5)
    restarts = schedules.warm_restarts(0.1, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
    assert _value(restarts, 5) == pytest.approx(0.05, rel=1e-4)
    assert _value(restarts, 10) == pytest.approx(0.05, rel=1e-4)  # restart at 0.5 x peak
    assert _value(restarts, 20) == pytest.approx(0.05 * 0.5 * (1 + math.cos(math.pi * 0.5)),
                                                 rel=1e-4)
    cycle = schedules.one_cycle(1.0, total_steps=100, pct_start=0.3, div_factor=25,
                                final_div_factor=1e4)
    start, end = 1.0 / 25, 1.0 / 25 / 1e4
    assert _value(cycle, 0) == pytest.approx(start, rel=1e-5)
    assert _value(cycle, 15) == pytest.approx(1.0 + (start - 1.0) * 0.5 * (1 + math.cos(
        math.pi * 0.5)), rel=1e-5)
    assert _value(cycle, 30) == pytest.approx(1.0, rel=1e-6)
    assert _value(cycle, 65) == pytest.approx(end + (1.0 - end) * 0.5, rel=1e-5)
    assert _value(cycle, 100) == pytest.approx(end, rel=1e-3)
    assert _value(cycle, 500) == pytest.approx(end, rel=1e-3)
    values = [_value(cycle, s) for s in range(0, 101, 5)]
    peak = int(np.argmax(values))
    assert values[:peak + 1] == sorted(values[:peak + 1])
    assert values[peak:] == sorted(values[peak:], reverse=True)


@pytest.mark.parametrize("make", [
    lambda: schedules.step_decay(1e-2, epochs_drop=1, steps_per_epoch=4),
    lambda: schedules.exponential(1e-2, decay_steps=10),
    lambda: schedules.cosine(1e-2, decay_steps=20, warmup_steps=4),
    lambda: schedules.warm_restarts(1e-2, first_decay_steps=5),
    lambda: schedules.one_cycle(1e-2, total_steps=20),
], ids=["step_decay", "exponential", "cosine", "warm_restarts", "one_cycle"])
def test_models_train_with_each_schedule_and_reload(make, digits, tmp_path):
    x, y = digits
    x, y = x[:128], y[:128]
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), hidden_units=(32,),
                                learning_rate=make())
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    lr = loaded.optimizer.learning_rate
    assert float(keras.ops.convert_to_numpy(lr)) == pytest.approx(
        float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)), rel=1e-6)


@pytest.mark.parametrize("make, name", [
    (lambda: schedules.step_decay(1e-3, drop=1.5), "drop"),
    (lambda: schedules.cosine(1e-3, decay_steps=0), "decay_steps"),
    (lambda: schedules.one_cycle(1e-3, total_steps=100, pct_start=1.2), "pct_start"),
    (lambda: schedules.warm_restarts(-1.0, first_decay_steps=3), "learning_rate"),
])
def test_schedules_validate_arguments(make, name):
    with pytest.raises(ValueError, match=name):
        make()


@pytest.mark.parametrize("trained", [False, True], ids=["fresh", "trained"])
def test_lr_find_suggests_a_tried_rate_and_draws_every_smoothed_loss(digits, trained):
    import matplotlib.pyplot as plt

    x, y = digits
    keras.utils.set_random_seed(0)
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), hidden_units=(32,),
                                dropout=0.0, learning_rate=1e-2)
    if trained:  # its loss is lowest at the smallest rates and only rises after
        model.fit(x, y, epochs=6, batch_size=128, verbose=0)
    for method in ("steepest", "min/10"):
        result = kzoo.lr_find(model, x, y, min_lr=1e-7, max_lr=10.0, steps=40, seed=0,
                              suggestion=method)
        lrs = result.learning_rates
        assert lrs[0] <= result.suggestion <= lrs[-1], result
        assert lrs[0] <= result.steepest_lr <= lrs[-1], result
    if result.min_loss_lr / 10 < lrs[0]:
        assert result.suggestion == lrs[0]
    fig = result.plot()
    low, high = fig.axes[0].get_ylim()
    finite = result.smoothed_losses[np.isfinite(result.smoothed_losses)]
    assert high > low and low <= finite.min() and finite.max() <= high
    plt.close(fig)


def test_a_loss_that_only_rises_suggests_the_smallest_rate_tried():
    from kzoo.callbacks.lr_finder import _suggest

    lrs = np.geomspace(1e-7, 1.0, 50)
    rising = 0.05 + np.log(lrs / lrs[0]) ** 2 / 100  # a trained model: lowest at the start
    for method in ("steepest", "min/10"):
        suggestion, min_loss_lr, steepest = _suggest(lrs, rising, method)
        assert suggestion == lrs[0] and steepest == lrs[0] and min_loss_lr == lrs[0]
