"""The guide's training callbacks in one call (guide: Regularization, Quick Start Guide).

The guide's patiences (15 epochs to stop, 5 to halve the learning rate) count
epochs, which is right when an epoch is hundreds of steps. On a small data set
an epoch is a handful of steps (40 series, batch 32: 2 steps), so 15 epochs
are 30 optimizer steps: a recurrent model is stopped before it leaves its
first plateau and a noisy validation loss (6 samples) halves the rate every
few epochs down to the floor. :class:`StepAwareEarlyStopping` and
:class:`ScheduleAwareReduceLROnPlateau` therefore stretch both patiences by
one factor, at the start of every ``fit`` (from ``self.params["steps"]``),
so that early stopping waits at least ``min_patience_steps`` optimizer steps;
with epochs of >= ``min_patience_steps / patience`` steps they are Keras'.
"""

import logging
import math
import os
import warnings

import keras

from kzoo import checks, defaults
from kzoo.callbacks.checkpoint import AtomicModelCheckpoint

logger = logging.getLogger("kzoo.callbacks")


#: Fewest optimizer steps early stopping waits for an improvement (the guide's
#: 15 epochs are >= 200 steps from 14 steps per epoch, ~450 samples at batch 32).
MIN_PATIENCE_STEPS = 200


class StepPatience:
    """Mixin: a patience in epochs stretched when epochs are too short to wait on.

    At ``on_train_begin`` the configured ``patience`` becomes
    ``ceil(patience * k)``, ``k = max(1, min_patience_steps / (reference_patience
    * steps_per_epoch))``, ``reference_patience`` being early stopping's
    patience (so the learning-rate and stopping patiences keep their ratio).
    The configured value stays in ``epoch_patience``; the stretched one is
    logged on the ``kzoo.callbacks`` logger.
    """

    def _init_step_patience(self, min_patience_steps, reference_patience):
        self.epoch_patience = self.patience
        self.min_patience_steps = min_patience_steps
        self.reference_patience = (self.patience if reference_patience is None
                                   else reference_patience)

    def _stretch_patience(self):
        steps = (self.params or {}).get("steps")
        self.patience = self.epoch_patience
        if not steps or not self.min_patience_steps or not self.reference_patience:
            return
        k = self.min_patience_steps / (self.reference_patience * steps)
        if k > 1:
            self.patience = math.ceil(self.epoch_patience * k)
            logger.info("%s: %d steps per epoch, patience %d -> %d epochs (>= %d steps)",
                        type(self).__name__, steps, self.epoch_patience, self.patience,
                        self.min_patience_steps)


class StepAwareEarlyStopping(StepPatience, keras.callbacks.EarlyStopping):
    """``EarlyStopping`` whose patience spans at least ``min_patience_steps`` steps.

    Args:
        min_patience_steps: int. Fewest optimizer steps to wait; 0 is Keras'
            callback exactly. Defaults to 200.
        **kwargs: ``keras.callbacks.EarlyStopping``'s arguments.
    """

    def __init__(self, *, min_patience_steps=MIN_PATIENCE_STEPS, **kwargs):
        super().__init__(**kwargs)
        self._init_step_patience(min_patience_steps, None)

    def on_train_begin(self, logs=None):
        self._stretch_patience()
        super().on_train_begin(logs)


def _has_schedule(optimizer):
    rate = getattr(optimizer, "_learning_rate", None)
    return isinstance(rate, keras.optimizers.schedules.LearningRateSchedule) or callable(rate)


