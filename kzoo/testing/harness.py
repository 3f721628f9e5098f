"""``run_model_test``: the contract every registered model must keep.

For a registered name (or any factory plus an ``Example``) it checks that the
model builds from its example configuration, takes one ``fit`` step, predicts
finite outputs of the declared shape, survives a ``get_config`` /
``from_config`` round trip, and reloads from a ``.keras`` file with identical
predictions and no ``custom_objects``.
"""

import os
import tempfile

import keras
import numpy as np

from kzoo.registry import Example, model_info


def to_numpy(value):
    """Converts backend tensors (or nested lists/dicts of them) to NumPy."""
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_numpy(v) for v in value)
    return keras.ops.convert_to_numpy(value)


def _flat(value):
    value = to_numpy(value)
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _flat(item)]
    return [np.asarray(value)]


def assert_same_predictions(a, b, *, atol=1e-5, rtol=1e-5, what="predictions"):
    """Asserts two (possibly nested) outputs are numerically the same."""
    fa, fb = _flat(a), _flat(b)
    assert len(fa) == len(fb), f"{what}: {len(fa)} outputs vs {len(fb)}"
    for i, (x, y) in enumerate(zip(fa, fb)):
        assert x.shape == y.shape, f"{what}[{i}]: shape {x.shape} vs {y.shape}"
        np.testing.assert_allclose(x, y, atol=atol, rtol=rtol, err_msg=f"{what}[{i}] differ")


def _expected_shape(model, n):
    shape = model.output_shape
    if isinstance(shape, list):
        return [(n, *s[1:]) for s in shape]
    return (n, *shape[1:])


def run_model_test(name_or_factory, example: Example | None = None, *, seed=0, atol=1e-5):
    """Runs the registry contract on one model and returns the built model.

    Args:
        name_or_factory: str or callable. A registered name, or a factory that
            takes ``example.kwargs``.
        example: ``Example``. Needed for an unregistered factory; defaults to
            the registered example.
        seed: int. Seed for the data and the weights.
        atol: float. Tolerance for "identical" predictions after reload.

    Returns:
        The trained ``keras.Model``.
    """
    if isinstance(name_or_factory, str):
        info = model_info(name_or_factory)
        factory, example = info.factory, example or info.example
        name = info.name
    else:
        factory, name = name_or_factory, getattr(name_or_factory, "__name__", "model")
    assert example is not None, f"{name} has no example configuration to test"

    keras.utils.set_random_seed(seed)
    x, y = example.make_data(seed)
    model = factory(**example.kwargs)
    assert isinstance(model, keras.Model), f"{name} returned {type(model).__name__}"
    assert model.name == name, f"model.name is {model.name!r}, expected {name!r}"

    fit_kwargs = {"epochs": 1, "verbose": 0, **example.fit_kwargs}
    history = model.fit(x, y, **fit_kwargs) if y is not None else model.fit(x, **fit_kwargs)
    for key, values in history.history.items():
        assert np.all(np.isfinite(values)), f"{name}: {key} is not finite: {values}"

    n = len(x[0]) if isinstance(x, (list, tuple)) else len(x)
    pred = model.predict(x, verbose=0)
    flat_pred = _flat(pred)
    expected = _expected_shape(model, n)
    expected = expected if isinstance(expected, list) else [expected]
    assert [p.shape for p in flat_pred] == [tuple(e) for e in expected], (
        f"{name}: predict shapes {[p.shape for p in flat_pred]}, expected {expected}")
    for p in flat_pred:
        assert np.all(np.isfinite(p)), f"{name}: predictions are not finite"

    # get_config / from_config round trip: same architecture, same outputs
    # once the weights are copied over.
    clone = model.__class__.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    assert_same_predictions(pred, clone.predict(x, verbose=0), atol=atol,
                            what=f"{name} from_config predictions")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{name}.keras")
        model.save(path)
        reloaded = keras.saving.load_model(path)
        assert_same_predictions(pred, reloaded.predict(x, verbose=0), atol=atol,
                                what=f"{name} reloaded predictions")
        if model.compiled and y is not None:
            # the reloaded model is compiled and can keep training
            reloaded.fit(x, y, **{**fit_kwargs, "epochs": 1})
    return model
