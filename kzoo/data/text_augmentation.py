"""Text augmentation on token-id sequences (guide: Regularization > Data Augmentation).

The guide's three text transforms ("replace words with synonyms", "swap two
words", "insert random words"; Wei & Zou's EDA) applied to padded integer
sequences such as ``kzoo.data.load_imdb`` returns. Padding (id 0 by default)
is never touched and every sequence keeps its length: an insertion consumes
one padding slot, or drops the last token when the sequence is full.

Synonyms are a table of token ids, ``{id: [synonym ids]}``. Build it from
words with :func:`synonym_table` and a vocabulary (a word list such as
``TextVectorization.get_vocabulary()``, or a ``{word: id}`` index); a small
English table (:data:`ENGLISH_SYNONYMS`) ships with kzoo.
"""

import numpy as np

from kzoo import checks

#: A small bundled English synonym table (lower-case words), enough for
#: sentiment-style text; pass your own for other domains.
ENGLISH_SYNONYMS = {
    "good": ["great", "fine", "nice"], "great": ["good", "excellent", "wonderful"],
    "bad": ["poor", "awful", "terrible"], "awful": ["terrible", "bad", "dreadful"],
    "terrible": ["awful", "horrible", "dreadful"], "excellent": ["great", "superb", "outstanding"],
    "nice": ["pleasant", "good", "lovely"], "boring": ["dull", "tedious", "monotonous"],
    "funny": ["amusing", "hilarious", "comic"], "movie": ["film", "picture"],
    "film": ["movie", "picture"], "story": ["plot", "tale", "narrative"],
    "plot": ["story", "storyline"], "actor": ["performer", "player"],
    "big": ["large", "huge"], "small": ["little", "tiny"], "fast": ["quick", "rapid"],
    "slow": ["sluggish", "unhurried"], "happy": ["glad", "cheerful", "joyful"],
    "sad": ["unhappy", "gloomy", "sorrowful"], "beautiful": ["lovely", "pretty", "gorgeous"],
    "ugly": ["unattractive", "hideous"], "smart": ["clever", "intelligent", "bright"],
    "stupid": ["dumb", "foolish", "silly"], "love": ["adore", "like", "enjoy"],
    "hate": ["dislike", "detest", "loathe"], "like": ["enjoy", "love"],
    "enjoy": ["like", "love", "relish"], "begin": ["start", "commence"],
    "start": ["begin", "commence"], "end": ["finish", "conclusion"],
    "strange": ["odd", "weird", "peculiar"], "scary": ["frightening", "creepy", "terrifying"],
    "interesting": ["engaging", "intriguing", "fascinating"], "perfect": ["flawless", "ideal"],
    "worst": ["poorest", "lousiest"], "best": ["finest", "greatest", "top"],
    "very": ["really", "extremely", "truly"], "quite": ["rather", "fairly"],
    "often": ["frequently", "regularly"], "maybe": ["perhaps", "possibly"],
}


def synonym_table(vocabulary, synonyms=None):
    """Turns a word synonym table into a token-id table for a vocabulary.

    Args:
        vocabulary: list or dict. Words by id (``vocabulary[i]`` is the word
            of id ``i``, e.g. ``TextVectorization.get_vocabulary()``) or a
            ``{word: id}`` index (e.g. ``keras.datasets.imdb.get_word_index()``
            shifted by the dataset's index offset).
        synonyms: dict or None. ``{word: [synonym words]}``. Defaults to None,
            meaning :data:`ENGLISH_SYNONYMS`.

    Returns:
        dict ``{id: [synonym ids]}`` with the pairs whose words are both in
        the vocabulary.

    Example:
        >>> table = kzoo.data.synonym_table(vectorizer.get_vocabulary())
    """
    if isinstance(vocabulary, dict):
        index = {str(w): int(i) for w, i in vocabulary.items()}
    elif isinstance(vocabulary, (list, tuple)):
        index = {str(w): i for i, w in enumerate(vocabulary)}
    else:
        raise ValueError("vocabulary must be a list of words or a {word: id} dict. "
                         f"Received: vocabulary of type {type(vocabulary).__name__}")
    synonyms = ENGLISH_SYNONYMS if synonyms is None else synonyms
    if not isinstance(synonyms, dict):
        raise ValueError("synonyms must be a {word: [synonym words]} dict. Received: "
                         f"synonyms of type {type(synonyms).__name__}")
    table = {}
    for word, alternatives in synonyms.items():
        if word not in index:
            continue
        ids = [index[a] for a in alternatives if a in index and a != word]
        if ids:
            table[index[word]] = ids
    return table


def _check_table(synonyms):
    if not isinstance(synonyms, dict) or not all(
            isinstance(v, (list, tuple)) and len(v) > 0 for v in synonyms.values()):
        raise ValueError("synonyms must be a {token id: [synonym ids]} dict with non-empty "
                         f"lists. Received: synonyms={synonyms!r:.80}")
    return {int(k): [int(s) for s in v] for k, v in synonyms.items()}


