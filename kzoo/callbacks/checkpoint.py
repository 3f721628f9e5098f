"""A ``ModelCheckpoint`` whose writes are atomic (guide: Regularization > Early Stopping).

Keras' ``ModelCheckpoint`` writes the ``.keras`` zip in place: a process killed
halfway through a save leaves a truncated file and the previous best model is
lost with it. ``AtomicModelCheckpoint`` writes every save to a temporary file in
the same directory, flushes it to disk, then renames it over the target with
``os.replace`` (atomic on POSIX and Windows), so the target is always either the
previous complete file or the new complete file.
"""

import glob
import os

import keras

from kzoo import checks

_TMP_MARK = ".kzoo-tmp-"


def temporary_path(filepath, pid=None):
    """The temporary file a save of ``filepath`` goes through (same folder and suffix)."""
    directory, base = os.path.split(filepath)
    pid = os.getpid() if pid is None else pid
    return os.path.join(directory, f"{_TMP_MARK}{pid}-{base}")


def stale_temporary_files(filepath):
    """Temporary files left by saves of ``filepath`` that were killed mid-write."""
    directory, base = os.path.split(filepath)
    return sorted(glob.glob(os.path.join(glob.escape(directory or "."),
                                         f"{_TMP_MARK}*-{glob.escape(base)}")))


def _fsync(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_save(model, filepath, *, weights_only=False):
    """Saves ``model`` (or its weights) to ``filepath`` atomically.

    Args:
        model: keras.Model. The model to save.
        filepath: str. Target path ending in ``.keras`` (or ``.weights.h5`` with
            ``weights_only=True``).
        weights_only: bool. Save the weights only. Defaults to False.

    Returns:
        The path written.
    """
    filepath = checks.path_in_existing_folder("filepath", filepath)
    tmp = temporary_path(filepath)
    try:
        if weights_only:
            model.save_weights(tmp, overwrite=True)
        else:
            model.save(tmp, overwrite=True)
        _fsync(tmp)
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    directory = os.path.dirname(os.path.abspath(filepath))
    if hasattr(os, "O_DIRECTORY"):
        try:
            fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:  # some filesystems refuse directory fsync
            pass
    return filepath


class AtomicModelCheckpoint(keras.callbacks.ModelCheckpoint):
    """``keras.callbacks.ModelCheckpoint`` that never leaves a half-written file.

    Same arguments and behaviour as Keras' callback (``monitor``,
    ``save_best_only``, ``mode``, ``save_weights_only``, ``save_freq``, ...);
    only the write differs: temporary file in the same folder, ``fsync``,
    then ``os.replace`` over the target. Killing the process at any moment
    leaves the previous checkpoint intact and loadable. Temporary files left
    by a killed process are removed when the next training starts.

    Args:
        filepath: str. Where to save, e.g. ``"best.keras"``; Keras' formatting
            keys such as ``{epoch:02d}`` work.
        **kwargs: Passed to ``keras.callbacks.ModelCheckpoint``.

    Returns:
        A Keras callback.

    Example:
        >>> cb = kzoo.callbacks.AtomicModelCheckpoint("best.keras", save_best_only=True)
        >>> model.fit(x, y, validation_split=0.15, callbacks=[cb])

    Reference:
        Guide: Regularization > Early Stopping ("best validation -> save").
    """

    def __init__(self, filepath, **kwargs):
        if not isinstance(filepath, (str, os.PathLike)) or not os.fspath(filepath):
            raise ValueError("filepath must be a path such as 'best.keras'. Received: "
                             f"filepath={filepath!r}")
        super().__init__(os.fspath(filepath), **kwargs)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        for stale in stale_temporary_files(os.fspath(self.filepath)):
            try:
                os.remove(stale)
            except OSError:
                pass

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, batch, logs, filepath):
            return
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if os.path.isdir(filepath):
            raise OSError("Please specify a non-directory filepath for ModelCheckpoint. "
                          f"Filepath used is an existing directory: {filepath}")
        atomic_save(self.model, filepath, weights_only=self.save_weights_only)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
