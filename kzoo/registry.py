"""The model registry: every factory in kzoo, found by name.

Factories register themselves with :func:`register_model`; the registry-wide
tests, ``kzoo.tune`` and :func:`model_info` read everything they need from here,
so adding a model never means editing a list somewhere else.
"""

import dataclasses
import difflib
import fnmatch
import inspect
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from kzoo.search_space import SearchSpace

TASKS = ("classification", "regression", "reconstruction", "generation", "clustering",
         "seq2seq")


@dataclasses.dataclass(frozen=True)
class Example:
    """A tiny configuration that builds and trains in a second.

    Attributes:
        kwargs: Keyword arguments for the factory.
        data: ``fn(rng: np.random.Generator) -> (x, y)`` making a small batch of
            inputs and targets for that configuration (``y`` may be ``None``
            for unsupervised models).
        fit_kwargs: Extra arguments for ``model.fit`` in tests (e.g. batch size).
    """

    kwargs: Mapping[str, Any]
    data: Callable[[np.random.Generator], tuple]
    fit_kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def make_data(self, seed: int = 0):
        return self.data(np.random.default_rng(seed))


@dataclasses.dataclass(frozen=True)
class ModelInfo:
    """Everything kzoo knows about one registered model."""

    name: str
    family: str
    task: str
    factory: Callable
    defaults: Mapping[str, Any]
    required: tuple
    search_space: SearchSpace
    guide: str
    example: Example | None
    summary: str

    def __str__(self):
        lines = [f"{self.name}  ({self.family} / {self.task})", f"  {self.summary}"]
        if self.guide:
            lines.append(f"  guide: {self.guide}")
        lines.append(f"  required: {', '.join(self.required) or '-'}")
        lines.append("  defaults: " + ", ".join(f"{k}={v!r}" for k, v in self.defaults.items()))
        if self.search_space.params:
            lines.append("  tunable: " + ", ".join(self.search_space.names))
        return "\n".join(lines)


_REGISTRY: dict[str, ModelInfo] = {}


def register_model(*, family: str, task: str, search_space: SearchSpace | None = None,
                   example: Example | None = None, guide: str = "", name: str | None = None):
    """Registers a factory under its function name (or ``name``).

    Args:
        family: str. Architecture family, one of ``kzoo.models.FAMILIES``, e.g.
            ``"dense"`` or ``"recurrent"``.
        task: str. One of ``kzoo.registry.TASKS``.
        search_space: ``kzoo.search_space.SearchSpace``. Tunable
            hyperparameters, used by ``kzoo.tune``.
        example: ``Example``. A tiny config used by the registry-wide tests.
        guide: str. The guide section (or paper) the factory implements.
        name: str. Registry name; defaults to the function's name.

    Returns:
        The decorator; the factory itself is returned unchanged.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}. Received: task={task!r}")
    from kzoo.models import FAMILIES  # defined before the family modules are imported

    if family not in FAMILIES:
        raise ValueError(f"family must be one of {sorted(FAMILIES)} (kzoo.models.FAMILIES). "
                         f"Received: family={family!r}")

    def decorator(factory):
        key = name or factory.__name__
        if key in _REGISTRY and _REGISTRY[key].factory is not factory:
            raise ValueError(f"A model named {key!r} is already registered.")
        signature = inspect.signature(factory)
        params = signature.parameters.values()
        _REGISTRY[key] = ModelInfo(
            name=key,
            family=family,
            task=task,
            factory=factory,
            defaults={p.name: p.default for p in params if p.default is not p.empty},
            required=tuple(p.name for p in params
                           if p.default is p.empty and p.kind is p.KEYWORD_ONLY),
            search_space=search_space or SearchSpace(),
            guide=guide,
            example=example,
            summary=(inspect.getdoc(factory) or "").split("\n", 1)[0],
        )
        return factory

    return decorator


def _lookup(name: str) -> ModelInfo:
    if not isinstance(name, str) or name not in _REGISTRY:
        close = difflib.get_close_matches(str(name), list(_REGISTRY), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise ValueError(
            f"Unknown model name. Received: name={name!r}.{hint} "
            "See kzoo.list_models() for every registered name."
        )
    return _REGISTRY[name]


def registered() -> frozenset:
    """Every registered name (unsorted); :func:`list_models` filters and sorts them."""
    return frozenset(_REGISTRY)


def list_models(pattern: str = "*", *, family: str | None = None,
                task: str | None = None) -> list:
    """Returns the sorted names of registered models matching a wildcard.

    Args:
        pattern: str. An ``fnmatch`` pattern such as ``"*classifier"``.
        family: str. Only models of this family.
        task: str. Only models for this task.

    Example:
        >>> kzoo.list_models("mlp_*")
        ['mlp_classifier', 'mlp_regressor']
    """
    return sorted(
        n for n, info in _REGISTRY.items()
        if fnmatch.fnmatchcase(n, pattern)
        and (family is None or info.family == family)
        and (task is None or info.task == task)
    )


def model_info(name: str) -> ModelInfo:
    """Returns the :class:`ModelInfo` record of a registered model.

    Example:
        >>> print(kzoo.model_info("mlp_classifier"))
    """
    return _lookup(name)


def create_model(name: str, **kwargs):
    """Builds a registered model by name; same as calling its factory.

    Example:
        >>> model = kzoo.create_model("mlp_classifier", num_classes=10,
        ...                           input_shape=(64,))
    """
    info = _lookup(name)
    signature = inspect.signature(info.factory)
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    if not accepts_any:
        unknown = sorted(set(kwargs) - set(signature.parameters))
        if unknown:
            raise ValueError(
                f"{name} got unexpected argument(s) {unknown}. "
                f"It accepts: {sorted(signature.parameters)}"
            )
    missing = [r for r in info.required if r not in kwargs]
    if missing:
        raise ValueError(f"{name} needs the argument(s) {missing}. Received: {sorted(kwargs)}")
    return info.factory(**kwargs)
