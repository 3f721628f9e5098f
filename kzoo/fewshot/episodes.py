"""N-way K-shot episodes: the unit of few-shot training and evaluation.

An episode draws ``n_way`` classes, then ``k_shot`` labelled *support*
examples and ``q_queries`` *query* examples of each; the model must classify
the queries from the support alone. Classes are relabelled ``0 .. n_way - 1``
per episode, so nothing is learned about particular classes. Batches are laid
out support first (class 0's K examples, class 1's, ...), then the queries in
the same class order: ``n_way * (k_shot + q_queries)`` examples.
"""

import keras
import numpy as np

from kzoo import checks


def check_episode_args(y, n_way, k_shot, q_queries):
    """Validates an episode layout against labels ``y``; returns the classes and indices."""
    checks.positive_int("n_way", n_way, minimum=2)
    checks.positive_int("k_shot", k_shot)
    checks.positive_int("q_queries", q_queries)
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be a 1-D array of integer class labels. Received: y with "
                         f"shape {y.shape} and dtype {y.dtype}")
    classes, counts = np.unique(y, return_counts=True)
    if n_way > len(classes):
        raise ValueError(f"n_way must be <= the number of classes in y ({len(classes)}). "
                         f"Received: n_way={n_way}")
    smallest = int(counts.min())
    if k_shot + q_queries > smallest:
        raise ValueError(
            f"k_shot + q_queries must be <= the size of the smallest class ({smallest} "
            f"examples), since an episode draws both from every class. Received: "
            f"k_shot={k_shot}, q_queries={q_queries}")
    return classes, {int(c): np.flatnonzero(y == c) for c in classes}


def sample_episode(x, y, *, n_way, k_shot, q_queries, rng=None, _index=None):
    """Draws one episode.

    Args:
        x: array ``(n, ...)``. Examples.
        y: int array ``(n,)``. Their class labels.
        n_way: int. Classes per episode (>= 2, <= the number of classes).
        k_shot: int. Support examples per class.
        q_queries: int. Query examples per class.
        rng: ``numpy.random.Generator``, int or None. Randomness.

    Returns:
        ``(x_episode, y_episode, classes)``: ``x_episode`` holds the
        ``n_way * k_shot`` support examples then the ``n_way * q_queries``
        queries; ``y_episode`` their episode labels (0..n_way-1, int32);
        ``classes`` the original class of each episode label.

    Raises:
        ValueError: for ``n_way`` above the number of classes or
            ``k_shot + q_queries`` above the smallest class size.
    """
    classes, index = _index or check_episode_args(y, n_way, k_shot, q_queries)
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    chosen = rng.choice(classes, size=n_way, replace=False)
    support, query = [], []
    for c in chosen:
        picked = rng.choice(index[int(c)], size=k_shot + q_queries, replace=False)
        support.append(picked[:k_shot])
        query.append(picked[k_shot:])
    order = np.concatenate(support + query)
    labels = np.concatenate([np.repeat(np.arange(n_way), k_shot),
                             np.repeat(np.arange(n_way), q_queries)]).astype("int32")
    return np.asarray(x)[order], labels, chosen


class EpisodeSampler(keras.utils.PyDataset):
    """Random N-way K-shot episodes as a Keras dataset: ``model.fit(EpisodeSampler(...))``.

    Each item is one episode ``(x_episode, y_episode)`` laid out support then
    query (see :func:`sample_episode`); an epoch is ``episodes`` episodes.
    With a ``seed`` the episodes are reproducible: item ``i`` of epoch ``e``
    is drawn from ``numpy.random.default_rng([seed, e, i])``.

    Args:
        x: array ``(n, ...)``. Training examples.
        y: int array ``(n,)``. Their labels (the training classes).
        n_way: int. Classes per episode. Defaults to 5.
        k_shot: int. Support examples per class. Defaults to 5.
        q_queries: int. Queries per class. Defaults to 10.
        episodes: int. Episodes per epoch. Defaults to 100.
        seed: int or None. Defaults to None.
        **kwargs: ``keras.utils.PyDataset`` arguments (``workers``...).

    Raises:
        ValueError: for ``n_way`` above the number of classes or
            ``k_shot + q_queries`` above the smallest class size.

    Example:
        >>> episodes = kzoo.fewshot.EpisodeSampler(x_train, y_train, n_way=5, k_shot=5,
        ...                                        q_queries=10, seed=0)
        >>> protonet.fit(episodes, epochs=10)

    Reference:
        Vinyals et al., "Matching Networks for One Shot Learning" (2016);
        Snell et al., "Prototypical Networks for Few-shot Learning" (2017).
    """

    def __init__(self, x, y, *, n_way=5, k_shot=5, q_queries=10, episodes=100, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        self._index = check_episode_args(y, n_way, k_shot, q_queries)
        self.episodes = checks.positive_int("episodes", episodes)
        self.x = np.asarray(x)
        self.y = np.asarray(y)
        if len(self.x) != len(self.y):
            raise ValueError(f"x and y must have the same length. Received: len(x)="
                             f"{len(self.x)}, len(y)={len(self.y)}")
        self.n_way, self.k_shot, self.q_queries = n_way, k_shot, q_queries
        self.seed = seed
        self._epoch = 0
        self._rng = np.random.default_rng(seed)

    @property
    def episode_size(self):
        """Examples per episode: ``n_way * (k_shot + q_queries)``."""
        return self.n_way * (self.k_shot + self.q_queries)

    def __len__(self):
        return self.episodes

    def __getitem__(self, index):
        rng = (np.random.default_rng([self.seed, self._epoch, index])
               if self.seed is not None else self._rng)
        x, y, _ = sample_episode(self.x, self.y, n_way=self.n_way, k_shot=self.k_shot,
                                 q_queries=self.q_queries, rng=rng, _index=self._index)
        return x, y

    def on_epoch_end(self):
        self._epoch += 1
