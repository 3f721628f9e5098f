"""The registry-wide contract: every registered model, on the current backend."""

import pytest

import kzoo
from kzoo.testing import run_model_test


@pytest.mark.parametrize("name", kzoo.list_models())
def test_registered_model_contract(name):
    run_model_test(name)


@pytest.mark.parametrize("name", kzoo.list_models())
def test_registered_model_is_documented(name):
    info = kzoo.model_info(name)
    doc = info.factory.__doc__ or ""
    assert info.summary, f"{name} has no docstring summary"
    assert "Args:" in doc and "Returns:" in doc and "Example:" in doc, name
    assert info.guide, f"{name} does not say which guide section it implements"
    assert info.example is not None, f"{name} has no example configuration"
    for arg in info.defaults:
        assert f"{arg}:" in doc, f"{name}: argument {arg!r} is not documented"
