"""The preparation step of a search: every check, before any trial or project folder.

:func:`prepare_search` validates the arguments and the data, builds one model
with the default hyperparameters and evaluates it on a few samples (the
shapes fit, the objective is a metric the model reports, XLA is possible),
and refuses to resume a project made by a different search. It returns a
:class:`SearchSetup`, which :func:`kzoo.tuning.tune.run_search` runs. A
mistake raises ``ValueError`` here, and no project folder is created.
"""

import copy
import dataclasses
import json
import os
from typing import Any

import numpy as np

from kzoo import checks, defaults
from kzoo.distribute import search as distribute_search
from kzoo.tuning import distributed, objectives, tuners, xla
from kzoo.tuning import hypermodel as hypermodel_module

SEARCH_FILE = "kzoo_search.json"
_CHECK_SAMPLES = 8


@dataclasses.dataclass
class SearchSetup:
    """A checked search, ready to run (see :func:`prepare_search`)."""

    model: Any
    plan: Any
    hypermodel: Any
    objective: tuple
    tuner: str
    max_trials: int
    epochs: int
    seed: Any
    directory: str
    project_name: str
    executions_per_trial: int
    overwrite: bool
    fingerprint: dict
    x: Any
    y: Any
    fit_kwargs: dict
    role: str
    jit_compile: Any
    fixed: dict
    verbose: int
    distribution: Any = None

    @property
    def project_dir(self):
        return os.path.join(os.fspath(self.directory), self.project_name)


def _is_array(value):
    return isinstance(value, np.ndarray) or (
        hasattr(value, "shape") and hasattr(value, "__len__") and hasattr(value, "dtype"))


def _head(data, n):
    """The first ``n`` samples of arrays / lists / dicts of arrays, else None."""
    if data is None:
        return None
    if _is_array(data):
        return data[:n]
    if isinstance(data, dict):
        parts = {k: _head(v, n) for k, v in data.items()}
        return None if any(v is None for v in parts.values()) else parts
    if isinstance(data, (list, tuple)) and data and all(_is_array(d) for d in data):
        return type(data)(d[:n] for d in data)
    if isinstance(data, (list, tuple)) and data and not isinstance(data[0], (list, tuple)):
        return np.asarray(data[:n])
    return None


def _check_data(x, y, num_classes, name_x="x", name_y="y"):
    from kzoo.data import check_arrays

    if _is_array(x) or (isinstance(x, (list, tuple)) and x and not _is_array(x[0])):
        return check_arrays(x, y, num_classes=num_classes, name_x=name_x, name_y=name_y)
    return x, y


def _validation(validation_data, validation_split):
    if validation_data is not None and validation_split is not None:
        raise ValueError("Pass validation_data or validation_split, not both. Received: "
                         f"validation_split={validation_split!r} and validation_data")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError("validation_data must be a tuple (x_val, y_val). Received: "
                             f"validation_data of type {type(validation_data).__name__}")
        return tuple(validation_data), None
    if validation_split is None:
        validation_split = defaults.SPLIT_FRACTIONS[1]
    checks.fraction("validation_split", validation_split, allow_zero=False)
    return None, float(validation_split)


def _probe(model, x, y, name):
    """Evaluates ``model`` on a few samples; returns the metric names it reports."""
    xs, ys = _head(x, _CHECK_SAMPLES), _head(y, _CHECK_SAMPLES)
    try:
        if xs is not None and (y is None or ys is not None):
            logs = model.evaluate(xs, ys, batch_size=_CHECK_SAMPLES, verbose=0,
                                  return_dict=True)
        else:  # a dataset or generator: one batch
            logs = model.evaluate(x, y, steps=1, verbose=0, return_dict=True)
    except Exception as error:
        raise ValueError(
            f"The data does not fit {model.name} built with the default hyperparameters "
            f"(checked on {name} before any trial): {type(error).__name__}: {error}"
        ) from error
    return set(logs)


