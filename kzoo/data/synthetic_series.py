"""A small synthetic series-classification problem: noisy shapes in time.

For tests, recipes and notebooks that must run offline and fast: each class
is a waveform (sine, square, sawtooth, bump, ...) with a random phase,
amplitude, offset and noise; optionally of random length, so the padding and
masking path is exercised too. Labels are strings (``"sine"``...) as in the
UCR/UEA files, so the label encoding path is exercised as well.
"""

import numpy as np

SHAPES = ("sine", "square", "sawtooth", "bump", "chirp", "steps")


def _wave(shape, t, phase):
    u = (t + phase) % 1.0
    if shape == "sine":
        return np.sin(2 * np.pi * (t * 2 + phase))
    if shape == "square":
        return np.sign(np.sin(2 * np.pi * (t * 2 + phase)))
    if shape == "sawtooth":
        return 2.0 * ((2 * t + phase) % 1.0) - 1.0
    if shape == "bump":
        return 2.0 * np.exp(-((u - 0.5) ** 2) / 0.01) - 0.5
    if shape == "chirp":
        return np.sin(2 * np.pi * (t ** 2 * 4 + phase))
    return np.floor(u * 4) / 1.5 - 1.0


def shape_series(n=120, *, length=64, channels=1, classes=3, noise=0.3,
                 variable_length=False, seed=0):
    """Noisy waveforms, one class per shape, with string labels.

    Args:
        n: int. Number of series. Defaults to 120.
        length: int. Steps per series (the longest when ``variable_length``).
            Defaults to 64.
        channels: int. Channels; each is the class shape with its own phase
            and noise. Defaults to 1.
        classes: int. Number of classes, 2 to 6. Defaults to 3.
        noise: float. Std of the Gaussian noise added. Defaults to 0.3.
        variable_length: bool. Draw each length in ``[length // 2, length]``
            and return a list. Defaults to False.
        seed: int. Random seed. Defaults to 0.

    Returns:
        ``(series, labels)``: a float32 array ``(n, length, channels)`` (a
        list of ``(length_i, channels)`` arrays when ``variable_length``) and
        a str array of labels such as ``"sine"``.

    Example:
        >>> x, labels = kzoo.data.shape_series(90, length=48, classes=3)
        >>> kzoo.data.write_ts("Shapes_TRAIN.ts", x, labels)
    """
    from kzoo import checks

    checks.positive_int("n", n)
    checks.positive_int("length", length, minimum=4)
    checks.positive_int("channels", channels)
    checks.number_in_range("classes", classes, 2, len(SHAPES))
    checks.non_negative("noise", noise)
    checks.boolean("variable_length", variable_length)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % int(classes)
    rng.shuffle(y)
    series = []
    for label in y:
        steps = int(rng.integers(length // 2, length + 1)) if variable_length else length
        t = np.linspace(0.0, 1.0, steps)
        waves = [rng.uniform(0.5, 2.0) * _wave(SHAPES[label], t, rng.uniform())
                 + rng.normal(0, 0.5) + rng.normal(0, noise, steps) for _ in range(channels)]
        series.append(np.stack(waves, axis=1).astype("float32"))
    labels = np.asarray(SHAPES, dtype=str)[y]
    return (series if variable_length else np.stack(series)), labels
