"""``kzoo.tune``: the guide's fine-tuning phase as one call.

Guide, Training Methodology > Phase 5 (Fine-Tuning): "Test different learning
rates, test different batch sizes, adjust dropouts, try different
optimizers", and neural-networks-master > Hyperparameter Tuning: "Use
grid/random search, try Bayesian optimization, start with default Adam,
tune learning rate first".
"""

import copy
import json
import os
import warnings

import numpy as np

from kzoo import checks, defaults
from kzoo.tuning import distributed, objectives, tuners, xla
from kzoo.tuning import hypermodel as hypermodel_module
from kzoo.tuning.results import TrialsTable, TuneResult, trial_rows

SEARCH_FILE = "kzoo_search.json"
_CHECK_SAMPLES = 8


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


def _write_project(project_dir, fingerprint):
    os.makedirs(project_dir, exist_ok=True)
    path = os.path.join(project_dir, SEARCH_FILE)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(fingerprint, f, indent=1)
    os.replace(tmp, path)


def _default_callbacks(validation):
    from kzoo.callbacks import recommended

    return recommended(validation=validation)


def tune(model, x, y=None, *, validation_data=None, validation_split=None, fixed=None,
         tuner="random", max_trials=10, objective=None, directory="runs/tuning",
         project_name=None, executions_per_trial=1, epochs=defaults.EPOCHS, callbacks=None,
         jit_compile="auto", overwrite=False, seed=defaults.SEED, verbose=1):
    """Searches a model's hyperparameters with KerasTuner (guide: Phase 5, Fine-Tuning).

    Everything that can be checked is checked before the first trial: the
    arguments, the data (finite values, matching lengths, labels in
    ``0..num_classes-1``), one evaluation of the default model on a few
    samples (the shapes fit, the objective is among the metrics the model
    reports) and the XLA request. A mistake raises ``ValueError`` at once,
    and no project folder is created.

    Resuming: the same call after the process died (kill, crash, reboot)
    reloads ``directory/project_name`` and continues. Completed trials are
    kept and not rerun; the trial that was running when the process died is
    run again from scratch, with the same trial id and hyperparameters
    (KerasTuner re-queues it; the epochs it had done are lost). A project
    made by a different search (another model, tuner, objective, fixed
    arguments or search space) is refused unless ``overwrite=True``. To
    extend a finished search, call again with a larger ``max_trials``.

    Distributed: run the same call in a chief and N worker processes with
    KerasTuner's environment variables set (see
    :mod:`kzoo.tuning.distributed` or ``python -m kzoo.tuning``).

    Args:
        model: str or callable. A registry name (``"mlp_classifier"``) or a
            function ``fn(hp) -> compiled keras.Model`` using KerasTuner's
            ``hp.Float``/``hp.Int``/``hp.Choice``/``hp.Boolean``.
        x: Training inputs (arrays; a dataset or generator skips the array
            checks).
        y: Training targets. Defaults to None.
        validation_data: tuple. ``(x_val, y_val)`` scored by the objective.
            Defaults to None.
        validation_split: float. Fraction of ``x`` held out when
            ``validation_data`` is None (Keras takes the *last* samples, so
            shuffle first). Defaults to 0.15 (guide: 10-15% validation).
        fixed: dict. Factory arguments held constant (``num_classes``;
            ``input_shape`` is taken from ``x`` when omitted), hyperparameters
            pinned to a value, or ``batch_size``. Defaults to None.
        tuner: str. ``"random"``, ``"bayesian"``, ``"hyperband"`` or
            ``"grid"``. Defaults to ``"random"`` (guide: "Use grid/random
            search, try Bayesian optimization").
        max_trials: int. Number of configurations tried (Hyperband
            included). Defaults to 10.
        objective: str, ``(name, "min"|"max")`` or ``keras_tuner.Objective``.
            Directions of known metrics are inferred (``val_f1_score`` and
            ``val_r2`` are maximised); an unknown name needs one. Defaults
            to ``val_auc`` (max) for binary classifiers, ``val_accuracy``
            (max) for other classifiers, ``val_loss`` (min) otherwise.
        directory: str. Parent folder of the project. Defaults to
            ``"runs/tuning"``.
        project_name: str. Project folder; defaults to the model's name.
        executions_per_trial: int. Models trained per configuration (their
            scores are averaged). Defaults to 1.
        epochs: int. Epochs per trial, cut short by early stopping; Hyperband's
            ``max_epochs``. Defaults to 200 (guide: Quick Start, "100-200
            epochs with early stopping").
        callbacks: list. Callbacks for every trial; they must be
            deep-copyable. Defaults to None, meaning
            ``kzoo.callbacks.recommended()`` (early stopping with patience
            15, ReduceLROnPlateau, TerminateOnNaN).
        jit_compile: bool or ``"auto"``. ``True`` compiles every trial with
            XLA on TensorFlow and JAX (``torch.compile`` on PyTorch) and is
            refused for a model with a layer that would silently disable XLA.
            Defaults to ``"auto"`` (Keras' own choice).
        overwrite: bool. Delete an existing project and start over.
            Defaults to False (resume).
        seed: int or None. Seeds the oracle and each trial's weights.
            Defaults to 1337 (``kzoo.defaults.SEED``).
        verbose: int. 0 silent, 1 KerasTuner's report per trial, 2 also one
            line per epoch. Defaults to 1.

    Returns:
        A :class:`kzoo.tuning.TuneResult`: ``best_model``,
        ``best_hyperparameters``, ``best_kwargs``, ``trials`` (print it),
        ``tuner``, ``build_best()``.

    Example:
        >>> x, y = kzoo.data.load_digits()
        >>> result = kzoo.tune("mlp_classifier", x / 16, y, fixed={"num_classes": 10},
        ...                    max_trials=10, epochs=50)
        >>> print(result.trials)
        >>> model = result.best_model

    Reference:
        Guide: Training Methodology > Phase 5: Fine-Tuning; Hyperparameters.
    """
    # 1. Arguments.
    tuners.check_tuner(tuner)
    checks.positive_int("max_trials", max_trials)
    checks.positive_int("executions_per_trial", executions_per_trial)
    checks.positive_int("epochs", epochs)
    checks.one_of("verbose", verbose, (0, 1, 2))
    hypermodel_module._check_jit(jit_compile)
    if not isinstance(overwrite, bool):
        raise ValueError(f"overwrite must be True or False. Received: overwrite={overwrite!r}")
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
    role = distributed.role()
    validation_data, validation_split = _validation(validation_data, validation_split)
    validation = True

    # 2. Model and data.
    import keras
    import keras_tuner

    from kzoo.registry import model_info

    fixed = dict(fixed or {})
    plan, task = None, None
    if isinstance(model, str):
        info = model_info(model)
        task = info.task
        if "input_shape" in info.required and "input_shape" not in fixed and _is_array(x):
            fixed["input_shape"] = tuple(int(d) for d in np.shape(x)[1:])
        plan = hypermodel_module.plan_search(model, fixed)
        num_classes = plan.fixed.get("num_classes", info.defaults.get("num_classes"))
        if task != "classification":
            num_classes = None
    elif callable(model):
        num_classes = None
    else:
        raise ValueError("model must be a registered model name or a function "
                         f"fn(hp) -> compiled keras.Model. Received: model={model!r}")
    x, y = _check_data(x, y, num_classes)
    if validation_data is not None:
        xv, yv = _check_data(validation_data[0], validation_data[1], num_classes,
                             "validation_data[0]", "validation_data[1]")
        validation_data = (xv, yv, *validation_data[2:])
    hm = hypermodel_module.hypermodel_for(model, fixed, jit_compile=jit_compile,
                                      verbose=2 if verbose == 2 else 0)

    # 3. One model with the default hyperparameters: shapes, metrics, XLA.
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
        name, direction = objectives.default_objective(task, reported, validation=validation)
    else:
        name, direction = objectives.resolve(objective)
    if name not in available:
        raise ValueError(
            f"objective {name!r} is not reported by the compiled model; it logs "
            f"{sorted(available)}. Received: objective={objective!r}")

    if callbacks is None:
        callbacks = _default_callbacks(validation)
    else:
        callbacks = list(callbacks)
        try:
            copy.deepcopy(callbacks)
        except Exception as error:
            raise ValueError("callbacks must be deep-copyable (KerasTuner copies them for "
                             f"every trial): {error}. Received: callbacks={callbacks!r}"
                             ) from error

    # 4. The project: refuse a different search in the same folder.
    if project_name is None:
        project_name = model if isinstance(model, str) else getattr(model, "__name__",
                                                                     "build_fn")
    project_dir = os.path.join(os.fspath(directory), project_name)
    fingerprint = _fingerprint(model, plan, tuner, (name, direction), fixed)
    if role == "worker":
        overwrite = False  # only the chief may delete a shared project
    else:
        _check_project(project_dir, fingerprint, overwrite)

    # 5. Search.
    kt_tuner = tuners.make_tuner(
        tuner, hm, objective=objectives.make_objective(name, direction),
        max_trials=max_trials, epochs=epochs, seed=seed, directory=directory,
        project_name=project_name, overwrite=overwrite,
        executions_per_trial=executions_per_trial)
    if role != "worker":
        _write_project(project_dir, fingerprint)
        kt_tuner.oracle.verbose = 1 if verbose else 0
    if verbose and plan is not None and role != "worker":
        print(plan.describe())
    if verbose and role != "worker" and kt_tuner.oracle.trials:
        done = sum(t.status == "COMPLETED" for t in kt_tuner.oracle.trials.values())
        print(f"Resuming {project_dir}: {done} trial(s) completed, up to {max_trials} in all.")
    fit_kwargs = {"epochs": epochs, "callbacks": callbacks}
    if validation_data is not None:
        fit_kwargs["validation_data"] = validation_data
    else:
        fit_kwargs["validation_split"] = validation_split
    if verbose and role == "worker":
        # Printed once the worker is ready to ask for trials: everything
        # before this point (checks, building the tuner) is done.
        print(f"kzoo worker {os.environ.get(distributed.ENV_TUNER_ID)}: waiting for the chief "
              f"at {os.environ.get(distributed.ENV_IP)}:{os.environ.get(distributed.ENV_PORT)}",
              flush=True)
    kt_tuner.search(x, y, **fit_kwargs)

    result = _result(kt_tuner, model, plan, (name, direction), project_dir, role,
                     jit_compile, fixed)
    if verbose and role != "worker":
        print(result.summary())
    return result