def _fingerprint(model, plan, tuner, objective, fixed):
    name = model if isinstance(model, str) else (
        f"{getattr(model, '__module__', '')}.{getattr(model, '__qualname__', repr(model))}")
    return {
        "model": name,
        "tuner": tuner,
        "objective": list(objective),
        "fixed": repr(sorted((k, repr(v)) for k, v in (fixed or {}).items())),
        "space": [repr(s) for s in plan.tuned] if plan is not None else None,
    }


def _check_project(project_dir, fingerprint, overwrite):
    """Refuses to resume a project created by a different search."""
    path = os.path.join(project_dir, SEARCH_FILE)
    if overwrite or not os.path.exists(path):
        return
    try:
        with open(path) as f:
            previous = json.load(f)
    except (OSError, ValueError):
        return
    changed = sorted(k for k in fingerprint if previous.get(k) != fingerprint[k])
    if changed:
        raise ValueError(
            f"{project_dir} holds a search with a different {', '.join(changed)}; KerasTuner "
            "would silently resume the old one. Pass overwrite=True to start over or use "
            f"another project_name. Received: project_name={os.path.basename(project_dir)!r}")


def write_project(project_dir, fingerprint):
    os.makedirs(project_dir, exist_ok=True)
    path = os.path.join(project_dir, SEARCH_FILE)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(fingerprint, f, indent=1)
    os.replace(tmp, path)


def _check_arguments(*, tuner, max_trials, executions_per_trial, epochs, verbose,
                     jit_compile, overwrite, seed, directory, project_name, fixed):
    tuners.check_tuner(tuner)
    checks.positive_int("max_trials", max_trials)
    checks.positive_int("executions_per_trial", executions_per_trial)
    checks.positive_int("epochs", epochs)
    checks.one_of("verbose", verbose, (0, 1, 2))
    hypermodel_module.check_jit_arg(jit_compile)
    checks.boolean("overwrite", overwrite)
    if seed is not None:
        checks.positive_int("seed", seed, minimum=0)
    if not isinstance(directory, (str, os.PathLike)):
        raise ValueError(f"directory must be a path. Received: directory={directory!r}")
    if project_name is not None and (not isinstance(project_name, str) or not project_name
                                     or os.sep in project_name):
        raise ValueError("project_name must be a folder name. Received: "
                         f"project_name={project_name!r}")
    if fixed is not None and not isinstance(fixed, dict):
        raise ValueError(f"fixed must be a dict. Received: fixed={fixed!r}")


def _plan(model, x, fixed):
    """``(plan, task, num_classes)`` for a registry name; ``(None, None, None)`` for a build fn."""
    from kzoo.registry import model_info

    if not isinstance(model, str):
        if callable(model):
            return None, None, None
        raise ValueError("model must be a registered model name or a function "
                         f"fn(hp) -> compiled keras.Model. Received: model={model!r}")
    info = model_info(model)
    if "input_shape" in info.required and "input_shape" not in fixed and _is_array(x):
        fixed["input_shape"] = tuple(int(d) for d in np.shape(x)[1:])
    plan = hypermodel_module.plan_search(model, fixed)
    num_classes = plan.fixed.get("num_classes", info.defaults.get("num_classes"))
    return plan, info.task, num_classes if info.task == "classification" else None


def _probe_objective(hm, x, y, validation_data, objective, task, jit_compile):
    """Builds and evaluates the default model; returns the objective ``(name, direction)``."""
    import keras
    import keras_tuner

    probe_model = hm.build(keras_tuner.HyperParameters())
    if not isinstance(probe_model, keras.Model):
        raise ValueError("The build function must return a keras.Model. Received: "
                         f"{type(probe_model).__name__}")
    if not getattr(probe_model, "compiled", False) or probe_model.optimizer is None:
        raise ValueError(f"The build function must return a compiled model; "
                         f"{probe_model.name} is not compiled.")
    xla.check_jit(probe_model, jit_compile)
    reported = _probe(probe_model, x, y, "x, y")
    if validation_data is not None:
        _probe(probe_model, validation_data[0], validation_data[1], "validation_data")
    del probe_model
    keras.backend.clear_session()
    available = reported | {f"val_{name}" for name in reported}
    if objective is None:
        name, direction = objectives.default_objective(task, reported, validation=True)
    else:
        name, direction = objectives.resolve(objective)
    if name not in available:
        raise ValueError(
            f"objective {name!r} is not reported by the compiled model; it logs "
            f"{sorted(available)}. Received: objective={objective!r}")
    return name, direction


