"""Neural ODE: solvers against known solutions, the block, learning a nonlinear task."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo.layers import ODEBlock, odeint


def _numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_rk4_beats_euler_on_exponential_decay():
    h0 = keras.ops.ones((1,))
    exact = np.exp(-1.0)
    euler = float(_numpy(odeint(lambda h, t: -h, h0, 0.0, 1.0, steps=10, solver="euler"))[0])
    rk4 = float(_numpy(odeint(lambda h, t: -h, h0, 0.0, 1.0, steps=10, solver="rk4"))[0])
    assert euler == pytest.approx(0.9 ** 10, rel=1e-5)  # Euler: (1 - dt)^n
    assert abs(rk4 - exact) < 1e-5 and abs(euler - exact) > 1e-2, (euler, rk4)


def test_rk4_beats_euler_on_a_rotation():
    """dh/dt = A h with A a rotation generator: |h| is conserved, h(2π) = h(0)."""
    def rotate(h, t):
        return keras.ops.stack([-h[:, 1], h[:, 0]], axis=1)

    h0 = keras.ops.convert_to_tensor(np.array([[1.0, 0.0]], dtype="float32"))
    errors = {}
    for solver in ("euler", "rk4"):
        h = _numpy(odeint(rotate, h0, 0.0, 2 * np.pi, steps=20, solver=solver))
        errors[solver] = float(np.linalg.norm(h - [[1.0, 0.0]]))
    assert errors["rk4"] < 0.01 < 1.0 < errors["euler"], errors
    assert errors["rk4"] * 100 < errors["euler"]


def test_time_enters_the_dynamics():
    """dh/dt = t from 0 to 1 gives h(1) = h(0) + 1/2 exactly with RK4."""
    h = odeint(lambda h, t: keras.ops.ones_like(h) * t, keras.ops.zeros((2, 3)), steps=4)
    np.testing.assert_allclose(_numpy(h), 0.5, rtol=1e-6)


def test_ode_block_starts_as_identity_and_euler_is_a_residual_step():
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    block = ODEBlock(hidden_units=(8,), solver="euler", steps=1)
    np.testing.assert_allclose(_numpy(block(x)), x, atol=1e-6)  # zero-initialised output
    block.out.kernel.assign(np.random.default_rng(1).normal(size=(8, 4)).astype("float32"))
    # one Euler step over [0, 1] is exactly h + f(h, 0): a residual block
    expected = x + _numpy(block.dynamics(keras.ops.convert_to_tensor(x), 0.0))
    np.testing.assert_allclose(_numpy(block(x)), expected, rtol=1e-5, atol=1e-5)


def _rings(rng, n):
    radius = rng.choice([0.5, 1.5], size=n)
    angle = rng.uniform(0, 2 * np.pi, size=n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return (x + rng.normal(0, 0.1, size=(n, 2))).astype("float32"), (radius > 1).astype("int32")


def test_neural_ode_learns_concentric_rings():
    x, y = _rings(np.random.default_rng(0), 512)
    x_test, y_test = _rings(np.random.default_rng(1), 512)
    model = kzoo.neural_ode_classifier(num_classes=2, input_shape=(2,), state_dim=8,
                                       hidden_units=(32,), solver="rk4", steps=4,
                                       learning_rate=1e-2)
    # before training the ODE block is the identity, so the model is linear: chance level
    before = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
    model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    after = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
    assert before < 0.7 and after >= 0.95, (before, after)


def test_solver_and_steps_reach_the_block():
    model = kzoo.neural_ode_classifier(num_classes=3, input_shape=(4,), solver="euler",
                                       steps=3, compile=False)
    block = model.get_layer("ode_block")
    assert (block.solver, block.steps, block.t1) == ("euler", 3, 1.0)
    assert model.output_shape == (None, 3)
    assert not model.compiled


@pytest.mark.parametrize("kwargs, match", [
    ({"steps": 0}, r"steps must be an integer >= 1. Received: steps=0"),
    ({"solver": "midpoint"}, r"solver must be one of \['euler', 'rk4'\]. "
                             r"Received: solver='midpoint'"),
    ({"state_dim": 0}, r"Received: state_dim=0"),
    ({"t1": 0.0}, r"Received: t1=0.0"),
    ({"hidden_units": (0,)}, r"Received: hidden_units=\(0,\)"),
    ({"activation": "swishy"}, r"Received: activation='swishy'"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kzoo.neural_ode_classifier(**{"num_classes": 2, "input_shape": (2,), **kwargs})


def test_odeint_checks_its_arguments():
    with pytest.raises(ValueError, match=r"Received: steps=0"):
        odeint(lambda h, t: h, keras.ops.ones((1,)), steps=0)
    with pytest.raises(ValueError, match=r"Received: t1=0.0"):
        ODEBlock(t0=0.0, t1=0.0)
