"""Which arguments a kzoo estimator exposes, read from its registered factory.

An estimator's parameters are the factory's keyword arguments (read with
``inspect.signature``, so a new model is covered with no edit here) minus the
ones the estimator sets itself (``num_classes`` / ``outputs`` from ``y``,
``compile``), plus the fit arguments of :data:`FIT_PARAMS`.
"""

import inspect

from kzoo import registry

#: Fit arguments every estimator takes, with their defaults.
FIT_PARAMS = {"epochs": 20, "batch_size": 32, "validation_split": 0.0, "callbacks": None,
              "verbose": 0, "random_state": None}

#: Factory arguments the estimator sets itself, by task: never parameters.
_DERIVED = {"classification": ("num_classes", "compile"),
            "regression": ("outputs", "compile")}

_REQUIRED = inspect.Parameter.empty


def model_info(model, task):
    """The registry record of ``model``, checked to be a ``task`` model."""
    if not isinstance(model, str):
        raise ValueError("model must be the name of a registered model (a string, see "
                         f"kzoo.list_models()). Received: model={model!r}")
    try:
        info = registry.model_info(model)
    except ValueError as error:  # the registry's message, with close matches
        raise ValueError(str(error).replace("name=", "model=", 1)) from None
    if info.task != task:
        other = "Regressor" if info.task == "regression" else "Classifier"
        raise ValueError(f"model must be a {task} model. Received: model={model!r}, a "
                         f"{info.task} model (use kzoo.sklearn.{other}, or one of "
                         f"{registry.list_models(task=task)})")
    return info


def factory_params(info):
    """``{name: default}`` of the factory arguments an estimator exposes.

    Required arguments (``input_shape``) default to None: inferred from ``X``.
    """
    derived = _DERIVED[info.task]
    out = {}
    for p in inspect.signature(info.factory).parameters.values():
        if p.name in derived or p.kind is not p.KEYWORD_ONLY:
            continue
        out[p.name] = None if p.default is _REQUIRED else p.default
    return out


def check_names(info, names):
    """Raises ``ValueError`` for names that are neither factory nor fit arguments."""
    allowed = set(factory_params(info)) | set(FIT_PARAMS) | {"model"}
    derived = [n for n in names if n in _DERIVED[info.task]]
    if derived:
        raise ValueError(f"{derived[0]} is set by the estimator (from y, compiled), not a "
                         f"parameter. Received: {derived[0]}=... for model={info.name!r}")
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise ValueError(f"Invalid parameter(s) {unknown} for the {info.name} estimator. "
                         f"Valid parameters: {sorted(allowed)}")
