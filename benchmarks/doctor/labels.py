"""The corpus' label definitions (``LABELS.md``), applied to one recorded run.

These are hindsight definitions: they read the whole recorded run, with the
trivial predictor's loss computed from the run's *training* targets. They are
written independently of ``kzoo.callbacks.doctor`` (which sees one epoch at a
time and must infer the task itself) and never call it. The thresholds are the
ones written in ``LABELS.md``; each comes from the guide or from the issue
that asked for the corpus, not from the corpus.
"""

import math
import statistics

# Thresholds of LABELS.md, once.
FAR_ABOVE_TRIVIAL = 3.0        # diverging: model loss >= 3 x the trivial predictor's
EXPLODED = 10.0                # ... or the training loss >= 10 x it (no dropout or start does that)
ABOVE_START = 1.1              # ... and >= 1.1 x the untrained model's loss
STUCK_BAND = (1.00, 1.10)      # stuck: model loss within [T, 1.10 T]: no better than trivial
FLAT_DROP = 0.002              # a drop < 0.2% of T per 5 epochs (or < 2x noise) is flat
FAST_DROP = 0.10               # a drop >= 10% of T per 5 epochs is normal progress
LEARNED = 0.75                 # model loss < 0.75 T: the model has learned (plateau side)
CHANCE_MARGIN = 0.05           # score within chance + 0.05 is "at chance"
COLLAPSE_SHARE = 0.95          # collapsed: >= 95% of predictions in one class
COLLAPSE_EPOCHS = 3
OSC_RELATIVE, OSC_TRIVIAL, OSC_COUNT, OSC_WINDOW = 0.10, 0.05, 3, 10
OVERFIT_RATIO, OVERFIT_GAP, OVERFIT_GAP_EPOCHS = 1.3, 0.2, 3
UNDERFIT_SCORE, UNDERFIT_MIN_EPOCH, UNDERFIT_GAIN = 0.7, 10, 0.05
NO_IMPROVEMENT_EPOCHS, NO_IMPROVEMENT_DELTA = 20, 1e-3
PLATEAU_EPOCHS, PLATEAU_DELTA = 10, 0.01
SLOW_MIN_EPOCH = 10


def _num(value):
    if value is None:
        return None
    if isinstance(value, str):
        return float(value)  # "nan", "inf"
    return float(value)


def _med3(xs, e):
    """Median of epochs e-2..e (0-based, clipped at the start)."""
    return statistics.median(xs[max(0, e - 2):e + 1])


def _med(xs, lo, hi):
    return statistics.median(xs[max(0, lo):hi + 1])


def _step_noise(xs, e, window=10):
    """The curve's own epoch-to-epoch variation: median |x_i - x_(i-1)| over the last
    ``window`` epochs up to e."""
    steps = [abs(xs[i] - xs[i - 1]) for i in range(max(1, e - window + 1), e + 1)]
    return statistics.median(steps) if steps else 0.0


def score_key(history):
    for key in ("accuracy", "r2"):
        if key in history and f"val_{key}" in history:
            return key
    return None


