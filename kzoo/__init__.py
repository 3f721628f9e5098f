"""kzoo: a Keras 3 model zoo built from a practical deep-learning guide.

Every architecture is a factory returning a compiled ``keras.Model`` with the
guide's defaults, on TensorFlow, JAX or PyTorch (``KERAS_BACKEND``)::

    import kzoo
    kzoo.list_models()
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))

Every registered factory is ``kzoo.<name>`` and in ``kzoo.__all__``: the public
surface follows the registry (a model registered later, e.g. by a user's own
module, is reachable as ``kzoo.<name>`` too).

``import kzoo`` imports Keras and the active backend only; scikit-learn,
KerasTuner and matplotlib are imported by the functions that need them.
"""

from kzoo import (  # noqa: F401
    adversarial,
    callbacks,
    checks,
    compression,
    data,
    debug,
    defaults,
    distribute,
    docstrings,
    evaluation,
    experiments,
    explain,
    fewshot,
    heads,
    layers,
    models,  # noqa: F401  (importing the families registers every factory)
    registry,
    schedules,
    tasks,
    transfer,
    tuning,
)
from kzoo.callbacks.lr_finder import lr_find  # noqa: F401
from kzoo.evaluation import evaluate  # noqa: F401
from kzoo.models.attention import greedy_decode  # noqa: F401
from kzoo.models.autoencoders import anomaly_scores  # noqa: F401
from kzoo.registry import create_model, list_models, model_info, register_model  # noqa: F401
from kzoo.tuning import tune  # noqa: F401

__version__ = "0.1.0"

_TOOLS = [
    "adversarial", "anomaly_scores", "callbacks", "compression", "create_model", "data",
    "debug", "defaults", "distribute", "docstrings", "evaluate", "evaluation", "experiments",
    "explain", "fewshot", "greedy_decode", "heads", "layers", "list_models", "lr_find",
    "model_info", "models", "register_model", "registry", "schedules", "tasks", "transfer",
    "tune", "tuning",
]

#: Submodules imported on first use: they pin or import more than ``import kzoo`` should.
_LAZY = ("export", "sklearn")


globals().update({name: model_info(name).factory for name in list_models()})
__all__ = sorted({*_TOOLS, *_LAZY, *list_models()})


def __getattr__(name):
    """``kzoo.<name>`` for a model registered after ``import kzoo``, and the lazy submodules."""
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"kzoo.{name}")
    if name in registry.registered():
        return model_info(name).factory
    raise AttributeError(f"module 'kzoo' has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_LAZY, *registry.registered()})
