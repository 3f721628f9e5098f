"""Knowledge distillation: train a small student to match a large teacher.

Guide: neural-networks-master, "Advanced Topics > Pruning and Compression >
Knowledge Distillation: Train small model from large model". The loss is
Hinton et al. (2015)'s::

    alpha * CE(y, student) + (1 - alpha) * T^2 * KL(softmax(z_t / T) || softmax(z_s / T))

with ``z`` the logits and ``T`` the temperature; ``T^2`` keeps the soft
term's gradients on the scale of the hard term's as ``T`` grows.

kzoo classifiers end in a softmax (or, for two classes, one sigmoid unit), so
they output probabilities, not logits. ``log(p)`` is a logit vector of the
same softmax (softmax is shift invariant), so the distiller takes
``log(clip(p, 1e-7, 1))`` as the logits; a sigmoid output ``p`` becomes the
two-class distribution ``[1 - p, p]``. Models that output raw logits pass
``from_logits=True``.

Written by hand because no Keras 3 library ships a distiller for all three
backends. It follows the keras.io "Knowledge Distillation" example but
overrides ``compute_loss`` instead of ``train_step`` (no backend-agnostic
``train_step`` exists; ``compute_loss`` runs under every backend's own
``fit``), so plain ``model.fit`` trains it on TensorFlow, JAX and PyTorch.
"""

import keras
from keras import ops

from kzoo import checks, heads
from kzoo.serialization import Config
from kzoo.transfer.freeze import set_trainable

EPSILON = 1e-7
TEMPERATURE = 4.0  # Hinton et al. (2015) use 1-20; the guide's claims test uses 4
ALPHA = 0.1  # weight of the hard-label loss; the soft targets carry most of the signal


def as_logits(outputs, from_logits=False):
    """Turns a classifier's outputs into logits over its classes.

    Args:
        outputs: tensor of shape ``(batch, classes)`` (softmax or logits) or
            ``(batch, 1)`` (sigmoid probability or its logit).
        from_logits: bool. The outputs already are logits.

    Returns:
        A ``(batch, classes)`` tensor (``(batch, 2)`` for a single unit) whose
        softmax is the model's predicted distribution.
    """
    outputs = ops.cast(outputs, "float32")
    if outputs.shape[-1] == 1:  # binary: one sigmoid unit
        if from_logits:
            return ops.concatenate([ops.zeros_like(outputs), outputs], axis=-1)
        outputs = ops.concatenate([1.0 - outputs, outputs], axis=-1)
    elif from_logits:
        return outputs
    return ops.log(ops.clip(outputs, EPSILON, 1.0))


def distillation_loss(teacher_outputs, student_outputs, temperature=TEMPERATURE,
                      from_logits=False):
    """Per-sample ``T^2 * KL(softmax(z_t / T) || softmax(z_s / T))``.

    Args:
        teacher_outputs: tensor. The teacher's outputs (probabilities unless
            ``from_logits``).
        student_outputs: tensor. The student's outputs, same kind.
        temperature: float. ``T`` > 0.
        from_logits: bool. Both outputs are logits.

    Returns:
        A ``(batch,)`` tensor.
    """
    t = ops.divide(as_logits(teacher_outputs, from_logits), temperature)
    s = ops.divide(as_logits(student_outputs, from_logits), temperature)
    log_p_teacher = ops.log_softmax(t, axis=-1)
    log_p_student = ops.log_softmax(s, axis=-1)
    kl = ops.sum(ops.exp(log_p_teacher) * (log_p_teacher - log_p_student), axis=-1)
    return kl * (temperature ** 2)


