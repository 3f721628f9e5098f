"""Shared fixtures. The backend is fixed per process by KERAS_BACKEND."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts from a cleared session and a fixed seed."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    yield


@pytest.fixture(scope="session")
def digits_mlp():
    """The guide's default MLP trained once on 1,280 shuffled digits (weights + all the data).

    Shared by the compression tests (teacher, pruning and quantization source); the
    rows after 1,280 are never trained on.
    """
    import numpy as np

    import kzoo

    keras.utils.set_random_seed(0)
    x, y = kzoo.data.load_digits()
    order = np.random.default_rng(0).permutation(len(x))
    x, y = (x / 16.0)[order].astype("float32"), y[order]
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), learning_rate=3e-3)
    model.fit(x[:1280], y[:1280], epochs=20, batch_size=128, verbose=0)
    return {"weights": model.get_weights(), "x": x, "y": y}


@pytest.fixture
def backend():
    return keras.backend.backend()


#: Under ``CI=true`` (2 cores, a time budget) the end-to-end runs of recipes/ and
#: benchmarks/ scripts execute on this backend only, like the notebooks
#: (tests/test_notebooks.py); the registry-wide tests run on every backend. Locally they
#: run on every backend.
END_TO_END_CI_BACKEND = "jax"


def _skip_end_to_end_in_ci(folder):
    if os.environ.get("CI") == "true" and keras.backend.backend() != END_TO_END_CI_BACKEND:
        pytest.skip(f"CI runs the {folder}/ scripts end to end on {END_TO_END_CI_BACKEND} only "
                    "(time budget)")


def _script_loader(folder):
    """``load(name)``: imports ``<repo>/<folder>/<name>.py`` as a module (scripts are no package)."""
    import importlib.util
    import pathlib

    root = pathlib.Path(__file__).parent.parent / folder

    def load(name):
        spec = importlib.util.spec_from_file_location(f"{folder}_{name}", root / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture
def load_recipe():
    """Loads a script from recipes/ by name, so tests can call its ``main(argv)``."""
    _skip_end_to_end_in_ci("recipes")
    return _script_loader("recipes")


@pytest.fixture
def load_benchmark():
    """Loads a script from benchmarks/ by name, so tests can call its ``main(argv)``."""
    _skip_end_to_end_in_ci("benchmarks")
    return _script_loader("benchmarks")
