"""Few-shot learning: episodes, prototypical networks, siamese metric learning.

Guide: neural-networks-master, Few-Shot Learning ("Metric Learning: Learn
similarity metrics"; one-shot = 1 example per class, few-shot = 2-5).

* :class:`EpisodeSampler` / :func:`sample_episode`: N-way K-shot episodes
  (support then query), as a Keras ``PyDataset`` for ``fit``.
* :class:`PrototypicalNetwork`: nearest-class-mean classification in a
  learned embedding, trained on episodes with plain ``fit``.
* :class:`SiameseNetwork`: a shared encoder trained with an in-batch
  contrastive or batch-hard triplet loss on ordinary labelled batches.
* :func:`embedding_body`: a kzoo classifier minus its output layer, as the
  encoder; :func:`few_shot_accuracy`: N-way K-shot accuracy on held-out
  classes for any embedding (or raw inputs, the baseline).
"""

from kzoo.fewshot.body import embedding_body
from kzoo.fewshot.episodes import EpisodeSampler, sample_episode
from kzoo.fewshot.evaluation import few_shot_accuracy, nearest_prototype
from kzoo.fewshot.prototypical import PrototypicalNetwork
from kzoo.fewshot.siamese import SiameseNetwork

__all__ = [
    "EpisodeSampler",
    "PrototypicalNetwork",
    "SiameseNetwork",
    "embedding_body",
    "few_shot_accuracy",
    "nearest_prototype",
    "sample_episode",
]
