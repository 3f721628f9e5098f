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

from kzoo import checks, defaults, tasks
from kzoo.data import examples
from kzoo.layers.ode_block import SOLVERS, ODEBlock, check_solver
from kzoo.models.blocks import flat_inputs
from kzoo.registry import Example
from kzoo.search_space import Choice, Int, SearchSpace, training_space

_ODE_SPACE = SearchSpace((
    Int("state_dim", 2, 64, sampling="log"),
    Choice("solver", SOLVERS),
    Int("steps", 2, 20),
)) + training_space()


def ode_body(*, input_shape, state_dim=16, hidden_units=(64,), activation="tanh",
             solver="rk4", steps=10, t1=1.0):
    """Lift the input to ``state_dim``, then integrate dh/dt = f(h, t, θ) from 0 to ``t1``.

    Args:
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
    """
    checks.positive_int("state_dim", state_dim)
    hidden_units = checks.int_tuple("hidden_units", hidden_units)
    checks.one_of("activation", activation, defaults.HIDDEN_ACTIVATIONS)
    check_solver(solver, steps)
    checks.positive("t1", t1)
    inputs, x = flat_inputs(input_shape)
    h0 = keras.layers.Dense(state_dim, name="lift")(x)
    h1 = ODEBlock(hidden_units=hidden_units, activation=activation, solver=solver, steps=steps,
                  t0=0.0, t1=t1, name="ode_block")(h0)
    return inputs, h1


neural_ode_classifier = tasks.classifier(
    ode_body, name="neural_ode_classifier", family="ode",
    guide="neural-networks-master: Advanced Topics > Neural ODEs",
    summary="A neural ODE classifier: lift, integrate dh/dt = f(h, t, θ), classify h(t1).",
    search_space=_ODE_SPACE,
    example=Example({"num_classes": 2, "input_shape": (2,), "state_dim": 4,
                     "hidden_units": (8,), "steps": 2}, examples.moons),
    example_doc="""
        >>> model = kzoo.neural_ode_classifier(num_classes=2, input_shape=(2,),
        ...                                    solver="rk4", steps=10)
        >>> model.fit(x_moons, y_moons, epochs=50)""",
    reference="""Chen, Rubanova, Bettencourt & Duvenaud (2018), "Neural Ordinary
        Differential Equations"; Dupont, Doucet & Teh (2019), "Augmented
        Neural ODEs".""",
)
