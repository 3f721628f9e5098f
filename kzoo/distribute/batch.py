"""The global batch of a data-parallel step and the learning rate that goes with it.

Data parallelism splits each *global* batch over the replicas, so the number
``model.fit(batch_size=...)`` receives is ``per_replica x replicas``. The guide
(Hyperparameters > Batch Size) says large batches train faster but give a more
stable, less noisy gradient; the usual remedy, the *linear scaling rule*
(Goyal et al., 2017), keeps the step size per sample constant by scaling the
learning rate with the batch. Two lines of arithmetic, written here once.
"""

from kzoo import checks


def global_batch_size(per_replica, replicas):
    """The batch ``model.fit`` takes when every replica processes ``per_replica`` samples.

    Args:
        per_replica: int. Samples per replica and step (the guide's 32..256).
        replicas: int. Number of replicas (``strategy.num_replicas``).

    Returns:
        int. ``per_replica * replicas``.

    Example:
        >>> kzoo.distribute.global_batch_size(32, 2)
        64

    Reference:
        Guide: Hyperparameters > Batch Size.
    """
    checks.positive_int("per_replica", per_replica)
    checks.positive_int("replicas", replicas)
    return int(per_replica) * int(replicas)


def scaled_learning_rate(learning_rate, global_batch, base_batch=32):
    """The learning rate for ``global_batch`` by the linear scaling rule.

    ``learning_rate x (global_batch / base_batch)``: a rate tuned at
    ``base_batch`` (the guide's default batch of 32) stays right per sample
    when the batch grows with the number of replicas. Large scaled rates
    diverge in the first steps: warm up from the base rate over the first
    few epochs (Goyal et al. use 5), e.g. with
    ``keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps,
    warmup_target=scaled, warmup_steps=5 * steps_per_epoch)``; beyond a global
    batch of a few thousand the rule stops holding.

    Args:
        learning_rate: float. Rate that works at ``base_batch``.
        global_batch: int. The global batch (:func:`global_batch_size`).
        base_batch: int. Batch ``learning_rate`` was chosen for. Defaults to 32
            (guide: Quick Start, "Batch size: 32").

    Returns:
        float. The scaled learning rate.

    Example:
        >>> kzoo.distribute.scaled_learning_rate(1e-3, 256)
        0.008

    Reference:
        Guide: Hyperparameters > Batch Size; Goyal et al., "Accurate, Large
        Minibatch SGD: Training ImageNet in 1 Hour", 2017 (arXiv:1706.02677).
    """
    checks.positive("learning_rate", learning_rate)
    checks.positive_int("global_batch", global_batch)
    checks.positive_int("base_batch", base_batch)
    return float(learning_rate) * global_batch / base_batch