def _trial_callbacks(callbacks):
    if callbacks is None:
        from kzoo.callbacks import recommended

        return recommended(validation=True)
    callbacks = list(callbacks)
    try:
        copy.deepcopy(callbacks)
    except Exception as error:
        raise ValueError("callbacks must be deep-copyable (KerasTuner copies them for "
                         f"every trial): {error}. Received: callbacks={callbacks!r}") from error
    return callbacks


def prepare_search(model, x, y=None, *, validation_data=None, validation_split=None,
                   fixed=None, tuner="random", max_trials=10, objective=None,
                   directory="runs/tuning", project_name=None, executions_per_trial=1,
                   epochs=defaults.EPOCHS, callbacks=None, jit_compile="auto",
                   overwrite=False, seed=defaults.SEED, verbose=1,
                   distribution=None) -> SearchSetup:
    """Checks everything about a search and returns it as a :class:`SearchSetup`.

    Takes the arguments of :func:`kzoo.tune` (which documents them); runs no
    trial and writes nothing.
    """
    _check_arguments(tuner=tuner, max_trials=max_trials, epochs=epochs, verbose=verbose,
                     executions_per_trial=executions_per_trial, jit_compile=jit_compile,
                     overwrite=overwrite, seed=seed, directory=directory,
                     project_name=project_name, fixed=fixed)
    role = distributed.role()
    validation_data, validation_split = _validation(validation_data, validation_split)
    fixed = dict(fixed or {})
    plan, task, num_classes = _plan(model, x, fixed)
    x, y = _check_data(x, y, num_classes)
    if validation_data is not None:
        xv, yv = _check_data(validation_data[0], validation_data[1], num_classes,
                             "validation_data[0]", "validation_data[1]")
        validation_data = (xv, yv, *validation_data[2:])
    hm = hypermodel_module.hypermodel_for(model, fixed, jit_compile=jit_compile,
                                          verbose=2 if verbose == 2 else 0)
    distribute_search.check_search(distribution, hm, plan=plan, fixed=fixed, x=x,
                                   validation_data=validation_data,
                                   validation_split=validation_split)
    name, direction = _probe_objective(hm, x, y, validation_data, objective, task,
                                       jit_compile)
    hm = distribute_search.in_scope(hm, distribution)  # each trial builds and fits in it
    fit_kwargs = {"epochs": epochs, "callbacks": _trial_callbacks(callbacks)}
    if validation_data is not None:
        fit_kwargs["validation_data"] = validation_data
    else:
        fit_kwargs["validation_split"] = validation_split
    if project_name is None:
        project_name = model if isinstance(model, str) else getattr(model, "__name__",
                                                                     "build_fn")
    setup = SearchSetup(
        model=model, plan=plan, hypermodel=hm, objective=(name, direction), tuner=tuner,
        max_trials=max_trials, epochs=epochs, seed=seed, directory=directory,
        project_name=project_name, executions_per_trial=executions_per_trial,
        overwrite=distributed.may_overwrite(role, overwrite),
        fingerprint=_fingerprint(model, plan, tuner, (name, direction), fixed), x=x, y=y,
        fit_kwargs=fit_kwargs, role=role, jit_compile=jit_compile, fixed=fixed,
        verbose=verbose, distribution=distribution)
    if role != "worker":
        _check_project(setup.project_dir, setup.fingerprint, setup.overwrite)
    return setup
