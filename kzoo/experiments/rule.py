"""The one verdict rule every measured claim goes through.

From the guide's claims protocol (``notebooks/claims.md``), with ``a`` and ``b`` the two
arms of an experiment measured under the same seeds:

- **confirmed**: the difference has the claimed sign in every seed, and ``|mean(a) -
  mean(b)|`` exceeds twice the pooled seed standard deviation ``sqrt((var_a + var_b) / 2)``
  (and reaches ``min_effect`` when the claim names a size, e.g. "2-3x faster");
- **refuted**: the opposite sign by the same rule, or a claimed size that the difference
  stays short of beyond noise;
- **inconclusive**: anything else;
- **depends**: given by hand (:func:`judged`) when the measured verdict differs between
  settings, e.g. confirmed at depth 8 and refuted at depth 2; the number says on what.

Claims of no difference ("similar accuracy") use a tolerance instead (:func:`similar`), and
claims of a level ("above 0.9") every seed against the level (:func:`at_least`). Claims a
calculation settles use :func:`check`.
"""

import math

import numpy as np

from kzoo import checks
from kzoo.experiments.seeds import Samples, _fmt
from kzoo.experiments.verdict import Verdict

VERDICTS = ("confirmed", "refuted", "inconclusive", "depends")

_SIGNS = {"greater": 1.0, "less": -1.0}


def _samples(name, value):
    if isinstance(value, Samples):
        return value
    if isinstance(value, (list, tuple, np.ndarray)) and len(value):
        return Samples.of(value)
    raise ValueError(f"{name} must be Samples (from kzoo.experiments.repeat) or a non-empty "
                     f"list of numbers; received {value!r}")


def _claim_id(claim_id):
    if not isinstance(claim_id, str) or not claim_id.strip():
        raise ValueError(f"claim_id must be a claim id such as 'ACT-01'; received {claim_id!r}")
    return claim_id.strip()


def pooled_std(a, b):
    """``sqrt((var_a + var_b) / 2)`` over seeds, the noise scale the rule compares with."""
    return math.sqrt((a.std ** 2 + b.std ** 2) / 2)


def compare(claim_id, a, b, *, expect="greater", metric="", labels=("a", "b"), min_effect=None,
            ratio=False):
    """The verdict on "``a`` is greater (or less) than ``b``".

    Args:
        claim_id: str. The claim's id in ``notebooks/claims/guide_claims.csv``.
        a, b: :class:`Samples` (or lists of numbers), measured under the same seeds when
            the experiment pairs them (unpaired arms compare every seed with every seed).
        expect: ``"greater"`` or ``"less"``: the sign the claim gives ``a - b``.
        metric: str. What the numbers are, for the verdict's text ("test accuracy").
        labels: pair of str. The two arms' names, for the text.
        min_effect: float, optional. A size the claim names, in the metric's units (or as
            a factor when ``ratio=True``, e.g. 2 for "2x faster"): the difference must
            reach it to confirm, and one that stays below it beyond noise refutes.
        ratio: bool. Judge on the log scale, so that the effect is the factor
            ``a / b`` (``b / a`` when ``expect="less"``); needs positive values.
            Defaults to False.

    Returns:
        :class:`Verdict`.
    """
    claim_id = _claim_id(claim_id)
    a, b = _samples("a", a), _samples("b", b)
    sign = _SIGNS.get(expect)
    if sign is None:
        raise ValueError(f"expect must be 'greater' or 'less'; received {expect!r}")
    if min_effect is not None:
        checks.positive("min_effect", min_effect)
    shown = (a, b)
    if ratio:
        if min(a.values + b.values) <= 0:
            raise ValueError("ratio=True needs positive values in both arms")
        a, b = (Samples(tuple(math.log(v) for v in s.values), s.seeds) for s in (a, b))
    diff = a.mean - b.mean
    noise = 2 * pooled_std(a, b)
    paired = a.seeds == b.seeds
    per_seed = (np.subtract(a.values, b.values) if paired
                else np.array([x - y for x in a.values for y in b.values]))
    beyond_noise = abs(diff) > noise
    claimed = bool(np.all(sign * per_seed > 0)) and beyond_noise
    opposite = bool(np.all(sign * per_seed < 0)) and beyond_noise
    effect = sign * diff
    if min_effect is None:
        verdict = "confirmed" if claimed else "refuted" if opposite else "inconclusive"
    else:
        target = math.log(min_effect) if ratio else min_effect
        verdict = ("confirmed" if claimed and effect >= target else
                   "refuted" if opposite or effect + noise < target else "inconclusive")
    la, lb = labels
    number = f"{metric + ': ' if metric else ''}{la} {shown[0]} vs {lb} {shown[1]}"
    if ratio:
        detail = (f"factor {_fmt(math.exp(effect))}, log-ratio {_fmt(effect)} "
                  f"{'>' if beyond_noise else '≤'} 2 × pooled std {_fmt(noise / 2)}")
    else:
        detail = (f"difference {_fmt(diff)} {'>' if beyond_noise else '≤'} 2 × pooled std "
                  f"{_fmt(noise / 2)}")
    if min_effect is not None:
        detail += f"; the claim names {_fmt(min_effect)}{'x' if ratio else ''}"
    return Verdict(claim_id, verdict, number, len(shown[0]), detail)