class ScheduleAwareReduceLROnPlateau(StepPatience, keras.callbacks.ReduceLROnPlateau):
    """``ReduceLROnPlateau`` that leaves a learning-rate schedule in charge.

    Keras' callback raises ``TypeError`` mid-training when the optimizer's
    rate is a ``LearningRateSchedule`` (such as ``kzoo.schedules.one_cycle``):
    a schedule's rate is not settable. ``recommended()`` builds its callbacks
    before it sees the model, so the decision is taken at fit time: with a
    float rate this is exactly Keras' ``ReduceLROnPlateau``; with a schedule it
    reduces nothing, records the schedule's current rate in the logs
    (``learning_rate``) and says once, in a warning and on the
    ``kzoo.callbacks`` logger, that the schedule sets the rate instead.

    Short epochs stretch its patience like early stopping's
    (:class:`StepPatience`: ``min_patience_steps``, ``reference_patience``;
    the defaults, 0 and None, keep Keras' patience).

    Args: as ``keras.callbacks.ReduceLROnPlateau``, plus ``min_patience_steps``
        and ``reference_patience``.

    Example:
        >>> model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,),
        ...     learning_rate=kzoo.schedules.one_cycle(1e-2, total_steps=1000))
        >>> model.fit(x, y, validation_split=0.15, epochs=30,
        ...           callbacks=kzoo.callbacks.recommended())   # no TypeError

    Reference:
        Guide: Regularization > ReduceLROnPlateau; Hyperparameters > Learning Rate.
    """

    def __init__(self, *, min_patience_steps=0, reference_patience=None, **kwargs):
        super().__init__(**kwargs)
        self._init_step_patience(min_patience_steps, reference_patience)

    def on_train_begin(self, logs=None):
        self._stretch_patience()
        super().on_train_begin(logs)
        self._scheduled = _has_schedule(self.model.optimizer)
        if self._scheduled:
            message = (f"ReduceLROnPlateau: the optimizer's learning rate is a schedule "
                       f"({type(self.model.optimizer._learning_rate).__name__}), which "
                       "sets the rate at every step; plateaus on "
                       f"'{self.monitor}' will not reduce it (early stopping still applies).")
            warnings.warn(message, stacklevel=2)
            logger.warning(message)

    def on_epoch_end(self, epoch, logs=None):
        if not getattr(self, "_scheduled", False):
            return super().on_epoch_end(epoch, logs)
        if logs is not None:
            logs["learning_rate"] = float(keras.ops.convert_to_numpy(
                self.model.optimizer.learning_rate))
        return None


def _unvalidated(monitor):
    return monitor[len("val_"):] if monitor.startswith("val_") else monitor


def _check_args(*, monitor, patience, reduce_lr_patience, reduce_lr_factor, min_lr, mode,
                checkpoint, csv_log, backup_dir, flags, verbose, min_patience_steps):
    for name, value in flags.items():
        checks.boolean(name, value)
    checks.one_of("verbose", verbose, (0, 1))
    if not isinstance(monitor, str) or not monitor:
        raise ValueError(f"monitor must be a non-empty metric name such as 'val_loss'. "
                         f"Received: monitor={monitor!r}")
    checks.positive_int("patience", patience, minimum=0)
    checks.positive_int("reduce_lr_patience", reduce_lr_patience, minimum=0)
    checks.positive_int("min_patience_steps", min_patience_steps, minimum=0)
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
                min_lr=defaults.MIN_LEARNING_RATE, min_patience_steps=MIN_PATIENCE_STEPS,
                checkpoint=None, csv_log=None, backup_dir=None, terminate_on_nan=True,
                validation=True, mode="auto", verbose=0):
    """The guide's recommended callbacks as a list for ``model.fit``.

    In this order: ``EarlyStopping`` (as :class:`StepAwareEarlyStopping`),
    ``ReduceLROnPlateau`` (as
    :class:`ScheduleAwareReduceLROnPlateau`: with a learning-rate schedule it
    leaves the rate to the schedule instead of raising), an atomic
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
        min_patience_steps: int. Fewest optimizer steps early stopping waits:
            when ``patience`` epochs are fewer steps (small data), both
            patiences are stretched by one factor at the start of ``fit``
            (see the module docstring); 0 keeps them in epochs. Defaults to
            200 (no change from ~14 steps per epoch up).
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
                checkpoint=checkpoint, csv_log=csv_log, backup_dir=backup_dir, verbose=verbose,
                min_patience_steps=min_patience_steps, flags={"restore_best_weights": restore_best_weights, "reduce_lr": reduce_lr,
                       "terminate_on_nan": terminate_on_nan, "validation": validation})
    monitor = _monitored(monitor, validation)
    return _callbacks(monitor=monitor, patience=patience,
                      restore_best_weights=restore_best_weights, reduce_lr=reduce_lr,
                      reduce_lr_factor=reduce_lr_factor, reduce_lr_patience=reduce_lr_patience,
                      min_lr=min_lr, min_patience_steps=min_patience_steps,
                      checkpoint=checkpoint, csv_log=csv_log, backup_dir=backup_dir,
                      terminate_on_nan=terminate_on_nan, mode=mode, verbose=verbose)


def _callbacks(*, monitor, patience, restore_best_weights, reduce_lr, reduce_lr_factor,
               reduce_lr_patience, min_lr, min_patience_steps, checkpoint, csv_log, backup_dir,
               terminate_on_nan, mode, verbose):
    callbacks = [StepAwareEarlyStopping(
        monitor=monitor, patience=patience, restore_best_weights=restore_best_weights,
        mode=mode, verbose=verbose, min_patience_steps=min_patience_steps)]
    if reduce_lr:
        callbacks.append(ScheduleAwareReduceLROnPlateau(
            monitor=monitor, factor=reduce_lr_factor, patience=reduce_lr_patience,
            min_lr=min_lr, mode=mode, verbose=verbose, min_patience_steps=min_patience_steps,
            reference_patience=patience))
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
