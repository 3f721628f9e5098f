"""The four KerasTuner search algorithms, with kzoo's bookkeeping added.

``tuner="random" | "bayesian" | "hyperband" | "grid"`` picks KerasTuner's
``RandomSearch``, ``BayesianOptimization``, ``Hyperband`` or ``GridSearch``.
kzoo subclasses them (on first use, so ``import kzoo`` never imports
KerasTuner) to add, without changing how they search:

* **defaults first**: the very first trial of a project uses every
  hyperparameter's default, so it reproduces the model the factory builds
  with no arguments (KerasTuner's grid search already does this; its random,
  Bayesian and Hyperband oracles would start from a random point). Later
  trials are the algorithm's own.
* **a record per trial** (``trial_<id>/kzoo_trial.json``): wall time, epochs
  actually trained, the tuner id that ran it, the objective value seen by
  that worker. KerasTuner itself keeps neither time nor epochs.
* **seeded trials**: with ``seed`` set, trial ``i`` calls
  ``keras.utils.set_random_seed(seed + i)`` before it builds its model, so a
  trial (including one re-run after an interruption) starts from the same
  initial weights every time.
* **resumability from the first trial**: the tuner state is saved when the
  search begins, so a process killed during its first trial resumes
  instead of starting a new project; a trial that was running when the
  process died is queued again.
* **``max_trials`` for Hyperband**: KerasTuner's Hyperband ignores it; kzoo
  caps the number of trials (Hyperband's brackets still decide which).
* **a chief that exits promptly** (see :mod:`kzoo.tuning.distributed`).
"""

import functools
import os
import time

from kzoo.tuning import compat, distributed, results

TUNERS = ("random", "bayesian", "hyperband", "grid")
HYPERBAND_FACTOR = 3


def check_tuner(name):
    if name not in TUNERS:
        raise ValueError(f"tuner must be one of {list(TUNERS)}. Received: tuner={name!r}")
    return name


class _Bookkeeping:
    """kzoo's additions to a KerasTuner tuner, through its public hooks."""

    def __init__(self, oracle, hypermodel, *, kzoo_seed=None, **kwargs):
        import keras_tuner

        # The KerasTuner subclasses only build their oracle in __init__;
        # kzoo passes its own (defaults-first) oracle to the base Tuner.
        self.kzoo_seed = kzoo_seed
        self.kzoo_log = {}
        self._kzoo_started = {}
        self._kzoo_epochs = {}
        self._kzoo_scores = {}
        keras_tuner.Tuner.__init__(self, oracle=oracle, hypermodel=hypermodel, **kwargs)

    def reload(self):
        super().reload()
        if distributed.role() != "worker":
            # A trial whose file says RUNNING but that the oracle state does
            # not list (killed between the two writes) is queued again too.
            compat.requeue_running_trials(self.oracle)

    def search(self, *fit_args, **fit_kwargs):
        if compat.is_chief_oracle():
            self.save()
            distributed.serve(self.oracle)
            return None
        return super().search(*fit_args, **fit_kwargs)

    def on_search_begin(self):
        super().on_search_begin()
        if distributed.role() != "worker":
            self.save()  # resumable even if killed during the first trial

    def on_trial_begin(self, trial):
        self._kzoo_started[trial.trial_id] = time.perf_counter()
        super().on_trial_begin(trial)

    def run_trial(self, trial, *fit_args, **fit_kwargs):
        import keras

        if self.kzoo_seed is not None and trial.trial_id.isdigit():
            keras.utils.set_random_seed(int(self.kzoo_seed) + int(trial.trial_id))
        outcome = super().run_trial(trial, *fit_args, **fit_kwargs)
        runs = outcome if isinstance(outcome, list) else [outcome]
        epochs = [len(r.epoch) for r in runs if hasattr(r, "epoch")]
        self._kzoo_epochs[trial.trial_id] = max(epochs) if epochs else None
        try:
            score = compat.metrics_dict(outcome, self.oracle.objective).get(
                self.oracle.objective.name)
            self._kzoo_scores[trial.trial_id] = None if score is None else float(score)
        except Exception:  # scoring is the oracle's job; this is only a record
            pass
        return outcome

    def on_trial_end(self, trial):
        started = self._kzoo_started.pop(trial.trial_id, None)
        record = {
            "tuner_id": self.tuner_id,
            "status": trial.status,
            "seconds": None if started is None else round(time.perf_counter() - started, 3),
            "epochs": self._kzoo_epochs.pop(trial.trial_id, None),
            "score": self._kzoo_scores.pop(trial.trial_id, None),
            "pid": os.getpid(),
            "hyperparameters": dict(trial.hyperparameters.values),
        }
        results.write_record(self.get_trial_dir(trial.trial_id), record)
        self.kzoo_log[trial.trial_id] = record
        super().on_trial_end(trial)


@functools.cache
def _tuner_class(kind):
    keras_tuner = compat.check_version()
    base = {"random": keras_tuner.RandomSearch, "bayesian": keras_tuner.BayesianOptimization,
            "hyperband": keras_tuner.Hyperband, "grid": keras_tuner.GridSearch}[kind]
    cls = type(f"Kzoo{base.__name__}", (_Bookkeeping, compat.TunerOverrides, base), {})
    cls.__qualname__ = cls.__name__
    return cls


def make_tuner(kind, hypermodel, *, objective, max_trials, epochs, seed, directory,
               project_name, overwrite, executions_per_trial):
    """Builds a kzoo-flavoured KerasTuner tuner (imports KerasTuner).

    Args:
        kind: str. One of ``TUNERS``.
        hypermodel: keras_tuner.HyperModel.
        objective: keras_tuner.Objective.
        max_trials: int. Maximum number of trials (Hyperband included).
        epochs: int. Epochs per trial; Hyperband's ``max_epochs``.
        seed: int or None. Oracle seed and per-trial weight seed.
        directory: str. Parent folder of the project.
        project_name: str. Project folder name.
        overwrite: bool. Delete an existing project first.
        executions_per_trial: int. Models trained per configuration.

    Returns:
        The tuner.
    """
    keras_tuner = compat.check_version()
    check_tuner(kind)
    common = {"objective": objective, "seed": seed}
    if kind == "random":
        oracle = compat.defaults_first(keras_tuner.oracles.RandomSearchOracle)(
            max_trials=max_trials, **common)
    elif kind == "bayesian":
        oracle = compat.defaults_first(keras_tuner.oracles.BayesianOptimizationOracle)(
            max_trials=max_trials, **common)
    elif kind == "grid":
        oracle = keras_tuner.oracles.GridSearchOracle(max_trials=max_trials, **common)
    else:
        oracle = compat.defaults_first(keras_tuner.oracles.HyperbandOracle)(
            max_epochs=epochs, factor=HYPERBAND_FACTOR, **common)
        oracle.max_trials = max_trials
    return _tuner_class(kind)(
        oracle, hypermodel, kzoo_seed=seed, directory=os.fspath(directory),
        project_name=project_name, overwrite=overwrite,
        executions_per_trial=executions_per_trial)