def label_run(run):
    """Returns ``(labels, evidence)`` for one recorded run, by LABELS.md."""
    h = run["history"]
    T = float(run["trivial_loss"])
    chance = run.get("chance_score")
    loss = [_num(v) for v in h["loss"]]
    val = [_num(v) for v in h.get("val_loss", [None] * len(loss))]
    lrs = [_num(v) for v in h["learning_rate"]]
    key = score_key(h)
    score = [_num(v) for v in h[key]] if key else None
    vscore = [_num(v) for v in h[f"val_{key}"]] if key else None
    counts = h.get("val_predicted_counts")
    true_counts = run.get("val_label_counts")
    start = run.get("initial_val_loss")
    linear = run.get("weight_matrices") == 1  # a perceptron: no hidden layer
    labels, evidence = [], {}

    def add(code, epoch, **numbers):
        if code not in labels:
            labels.append(code)
            evidence[code] = {"epoch": epoch + 1, **numbers}

    # nan_loss: any non-finite loss; the record ends there.
    for e, (a, b) in enumerate(zip(loss, val)):
        if not math.isfinite(a) or (b is not None and not math.isfinite(b)):
            add("nan_loss", e, loss=a, val_loss=b)
            return labels, evidence

    n = len(loss)
    model_loss = [b if b is not None else a for a, b in zip(loss, val)]

    def collapsed(e):
        if not counts or not true_counts:
            return False
        c = counts[e]
        top = max(range(len(c)), key=c.__getitem__)
        share = c[top] / sum(c)
        return share >= COLLAPSE_SHARE and true_counts[top] / sum(true_counts) < COLLAPSE_SHARE

    collapse = [collapsed(e) for e in range(n)]

    def drop(e):  # fall of the 3-epoch median over the last 5 epochs (>= 0: falling)
        return _med3(model_loss, e - 5) - _med3(model_loss, e)

    def learned(e):  # the model (or its training loss) got below 0.75 T at some point
        return min(min(_med3(model_loss, i), _med3(loss, i)) for i in range(e + 1)) < LEARNED * T

    found = {}  # code -> first 0-based epoch
    for e in range(n):
        # collapsed_predictions
        if e >= COLLAPSE_EPOCHS - 1 and all(collapse[e - COLLAPSE_EPOCHS + 1:e + 1]):
            found.setdefault("collapsed_predictions", e)
        # diverging: two epochs far above the trivial predictor and above the start
        if e >= 1:
            base = start if start is not None else loss[0]
            window = range(e - 1, e + 1)
            # (the training loss no better than trivial either: a validation loss that
            # climbs while the training loss falls is overfitting, not divergence)
            if all(model_loss[i] >= FAR_ABOVE_TRIVIAL * T and model_loss[i] >= ABOVE_START * base
                   and loss[i] >= T and not collapse[i] for i in window) or \
                    all(loss[i] >= EXPLODED * T and not collapse[i] for i in window):
                found.setdefault("diverging", e)
        # oscillating_loss: the model loss swings up >= 3 times and down >= 2 times in
        # the last 10 epochs, each move > 10% of its level and > 5% of T
        if e >= OSC_WINDOW - 1:
            recent = model_loss[e - OSC_WINDOW + 1:e + 1]
            moves = [b - a for a, b in zip(recent, recent[1:])
                     if abs(b - a) > OSC_RELATIVE * abs(a) and abs(b - a) > OSC_TRIVIAL * T]
            if sum(m > 0 for m in moves) >= OSC_COUNT and sum(m < 0 for m in moves) >= 2:
                found.setdefault("oscillating_loss", e)
        # stuck_at_trivial: 5 epochs no better than the trivial predictor (training loss
        # too), flat, yet moving, at chance, predictions not collapsed
        if e >= 7 and not linear:
            window = range(e - 4, e + 1)
            in_band = all(STUCK_BAND[0] * T <= model_loss[i] <= STUCK_BAND[1] * T
                          and loss[i] >= 0.99 * T for i in window)
            moving = max(abs(loss[i] - loss[i - 1]) for i in window) > 1e-3 * T
            at_chance = vscore is None or chance is None or \
                _med3(vscore, e) <= chance + CHANCE_MARGIN
            flat = drop(e) < max(FLAT_DROP * T, 2 * _step_noise(model_loss, e))
            if in_band and flat and moving and at_chance \
                    and not any(collapse[i] for i in window):
                found.setdefault("stuck_at_trivial", e)
        # slow_progress: still near the trivial loss after 10 epochs, falling steadily
        # (more than the curve's own noise) but slowly
        if e >= SLOW_MIN_EPOCH - 1:
            noise = _step_noise(model_loss, e)
            if _med3(model_loss, e) >= LEARNED * T and \
                    max(FLAT_DROP * T, 2 * noise) <= drop(e) < FAST_DROP * T:
                found.setdefault("slow_progress", e)
        # overfitting (A): the validation loss rose 1.3x above its minimum, by more than
        # a random walk with the curve's own step would wander, while the training
        # loss kept falling
        if val[0] is not None and e >= 3:
            best = min(range(e + 1), key=lambda i: val[i])
            rise = _med3(val, e) - val[best]
            if e - best >= 3 and rise > 0 and _med3(val, e) >= OVERFIT_RATIO * val[best] \
                    and rise >= 2 * _step_noise(val, e) * math.sqrt(e - best) \
                    and _med3(loss, e) < loss[best]:
                found.setdefault("overfitting", e)
        # overfitting (B): train - validation score >= 0.2 for 3 epochs
        if score is not None and e >= OVERFIT_GAP_EPOCHS - 1:
            if all(score[i] - vscore[i] >= OVERFIT_GAP and score[i] >= UNDERFIT_SCORE
                   for i in range(e - OVERFIT_GAP_EPOCHS + 1, e + 1)):
                found.setdefault("overfitting", e)
        # underfitting: low scores on both sides, stalled, better than trivial
        if score is not None and e >= UNDERFIT_MIN_EPOCH - 1:
            tr, va = _med3(score, e), _med3(vscore, e)
            gain = tr - _med3(score, e - 5)
            # it learned a little (above chance, below the trivial loss; a linear model at
            # chance is simply too simple) and is not slowly progressing near the trivial
            # level (that is slow_progress)
            level = _med3(model_loss, e)
            learned_little = (chance is None or va > chance + CHANCE_MARGIN) and level < T
            slow = level >= LEARNED * T and \
                drop(e) >= max(FLAT_DROP * T, 2 * _step_noise(model_loss, e))
            if tr < UNDERFIT_SCORE and va < UNDERFIT_SCORE and tr - va < OVERFIT_GAP \
                    and gain < UNDERFIT_GAIN and not slow and (linear or learned_little):
                found.setdefault("underfitting", e)
        # no_improvement: 20 epochs without a 0.1% better training loss, not learned
        if e >= NO_IMPROVEMENT_EPOCHS and "stuck_at_trivial" not in found:
            best_i = 0
            for i in range(1, e + 1):
                if loss[i] < loss[best_i] * (1 - NO_IMPROVEMENT_DELTA):
                    best_i = i
            if e - best_i >= NO_IMPROVEMENT_EPOCHS and not learned(e):
                found.setdefault("no_improvement", e)
        # plateau: learned, then 10 flat epochs (model and training loss) at a constant
        # learning rate, and neither over- nor underfitting
        if e >= PLATEAU_EPOCHS + 4 and "overfitting" not in found \
                and "underfitting" not in found:
            w = PLATEAU_EPOCHS // 2
            flat_model = _med(model_loss, e - 2 * w + 1, e - w) - _med(model_loss, e - w + 1, e) \
                < PLATEAU_DELTA * _med(model_loss, e - 2 * w + 1, e - w)
            flat_train = _med(loss, e - 2 * w + 1, e - w) - _med(loss, e - w + 1, e) \
                < PLATEAU_DELTA * _med(loss, e - 2 * w + 1, e - w)
            constant_lr = len(set(lrs[e - PLATEAU_EPOCHS + 1:e + 1])) == 1
            if flat_model and flat_train and constant_lr and learned(e):
                found.setdefault("plateau", e)
    for code, e in sorted(found.items(), key=lambda item: item[1]):
        add(code, e)
    return labels, evidence
