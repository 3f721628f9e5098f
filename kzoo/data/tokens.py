"""Synthetic token tasks for sequence-to-sequence and text-like models.

Token conventions shared by every task here (and by ``kzoo.greedy_decode``):

============  =====  ==========================================================
token         id     meaning
============  =====  ==========================================================
``PAD``       0      padding; ``Embedding(mask_zero=True)`` masks it out
``START``     1      first decoder input (teacher forcing and greedy decoding)
``END``       2      last decoder target: "the output is complete"
digit ``d``   3 + d  the digits ``0 .. num_digits - 1``
============  =====  ==========================================================

so a digit task has a vocabulary of ``num_digits + 3`` ids, the same for the
source and the target side.
"""

import numpy as np

from kzoo import checks, defaults

PAD = 0
START = 1
END = 2
FIRST_DIGIT = 3

_TASKS = ("reverse", "sort")


def digit_vocab_size(num_digits=10):
    """Size of the vocabulary of a digit task: ``num_digits`` + PAD, START, END."""
    return checks.positive_int("num_digits", num_digits, minimum=2) + FIRST_DIGIT


def digits_to_tokens(digits):
    """Maps digits ``0..9`` to token ids (``digit + 3``)."""
    return np.asarray(digits, dtype="int32") + FIRST_DIGIT


def tokens_to_digits(tokens):
    """Turns token ids back into lists of digits, stopping at END and dropping
    PAD and START: ``tokens_to_digits([[5, 4, 2, 0]]) == [[2, 1]]``."""
    out = []
    for row in np.atleast_2d(np.asarray(tokens)):
        digits = []
        for token in row:
            if token == END:
                break
            if token >= FIRST_DIGIT:
                digits.append(int(token) - FIRST_DIGIT)
        out.append(digits)
    return out


def digit_seq2seq(n, *, length=6, num_digits=10, task="reverse", min_length=None, seed=None):
    """A digit-sequence transformation task for encoder-decoder models.

    Each source is ``length`` random digits (or between ``min_length`` and
    ``length`` digits, right-padded with PAD); the target is the same digits
    reversed (``task="reverse"``) or sorted (``task="sort"``). The decoder is
    trained with teacher forcing: its input is the target shifted right
    behind START, and it must predict the target followed by END::

        encoder_in     [d1 d2 d3]
        decoder_in     [START d3 d2 d1]
        decoder_target [d3 d2 d1 END]

    Args:
        n: int. Number of sequences.
        length: int. Source length (the longest one with ``min_length``).
            Defaults to 6.
        num_digits: int. Size of the digit alphabet (>= 2). Defaults to 10.
        task: str. ``"reverse"`` or ``"sort"``. Defaults to ``"reverse"``.
        min_length: int. Shortest source; ``None`` makes every source
            ``length`` long. Defaults to None.
        seed: int. Random seed. Defaults to ``kzoo.defaults.SEED``.

    Returns:
        ``(encoder_in, decoder_in, decoder_target)``, int32 arrays of shapes
        ``(n, length)``, ``(n, length + 1)`` and ``(n, length + 1)``. Train
        with ``model.fit([encoder_in, decoder_in], decoder_target)``.

    Example:
        >>> enc, dec_in, dec_out = kzoo.data.digit_seq2seq(2000, length=6)
    """
    checks.positive_int("n", n)
    checks.positive_int("length", length)
    digit_vocab_size(num_digits)  # validates num_digits
    checks.one_of("task", task, _TASKS)
    if min_length is None:
        min_length = length
    checks.positive_int("min_length", min_length)
    if min_length > length:
        raise ValueError(f"min_length must be <= length={length}. "
                         f"Received: min_length={min_length}")
    rng = np.random.default_rng(defaults.SEED if seed is None else seed)
    digits = rng.integers(0, num_digits, size=(n, length))
    lengths = rng.integers(min_length, length + 1, size=n)
    encoder_in = np.zeros((n, length), dtype="int32")
    decoder_in = np.zeros((n, length + 1), dtype="int32")
    decoder_target = np.zeros((n, length + 1), dtype="int32")
    for i, size in enumerate(lengths):
        source = digits[i, :size]
        target = source[::-1] if task == "reverse" else np.sort(source)
        encoder_in[i, :size] = digits_to_tokens(source)
        decoder_in[i, 0] = START
        decoder_in[i, 1:size + 1] = digits_to_tokens(target)
        decoder_target[i, :size] = digits_to_tokens(target)
        decoder_target[i, size] = END
    return encoder_in, decoder_in, decoder_target


# Token ids of the two marker tokens of ``token_order``; fillers come after.
MARKER_A = 1
MARKER_B = 2


def token_order(n, *, length=16, vocab_size=20, min_length=None, seed=None):
    """A text-like classification task that needs word order: does A come before B?

    Every sequence holds the marker tokens A (id 1) and B (id 2) once each,
    at random positions, among random filler tokens (ids ``3 ..
    vocab_size - 1``). The label is 1 when A comes before B, else 0, so the
    classes are balanced and a bag-of-words model (which ignores positions)
    is at chance (0.5): solving it needs position information, like the
    guide's "the cat eats the mouse" vs "the mouse eats the cat".
    With ``min_length``, sequences have random lengths and are right-padded
    with 0, which models must mask.

    Args:
        n: int. Number of sequences.
        length: int. Sequence length (the longest with ``min_length``).
            Defaults to 16.
        vocab_size: int. Vocabulary size including PAD and the two markers
            (>= 4). Defaults to 20.
        min_length: int. Shortest sequence (>= 2); ``None`` gives fixed
            length. Defaults to None.
        seed: int. Random seed. Defaults to ``kzoo.defaults.SEED``.

    Returns:
        ``(x, y)``: int32 token ids ``(n, length)`` and int32 labels ``(n,)``.

    Example:
        >>> x, y = kzoo.data.token_order(2000, length=16, vocab_size=20)
        >>> model = kzoo.transformer_classifier(num_classes=2, vocab_size=20,
        ...                                     sequence_length=16)
    """
    checks.positive_int("n", n)
    checks.positive_int("length", length, minimum=2)
    checks.positive_int("vocab_size", vocab_size, minimum=4)
    if min_length is None:
        min_length = length
    checks.positive_int("min_length", min_length, minimum=2)
    if min_length > length:
        raise ValueError(f"min_length must be <= length={length}. "
                         f"Received: min_length={min_length}")
    rng = np.random.default_rng(defaults.SEED if seed is None else seed)
    x = np.zeros((n, length), dtype="int32")
    y = rng.integers(0, 2, size=n).astype("int32")
    lengths = rng.integers(min_length, length + 1, size=n)
    for i, size in enumerate(lengths):
        x[i, :size] = rng.integers(MARKER_B + 1, vocab_size, size=size)
        first, second = np.sort(rng.choice(size, size=2, replace=False))
        a, b = (first, second) if y[i] == 1 else (second, first)
        x[i, a], x[i, b] = MARKER_A, MARKER_B
    return x, y
