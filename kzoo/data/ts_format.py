"""Reading and writing the UCR/UEA ``.ts`` time-series format.

The format (sktime / aeon, https://www.timeseriesclassification.com): ``#``
(or ``%``) comment lines, then ``@key value`` header lines (``@problemName``,
``@timeStamps``, ``@missing``, ``@univariate``, ``@dimensions``,
``@equalLength``, ``@seriesLength``, ``@classLabel true a b c`` or
``@targetLabel true``), then ``@data`` and one series per line: channels
separated by ``:``, values by ``,``, ``?`` for a missing value, the label
last. No library kzoo depends on reads it (sktime and aeon do, but are heavy
dependencies for one parser), so it is written here by hand.

Time-stamped files (``@timeStamps true``) are not supported.
"""

import dataclasses
import os

import numpy as np


@dataclasses.dataclass
class TsFile:
    """The contents of one ``.ts`` file.

    Attributes:
        series: list of float32 arrays of shape ``(timesteps_i, channels)``
            (``NaN`` where the file has ``?``).
        labels: numpy array of str (classification) or float32 (regression).
        class_labels: tuple of str or None. The labels declared in
            ``@classLabel`` (None for regression or an undeclared list).
        header: dict. Every ``@key value`` line, keys lower-cased.
    """

    series: list
    labels: np.ndarray
    class_labels: tuple
    header: dict

    @property
    def lengths(self):
        return np.array([len(s) for s in self.series], dtype="int64")

    @property
    def channels(self):
        return self.series[0].shape[1] if self.series else 0


def _error(path, line_no, message):
    return ValueError(f"{os.path.basename(str(path))} is not a valid .ts file: {message} "
                      f"(line {line_no}). Received: path={str(path)!r}")


def _header_line(path, line_no, line, header):
    key, _, value = line[1:].partition(" ")
    key, value = key.lower(), value.strip()
    if key == "data":
        return True
    if key == "timestamps" and value.lower() == "true":
        raise _error(path, line_no, "@timeStamps true is not supported")
    if key in ("univariate", "equallength", "missing", "timestamps"):
        if value.lower() not in ("true", "false"):
            raise _error(path, line_no, f"@{key} must be true or false, not {value!r}")
    if key in ("dimensions", "serieslength") and not value.isdigit():
        raise _error(path, line_no, f"@{key} must be a positive integer, not {value!r}")
    header[key] = value
    return False


def _class_labels(path, header):
    """``(is_classification, declared labels or None)`` from the header."""
    words = header.get("classlabel", "").split()
    if words and words[0].lower() == "true":
        if len(words) < 2:
            raise _error(path, 0, "@classLabel true lists no labels")
        return True, tuple(words[1:])
    if header.get("targetlabel", "").lower() == "true":
        return False, None
    if words and words[0].lower() == "false":
        raise _error(path, 0, "the file has no labels (@classLabel false)")
    raise _error(path, 0, "no @classLabel or @targetLabel line before @data")


def _values(path, line_no, text):
    values = []
    for token in text.split(","):
        token = token.strip()
        if token == "?" or token.lower() == "nan":
            values.append(np.nan)
            continue
        try:
            values.append(float(token))
        except ValueError:
            raise _error(path, line_no, f"{token!r} is not a number") from None
    return values


def _series_line(path, line_no, line, channels):
    """``(series of shape (t, channels), label)`` from one data line."""
    *parts, label = line.split(":")
    label = label.strip()
    if not parts or not label:
        raise _error(path, line_no, "a series must be followed by ':' and its label")
    if channels is not None and len(parts) != channels:
        raise _error(path, line_no, f"{len(parts)} channels where the file has {channels}")
    rows = [_values(path, line_no, part) for part in parts]
    if len({len(r) for r in rows}) != 1:
        raise _error(path, line_no, "the channels of one series have different lengths "
                                    f"{sorted({len(r) for r in rows})}")
    return np.asarray(rows, dtype="float32").T, label