@keras.saving.register_keras_serializable(package="kzoo")
class Distiller(Config, keras.Model):
    """A student trained on hard labels and on a frozen teacher's soft targets.

    ``distiller(x)`` and ``predict`` return the student's outputs; ``fit(x, y)``
    minimizes ``alpha * hard + (1 - alpha) * soft`` (see the module
    docstring) and logs ``loss``, ``student_loss`` and ``distillation_loss``
    besides the compiled metrics. The teacher runs in inference mode and is
    frozen *in place* (its layers get ``trainable = False``, as in Keras'
    transfer learning): pass a copy (``kzoo.transfer.copy_model``), or call
    ``kzoo.transfer.set_trainable(teacher, True)`` to train it again. After
    training, ``distiller.student`` is the plain model to save and deploy.

    Args:
        teacher: keras.Model. A trained classifier (frozen here).
        student: keras.Model. The smaller classifier to train, with the same
            number of outputs as the teacher.
        temperature: float. Softmax temperature ``T`` > 0. Defaults to 4.
        alpha: float in [0, 1]. Weight of the hard-label loss. Defaults to 0.1.
        from_logits: bool. Teacher and student output logits rather than
            probabilities. Defaults to False (kzoo classifiers).
        name: str. Defaults to ``"distiller"``.

    Example:
        >>> teacher = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
        >>> teacher.fit(x, y, epochs=30)
        >>> student = kzoo.mlp_classifier(num_classes=10, input_shape=(64,),
        ...                               hidden_units=(16,))
        >>> distiller = kzoo.compression.Distiller(teacher, student, temperature=4)
        >>> distiller.compile(num_classes=10)
        >>> distiller.fit(x, y, epochs=30)
        >>> distiller.student.save("student.keras")

    Reference:
        Hinton, Vinyals & Dean (2015), "Distilling the Knowledge in a Neural
        Network"; guide: neural-networks-master, Pruning and Compression.
    """

    CONFIG_ARGS = ("teacher", "student", "temperature", "alpha", "from_logits")
    NESTED_ARGS = ("teacher", "student")

    def __init__(self, teacher, student, temperature=TEMPERATURE, alpha=ALPHA,
                 from_logits=False, name="distiller", **kwargs):
        for argument, model in (("teacher", teacher), ("student", student)):
            if not isinstance(model, keras.Model):
                raise ValueError(f"{argument} must be a keras.Model. "
                                 f"Received: {argument}={model!r}")
        temperature = checks.positive("temperature", temperature)
        alpha = checks.number_in_range("alpha", alpha, 0.0, 1.0)
        checks.one_of("from_logits", from_logits, (True, False))
        t_out, s_out = teacher.output_shape, student.output_shape
        if isinstance(t_out, list) or isinstance(s_out, list) or t_out[-1] != s_out[-1]:
            raise ValueError("teacher and student must have one output each, of the same "
                             f"width. Received: teacher output {t_out}, student output {s_out}")
        super().__init__(name=name, **kwargs)
        self.teacher = teacher
        self.student = student
        set_trainable(self.teacher, False)
        self.temperature = temperature
        self.alpha = alpha
        self.from_logits = from_logits
        self.student_loss_tracker = keras.metrics.Mean(name="student_loss")
        self.distillation_loss_tracker = keras.metrics.Mean(name="distillation_loss")

    def call(self, inputs, training=False):
        return self.student(inputs, training=training)

    def compile(self, optimizer="adam", loss=None, metrics=None, *, num_classes=None,
                learning_rate=None, **kwargs):
        """Compiles the distiller; the compiled ``loss`` is the hard-label loss.

        Args:
            optimizer: str or optimizer. Defaults to ``"adam"``.
            loss: The hard-label loss; defaults to kzoo's loss for
                ``num_classes`` (the student's output width when not given).
            metrics: Metrics on the student's outputs; defaults to kzoo's.
            num_classes: int or None. Classes; read from the student when None.
            learning_rate: float or None. For a string ``optimizer``; defaults
                to 1e-3 (guide: Quick Start).
            **kwargs: Passed to ``keras.Model.compile``.
        """
        if num_classes is None:
            width = self.student.output_shape[-1]
            num_classes = 2 if width == 1 else width
        if isinstance(optimizer, str):
            optimizer = heads.make_optimizer(optimizer, learning_rate or 1e-3)
        if loss is None:
            if self.from_logits:
                loss = (keras.losses.BinaryCrossentropy(from_logits=True)
                        if num_classes == 2 and self.student.output_shape[-1] == 1 else
                        keras.losses.SparseCategoricalCrossentropy(from_logits=True))
            else:
                loss = heads.classification_loss(num_classes)
        if metrics is None and not self.from_logits:
            metrics = heads.classification_metrics(num_classes)
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def compile_from_config(self, config):
        """Restores the compile state saved in a ``.keras`` file (``compile`` is overridden)."""
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        # The student is built (it is a functional model), so the optimizer can be too,
        # and its saved state loads.
        self.optimizer.build(self.trainable_variables)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        # The compiled (hard-label) loss plus the student's regularization losses.
        hard = super().compute_loss(x, y, y_pred, sample_weight, training=training)
        teacher_pred = ops.stop_gradient(self.teacher(x, training=False))
        soft = distillation_loss(teacher_pred, y_pred, self.temperature, self.from_logits)
        if sample_weight is not None:
            weight = ops.reshape(ops.cast(sample_weight, soft.dtype), (-1,))
            soft = ops.sum(soft * weight) / ops.maximum(ops.sum(weight), EPSILON)
        else:
            soft = ops.mean(soft)
        batch = ops.cast(ops.shape(y_pred)[0], "float32")
        self.student_loss_tracker.update_state(hard, sample_weight=batch)
        self.distillation_loss_tracker.update_state(soft, sample_weight=batch)
        return self.alpha * hard + (1.0 - self.alpha) * soft