class TextAugmenter:
    """Seeded EDA-style augmentation of padded token-id sequences.

    Each call applies, per sequence: synonym replacement of a fraction
    ``replace_rate`` of the words that have synonyms, ``swaps`` random swaps of
    two words, and ``insertions`` insertions of a synonym of a random word at
    a random position. Calls draw fresh randomness from one seeded generator,
    so successive epochs differ and the whole sequence of calls is
    reproducible.

    Args:
        synonyms: dict. ``{token id: [synonym ids]}`` (see
            :func:`synonym_table`).
        replace_rate: float. Fraction of replaceable words replaced, in [0, 1].
            Defaults to 0.1 (EDA's alpha).
        swaps: int. Random swaps per sequence. Defaults to 1.
        insertions: int. Random insertions per sequence. Defaults to 1.
        padding: int. The padding id, never modified. Defaults to 0.
        seed: int or None. Defaults to None.

    Returns:
        A callable mapping an int array ``(n, length)`` to an augmented copy.

    Example:
        >>> augment = kzoo.data.TextAugmenter(table, seed=0)
        >>> x_aug = augment(x_train)

    Reference:
        Guide: Regularization > 4. Data Augmentation ("For text"); Wei & Zou,
        "EDA" (2019).
    """

    def __init__(self, synonyms, *, replace_rate=0.1, swaps=1, insertions=1, padding=0,
                 seed=None):
        self.synonyms = _check_table(synonyms)
        self.replace_rate = checks.fraction("replace_rate", replace_rate, allow_one=True)
        self.swaps = checks.positive_int("swaps", swaps, minimum=0)
        self.insertions = checks.positive_int("insertions", insertions, minimum=0)
        if isinstance(padding, bool) or not isinstance(padding, (int, np.integer)):
            raise ValueError(f"padding must be an integer id. Received: padding={padding!r}")
        self.padding = int(padding)
        self.rng = np.random.default_rng(seed)

    def __call__(self, sequences):
        x = np.asarray(sequences)
        if x.ndim != 2 or x.dtype.kind not in "iu":
            raise ValueError("sequences must be a 2-D integer array (n, length). Received: "
                             f"shape {x.shape}, dtype {x.dtype}")
        out = x.copy()
        for row in out:
            row[:] = self.augment_one(row)
        return out

    def augment_one(self, sequence):
        """Augments one padded sequence; returns a new array of the same length."""
        seq = np.asarray(sequence).copy()
        positions = np.flatnonzero(seq != self.padding)
        if positions.size == 0:
            return seq
        start, stop = positions[0], positions[-1] + 1
        pre = start > 0  # padding at the front ("pre") or at the back
        words = list(seq[start:stop])
        words = synonym_replacement(words, self.synonyms, rate=self.replace_rate,
                                    rng=self.rng)
        words = random_swap(words, self.swaps, rng=self.rng)
        words = random_insertion(words, self.synonyms, self.insertions, rng=self.rng)
        length = len(seq)
        words = words[:length] if not pre else words[-length:]
        fill = [self.padding] * (length - len(words))
        return np.asarray(fill + words if pre else words + fill, dtype=seq.dtype)


def synonym_replacement(words, synonyms, *, rate=0.1, rng=None):
    """Replaces ``ceil(rate * k)`` of the ``k`` words that have synonyms.

    Args:
        words: list of int. Token ids (no padding).
        synonyms: dict. ``{id: [synonym ids]}``.
        rate: float. Fraction of replaceable words replaced. Defaults to 0.1.
        rng: numpy Generator or None. Defaults to None (unseeded).

    Returns:
        A new list of ids.
    """
    rng = np.random.default_rng() if rng is None else rng
    words = list(words)
    candidates = [i for i, w in enumerate(words) if int(w) in synonyms]
    if not candidates or rate == 0:
        return words
    count = min(len(candidates), int(np.ceil(rate * len(candidates))))
    for i in rng.choice(candidates, size=count, replace=False):
        options = synonyms[int(words[i])]
        words[i] = options[int(rng.integers(len(options)))]
    return words


def random_swap(words, n=1, *, rng=None):
    """Swaps two random positions ``n`` times (needs at least two words).

    Args:
        words: list of int. Token ids.
        n: int. Number of swaps. Defaults to 1.
        rng: numpy Generator or None. Defaults to None.

    Returns:
        A new list with the same ids in another order.
    """
    rng = np.random.default_rng() if rng is None else rng
    words = list(words)
    if len(words) < 2:
        return words
    for _ in range(n):
        i, j = rng.choice(len(words), size=2, replace=False)
        words[i], words[j] = words[j], words[i]
    return words


def random_insertion(words, synonyms, n=1, *, rng=None):
    """Inserts, ``n`` times, a synonym of a random word at a random position.

    Words without synonyms are skipped; with none at all nothing is inserted.

    Args:
        words: list of int. Token ids.
        synonyms: dict. ``{id: [synonym ids]}``.
        n: int. Number of insertions. Defaults to 1.
        rng: numpy Generator or None. Defaults to None.

    Returns:
        A new, longer list.
    """
    rng = np.random.default_rng() if rng is None else rng
    words = list(words)
    for _ in range(n):
        candidates = [w for w in words if int(w) in synonyms]
        if not candidates:
            break
        source = candidates[int(rng.integers(len(candidates)))]
        options = synonyms[int(source)]
        words.insert(int(rng.integers(len(words) + 1)), options[int(rng.integers(len(options)))])
    return words
