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
import warnings

TUNERS = ("random", "bayesian", "hyperband", "grid")
HYPERBAND_FACTOR = 3


def check_tuner(name):
    if name not in TUNERS:
        raise ValueError(f"tuner must be one of {list(TUNERS)}. Received: tuner={name!r}")
    return name


@functools.cache
def _defaults_first(oracle_cls):
    class DefaultsFirst(oracle_cls):
        """Starts the search from every hyperparameter's default value."""

        def _random_values(self):
            if not self.trials and not self.start_order:
                hps = self.get_space()
                values = {hp.name: hp.default for hp in hps.space if hps.is_active(hp)}
                if values and not self._duplicate(values):
                    return values
            return super()._random_values()

    DefaultsFirst.__name__ = DefaultsFirst.__qualname__ = f"Kzoo{oracle_cls.__name__}"
    return DefaultsFirst


@functools.cache
def _tuner_class(kind):
    import keras
    import keras_tuner
    from keras_tuner.src.distribute import utils as dist_utils
    from keras_tuner.src.engine import tuner_utils

    from kzoo.tuning import distributed, results

    base = {"random": keras_tuner.RandomSearch, "bayesian": keras_tuner.BayesianOptimization,
            "hyperband": keras_tuner.Hyperband, "grid": keras_tuner.GridSearch}[kind]

    class KzooTuner(base):
        def __init__(self, oracle, hypermodel, *, kzoo_seed=None, **kwargs):
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
            if self._is_worker():
                return
            # A trial whose file says RUNNING but that the oracle state does
            # not list (killed between the two writes) is queued again too.
            oracle = self.oracle
            for trial_id, trial in oracle.trials.items():
                if trial.status == "RUNNING" and trial_id not in oracle._retry_queue:
                    oracle._retry_queue.append(trial_id)

        def search(self, *fit_args, **fit_kwargs):
            if dist_utils.is_chief_oracle():
                self.save()
                distributed.serve(self.oracle)
                return
            return super().search(*fit_args, **fit_kwargs)

        def on_search_begin(self):
            super().on_search_begin()
            if not self._is_worker():
                self.save()  # resumable even if killed during the first trial

        def _build_hypermodel(self, hp):
            with warnings.catch_warnings():
                # Hyperband reloads a previous trial's checkpoint, which holds
                # optimizer slots the freshly built model does not have yet.
                warnings.filterwarnings("ignore", message="Skipping variable loading")
                return super()._build_hypermodel(hp)

        def _configure_tensorboard_dir(self, callbacks, trial, execution=0):
            # KerasTuner imports the tensorboard package on every TensorFlow
            # trial, even without a TensorBoard callback; tensorboard is not
            # a dependency of TensorFlow 2.21, so only do it when needed.
            if any(type(c).__name__ == "TensorBoard" for c in callbacks):
                super()._configure_tensorboard_dir(callbacks, trial, execution)

        def on_trial_begin(self, trial):
            self._kzoo_started[trial.trial_id] = time.perf_counter()
            super().on_trial_begin(trial)

        def run_trial(self, trial, *fit_args, **fit_kwargs):
            if self.kzoo_seed is not None and trial.trial_id.isdigit():
                keras.utils.set_random_seed(int(self.kzoo_seed) + int(trial.trial_id))
            outcome = super().run_trial(trial, *fit_args, **fit_kwargs)
            runs = outcome if isinstance(outcome, list) else [outcome]
            epochs = [len(r.epoch) for r in runs if hasattr(r, "epoch")]
            self._kzoo_epochs[trial.trial_id] = max(epochs) if epochs else None
            try:
                metrics = tuner_utils.convert_to_metrics_dict(outcome, self.oracle.objective)
                score = metrics.get(self.oracle.objective.name)
                self._kzoo_scores[trial.trial_id] = None if score is None else float(score)
            except Exception:  # scoring is the oracle's job; this is only a record
                pass
            return outcome

        def on_trial_end(self, trial):
            started = self._kzoo_started.pop(trial.trial_id, None)
            record = {
                "tuner_id": self.tuner_id,
                "status": trial.status,
                "seconds": None if started is None else round(time.perf_counter() - started,
                                                              3),
                "epochs": self._kzoo_epochs.pop(trial.trial_id, None),
                "score": self._kzoo_scores.pop(trial.trial_id, None),
                "pid": os.getpid(),
                "hyperparameters": dict(trial.hyperparameters.values),
            }
            results.write_record(self.get_trial_dir(trial.trial_id), record)
            self.kzoo_log[trial.trial_id] = record
            super().on_trial_end(trial)

    KzooTuner.__name__ = KzooTuner.__qualname__ = f"Kzoo{base.__name__}"
    return KzooTuner


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
    import keras_tuner

    check_tuner(kind)
    common = {"objective": objective, "seed": seed}
    if kind == "random":
        oracle = _defaults_first(keras_tuner.oracles.RandomSearchOracle)(
            max_trials=max_trials, **common)
    elif kind == "bayesian":
        oracle = _defaults_first(keras_tuner.oracles.BayesianOptimizationOracle)(
            max_trials=max_trials, **common)
    elif kind == "grid":
        oracle = keras_tuner.oracles.GridSearchOracle(max_trials=max_trials, **common)
    else:
        oracle = _defaults_first(keras_tuner.oracles.HyperbandOracle)(
            max_epochs=epochs, factor=HYPERBAND_FACTOR, **common)
        oracle.max_trials = max_trials
    return _tuner_class(kind)(
        oracle, hypermodel, kzoo_seed=seed, directory=os.fspath(directory),
        project_name=project_name, overwrite=overwrite,
        executions_per_trial=executions_per_trial)
