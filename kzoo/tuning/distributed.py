"""Distributed tuning: one chief (the oracle) and N workers (the trials).

KerasTuner's own chief/worker mode, driven by three environment variables
that every process of one search reads when its tuner is created:

| variable                 | chief          | worker            |
|--------------------------|----------------|-------------------|
| ``KERASTUNER_TUNER_ID``  | ``chief``      | unique, e.g. ``tuner0`` |
| ``KERASTUNER_ORACLE_IP`` | address to listen on | chief's address |
| ``KERASTUNER_ORACLE_PORT`` | port to listen on | chief's port   |

Every process runs the *same* ``kzoo.tune(...)`` call (same model, fixed
arguments, tuner, objective, ``directory`` and ``project_name``). The chief
does not train: it serves the oracle over gRPC and decides every trial; each
worker asks it for a trial, trains it, saves the checkpoint in
``directory/project_name/trial_<id>/`` and reports the score back. Workers
on other machines must see the same ``directory`` (a shared file system) if
the chief should load the best model at the end; otherwise the chief still
holds every score and hyperparameter.

Two ways to start a search::

    # 1. python -m kzoo.tuning (sets the variables for you)
    python -m kzoo.tuning chief  --port 8765 --model mlp_classifier --data digits \\
        --fixed '{"num_classes": 10}' --max-trials 20 --directory runs/tuning &
    python -m kzoo.tuning worker --port 8765 --tuner-id tuner0 --model mlp_classifier \\
        --data digits --fixed '{"num_classes": 10}' --max-trials 20 --directory runs/tuning &
    python -m kzoo.tuning worker --port 8765 --tuner-id tuner1 ...   (same arguments)

    # 2. your own script, run once per process with different variables
    KERASTUNER_TUNER_ID=chief  KERASTUNER_ORACLE_IP=127.0.0.1 KERASTUNER_ORACLE_PORT=8765 \\
        python my_search.py &
    KERASTUNER_TUNER_ID=tuner0 KERASTUNER_ORACLE_IP=127.0.0.1 KERASTUNER_ORACLE_PORT=8765 \\
        python my_search.py &

**Security**: the oracle is an unauthenticated, unencrypted gRPC service.
``python -m kzoo.tuning`` listens on 127.0.0.1 unless ``--ip`` says
otherwise; only bind it to an interface of a trusted private network.

**How it ends**: when the oracle has no trial left (``max_trials`` reached
or the space exhausted), the next worker asking for one gets ``STOPPED``
and exits its search. The chief keeps serving until *every* worker that
connected has been told to stop and no trial is running, then closes the
server and returns (KerasTuner's own loop re-checks only every 20 seconds;
kzoo's :func:`serve` every 0.2 s). A worker that connects only after the
chief has exited waits for it for ``timeout`` seconds, so start the workers
before or together with the chief. Workers never delete the project
(``overwrite`` is honoured by the chief and single-process runs only).
"""

import contextlib
import os
import time

from kzoo.tuning import compat

ENV_TUNER_ID = "KERASTUNER_TUNER_ID"
ENV_IP = "KERASTUNER_ORACLE_IP"
ENV_PORT = "KERASTUNER_ORACLE_PORT"
CHIEF_ID = "chief"
LOOPBACK = "127.0.0.1"


def role() -> str:
    """``"chief"``, ``"worker"`` or ``"single"``, from the environment.

    Raises:
        ValueError: when the variables are set only partially.
    """
    if ENV_IP not in os.environ:
        return "single"
    missing = [v for v in (ENV_PORT, ENV_TUNER_ID) if not os.environ.get(v)]
    if missing:
        raise ValueError(f"{ENV_IP} is set, so this is a distributed search, but {missing} "
                         "is not. Set all of KERASTUNER_TUNER_ID, KERASTUNER_ORACLE_IP and "
                         "KERASTUNER_ORACLE_PORT.")
    return "chief" if CHIEF_ID in os.environ[ENV_TUNER_ID] else "worker"


