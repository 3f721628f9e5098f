"""N-way K-shot evaluation by nearest prototype, for any embedding."""

import numpy as np

from kzoo import checks
from kzoo.fewshot.distances import DISTANCES
from kzoo.fewshot.episodes import check_episode_args, sample_episode


def nearest_prototype(support, support_y, query, distance="euclidean"):
    """Labels of ``query`` embeddings from the class means of ``support`` (NumPy).

    Args:
        support: float array ``(s, d)``. Support embeddings.
        support_y: int array ``(s,)``. Their labels.
        query: float array ``(q, d)``. Query embeddings.
        distance: str. ``"euclidean"`` or ``"cosine"``. Defaults to ``"euclidean"``.

    Returns:
        int array ``(q,)`` of labels taken from ``support_y``.
    """
    checks.one_of("distance", distance, DISTANCES)
    support, query = np.asarray(support, "float64"), np.asarray(query, "float64")
    support, query = support.reshape(len(support), -1), query.reshape(len(query), -1)
    labels = np.unique(support_y)
    prototypes = np.stack([support[np.asarray(support_y) == c].mean(axis=0) for c in labels])
    if distance == "cosine":
        prototypes = prototypes / np.maximum(np.linalg.norm(prototypes, axis=1, keepdims=True),
                                             1e-12)
        query = query / np.maximum(np.linalg.norm(query, axis=1, keepdims=True), 1e-12)
        d = -query @ prototypes.T
    else:
        d = ((query[:, None, :] - prototypes[None]) ** 2).sum(-1)
    return labels[d.argmin(axis=1)]


def few_shot_accuracy(embedder, x, y, *, n_way=5, k_shot=5, q_queries=15, episodes=200,
                      distance="euclidean", seed=0, batch_size=256):
    """Mean query accuracy over random N-way K-shot episodes of ``(x, y)``.

    Every example is embedded once; each episode then classifies its queries
    by the nearest prototype (mean support embedding) of its classes. Use
    classes the embedding never saw in training to measure few-shot
    generalization.

    Args:
        embedder: A ``keras.Model`` returning embeddings (e.g. a
            :class:`PrototypicalNetwork` or :class:`SiameseNetwork`), or None
            to use the raw inputs, flattened (the baseline to beat).
        x: array. Examples of the evaluation classes.
        y: int array. Their labels.
        n_way: int. Classes per episode. Defaults to 5.
        k_shot: int. Support examples per class. Defaults to 5.
        q_queries: int. Queries per class. Defaults to 15.
        episodes: int. Episodes averaged. Defaults to 200.
        distance: str. ``"euclidean"`` or ``"cosine"``. Defaults to ``"euclidean"``.
        seed: int or None. Seed of the episodes. Defaults to 0.
        batch_size: int. Defaults to 256.

    Returns:
        dict with ``accuracy`` (mean), ``ci95`` (half-width of the 95%
        confidence interval over episodes) and ``episodes``.

    Raises:
        ValueError: for ``n_way`` above the number of classes or
            ``k_shot + q_queries`` above the smallest class size.

    Example:
        >>> kzoo.fewshot.few_shot_accuracy(net, x_novel, y_novel, n_way=5, k_shot=5)
        {'accuracy': 0.97, 'ci95': 0.004, 'episodes': 200}
    """
    index = check_episode_args(y, n_way, k_shot, q_queries)
    checks.positive_int("episodes", episodes)
    checks.one_of("distance", distance, DISTANCES)
    x = np.asarray(x)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length. Received: len(x)={len(x)}, "
                         f"len(y)={len(y)}")
    if embedder is None:
        features = x.reshape(len(x), -1).astype("float64")
    else:
        from kzoo.adversarial.outputs import batched  # equal batches: one JAX compilation

        features = batched(embedder.predict_on_batch, [x], batch_size)
    rng = np.random.default_rng(seed)
    scores = []
    n_support = n_way * k_shot
    for _ in range(episodes):
        emb, labels, _ = sample_episode(features, y, n_way=n_way, k_shot=k_shot,
                                        q_queries=q_queries, rng=rng, _index=index)
        predicted = nearest_prototype(emb[:n_support], labels[:n_support], emb[n_support:],
                                      distance)
        scores.append(np.mean(predicted == labels[n_support:]))
    scores = np.asarray(scores)
    ci95 = 1.96 * scores.std(ddof=1) / np.sqrt(len(scores)) if len(scores) > 1 else 0.0
    return {"accuracy": float(scores.mean()), "ci95": float(ci95), "episodes": int(episodes)}
