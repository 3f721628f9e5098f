"""Every use of KerasTuner's (and Keras') private API, in one place, version-checked.

kzoo adds bookkeeping to KerasTuner (defaults-first oracles, resumable first
trials, a chief that exits promptly) that its public API cannot express. Each
such reach into ``keras_tuner.src`` or a private attribute is a function or
mixin here, so that a KerasTuner release that moves them breaks one module,
and :func:`check_version` says so up front instead of failing mid-search.

Supported: keras-tuner ``SUPPORTED`` (``setup.cfg`` pins the same range).
"""

import functools
import warnings

#: The keras-tuner releases whose internals this module was written against.
SUPPORTED = ((1, 4, 8), (1, 5, 0))  # >= 1.4.8, < 1.5 (1.4.8 is the latest release)


def _version_tuple(version):
    parts = []
    for piece in version.split(".")[:3]:
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts + [0] * (3 - len(parts)))


@functools.cache
def check_version():
    """Imports KerasTuner and raises ``ImportError`` for an unsupported release."""
    import keras_tuner

    low, high = SUPPORTED
    found = _version_tuple(keras_tuner.__version__)
    if not low <= found < high:
        raise ImportError(
            f"kzoo.tuning supports keras-tuner >={'.'.join(map(str, low))},"
            f"<{'.'.join(map(str, high))} (it uses internals that move between releases). "
            f"Received: keras-tuner {keras_tuner.__version__}")
    return keras_tuner


# --- oracles -----------------------------------------------------------------

@functools.cache
def defaults_first(oracle_cls):
    """``oracle_cls`` whose very first trial uses every hyperparameter's default.

    Overrides the private ``Oracle._random_values`` (and uses ``_duplicate``):
    the public API has no hook for the first point of a random search.
    """
    class DefaultsFirst(oracle_cls):
        def _random_values(self):
            if not self.trials and not self.start_order:
                hps = self.get_space()
                values = {hp.name: hp.default for hp in hps.space if hps.is_active(hp)}
                if values and not self._duplicate(values):
                    return values
            return super()._random_values()

    DefaultsFirst.__name__ = DefaultsFirst.__qualname__ = f"Kzoo{oracle_cls.__name__}"
    return DefaultsFirst


def requeue_running_trials(oracle):
    """Queues again every trial still marked RUNNING (its process died)."""
    for trial_id, trial in oracle.trials.items():
        if trial.status == "RUNNING" and trial_id not in oracle._retry_queue:
            oracle._retry_queue.append(trial_id)


# --- tuners ------------------------------------------------------------------

class TunerOverrides:
    """Mixin for a ``keras_tuner.Tuner`` subclass: kzoo's private-method overrides."""

    def _build_hypermodel(self, hp):
        with warnings.catch_warnings():
            # Hyperband reloads a previous trial's checkpoint, which holds
            # optimizer slots the freshly built model does not have yet.
            warnings.filterwarnings("ignore", message="Skipping variable loading")
            return super()._build_hypermodel(hp)

    def _configure_tensorboard_dir(self, callbacks, trial, execution=0):
        # KerasTuner imports the tensorboard package on every TensorFlow
        # trial, even without a TensorBoard callback; only do it when needed.
        if any(type(c).__name__ == "TensorBoard" for c in callbacks):
            super()._configure_tensorboard_dir(callbacks, trial, execution)


def is_chief_oracle() -> bool:
    """True in the chief process of a distributed search."""
    from keras_tuner.src.distribute import utils

    return utils.is_chief_oracle()


def metrics_dict(outcome, objective) -> dict:
    """KerasTuner's reading of a ``run_trial`` outcome into ``{metric: value}``."""
    from keras_tuner.src.engine import tuner_utils

    return tuner_utils.convert_to_metrics_dict(outcome, objective)


# --- distributed search ------------------------------------------------------

def set_client_timeout(seconds):
    """How long a worker waits for each answer of the chief (KerasTuner: 1 hour)."""
    from keras_tuner.src.distribute import oracle_client

    oracle_client.TIMEOUT = float(seconds)


def oracle_server(oracle, address):
    """A started gRPC server for ``oracle`` and a ``finished()`` test for the chief.

    Returns:
        ``(server, finished)``: stop the server with ``server.stop(grace)``
        once ``finished()`` is True (every worker told to stop, no trial running).
    """
    from concurrent import futures

    import grpc
    from keras_tuner.src import protos
    from keras_tuner.src.distribute import oracle_chief

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    servicer = oracle_chief.OracleServicer(oracle)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    if not server.add_insecure_port(address):
        raise RuntimeError(f"The chief cannot listen on {address} (port in use?).")
    server.start()
    return server, lambda: servicer.stop_triggered and oracle_chief.exit_chief(oracle)


# --- Keras -------------------------------------------------------------------

def all_layers(model) -> list:
    """Every layer of ``model``, nested ones included (Keras' ``_flatten_layers``)."""
    if hasattr(model, "_flatten_layers"):
        return list(model._flatten_layers(include_self=False))
    return list(model.layers)