def environment(tuner_id, *, ip=LOOPBACK, port) -> dict:
    """The three environment variables for one process of a search.

    Args:
        tuner_id: str. ``"chief"`` for the oracle, any other unique id for
            a worker.
        ip: str. Address the chief listens on and workers connect to.
            Defaults to ``"127.0.0.1"`` (this machine only).
        port: int. TCP port of the chief.

    Returns:
        A dict to merge into ``os.environ`` (or a subprocess ``env``).

    Example:
        >>> env = {**os.environ, **kzoo.tuning.distributed.environment("tuner0", port=8765)}
    """
    if not isinstance(tuner_id, str) or not tuner_id:
        raise ValueError(f"tuner_id must be a non-empty string. Received: tuner_id={tuner_id!r}")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ValueError(f"port must be an int in 1..65535. Received: port={port!r}")
    return {ENV_TUNER_ID: tuner_id, ENV_IP: str(ip), ENV_PORT: str(port)}


@contextlib.contextmanager
def environ(tuner_id, *, ip=LOOPBACK, port):
    """Sets the variables of :func:`environment` for the duration of a block."""
    new = environment(tuner_id, ip=ip, port=port)
    old = {k: os.environ.get(k) for k in new}
    os.environ.update(new)
    try:
        yield new
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def free_port(ip=LOOPBACK) -> int:
    """A TCP port that is free on ``ip`` right now (for tests and local runs)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((ip, 0))
        return sock.getsockname()[1]


def set_worker_timeout(seconds):
    """How long a worker waits for each answer of the chief (KerasTuner: 1 hour)."""
    compat.set_client_timeout(seconds)


def serve(oracle, *, poll_seconds=0.2):
    """Serves ``oracle`` to the workers until the search is over (chief only).

    The same gRPC service as KerasTuner's ``oracle_chief.start_server``, on
    ``KERASTUNER_ORACLE_IP:KERASTUNER_ORACLE_PORT``, but it notices the end
    of the search within ``poll_seconds`` and stops the server cleanly.

    Args:
        oracle: keras_tuner.Oracle. The chief's oracle.
        poll_seconds: float. How often the end condition is checked.
    """
    address = f"{os.environ[ENV_IP]}:{os.environ[ENV_PORT]}"
    server, finished = compat.oracle_server(oracle, address)
    print(f"kzoo chief: serving the oracle at {address}", flush=True)
    try:
        while not finished():
            time.sleep(poll_seconds)
    finally:
        server.stop(grace=2.0).wait()


def may_overwrite(current_role, overwrite) -> bool:
    """Only the chief or a single process may delete a shared project."""
    return overwrite and current_role != "worker"


def announce_worker():
    """Printed once a worker is ready to ask for trials (everything before is done)."""
    print(f"kzoo worker {os.environ.get(ENV_TUNER_ID)}: waiting for the chief "
          f"at {os.environ.get(ENV_IP)}:{os.environ.get(ENV_PORT)}", flush=True)


def worker_result(kt_tuner, *, objective, project_dir, model, jit_compile):
    """A worker's :class:`~kzoo.tuning.results.TuneResult`: the trials it ran, no model.

    A worker sees only its own trials (the chief holds the oracle), so its
    table is built from kzoo's per-trial records rather than the oracle.
    """
    from kzoo.tuning.results import TrialsTable, TuneResult

    rows = []
    for trial_id, record in sorted(kt_tuner.kzoo_log.items()):
        rows.append({"trial": trial_id, "status": record["status"], "score": record["score"],
                     "best_epoch": None, "epochs": record["epochs"],
                     "seconds": record["seconds"], "tuner": record["tuner_id"],
                     **{k: v for k, v in record["hyperparameters"].items()
                        if not k.startswith("tuner/")}})
    return TuneResult(best_model=None, best_hyperparameters={}, best_kwargs=None,
                      best_fit_kwargs={}, best_score=None, objective=objective,
                      trials=TrialsTable(rows, objective), tuner=kt_tuner,
                      project_dir=project_dir, role="worker", model=model,
                      jit_compile=jit_compile)
