"""Fine-tuning with KerasTuner: any registered model, four search algorithms.

The guide's "Phase 5: Fine-Tuning" (learning rate, batch size, dropout,
optimizer) as code::

    result = kzoo.tune("mlp_classifier", x, y, fixed={"num_classes": 10},
                       tuner="bayesian", max_trials=20)
    print(result.trials)            # every trial: hyperparameters, score, epochs, time
    model = result.best_model       # best trial, weights of its best epoch

Modules (one idea each): :mod:`~kzoo.tuning.hypermodel` (registry ->
``HyperModel``), :mod:`~kzoo.tuning.objectives` (objectives with explicit
directions), :mod:`~kzoo.tuning.tuners` (the four algorithms, resumable),
:mod:`~kzoo.tuning.tune` (``kzoo.tune``), :mod:`~kzoo.tuning.results` (trials
table), :mod:`~kzoo.tuning.xla` (``jit_compile``),
:mod:`~kzoo.tuning.distributed` (chief / workers) and ``python -m
kzoo.tuning`` (command line). KerasTuner is imported only when a search or a
hypermodel is created, never by ``import kzoo``.
"""

from kzoo.tuning import distributed
from kzoo.tuning.hypermodel import SearchPlan, hypermodel_for, plan_search
from kzoo.tuning.objectives import default_objective, infer_direction
from kzoo.tuning.results import TrialsTable, TuneResult
from kzoo.tuning.tune import tune
from kzoo.tuning.tuners import TUNERS
from kzoo.tuning.xla import check_jit, jit_blockers

__all__ = [
    "SearchPlan",
    "TUNERS",
    "TrialsTable",
    "TuneResult",
    "check_jit",
    "default_objective",
    "distributed",
    "hypermodel_for",
    "infer_direction",
    "jit_blockers",
    "plan_search",
    "tune",
]
