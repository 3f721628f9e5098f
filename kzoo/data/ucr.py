"""UCR/UEA time-series classification archive: ``load_ucr`` (local folder or download).

The archive (https://www.timeseriesclassification.com) ships each problem as
``<Name>_TRAIN.ts`` / ``<Name>_TEST.ts`` with the official split. Without a
``path``, :func:`load_ucr` downloads ``<Name>.zip`` from :data:`UCR_BASE_URL`
with ``keras.utils.get_file`` into the Keras cache (``~/.keras/datasets/ucr``)
once and reads it from there afterwards.

What comes back: float32 arrays ``(n, timesteps, channels)`` and labels
encoded 0..K-1 by a fitted ``sklearn.preprocessing.LabelEncoder`` (integer
labels such as ``"1" "2" "10"`` are encoded in numeric order). Variable-length
problems (JapaneseVowels, PLAID) need ``pad=True``: every series is padded at
the end with ``mask_value`` to the longest length of train and test (see
:mod:`kzoo.data.padding`), and the models take the same ``mask_value=``.
"""

import dataclasses
import os
import re
import zipfile

import numpy as np

from kzoo.data.padding import MASK_VALUE, pad_series
from kzoo.data.ts_format import read_ts

UCR_BASE_URL = "https://www.timeseriesclassification.com/aeon-toolkit/"
CACHE_SUBDIR = os.path.join("datasets", "ucr")


