"""The task layer: bodies + tasks = factories; the public surface follows the registry."""

import ast
import inspect
import pathlib

import keras
import numpy as np
import pytest

import kzoo
from kzoo import docstrings, registry, tasks
from kzoo.data import examples
from kzoo.registry import Example
from kzoo.testing import run_model_test

KZOO = pathlib.Path(kzoo.__file__).parent
TASK_LAYER = [n for n in kzoo.list_models()
              if getattr(kzoo.model_info(n).factory, "body", None) is not None]


def test_every_registered_model_is_public():
    assert set(kzoo.list_models()) <= set(kzoo.__all__)
    for name in kzoo.list_models():
        assert getattr(kzoo, name) is kzoo.model_info(name).factory


def test_supervised_factories_use_the_task_layer():
    supervised = {n for n in kzoo.list_models()
                  if kzoo.model_info(n).task in ("classification", "regression")}
    # Capsule networks train on their own margin loss: not a task-layer head.
    assert supervised - set(TASK_LAYER) == {"capsule_network"}


def test_family_is_validated_like_task():
    with pytest.raises(ValueError, match=r"family must be one of .*Received: family='dnse'"):
        kzoo.register_model(family="dnse", task="classification")


def _tiny_body(*, input_shape, width=8, kernel_regularizer=None):
    """Flatten, then one ReLU layer.

    Args:
        input_shape: tuple. Shape of one sample.
        width: int. Units of the hidden layer. Defaults to 8.
    """
    inputs, x = kzoo.models.blocks.flat_inputs(input_shape)
    x = keras.layers.Dense(width, activation="relu", kernel_regularizer=kernel_regularizer)(x)
    return inputs, x


@pytest.fixture
def new_model():
    """A model added the new way: a body and one call; no other file edited."""
    factory = tasks.classifier(
        _tiny_body, name="tiny_classifier", family="dense", guide="test", summary="A tiny MLP.",
        example=Example({"num_classes": 3, "input_shape": (8,)}, examples.blobs))
    yield factory
    del registry._REGISTRY["tiny_classifier"]


def test_a_new_model_needs_only_its_body_and_registration(new_model):
    assert "tiny_classifier" in kzoo.list_models()
    assert kzoo.tiny_classifier is new_model
    assert kzoo.create_model("tiny_classifier", num_classes=3, input_shape=(8,)).name == \
        "tiny_classifier"
    params = inspect.signature(new_model).parameters
    assert list(params)[:3] == ["num_classes", "input_shape", "width"]
    assert {"l1", "l2", "loss", "optimizer", "learning_rate", "clipnorm", "clipvalue",
            "compile"} <= set(params)
    info = kzoo.model_info("tiny_classifier")
    assert info.required == ("num_classes", "input_shape")
    assert info.defaults["width"] == 8
    run_model_test("tiny_classifier")  # the registry-wide contract, unchanged


def test_every_signature_argument_is_documented():
    for name in kzoo.list_models():
        factory = kzoo.model_info(name).factory
        documented = docstrings.parse(factory.__doc__).args
        missing = [p for p in inspect.signature(factory).parameters if p not in documented]
        assert not missing, f"{name} does not document {missing}"


def test_body_without_docs_is_refused():
    def undocumented(*, input_shape):
        """No Args section."""
        return kzoo.models.blocks.flat_inputs(input_shape)

    with pytest.raises(ValueError, match=r"does not document its argument\(s\) \['input_shape'\]"):
        tasks.regressor(undocumented, name="undocumented", family="dense", guide="",
                        summary="x")
    assert "undocumented" not in kzoo.list_models()


