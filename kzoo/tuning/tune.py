"""``kzoo.tune``: the guide's fine-tuning phase as one call.

Guide, Training Methodology > Phase 5 (Fine-Tuning): "Test different learning
rates, test different batch sizes, adjust dropouts, try different
optimizers", and neural-networks-master > Hyperparameter Tuning: "Use
grid/random search, try Bayesian optimization, start with default Adam,
tune learning rate first".

A search is two steps: :func:`kzoo.tuning.prepare.prepare_search` checks
everything (arguments, data, one default model, the objective, the project)
and :func:`run_search` runs the trials; :func:`tune` does both.

**Resuming**: the same call after the process died (kill, crash, reboot)
reloads ``directory/project_name`` and continues. Completed trials are kept
and not rerun; the trial that was running when the process died is run again
from scratch, with the same trial id and hyperparameters (its epochs are
lost). A project made by a different search (another model, tuner,
objective, fixed arguments or search space) is refused unless
``overwrite=True``. To extend a finished search, call again with a larger
``max_trials``.

**Distributed**: run the same call in a chief and N worker processes with
KerasTuner's environment variables set (see :mod:`kzoo.tuning.distributed`
or ``python -m kzoo.tuning``).
"""

import warnings

from kzoo import defaults
from kzoo.tuning import distributed, objectives, tuners
from kzoo.tuning.prepare import SearchSetup, prepare_search, write_project
from kzoo.tuning.results import TrialsTable, TuneResult, trial_rows


def run_search(setup: SearchSetup) -> TuneResult:
    """Runs a prepared search (:func:`~kzoo.tuning.prepare.prepare_search`) to the end.

    Returns:
        A :class:`kzoo.tuning.TuneResult`.
    """
    name, direction = setup.objective
    kt_tuner = tuners.make_tuner(
        setup.tuner, setup.hypermodel, objective=objectives.make_objective(name, direction),
        max_trials=setup.max_trials, epochs=setup.epochs, seed=setup.seed,
        directory=setup.directory, project_name=setup.project_name,
        overwrite=setup.overwrite, executions_per_trial=setup.executions_per_trial)
    talk = setup.verbose and setup.role != "worker"
    if setup.role != "worker":
        write_project(setup.project_dir, setup.fingerprint)
        kt_tuner.oracle.verbose = 1 if setup.verbose else 0
    if talk and setup.plan is not None:
        print(setup.plan.describe())
    if talk and kt_tuner.oracle.trials:
        done = sum(t.status == "COMPLETED" for t in kt_tuner.oracle.trials.values())
        print(f"Resuming {setup.project_dir}: {done} trial(s) completed, up to "
              f"{setup.max_trials} in all.")
    if setup.verbose and setup.role == "worker":
        distributed.announce_worker()
    kt_tuner.search(setup.x, setup.y, **setup.fit_kwargs)
    if setup.role == "worker":
        return distributed.worker_result(kt_tuner, objective=setup.objective,
                                         project_dir=setup.project_dir, model=setup.model,
                                         jit_compile=setup.jit_compile)
    result = _result(kt_tuner, setup.model, setup.plan, setup.objective, setup.project_dir,
                     setup.role, setup.jit_compile, setup.fixed)
    if talk:
        print(result.summary())
    return result


def tune(model, x, y=None, *, validation_data=None, validation_split=None, fixed=None,
         tuner="random", max_trials=10, objective=None, directory="runs/tuning",
         project_name=None, executions_per_trial=1, epochs=defaults.EPOCHS, callbacks=None,
         jit_compile="auto", overwrite=False, seed=defaults.SEED, verbose=1, distribution=None):
    """Searches a model's hyperparameters with KerasTuner (guide: Phase 5, Fine-Tuning).

    Everything that can be checked is checked before the first trial (see
    :mod:`kzoo.tuning.prepare`): a mistake raises ``ValueError`` at once and
    no project folder is created. Interrupted searches resume; chief/worker
    searches run the same call (see :mod:`kzoo.tuning.tune`).

    Args:
        model: str or callable. A registry name (``"mlp_classifier"``) or a
            function ``fn(hp) -> compiled keras.Model``.
        x: Training inputs (arrays; a dataset or generator skips the array checks).
        y: Training targets. Defaults to None.
        validation_data: tuple. ``(x_val, y_val)`` scored by the objective.
        validation_split: float. Fraction of ``x`` held out when
            ``validation_data`` is None (Keras takes the *last* samples, so
            shuffle first). Defaults to 0.15 (guide: 10-15% validation).
        fixed: dict. Factory arguments held constant (``num_classes``;
            ``input_shape`` is taken from ``x`` when omitted), hyperparameters
            pinned to a value, or ``batch_size``.
        tuner: str. ``"random"``, ``"bayesian"``, ``"hyperband"`` or ``"grid"``.
            Defaults to ``"random"`` (guide: "Use grid/random search").
        max_trials: int. Configurations tried (Hyperband included). Defaults to 10.
        objective: str, ``(name, "min"|"max")`` or ``keras_tuner.Objective``.
            Defaults to ``val_auc`` (max) for binary classifiers,
            ``val_accuracy`` (max) for other classifiers, ``val_loss`` (min)
            otherwise; an unknown metric name needs a direction.
        directory: str. Parent folder of the project. Defaults to ``"runs/tuning"``.
        project_name: str. Project folder; defaults to the model's name.
        executions_per_trial: int. Models trained (and averaged) per configuration.
        epochs: int. Epochs per trial, cut short by early stopping; Hyperband's
            ``max_epochs``. Defaults to 200 (guide: Quick Start).
        callbacks: list. Deep-copyable callbacks for every trial. Defaults to
            ``kzoo.callbacks.recommended()``.
        jit_compile: bool or ``"auto"``. ``True`` compiles every trial with XLA
            (``torch.compile`` on PyTorch) and is refused for a model with a
            layer that would silently disable it. Defaults to ``"auto"``.
        overwrite: bool. Delete an existing project and start over. Defaults to False.
        seed: int or None. Seeds the oracle and each trial's weights. Defaults to 1337.
        verbose: int. 0 silent, 1 a report per trial, 2 also one line per epoch.
        distribution: ``kzoo.distribute.DataParallelStrategy`` or None. Each
            trial builds and fits its model in its ``scope()``; every batch size
            the search may try is checked against the replicas first.

    Returns:
        A :class:`kzoo.tuning.TuneResult`: ``best_model``, ``best_hyperparameters``,
        ``best_kwargs``, ``trials`` (print it), ``tuner``, ``build_best()``.

    Example:
        >>> x, y = kzoo.data.load_digits()
        >>> result = kzoo.tune("mlp_classifier", x / 16, y, fixed={"num_classes": 10},
        ...                    max_trials=10, epochs=50)
        >>> print(result.trials)

    Reference:
        Guide: Training Methodology > Phase 5: Fine-Tuning; Hyperparameters.
    """
    return run_search(prepare_search(
        model, x, y, validation_data=validation_data, validation_split=validation_split,
        fixed=fixed, tuner=tuner, max_trials=max_trials, objective=objective,
        directory=directory, project_name=project_name,
        executions_per_trial=executions_per_trial, epochs=epochs, callbacks=callbacks,
        jit_compile=jit_compile, overwrite=overwrite, seed=seed, verbose=verbose,
        distribution=distribution))


def _result(kt_tuner, model, plan, objective, project_dir, role, jit_compile, fixed):
    """The chief's / single process's result: the oracle's trials and the best model."""
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
