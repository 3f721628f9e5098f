"""Neural ODE classifier: a continuous-depth network integrated by a fixed-step solver.

Guide: neural-networks-master, Advanced Topics > Neural ODEs, dh(t)/dt =
f(h(t), t, θ).

    inputs -> Dense (lift to state_dim) -> ODEBlock (h(0) -> h(1)) -> sigmoid/softmax

The ODE block replaces a stack of residual layers by the solution of an ODE
whose derivative is a small MLP; ``solver="euler"`` with ``steps=n`` is exactly
an n-layer residual network with shared weights. Training backpropagates
through the unrolled solver (plain autodiff, no adjoint).
"""

import keras
import numpy as np

from kzoo import checks, defaults, heads
from kzoo.layers.ode_block import SOLVERS, ODEBlock, check_solver
from kzoo.registry import Example, register_model
from kzoo.search_space import Choice, Int, SearchSpace, training_space


def _moons(rng, n=96):
    """Two interleaving half circles (scikit-learn's two moons, with NumPy)."""
    y = rng.integers(0, 2, size=n)
    angle = rng.uniform(0, np.pi, size=n)
    x = np.where(y[:, None] == 0,
                 np.stack([np.cos(angle), np.sin(angle)], axis=1),
                 np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1))
    x = x + rng.normal(0, 0.1, size=(n, 2))
    return x.astype("float32"), y.astype("int32")


_ODE_SPACE = SearchSpace((
    Int("state_dim", 2, 64, sampling="log"),
    Choice("solver", SOLVERS),
    Int("steps", 2, 20),
)) + training_space()


@register_model(
    family="ode",
    task="classification",
    guide="neural-networks-master: Advanced Topics > Neural ODEs",
    search_space=_ODE_SPACE,
    example=Example({"num_classes": 2, "input_shape": (2,), "state_dim": 4,
                     "hidden_units": (8,), "steps": 2}, _moons),
)
def neural_ode_classifier(*, num_classes, input_shape, state_dim=16, hidden_units=(64,),
                          activation="tanh", solver="rk4", steps=10, t1=1.0,
                          optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE,
                          loss=None, compile=True):
    """A neural ODE classifier: lift, integrate dh/dt = f(h, t, θ), classify h(t1).

    Args:
        num_classes: int. Number of classes (>= 2); 2 gives one sigmoid unit.
        input_shape: tuple. Shape of one sample, e.g. ``(2,)``; higher ranks
            are flattened.
        state_dim: int. Size of the ODE state ``h``; the input is lifted to it
            by a linear layer. More dimensions than the input let the flow
            separate classes that a flow in input space cannot (an ODE flow
            cannot make trajectories cross). Defaults to 16 (kzoo choice).
        hidden_units: tuple of int. Hidden layers of the dynamics MLP ``f``.
            Defaults to ``(64,)`` (kzoo choice, a "small MLP").
        activation: str. Activation of ``f``. Defaults to ``"tanh"`` (smooth
            dynamics, as in Chen et al. 2018).
        solver: str. ``"euler"`` or ``"rk4"``. Defaults to ``"rk4"``.
        steps: int. Fixed solver steps (>= 1). Defaults to 10.
        t1: float. Integration end time (from 0). Defaults to 1.0.
        optimizer: str. Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start).
        loss: A loss or ``"focal"``; defaults to cross-entropy for the task.
        compile: bool. Compile with the task's loss and metrics. Defaults to True.

    Returns:
        A ``keras.Model`` named ``"neural_ode_classifier"``.

    Example:
        >>> model = kzoo.neural_ode_classifier(num_classes=2, input_shape=(2,),
        ...                                    solver="rk4", steps=10)
        >>> model.fit(x_moons, y_moons, epochs=50)

    Reference:
        Chen, Rubanova, Bettencourt & Duvenaud (2018), "Neural Ordinary
        Differential Equations"; Dupont, Doucet & Teh (2019), "Augmented
        Neural ODEs".
    """
    checks.num_classes(num_classes)
    input_shape = checks.shape("input_shape", input_shape)
    checks.positive_int("state_dim", state_dim)
    hidden_units = checks.int_tuple("hidden_units", hidden_units)
    checks.one_of("activation", activation, defaults.HIDDEN_ACTIVATIONS)
    check_solver(solver, steps)
    checks.positive("t1", t1)
    heads.check_compile_args(optimizer, learning_rate)
    inputs = keras.Input(shape=input_shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    h0 = keras.layers.Dense(state_dim, name="lift")(x)
    h1 = ODEBlock(hidden_units=hidden_units, activation=activation, solver=solver, steps=steps,
                  t0=0.0, t1=t1, name="ode_block")(h0)
    model = keras.Model(inputs, heads.classification_output(h1, num_classes),
                        name="neural_ode_classifier")
    if compile:
        heads.compile_classifier(model, num_classes, optimizer=optimizer,
                                 learning_rate=learning_rate, loss=loss)
    return model
