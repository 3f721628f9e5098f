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


@pytest.fixture
def backend():
    return keras.backend.backend()


@pytest.fixture
def load_recipe():
    """Loads a script from recipes/ by name, so tests can call its ``main(argv)``."""
    import importlib.util
    import pathlib

    recipes = pathlib.Path(__file__).parent.parent / "recipes"

    def load(name):
        spec = importlib.util.spec_from_file_location(f"recipe_{name}", recipes / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load