def _result(kt_tuner, model, plan, objective, project_dir, role, jit_compile, fixed):
    if role == "worker":
        rows = []
        for trial_id, record in sorted(kt_tuner.kzoo_log.items()):
            rows.append({"trial": trial_id, "status": record["status"],
                         "score": record["score"], "best_epoch": None,
                         "epochs": record["epochs"], "seconds": record["seconds"],
                         "tuner": record["tuner_id"],
                         **{k: v for k, v in record["hyperparameters"].items()
                            if not k.startswith("tuner/")}})
        return TuneResult(best_model=None, best_hyperparameters={}, best_kwargs=None,
                          best_fit_kwargs={}, best_score=None, objective=objective,
                          trials=TrialsTable(rows, objective), tuner=kt_tuner,
                          project_dir=project_dir, role=role, model=model,
                          jit_compile=jit_compile)

    oracle = kt_tuner.oracle
    table = TrialsTable(trial_rows(oracle, project_dir), objective)
    best = [t for t in oracle.get_best_trials(1) if t.status == "COMPLETED"]
    best_hp, best_kwargs, best_model, best_score = {}, None, None, None
    fit_kwargs = {}
    if plan is not None and plan.batch_size is not None:
        fit_kwargs["batch_size"] = plan.batch_size
    elif plan is None and "batch_size" in fixed:
        fit_kwargs["batch_size"] = fixed["batch_size"]
    if best:
        trial = best[0]
        best_hp = dict(trial.hyperparameters.values)
        best_score = None if trial.score is None else float(trial.score)
        if plan is not None:
            best_kwargs = plan.kwargs_for(best_hp)
            if plan.tunes_batch_size and "batch_size" in best_hp:
                fit_kwargs["batch_size"] = best_hp["batch_size"]
        try:
            with warnings.catch_warnings():
                # The checkpoint holds optimizer slots a fresh model does not have yet.
                warnings.filterwarnings("ignore", message="Skipping variable loading")
                best_model = kt_tuner.load_model(trial)
        except Exception as error:  # e.g. workers on machines without a shared folder
            warnings.warn(f"The best model could not be loaded from {project_dir} "
                          f"({type(error).__name__}: {error}); rebuild it with "
                          "result.build_best() and retrain.", stacklevel=3)
    return TuneResult(best_model=best_model, best_hyperparameters=best_hp,
                      best_kwargs=best_kwargs, best_fit_kwargs=fit_kwargs,
                      best_score=best_score, objective=objective, trials=table,
                      tuner=kt_tuner, project_dir=project_dir, role=role, model=model,
                      jit_compile=jit_compile)