def similar(claim_id, a, b, *, tolerance, metric="", labels=("a", "b")):
    """The verdict on "``a`` and ``b`` are about the same" (within ``tolerance``).

    Confirmed when ``|mean(a) - mean(b)| <= tolerance``; refuted when the difference
    exceeds the tolerance by more than twice the pooled seed std; inconclusive otherwise.
    """
    claim_id = _claim_id(claim_id)
    checks.positive("tolerance", tolerance)
    a, b = _samples("a", a), _samples("b", b)
    diff = abs(a.mean - b.mean)
    noise = 2 * pooled_std(a, b)
    verdict = ("confirmed" if diff <= tolerance else
               "refuted" if diff - noise > tolerance else "inconclusive")
    la, lb = labels
    number = f"{metric + ': ' if metric else ''}{la} {a} vs {lb} {b}"
    detail = f"|difference| {_fmt(diff)} against the tolerance {_fmt(tolerance)}"
    return Verdict(claim_id, verdict, number, max(len(a), len(b)), detail)


def at_least(claim_id, samples, level, *, metric=""):
    """The verdict on "the measurement reaches ``level``": confirmed when every seed does,
    refuted when no seed does, inconclusive otherwise."""
    return _level(claim_id, samples, level, metric, 1.0)


def at_most(claim_id, samples, level, *, metric=""):
    """The verdict on "the measurement stays at or under ``level``" (see :func:`at_least`)."""
    return _level(claim_id, samples, level, metric, -1.0)


def _level(claim_id, samples, level, metric, sign):
    claim_id = _claim_id(claim_id)
    samples = _samples("samples", samples)
    if isinstance(level, bool) or not isinstance(level, (int, float, np.number)):
        raise ValueError(f"level must be a number; received {level!r}")
    values = sign * (np.array(samples.values) - level)
    verdict = ("confirmed" if np.all(values >= 0) else
               "refuted" if np.all(values < 0) else "inconclusive")
    number = f"{metric + ': ' if metric else ''}{samples}"
    detail = f"{'≥' if sign > 0 else '≤'} {_fmt(level)} claimed; per seed " + ", ".join(
        _fmt(v) for v in samples.values)
    return Verdict(claim_id, verdict, number, len(samples), detail)


def check(claim_id, value, expected, *, tolerance=0.0, metric=""):
    """The verdict on a claim a calculation settles: ``value`` within ``tolerance`` of
    ``expected`` (numbers or arrays of the same shape) confirms it, anything else refutes."""
    claim_id = _claim_id(claim_id)
    checks.non_negative("tolerance", tolerance)
    value, expected = np.asarray(value, dtype=float), np.asarray(expected, dtype=float)
    if value.shape != expected.shape:
        raise ValueError(f"value and expected must have the same shape; received "
                         f"{value.shape} and {expected.shape}")
    error = float(np.max(np.abs(value - expected))) if value.size else 0.0
    verdict = "confirmed" if error <= tolerance else "refuted"
    show = lambda v: np.array2string(v, precision=3, separator=", ")  # noqa: E731
    number = f"{metric + ': ' if metric else ''}{show(value)} vs the guide's {show(expected)}"
    return Verdict(claim_id, verdict, number, 0,
                   f"largest error {_fmt(error)} against the tolerance {_fmt(tolerance)}")


def judged(claim_id, verdict, *, number, because, seeds=0):
    """A verdict written by hand from verdicts measured in several settings.

    Args:
        claim_id: str.
        verdict: one of :data:`VERDICTS`.
        number: str. The numbers that decide it, e.g. ``"depth 8: 0.41 vs 0.95; depth 2:
            0.96 vs 0.97"``.
        because: str. On what it depends, or why.
        seeds: int. Seeds behind each number.
    """
    claim_id = _claim_id(claim_id)
    checks.one_of("verdict", verdict, VERDICTS)
    for name, text in (("number", number), ("because", because)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{name} must be a non-empty str; received {text!r}")
    return Verdict(claim_id, verdict, number, checks.positive_int("seeds", seeds, minimum=0),
                   because)


def combine(claim_id, parts, *, because):
    """One verdict from the verdicts of several settings of the same claim.

    The same verdict everywhere is that verdict; confirmed in some settings and refuted in
    others is ``"depends"``; any other mix is ``"inconclusive"``. The number lists every
    setting's verdict and numbers.

    Args:
        claim_id: str.
        parts: dict ``{setting label: Verdict}``, e.g. ``{"depth 8": v8, "depth 2": v2}``.
        because: str. What the verdict depends on, or why it is what it is.
    """
    if not isinstance(parts, dict) or not parts or not all(
            isinstance(v, Verdict) for v in parts.values()):
        raise ValueError(f"parts must be a non-empty dict of label -> Verdict; received "
                         f"{parts!r}")
    kinds = {v.verdict for v in parts.values()}
    verdict = (kinds.pop() if len(kinds) == 1 else
               "depends" if kinds == {"confirmed", "refuted"} else "inconclusive")
    number = "; ".join(f"{label}: {v.verdict} ({v.number})" for label, v in parts.items())
    return judged(claim_id, verdict, number=number, because=because,
                  seeds=max(v.seeds for v in parts.values()))
