"""``ODEBlock``: a neural ODE layer, dh/dt = f(h, t, θ), with fixed-step solvers.

Guide: neural-networks-master, Advanced Topics > Neural ODEs ("continuous-depth
models using ordinary differential equations: dh(t)/dt = f(h(t), t, θ)").

The block maps its input ``h(t0)`` to ``h(t1)`` by integrating the ODE whose
right-hand side ``f`` is a small MLP that also sees the time ``t``. The solver
is a fixed-step explicit method written with ``keras.ops`` (:func:`odeint`):
Euler (first order) or classic Runge-Kutta 4 (fourth order). The loop is
unrolled, and gradients are plain autodiff through the unrolled solver (no
adjoint method): memory grows with ``steps``, which stays small here.

Reference:
    Chen, Rubanova, Bettencourt & Duvenaud (2018), "Neural Ordinary
    Differential Equations".
"""

import keras
from keras import ops

from kzoo import checks, defaults
from kzoo.serialization import Config

SOLVERS = ("euler", "rk4")


def check_solver(solver, steps):
    """Validates ``solver`` and ``steps`` (shared by the layer and the factory)."""
    checks.one_of("solver", solver, SOLVERS)
    checks.positive_int("steps", steps)


def odeint(f, h0, t0=0.0, t1=1.0, steps=10, solver="rk4"):
    """Integrates ``dh/dt = f(h, t)`` from ``t0`` to ``t1`` with a fixed step.

    Args:
        f: callable ``f(h, t) -> dh/dt`` (``t`` is a Python float).
        h0: tensor. The state at ``t0``.
        t0: float. Start time. Defaults to 0.
        t1: float. End time. Defaults to 1.
        steps: int. Number of equal steps (>= 1). Defaults to 10.
        solver: str. ``"euler"`` (error O(dt)) or ``"rk4"`` (error O(dt⁴)).
            Defaults to ``"rk4"``.

    Returns:
        The state ``h(t1)``, shaped like ``h0``.

    Example:
        >>> h1 = kzoo.layers.odeint(lambda h, t: -h, keras.ops.ones((1,)), steps=10)
        >>> # ≈ exp(-1) = 0.367879; Euler would give 0.348678
    """
    check_solver(solver, steps)
    dt = (float(t1) - float(t0)) / steps
    h = h0
    for i in range(steps):
        t = float(t0) + i * dt
        if solver == "euler":
            h = h + dt * f(h, t)
        else:
            k1 = f(h, t)
            k2 = f(h + 0.5 * dt * k1, t + 0.5 * dt)
            k3 = f(h + 0.5 * dt * k2, t + 0.5 * dt)
            k4 = f(h + dt * k3, t + dt)
            h = h + (dt / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return h


@keras.saving.register_keras_serializable(package="kzoo")
class ODEBlock(Config, keras.layers.Layer):
    """Integrates ``dh/dt = f(h, t)`` over ``[t0, t1]``; ``f`` is an MLP of ``[h, t]``.

    Input and output are ``(batch, features)``: the state at ``t0`` and ``t1``.

    Args:
        hidden_units: tuple of int. Hidden layers of ``f``. Defaults to ``(64,)``.
        activation: str. Hidden activation of ``f``; a smooth one keeps the
            dynamics smooth. Defaults to ``"tanh"``.
        solver: str. ``"euler"`` or ``"rk4"``. Defaults to ``"rk4"``.
        steps: int. Fixed solver steps (>= 1). Defaults to 10.
        t0: float. Start time. Defaults to 0.
        t1: float. End time (> t0). Defaults to 1.
        **kwargs: Base ``keras.layers.Layer`` arguments.

    Example:
        >>> block = kzoo.layers.ODEBlock(hidden_units=(32,), solver="rk4", steps=8)
        >>> h1 = block(keras.ops.ones((4, 16)))    # (4, 16)
    """

    CONFIG_ARGS = ("hidden_units", "activation", "solver", "steps", "t0", "t1")
    TUPLE_ARGS = ("hidden_units",)

    def __init__(self, hidden_units=(64,), activation="tanh", solver="rk4", steps=10,
                 t0=0.0, t1=1.0, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = checks.int_tuple("hidden_units", hidden_units)
        self.activation = checks.one_of("activation", activation, defaults.HIDDEN_ACTIVATIONS)
        check_solver(solver, steps)
        self.solver = solver
        self.steps = steps
        self.t0 = checks.number_in_range("t0", t0)
        self.t1 = checks.number_in_range("t1", t1, self.t0, None, low_inclusive=False)
        self.hidden = [keras.layers.Dense(u, activation=activation, name=f"f_hidden_{i}")
                       for i, u in enumerate(self.hidden_units)]
        self.out = None

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError("ODEBlock expects (batch, features) inputs. "
                             f"Received: input_shape={tuple(input_shape)}")
        features = input_shape[-1]
        shape = (None, features + 1)
        for layer in self.hidden:
            layer.build(shape)
            shape = (None, layer.units)
        # Zero-initialised output: the block starts as the identity map h(t1) = h(t0).
        self.out = keras.layers.Dense(features, kernel_initializer="zeros", name="f_output")
        self.out.build(shape)

    def dynamics(self, h, t):
        """``f(h, t)``: the learned time derivative of the state."""
        time = ops.ones_like(h[:, :1]) * t
        z = ops.concatenate([h, time], axis=-1)
        for layer in self.hidden:
            z = layer(z)
        return self.out(z)

    def call(self, inputs):
        return odeint(self.dynamics, inputs, self.t0, self.t1, self.steps, self.solver)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