def _check_labels(path, labels, classification, declared):
    if not classification:
        try:
            return np.asarray([float(v) for v in labels], dtype="float32")
        except ValueError:
            raise _error(path, 0, "@targetLabel true needs numeric targets") from None
    if declared is not None:
        unknown = sorted(set(labels) - set(declared))
        if unknown:
            raise ValueError(f"{os.path.basename(str(path))} has labels {unknown} that are not "
                             f"declared in @classLabel {list(declared)}, so they cannot be "
                             f"encoded. Received: path={str(path)!r}")
    return np.asarray(labels, dtype=str)


def read_ts(path):
    """Reads one UCR/UEA ``.ts`` file.

    Args:
        path: str or path-like. The file.

    Returns:
        A :class:`TsFile` (variable-length series stay a list of arrays).

    Raises:
        ValueError: the file is missing, malformed, time-stamped, or holds
            labels not declared in its ``@classLabel`` line.

    Example:
        >>> ts = kzoo.data.ts_format.read_ts("GunPoint/GunPoint_TRAIN.ts")
        >>> ts.series[0].shape, ts.labels[:3]
    """
    if not os.path.isfile(path):
        raise ValueError(f"path must be an existing .ts file. Received: path={str(path)!r}")
    header, series, labels, in_data = {}, [], [], False
    with open(path, encoding="utf-8-sig") as f:
        for line_no, line in enumerate(f, 1):
            line = line.strip().lstrip("\ufeff")
            if not line or line[0] in "#%":
                continue
            if not in_data:
                if not line.startswith("@"):
                    raise _error(path, line_no, "expected an @header line or @data")
                in_data = _header_line(path, line_no, line, header)
                if in_data:
                    classification, declared = _class_labels(path, header)
                    channels = int(header["dimensions"]) if "dimensions" in header else None
                    if header.get("univariate", "").lower() == "true":
                        channels = 1
                continue
            values, label = _series_line(path, line_no, line, channels)
            channels = values.shape[1]
            series.append(values)
            labels.append(label)
    if not in_data:
        raise _error(path, 0, "no @data line")
    if not series:
        raise _error(path, 0, "no series after @data")
    return TsFile(series, _check_labels(path, labels, classification, declared),
                  declared, header)


def write_ts(path, series, labels, *, problem_name="kzoo", class_labels=None):
    """Writes series and labels as a UCR/UEA ``.ts`` classification file.

    Args:
        path: str or path-like. The file to write.
        series: array ``(n, timesteps, channels)`` or a list of arrays
            ``(timesteps_i, channels)`` (variable length). ``NaN`` is written as ``?``.
        labels: sequence of n labels (written with ``str``; no ``:`` or spaces).
        problem_name: str. The ``@problemName``. Defaults to ``"kzoo"``.
        class_labels: sequence of str or None. The ``@classLabel`` list.
            Defaults to the sorted distinct labels.

    Returns:
        ``path``.

    Example:
        >>> kzoo.data.ts_format.write_ts("Toy_TRAIN.ts", x, y, problem_name="Toy")
    """
    series = [np.asarray(s, dtype="float64").reshape(len(s), -1) for s in series]
    labels = [str(v) for v in labels]
    if len(series) != len(labels) or not series:
        raise ValueError("series and labels must be non-empty and of equal length. Received: "
                         f"{len(series)} series and {len(labels)} labels")
    lengths = {len(s) for s in series}
    classes = sorted(set(labels)) if class_labels is None else [str(c) for c in class_labels]
    lines = [f"@problemName {problem_name}", "@timeStamps false",
             f"@missing {str(any(np.isnan(s).any() for s in series)).lower()}",
             f"@univariate {str(series[0].shape[1] == 1).lower()}",
             f"@dimensions {series[0].shape[1]}",
             f"@equalLength {str(len(lengths) == 1).lower()}"]
    if len(lengths) == 1:
        lines.append(f"@seriesLength {lengths.pop()}")
    lines += [f"@classLabel true {' '.join(classes)}", "@data"]
    for s, label in zip(series, labels):
        channels = (",".join("?" if np.isnan(v) else repr(float(v)) for v in s[:, c])
                    for c in range(s.shape[1]))
        lines.append(":".join(channels) + ":" + label)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path