@pytest.mark.parametrize("kwargs, match", [
    ({"compile": "no"}, r"compile must be True or False. Received: compile='no'"),
    ({"clipnorm": -1.0}, r"Received: clipnorm=-1.0"),
    ({"clipvalue": 0}, r"Received: clipvalue=0"),
    ({"l1": -0.1}, r"Received: l1=-0.1"),
    ({"optimizer": "adamm"}, r"Received: optimizer='adamm'"),
    ({"learning_rate": 0}, r"Received: learning_rate=0"),
    ({"optimizer": keras.optimizers.SGD(), "clipnorm": 1.0}, r"set it on the optimizer"),
    ({"num_classes": 1}, r"Received: num_classes=1"),
])
def test_shared_arguments_are_checked_before_building(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kzoo.mlp_classifier(**{"num_classes": 3, "input_shape": (4,), **kwargs})


def test_numpy_bools_and_clipping_reach_the_model():
    model = kzoo.mlp_regressor(input_shape=(4,), compile=np.bool_(True), clipnorm=1.0,
                               optimizer="sgd")
    assert model.optimizer.clipnorm == 1.0
    assert kzoo.mlp_regressor(input_shape=(4,), clipvalue=0.5).optimizer.clipvalue == 0.5
    with pytest.raises(ValueError, match="clipnorm or clipvalue, not both"):
        kzoo.mlp_regressor(input_shape=(4,), clipnorm=1.0, clipvalue=0.5)
    assert not kzoo.gru_regressor(input_shape=(5, 2), compile=False).compiled


def test_factories_are_keyword_only():
    with pytest.raises(TypeError, match="keyword arguments only"):
        kzoo.mlp_classifier(3, (4,))
    with pytest.raises(TypeError, match="unexpected keyword argument 'unitz'"):
        kzoo.mlp_classifier(num_classes=3, input_shape=(4,), unitz=2)


def test_family_default_overrides_reach_signature_and_docs():
    assert inspect.signature(kzoo.transformer_classifier).parameters["optimizer"].default == \
        "adamw"
    assert "Defaults to 'adamw'" in docstrings.parse(kzoo.transformer_classifier.__doc__).args[
        "optimizer"]
    assert isinstance(kzoo.transformer_regressor(input_shape=(4, 2), embed_dim=8,
                                                 num_heads=2).optimizer,
                      keras.optimizers.AdamW)


def test_docstrings_parse_and_compose_round_trip():
    doc = docstrings.compose(
        "Summary.", description="Two\nlines.",
        args=[docstrings.arg("a", "int. First\n    line two."), docstrings.arg("b", "str.")],
        sections=[("Returns", "Something."), ("Example", ">>> f()")])
    parsed = docstrings.parse(doc)
    assert parsed.summary == "Summary."
    assert parsed.description == "Two\nlines."
    assert parsed.args == {"a": "a: int. First\n    line two.", "b": "b: str."}
    assert parsed.sections == {"Returns": "Something.", "Example": ">>> f()"}


def _functions():
    for path in sorted(KZOO.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield path.relative_to(KZOO), node


def test_no_function_is_longer_than_80_lines():
    long = [f"{p}:{n.name} ({n.end_lineno - n.lineno + 1})" for p, n in _functions()
            if n.end_lineno - n.lineno + 1 > 80]
    assert not long


def test_keras_tuner_internals_only_in_the_compat_module():
    users = sorted(str(p.relative_to(KZOO)) for p in KZOO.rglob("*.py")
                   if "keras_tuner.src" in p.read_text())
    assert users == ["tuning/compat.py"]


def test_one_config_contract():
    """Every kzoo layer, model and loss declares its arguments through serialization.Config."""
    from kzoo.serialization import Config

    classes = [obj for key, obj in keras.saving.get_custom_objects().items()
               if key.startswith("kzoo>") and isinstance(obj, type)
               and issubclass(obj, (keras.layers.Layer, keras.losses.Loss))]
    assert len(classes) >= 10
    for cls in classes:
        assert "get_config" not in vars(cls) and "from_config" not in vars(cls), cls
        own_args = "__init__" in vars(cls) and [
            p for p in inspect.signature(cls.__init__).parameters.values()
            if p.name != "self" and p.kind is not p.VAR_KEYWORD]
        if own_args and not cls.__module__.startswith("kzoo.tasks"):  # TaskModel: its graph
            assert issubclass(cls, Config), cls


def test_unsupported_keras_tuner_is_refused(monkeypatch):
    keras_tuner = pytest.importorskip("keras_tuner")
    from kzoo.tuning import compat

    compat.check_version.cache_clear()
    monkeypatch.setattr(keras_tuner, "__version__", "1.5.0")
    with pytest.raises(ImportError, match=r"supports keras-tuner >=1.4.8,<1.5.*1.5.0"):
        compat.check_version()
    compat.check_version.cache_clear()


def test_every_factory_with_an_optimizer_takes_gradient_clipping():
    """Guide: Gradient Problems, exploding gradients -> clipping, on every factory that trains
    by gradient (the SOM has no optimizer); one factory per family off the task layer is
    built and its optimizers checked (the task layer's: test_numpy_bools_and_clipping...)."""
    built = set()
    for name in kzoo.list_models():
        info = kzoo.model_info(name)
        params = inspect.signature(info.factory).parameters
        if "optimizer" not in params:
            continue
        assert {"clipnorm", "clipvalue"} <= set(params), name
        if info.family in ("autoencoder", "gan", "capsule") and info.family not in built:
            model = info.factory(**info.example.kwargs, clipnorm=0.5)
            optimizers = (getattr(model.optimizer, "discriminator_optimizer", None),
                          getattr(model.optimizer, "generator_optimizer", None))
            for optimizer in [o for o in optimizers if o is not None] or [model.optimizer]:
                assert optimizer.clipnorm == 0.5, name
            with pytest.raises(ValueError, match="not both"):
                info.factory(**info.example.kwargs, clipnorm=1.0, clipvalue=1.0)
            built.add(info.family)
    assert built == {"autoencoder", "gan", "capsule"}
