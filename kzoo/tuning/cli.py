"""``python -m kzoo.tuning``: run, or take part in, a search from the command line.

::

    python -m kzoo.tuning run    --model mlp_classifier --data digits --max-trials 10
    python -m kzoo.tuning chief  --port 8765 --model mlp_classifier --data digits ...
    python -m kzoo.tuning worker --port 8765 --tuner-id tuner0 --model mlp_classifier ...

``run`` is a single-process search. ``chief`` serves the oracle and
``worker`` runs trials (see :mod:`kzoo.tuning.distributed`); give every
process of one search the same search arguments. ``--data`` is a bundled
dataset (``digits``, ``breast_cancer``, ``diabetes``: split 70/15/15 with
the guide's seed and standardized, validation on the 15% split) or an
``.npz`` file with ``x``, ``y`` and optionally ``x_val``, ``y_val``.
``--summary out.json`` writes the result (trials, best hyperparameters) as
JSON. Running the same command again resumes the search.
"""

import argparse
import json
import os
import sys

from kzoo import defaults
from kzoo.tuning import distributed

BUNDLED = ("digits", "breast_cancer", "diabetes")


def _tuples(value):
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def load_data(spec, seed=defaults.SEED):
    """``(x, y, validation_data)`` for ``--data``."""
    import numpy as np

    from kzoo import data

    if spec in BUNDLED:
        x, y = getattr(data, f"load_{spec}")()
        splits, _ = data.standardize(data.split(x, y, seed=seed))
        return splits.x_train, splits.y_train, splits.val
    if spec.endswith(".npz") and os.path.exists(spec):
        with np.load(spec) as arrays:
            x, y = arrays["x"], arrays["y"]
            val = (arrays["x_val"], arrays["y_val"]) if "x_val" in arrays else None
        return x, y, val
    raise ValueError(f"--data must be one of {list(BUNDLED)} or an existing .npz file. "
                     f"Received: --data={spec!r}")


def _objective(text):
    if text is None:
        return None
    name, _, direction = text.partition(":")
    return (name, direction) if direction else name


def _jit(text):
    return {"auto": "auto", "true": True, "false": False}[text]


def parser():
    p = argparse.ArgumentParser(prog="python -m kzoo.tuning",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("role", choices=("run", "chief", "worker"))
    p.add_argument("--model", required=True, help="registry name, e.g. mlp_classifier")
    p.add_argument("--data", required=True, help=f"{' | '.join(BUNDLED)} | file.npz")
    p.add_argument("--fixed", default="{}", help="JSON dict of fixed factory arguments")
    p.add_argument("--tuner", default="random", help="random | bayesian | hyperband | grid")
    p.add_argument("--max-trials", type=int, default=10)
    p.add_argument("--epochs", type=int, default=defaults.EPOCHS)
    p.add_argument("--objective", default=None,
                   help="metric name, optionally with a direction: val_f1_score:max")
    p.add_argument("--directory", default="runs/tuning")
    p.add_argument("--project-name", default=None)
    p.add_argument("--executions-per-trial", type=int, default=1)
    p.add_argument("--seed", type=int, default=defaults.SEED)
    p.add_argument("--jit-compile", default="auto", choices=("auto", "true", "false"))
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))
    p.add_argument("--ip", default=distributed.LOOPBACK,
                   help="chief address (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=None, help="chief port (chief/worker)")
    p.add_argument("--tuner-id", default=None, help="unique worker id (worker)")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds a worker waits for the chief per request (default 3600)")
    p.add_argument("--summary", default=None, help="write the result as JSON to this file")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    if args.role != "run":
        if args.port is None:
            raise SystemExit(f"{args.role} needs --port")
        if args.role == "worker" and not args.tuner_id:
            raise SystemExit("worker needs --tuner-id (unique per worker)")
        tuner_id = distributed.CHIEF_ID if args.role == "chief" else args.tuner_id
        if args.role == "worker" and distributed.CHIEF_ID in tuner_id:
            raise SystemExit(f"a worker's --tuner-id must not contain 'chief': {tuner_id!r}")
        os.environ.update(distributed.environment(tuner_id, ip=args.ip, port=args.port))
    else:
        for var in (distributed.ENV_TUNER_ID, distributed.ENV_IP, distributed.ENV_PORT):
            os.environ.pop(var, None)
    if args.timeout is not None:
        distributed.set_worker_timeout(args.timeout)

    from kzoo.tuning.tune import tune

    x, y, validation = load_data(args.data, seed=args.seed)
    result = tune(args.model, x, y, validation_data=validation,
                  fixed=_tuples(json.loads(args.fixed)), tuner=args.tuner,
                  max_trials=args.max_trials, objective=_objective(args.objective),
                  directory=args.directory, project_name=args.project_name,
                  executions_per_trial=args.executions_per_trial, epochs=args.epochs,
                  jit_compile=_jit(args.jit_compile), overwrite=args.overwrite,
                  seed=args.seed, verbose=args.verbose)
    if args.role == "worker":
        print(f"kzoo worker {args.tuner_id}: ran trial(s) "
              f"{[row['trial'] for row in result.trials]}", flush=True)
    elif args.verbose:
        print(result.trials)
    if args.summary:
        summary = result.to_json()
        summary["tuner_id"] = os.environ.get(distributed.ENV_TUNER_ID, "tuner0")
        tmp = f"{args.summary}.tmp"
        with open(tmp, "w") as f:
            json.dump(summary, f, indent=1, default=str)
        os.replace(tmp, args.summary)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
