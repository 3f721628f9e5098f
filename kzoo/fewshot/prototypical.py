"""Prototypical networks: classify by the nearest class mean in a learned embedding.

Snell, Swersky & Zemel (2017): embed the support examples, average each
class's embeddings into a prototype ``c_k``, and classify a query ``x`` by
``softmax(-d(f(x), c_k))``. Trained episodically (the guide's "Metric
Learning: Learn similarity metrics" approach to few-shot learning), the
embedding generalises to classes never seen in training: a new class needs
only its K support examples.

Trained with plain ``fit`` on all three backends: :class:`PrototypicalNetwork`
is a functional model ``x -> f(x)`` whose ``compute_loss`` turns an episode
batch (support then query, from :class:`kzoo.fewshot.EpisodeSampler`) into
the prototypical loss. No custom ``train_step`` is needed.
"""

import keras
import numpy as np
from keras import ops

from kzoo import checks
from kzoo.fewshot.body import encode
from kzoo.fewshot.distances import DISTANCES, pairwise
from kzoo.fewshot.own_loss import OwnLoss
from kzoo.serialization import Config

# Cosine distances lie in [0, 2]: as logits they are too flat for a softmax to
# become confident, so they are multiplied by a fixed scale ("metric scaling",
# Oreshkin et al., TADAM, 2018). Squared Euclidean distances are used as they are.
COSINE_SCALE = 10.0


@keras.saving.register_keras_serializable(package="kzoo")
class PrototypicalNetwork(OwnLoss, Config, keras.Model):
    """An embedding network trained with the prototypical loss on N-way K-shot episodes.

    ``model(x)`` returns the embeddings ``f(x)``. ``fit`` takes episodes
    ``(x, y)`` of ``n_way * (k_shot + q)`` examples laid out support first
    (``y``: episode labels 0..n_way-1), e.g. an :class:`EpisodeSampler` with
    the same ``n_way`` and ``k_shot``; the query count ``q`` is read from
    the batch. It logs ``loss`` and ``episode_accuracy`` (queries classified
    by their nearest prototype). Classify new classes with :meth:`classify`
    or measure with :func:`kzoo.fewshot.few_shot_accuracy`; both accept any
    N and K.

    The encoder's layers are shared, not copied: training the network trains
    ``encoder`` (and the classifier it was cut from).

    Args:
        encoder: A ``keras.Model`` mapping one input to a feature vector
            ``(batch, d)`` (e.g. :func:`kzoo.fewshot.embedding_body` of a
            kzoo MLP / CNN).
        n_way: int. Classes per training episode (>= 2).
        k_shot: int. Support examples per class in a training episode.
        distance: str. ``"euclidean"`` (squared, the paper's choice) or
            ``"cosine"`` (scaled by 10 in the loss). Defaults to ``"euclidean"``.
        name: str. Defaults to ``"prototypical_network"``.
        **kwargs: Base ``keras.Model`` arguments.

    Example:
        >>> encoder = kzoo.fewshot.embedding_body(kzoo.cnn_classifier(
        ...     num_classes=5, input_shape=(8, 8, 1), compile=False))
        >>> net = kzoo.fewshot.PrototypicalNetwork(encoder, n_way=5, k_shot=5)
        >>> net.compile(optimizer="adam")
        >>> net.fit(kzoo.fewshot.EpisodeSampler(x_base, y_base, n_way=5, k_shot=5), epochs=10)
        >>> kzoo.fewshot.few_shot_accuracy(net, x_novel, y_novel, n_way=5, k_shot=5)

    Reference:
        Guide: neural-networks-master, Few-Shot Learning (Metric Learning);
        Snell et al., "Prototypical Networks for Few-shot Learning" (2017).
    """

    CONFIG_ARGS = ("encoder", "n_way", "k_shot", "distance")
    NESTED_ARGS = ("encoder",)

    def __init__(self, encoder, *, n_way, k_shot, distance="euclidean",
                 name="prototypical_network", **kwargs):
        checks.positive_int("n_way", n_way, minimum=2)
        checks.positive_int("k_shot", k_shot)
        checks.one_of("distance", distance, DISTANCES)
        inputs, outputs = encode(encoder)
        super().__init__(inputs, outputs, name=name, **kwargs)
        self.encoder = encoder
        self.n_way, self.k_shot, self.distance = n_way, k_shot, distance
        self.accuracy_tracker = keras.metrics.Mean(name="episode_accuracy")

    def episode_logits(self, embeddings, support_labels, n_support, n_way):
        """Logits ``-d(query, prototype)`` ``(queries, n_way)`` of an episode's embeddings."""
        support, query = embeddings[:n_support], embeddings[n_support:]
        onehot = ops.one_hot(ops.cast(support_labels, "int32"), n_way, dtype=support.dtype)
        prototypes = ops.matmul(ops.transpose(onehot), support)
        prototypes = prototypes / ops.maximum(ops.sum(onehot, axis=0)[:, None], 1.0)
        distances = pairwise(query, prototypes, self.distance)
        return -(COSINE_SCALE * distances if self.distance == "cosine" else distances)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        n_support = self.n_way * self.k_shot
        y = ops.reshape(ops.cast(y, "int32"), (-1,))
        logits = self.episode_logits(y_pred, y[:n_support], n_support, self.n_way)
        labels = y[n_support:]
        loss = ops.mean(keras.losses.sparse_categorical_crossentropy(labels, logits,
                                                                     from_logits=True))
        correct = ops.cast(ops.argmax(logits, axis=-1) == labels, "float32")
        self.accuracy_tracker.update_state(ops.mean(correct))
        extra = [self._aggregate_additional_loss(value) for value in self.losses]
        return loss + ops.sum(ops.stack(extra)) if extra else loss

    def classify(self, support_x, support_y, query_x, batch_size=256):
        """Labels of ``query_x`` from the nearest prototype of ``support_x`` (NumPy in and out).

        Args:
            support_x: array. Labelled examples of the new classes.
            support_y: int array. Their labels (any integers).
            query_x: array. Examples to classify.
            batch_size: int. Defaults to 256.

        Returns:
            int array: one of ``support_y``'s labels per query.
        """
        from kzoo.adversarial.outputs import batched
        from kzoo.fewshot.evaluation import nearest_prototype

        support = batched(self.predict_on_batch, [np.asarray(support_x)], batch_size)
        query = batched(self.predict_on_batch, [np.asarray(query_x)], batch_size)
        return nearest_prototype(support, support_y, query, self.distance)