@dataclasses.dataclass
class UCRDataset:
    """A UCR/UEA problem with its official split. Unpacks as
    ``(x_train, y_train), (x_test, y_test)``.

    Attributes:
        x_train, x_test: float32 arrays ``(n, timesteps, channels)``.
        y_train, y_test: int32 labels 0..K-1 (``encoder.inverse_transform``
            gives the file's labels back).
        encoder: the fitted ``sklearn.preprocessing.LabelEncoder``.
        name: str. The problem's name.
        lengths_train, lengths_test: int64 arrays. Each series' true length
            (before padding).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    encoder: object
    name: str
    lengths_train: np.ndarray
    lengths_test: np.ndarray

    @property
    def train(self):
        return self.x_train, self.y_train

    @property
    def test(self):
        return self.x_test, self.y_test

    @property
    def num_classes(self):
        return len(self.encoder.classes_)

    def __iter__(self):
        return iter((self.train, self.test))

    def __repr__(self):
        return (f"UCRDataset({self.name!r}, train={self.x_train.shape}, "
                f"test={self.x_test.shape}, classes={self.num_classes})")


def _check_name(name):
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]*", name):
        raise ValueError("name must be a UCR/UEA problem name such as 'GunPoint' (letters, "
                         f"digits, '_' or '-'). Received: name={name!r}")


def _find(folder, name):
    """``(train, test)`` paths under ``folder`` (directly or in ``<name>/``), or None."""
    for base in (folder, os.path.join(folder, name)):
        train, test = (os.path.join(base, f"{name}_{part}.ts") for part in ("TRAIN", "TEST"))
        if os.path.isfile(train) and os.path.isfile(test):
            return train, test
    for root, _, files in os.walk(folder):
        if f"{name}_TRAIN.ts" in files and f"{name}_TEST.ts" in files:
            return os.path.join(root, f"{name}_TRAIN.ts"), os.path.join(root, f"{name}_TEST.ts")
    return None


def available(path):
    """Names of the problems in a folder (those with both ``_TRAIN.ts`` and ``_TEST.ts``)."""
    names = set()
    for _, _, files in os.walk(path):
        names |= {f[:-9] for f in files if f.endswith("_TRAIN.ts")
                  and f"{f[:-9]}_TEST.ts" in files}
    return sorted(names)


def _download(name, base_url, cache_dir):
    """Downloads and extracts ``<name>.zip``; returns the folder it was extracted into."""
    import keras

    from kzoo.data.datasets import DatasetUnavailableError

    origin = base_url.rstrip("/") + f"/{name}.zip"
    try:
        archive = keras.utils.get_file(f"{name}.zip", origin=origin, cache_dir=cache_dir,
                                       cache_subdir=CACHE_SUBDIR)
    except Exception as e:  # keras raises a bare Exception on URL failures
        if "404" in str(e) or "No such file" in str(e):
            raise ValueError(f"name must be a problem of the UCR/UEA archive: {origin} does "
                             f"not exist ({e}). Received: name={name!r}") from e
        raise DatasetUnavailableError(
            f"Could not download {origin}: {e}. Offline? Download it elsewhere, unzip it and "
            f"pass path= the folder holding {name}_TRAIN.ts and {name}_TEST.ts.") from e
    folder = os.path.join(os.path.dirname(archive), name)
    if _find(folder, name) if os.path.isdir(folder) else None:
        return folder                                   # extracted by an earlier call
    if not zipfile.is_zipfile(archive):
        os.remove(archive)
        raise ValueError(f"{origin} is not a zip archive (removed from the cache). "
                         f"Received: name={name!r}")
    with zipfile.ZipFile(archive) as z:
        z.extractall(folder)
    return folder


def _encoder(train, test, name):
    from sklearn.preprocessing import LabelEncoder

    labels = list(train.class_labels or ()) + list(np.unique(train.labels))
    numeric = all(re.fullmatch(r"-?\d+", str(v)) for v in labels)
    cast = (lambda v: np.asarray(v).astype("int64")) if numeric else (lambda v: np.asarray(v))
    encoder = LabelEncoder().fit(cast(labels))
    unseen = sorted(set(test.labels) - set(np.asarray(labels, dtype=str)))
    if unseen:
        raise ValueError(f"{name}_TEST.ts has labels {unseen} that are neither in the training "
                         f"file nor in its @classLabel line, so they cannot be encoded. "
                         f"Received: name={name!r}")
    if len(encoder.classes_) < 2:
        raise ValueError(f"{name} has a single class {list(encoder.classes_)}: nothing to "
                         f"classify. Received: name={name!r}")
    return encoder, cast


def _arrays(ts, part, name, *, pad, length, mask_value, keep_nan):
    if not keep_nan and any(np.isnan(s).any() for s in ts.series):
        bad = next(i for i, s in enumerate(ts.series) if np.isnan(s).any())
        raise ValueError(f"{name}_{part}.ts has missing values ('?' or NaN), first in series "
                         f"{bad}. Pass keep_nan=True to get them as NaN (then impute them; "
                         f"the models reject NaN). Received: keep_nan={keep_nan}")
    if len(set(ts.lengths)) > 1 and not pad:
        raise ValueError(f"{name} has series of different lengths ({ts.lengths.min()} to "
                         f"{ts.lengths.max()} steps in {part}) that do not fit in one array. "
                         f"Pass pad=True to pad them with mask_value at the end (and "
                         f"mask_value= to the model). Received: pad={pad}")
    return pad_series(ts.series, maxlen=length, mask_value=mask_value)


def load_ucr(name, path=None, *, pad=False, mask_value=MASK_VALUE, keep_nan=False,
             base_url=UCR_BASE_URL, cache_dir=None):
    """Loads a UCR/UEA classification problem with its official train/test split.

    Args:
        name: str. The problem, e.g. ``"GunPoint"``, ``"BasicMotions"``.
        path: str or None. A folder holding ``<name>_TRAIN.ts`` and
            ``<name>_TEST.ts`` (directly, in ``<name>/``, or deeper). Defaults
            to None: download ``<name>.zip`` from ``base_url`` once and cache it.
        pad: bool. Pad variable-length series at the end with ``mask_value``
            to the longest length of train and test. Without it a
            variable-length problem raises ``ValueError``. Defaults to False.
        mask_value: float. Value of the padded steps. Defaults to 0.0.
        keep_nan: bool. Keep missing values (``?``) as NaN instead of raising
            ``ValueError``. Defaults to False.
        base_url: str. Where ``<name>.zip`` is downloaded from. Defaults to
            :data:`UCR_BASE_URL` (the archive's aeon-toolkit folder).
        cache_dir: str or None. Cache root for ``keras.utils.get_file``.
            Defaults to None (``~/.keras``).

    Returns:
        A :class:`UCRDataset`; unpacks as ``(x_train, y_train), (x_test, y_test)``.

    Raises:
        ValueError: a bad name, missing files, a malformed file, labels that
            cannot be encoded, missing values without ``keep_nan``, or ragged
            series without ``pad``.

    Example:
        >>> data = kzoo.data.load_ucr("GunPoint")
        >>> (x_train, y_train), (x_test, y_test) = data
        >>> model = kzoo.fcn_classifier(num_classes=data.num_classes,
        ...                             input_shape=x_train.shape[1:])

    Reference:
        Dau et al., "The UCR Time Series Archive" (2019); Bagnall et al.,
        "The UEA multivariate time series classification archive" (2018).
    """
    from kzoo import checks

    _check_name(name)
    checks.boolean("pad", pad)
    checks.boolean("keep_nan", keep_nan)
    if path is None:
        path = _download(name, base_url, cache_dir)
    if not os.path.isdir(path):
        raise ValueError(f"path must be an existing folder. Received: path={str(path)!r}")
    found = _find(path, name)
    if found is None:
        raise ValueError(f"name must be a problem with {name}_TRAIN.ts and {name}_TEST.ts in "
                         f"{str(path)!r}; found: {available(path) or 'none'}. "
                         f"Received: name={name!r}")
    train, test = read_ts(found[0]), read_ts(found[1])
    if train.class_labels is None and train.labels.dtype.kind == "f":
        raise ValueError(f"{name} is a regression problem (@targetLabel); load_ucr reads "
                         f"classification problems. Received: name={name!r}")
    if train.channels != test.channels:
        raise ValueError(f"{name}: train has {train.channels} channels, test "
                         f"{test.channels}. Received: name={name!r}")
    encoder, cast = _encoder(train, test, name)
    length = int(max(train.lengths.max(), test.lengths.max()))
    opts = {"pad": pad, "length": length, "mask_value": mask_value, "keep_nan": keep_nan}
    return UCRDataset(_arrays(train, "TRAIN", name, **opts),
                      encoder.transform(cast(train.labels)).astype("int32"),
                      _arrays(test, "TEST", name, **opts),
                      encoder.transform(cast(test.labels)).astype("int32"),
                      encoder, name, train.lengths, test.lengths)
