"""Adversarial training: ``fit`` on a mix of clean and freshly attacked examples.

The guide's first defence (Advanced Topics > Adversarial Training, "Train on
adversarial examples"): at every step, attack the current model on the batch
(FGSM or PGD) and train on the result. Goodfellow et al. (2015) mix clean and
adversarial examples (``alpha J(x) + (1 - alpha) J(x')``, alpha = 0.5); Madry et
al. (2018) train on PGD examples only (``ratio=1``).

Why a wrapper model with its own ``train_step``, not a data generator or a
callback: the examples must be crafted against the weights of *this* step.
A ``PyDataset`` / generator runs ahead of the model (Keras prefetches batches,
on TensorFlow from a ``tf.data`` thread), so it attacks stale weights and calls
the model from another thread; a callback cannot change the batch at all.
Keras 3 has no backend-agnostic custom ``train_step`` and JAX's must be
stateless, so :class:`AdversarialTrainer` keeps Keras' own ``train_step``
(loss, optimizer, metrics, loss scaling) and only replaces the batch before
calling it. The attack is the same ``keras.ops`` code as
:func:`kzoo.adversarial.fgsm`; what differs per backend (the input gradient,
and on JAX binding the variables to the training state with a
``StatelessScope``) lives in :mod:`kzoo.backend.gradients`.
"""

import keras
from keras import ops

from kzoo import checks
from kzoo.adversarial import attacks, outputs
from kzoo.backend import gradients
from kzoo.serialization import Config

RATIO = 0.5  # Goodfellow et al. (2015): alpha = 0.5, half clean, half adversarial


@keras.saving.register_keras_serializable(package="kzoo")
class AdversarialTrainer(Config, keras.Model):
    """Wraps a classifier so that ``fit`` trains it on adversarial examples.

    ``trainer(x)`` is ``classifier(x)`` (the two share their weights: training
    the trainer trains the classifier in place); ``evaluate`` and
    ``predict`` are the classifier's, on clean inputs. In ``fit`` each batch
    is attacked with the current weights (inference mode: dropout off,
    batch-norm moving statistics), and the first ``round(ratio * batch)``
    examples of the (shuffled) batch are replaced by their adversarial
    versions before Keras' ordinary training step runs on it. The logged
    ``accuracy`` is therefore the accuracy on that mixed batch.

    When the classifier is compiled, the trainer is compiled with the same
    optimizer settings (a fresh optimizer), loss and metrics; call
    ``compile`` to change them.

    Args:
        classifier: A kzoo classifier (one sigmoid / softmax output, float
            inputs).
        eps: float. L-infinity budget of the training attack, >= 0, in input
            units (e.g. 0.1 for pixels in [0, 1]).
        method: str. ``"fgsm"`` (one step, cheap) or ``"pgd"``. Defaults to
            ``"fgsm"``.
        ratio: float. Share of each batch replaced by adversarial examples,
            in (0, 1]. Defaults to 0.5 (Goodfellow et al., 2015).
        steps: int. PGD steps. Defaults to 10.
        step_size: float or None. PGD step; defaults to ``2.5 * eps / steps``.
        random_start: bool. PGD starts from a random point of the ball.
            Defaults to True.
        clip: ``(low, high)`` or None. Valid input range. Defaults to None.
        seed: int or None. Seed of PGD's random starts. Defaults to None.
        name: str or None. Defaults to ``"adversarial_<classifier name>"``.
        **kwargs: Base ``keras.Model`` arguments.

    Example:
        >>> model = kzoo.cnn_classifier(num_classes=10, input_shape=(8, 8, 1))
        >>> trainer = kzoo.adversarial.AdversarialTrainer(model, eps=0.1, clip=(0, 1))
        >>> trainer.fit(x_train, y_train, epochs=20)   # trains `model` in place
        >>> kzoo.adversarial.robust_accuracy(model, x_test, y_test, eps=0.1, clip=(0, 1))

    Reference:
        Guide: neural-networks-master, Advanced Topics > Adversarial Training;
        Goodfellow et al. (2015); Madry et al. (2018).
    """

    CONFIG_ARGS = ("classifier", "eps", "method", "ratio", "steps", "step_size",
                   "random_start", "clip", "seed")
    NESTED_ARGS = ("classifier",)
    TUPLE_ARGS = ("clip",)

    def __init__(self, classifier, *, eps, method="fgsm", ratio=RATIO,
                 steps=attacks.PGD_STEPS, step_size=None, random_start=True, clip=None,
                 seed=None, name=None, **kwargs):
        checks.one_of("method", method, attacks.METHODS)
        eps_, steps_, step_size_, clip = attacks.check_attack_args(method, eps, steps,
                                                                   step_size, clip)
        ratio = checks.number_in_range("ratio", ratio, 0.0, 1.0, low_inclusive=False)
        checks.one_of("random_start", random_start, (True, False))
        view = outputs.ClassifierView(classifier)   # validates the classifier
        if len(classifier.inputs) != 1:
            raise ValueError("classifier must have one input. Received: classifier with "
                             f"{len(classifier.inputs)} inputs")
        spec = classifier.inputs[0]
        inputs = keras.Input(shape=spec.shape[1:], dtype=spec.dtype, name="inputs")
        super().__init__(inputs, classifier(inputs),
                         name=name or f"adversarial_{classifier.name}", **kwargs)
        self.classifier = classifier
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._view = view
        self._attack = {"eps": eps_, "steps": steps_, "step_size": step_size_,
                        "random_start": method == "pgd" and random_start, "clip": clip}
        self.eps, self.method, self.ratio, self.steps = eps, method, ratio, steps
        self.step_size, self.random_start, self.clip, self.seed = (step_size, random_start,
                                                                  clip, seed)
        if getattr(classifier, "compiled", False):
            config = classifier.get_compile_config()
            if config is not None:
                self.compile_from_config(config)

    def adversarial_batch(self, x, y):
        """The attack of one batch against the current weights (tensors)."""
        return attacks.perturb(self._view, x, y, seed=self.seed_generator, **self._attack)

    def _mix(self, x, x_adv):
        if self.ratio >= 1.0:
            return x_adv
        n = ops.shape(x)[0]
        count = ops.cast(ops.round(self.ratio * ops.cast(n, "float32")), "int32")
        mask = ops.arange(n, dtype="int32") < count
        mask = ops.reshape(mask, (-1,) + (1,) * (len(x.shape) - 1))
        return ops.where(mask, x_adv, x)

    def train_step(self, *args):
        # JAX passes (state, data), TensorFlow and PyTorch (data,).
        state, data = gradients.split_step_args(args)
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with gradients.bind_state(self, state) as scope:
            x_adv = self.adversarial_batch(x, y)
        state = gradients.updated_state(self, state, scope)
        batch = (self._mix(x, x_adv), y, sample_weight)
        return super().train_step(*gradients.join_step_args(state, batch))
