"""The guide's training callbacks in one call (guide: Regularization, Quick Start Guide)."""

import logging
import os
import warnings

import keras

from kzoo import checks, defaults
from kzoo.callbacks.checkpoint import AtomicModelCheckpoint

logger = logging.getLogger("kzoo.callbacks")


def _unvalidated(monitor):
    return monitor[len("val_"):] if monitor.startswith("val_") else monitor


def _check_args(*, monitor, patience, reduce_lr_patience, reduce_lr_factor, min_lr, mode,
                checkpoint, csv_log, backup_dir):
    if not isinstance(monitor, str) or not monitor:
        raise ValueError(f"monitor must be a non-empty metric name such as 'val_loss'. "
                         f"Received: monitor={monitor!r}")
    checks.positive_int("patience", patience, minimum=0)
    checks.positive_int("reduce_lr_patience", reduce_lr_patience, minimum=0)
    checks.number_in_range("reduce_lr_factor", reduce_lr_factor, 0.0, 1.0,
                           low_inclusive=False, high_inclusive=False)
    checks.non_negative("min_lr", min_lr)
    checks.one_of("mode", mode, ("auto", "min", "max"))
    for name, path in (("checkpoint", checkpoint), ("csv_log", csv_log),
                       ("backup_dir", backup_dir)):
        if path is not None and not isinstance(path, (str, os.PathLike)):
            raise ValueError(f"{name} must be a path or None. Received: {name}={path!r}")
    if checkpoint is not None and not os.fspath(checkpoint).endswith((".keras", ".h5")):
        raise ValueError("checkpoint must be a path ending in '.keras'. "
                         f"Received: checkpoint={checkpoint!r}")


def _monitored(monitor, validation):
    """``monitor``, or its training counterpart (with a warning) when there is no validation."""
    if not validation and monitor.startswith("val_"):
        fallback = _unvalidated(monitor)
        message = (f"recommended(validation=False): no validation data, so the callbacks "
                   f"monitor '{fallback}' instead of '{monitor}'. Early stopping on the "
                   "training loss does not detect overfitting; hold out a validation split "
                   "(guide: Training Methodology > Splitting).")
        warnings.warn(message, stacklevel=3)
        logger.warning(message)
        return fallback
    return monitor


def recommended(*, monitor="val_loss", patience=defaults.EARLY_STOPPING_PATIENCE,
                restore_best_weights=True, reduce_lr=True,
                reduce_lr_factor=defaults.REDUCE_LR_FACTOR,
                reduce_lr_patience=defaults.REDUCE_LR_PATIENCE,
                min_lr=defaults.MIN_LEARNING_RATE, checkpoint=None, csv_log=None,
                backup_dir=None, terminate_on_nan=True, validation=True, mode="auto",
                verbose=0):
    """The guide's recommended callbacks as a list for ``model.fit``.

    In this order: ``EarlyStopping``, ``ReduceLROnPlateau``, an atomic
    ``ModelCheckpoint`` of the best model, ``TerminateOnNaN``, ``CSVLogger``
    and ``BackupAndRestore`` (an interrupted ``fit`` called again with the
    same callbacks resumes at the epoch it reached).

    Args:
        monitor: str. Quantity watched by early stopping, the learning-rate
            reduction and the checkpoint. Defaults to ``"val_loss"`` (guide:
            Early Stopping, "Monitor: validation loss").
        patience: int. Epochs without improvement before stopping. Defaults
            to 15 (guide: Quick Start, "Early stopping (patience 15)").
        restore_best_weights: bool. Restore the best epoch's weights when
            stopping. Defaults to True (guide: "Restore best weights: YES").
        reduce_lr: bool. Add ``ReduceLROnPlateau``. Defaults to True.
        reduce_lr_factor: float. Multiplier applied to the learning rate on a
            plateau. Defaults to 0.5 (guide: ReduceLROnPlateau, "divide by 2").
        reduce_lr_patience: int. Stagnant epochs before reducing. Defaults to
            5 (guide: "Patience: 5-10 epochs").
        min_lr: float. Floor of the learning rate. Defaults to 1e-7 (guide:
            "Minimum learning rate: 0.0000001").
        checkpoint: str or None. Path (``.keras``) where the best model is
            saved atomically; None saves nothing. Defaults to None.
        csv_log: str or None. Path of a CSV file logging every epoch
            (appended to when ``backup_dir`` is set, so resumed runs keep it).
            Defaults to None.
        backup_dir: str or None. Folder for ``BackupAndRestore`` (weights,
            optimizer and epoch saved each epoch, kept double so a kill during
            a backup falls back to the previous one). Defaults to None.
        terminate_on_nan: bool. Add ``TerminateOnNaN``. Defaults to True
            (guide: Quick Diagnosis, "Loss becomes NaN").
        validation: bool. Whether ``fit`` gets validation data. With False a
            ``val_*`` monitor is replaced by its training counterpart
            (``val_loss`` -> ``loss``) and a warning says so. Defaults to True.
        mode: str. ``"auto"``, ``"min"`` or ``"max"`` for the monitored value.
            Defaults to ``"auto"``.
        verbose: int. Verbosity passed to the Keras callbacks. Defaults to 0.

    Returns:
        A list of ``keras.callbacks.Callback``.

    Example:
        >>> callbacks = kzoo.callbacks.recommended(checkpoint="best.keras")
        >>> model.fit(x, y, validation_split=0.15, epochs=200, callbacks=callbacks)

    Reference: guide, Regularization > Early Stopping, ReduceLROnPlateau; Quick Start.
    """
    _check_args(monitor=monitor, patience=patience, reduce_lr_patience=reduce_lr_patience,
                reduce_lr_factor=reduce_lr_factor, min_lr=min_lr, mode=mode,
                checkpoint=checkpoint, csv_log=csv_log, backup_dir=backup_dir)
    monitor = _monitored(monitor, validation)
    callbacks = [keras.callbacks.EarlyStopping(
        monitor=monitor, patience=patience, restore_best_weights=restore_best_weights,
        mode=mode, verbose=verbose)]
    if reduce_lr:
        callbacks.append(keras.callbacks.ReduceLROnPlateau(
            monitor=monitor, factor=reduce_lr_factor, patience=reduce_lr_patience,
            min_lr=min_lr, mode=mode, verbose=verbose))
    if checkpoint is not None:
        callbacks.append(AtomicModelCheckpoint(
            os.fspath(checkpoint), monitor=monitor, save_best_only=True, mode=mode,
            verbose=verbose))
    if terminate_on_nan:
        callbacks.append(keras.callbacks.TerminateOnNaN())
    if csv_log is not None:
        # Append when resuming so the log of an interrupted run is kept.
        callbacks.append(keras.callbacks.CSVLogger(os.fspath(csv_log),
                                                   append=backup_dir is not None))
    if backup_dir is not None:
        callbacks.append(keras.callbacks.BackupAndRestore(
            os.fspath(backup_dir), double_checkpoint=True))
    return callbacks
