"""Pairwise distances written once with ``keras.ops``."""

from keras import ops

DISTANCES = ("euclidean", "cosine")


def pairwise(a, b, distance="euclidean"):
    """``(n, m)`` distances between the rows of ``a`` (n, d) and ``b`` (m, d).

    ``"euclidean"`` is the *squared* Euclidean distance (Snell et al. 2017
    use it: it makes the prototype classifier a linear model); ``"cosine"``
    is ``1 - cosine similarity``.
    """
    if distance == "cosine":
        a = a / ops.maximum(ops.norm(a, axis=-1, keepdims=True), 1e-12)
        b = b / ops.maximum(ops.norm(b, axis=-1, keepdims=True), 1e-12)
        return 1.0 - ops.matmul(a, ops.transpose(b))
    sq = (ops.sum(a * a, axis=-1)[:, None] - 2.0 * ops.matmul(a, ops.transpose(b))
          + ops.sum(b * b, axis=-1)[None, :])
    return ops.maximum(sq, 0.0)
