"""Siamese / metric learning: one shared encoder trained so that distance means dissimilarity.

A siamese network applies the same encoder to two (or three) inputs and
learns from their distance (the guide's "Metric Learning: Learn similarity
metrics"). Instead of building pairs or triplets up front,
:class:`SiameseNetwork` forms all of them inside each ordinary labelled batch
(``fit(x, y)``), in ``compute_loss``:

* ``"contrastive"`` (Hadsell, Chopra & LeCun, 2006): pull same-class pairs
  together (``d^2``), push other pairs beyond a margin (``max(0, m - d)^2``),
  positive and negative pairs averaged separately so the rarer positives count.
* ``"triplet"``, batch-hard (Schroff et al., 2015; Hermans et al., 2017): for
  each anchor, its farthest positive must be closer than its nearest
  negative by the margin, ``max(0, d_ap - d_an + m)``.

Plain ``fit`` on all three backends; no custom ``train_step``.
"""

import keras
from keras import ops

from kzoo import checks
from kzoo.fewshot.body import encode
from kzoo.fewshot.own_loss import OwnLoss
from kzoo.serialization import Config

LOSSES = ("contrastive", "triplet")
MARGINS = {"contrastive": 1.0, "triplet": 0.2}   # on unit-length embeddings (d in [0, 2])


@keras.saving.register_keras_serializable(package="kzoo")
class SiameseNetwork(OwnLoss, Config, keras.Model):
    """A shared encoder trained with an in-batch contrastive or triplet loss.

    ``model(x)`` returns the embeddings (unit length when ``normalize``).
    ``fit(x, y)`` takes ordinary labelled batches with integer labels; use
    batches large enough to hold several examples per class (e.g. 64-128).

    Args:
        encoder: A ``keras.Model`` with one input and a ``(batch, d)`` output.
        loss: str. ``"contrastive"`` or ``"triplet"``. Defaults to
            ``"triplet"``.
        margin: float or None. Defaults to 1.0 (contrastive) / 0.2 (triplet,
            FaceNet's value) for unit-length embeddings.
        normalize: bool. L2-normalise the embeddings. Defaults to True.
        name: str. Defaults to ``"siamese_network"``.
        **kwargs: Base ``keras.Model`` arguments.

    Example:
        >>> net = kzoo.fewshot.SiameseNetwork(encoder, loss="contrastive")
        >>> net.compile(optimizer="adam")
        >>> net.fit(x_base, y_base, batch_size=128, epochs=20)
        >>> kzoo.fewshot.few_shot_accuracy(net, x_novel, y_novel, n_way=5, k_shot=1)

    Reference:
        Guide: neural-networks-master, Few-Shot Learning; Hadsell et al.
        (2006); Schroff et al., "FaceNet" (2015); Hermans et al., "In Defense
        of the Triplet Loss" (2017).
    """

    CONFIG_ARGS = ("encoder", "loss", "margin", "normalize")
    CONFIG_ATTRIBUTES = {"loss": "metric_loss"}   # Model.loss is taken
    NESTED_ARGS = ("encoder",)

    def __init__(self, encoder, *, loss="triplet", margin=None, normalize=True,
                 name="siamese_network", **kwargs):
        checks.one_of("loss", loss, LOSSES)
        margin = MARGINS[loss] if margin is None else checks.positive("margin", margin)
        checks.one_of("normalize", normalize, (True, False))
        inputs, outputs = encode(encoder)
        if normalize:
            outputs = keras.layers.UnitNormalization(axis=-1, name="unit_norm")(outputs)
        super().__init__(inputs, outputs, name=name, **kwargs)
        self.encoder = encoder
        self.metric_loss, self.margin, self.normalize = loss, float(margin), normalize

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        y = ops.reshape(ops.cast(y, "int32"), (-1,))
        sq = (ops.sum(y_pred * y_pred, axis=-1)[:, None]
              - 2.0 * ops.matmul(y_pred, ops.transpose(y_pred))
              + ops.sum(y_pred * y_pred, axis=-1)[None, :])
        d = ops.sqrt(ops.maximum(sq, 1e-12))
        n = ops.shape(y)[0]
        not_self = 1.0 - ops.eye(n, dtype=d.dtype)
        same = ops.cast(y[:, None] == y[None, :], d.dtype) * not_self
        other = 1.0 - ops.cast(y[:, None] == y[None, :], d.dtype)
        if self.metric_loss == "contrastive":
            pos = ops.sum(same * ops.square(d)) / ops.maximum(ops.sum(same), 1.0)
            neg = ops.sum(other * ops.square(ops.relu(self.margin - d)))
            loss = pos + neg / ops.maximum(ops.sum(other), 1.0)
        else:
            hardest_pos = ops.max(same * d, axis=1)
            big = ops.max(d) + 1.0
            hardest_neg = ops.min(d + (1.0 - other) * big, axis=1)
            has_pos = ops.cast(ops.sum(same, axis=1) > 0, d.dtype)
            has_neg = ops.cast(ops.sum(other, axis=1) > 0, d.dtype)
            valid = has_pos * has_neg
            hinge = ops.relu(hardest_pos - hardest_neg + self.margin) * valid
            loss = ops.sum(hinge) / ops.maximum(ops.sum(valid), 1.0)
        extra = [self._aggregate_additional_loss(value) for value in self.losses]
        return loss + ops.sum(ops.stack(extra)) if extra else loss
