"""``TaskModel``: the functional ``keras.Model`` every task-layer factory returns.

It is a plain functional model (``get_config`` is the graph, ``from_config``
Keras' own) with two additions that travel with its ``.keras`` file:

* it checks its data (:mod:`kzoo.tasks.data_checks`) at the start of ``fit``,
  ``evaluate``, ``predict``, ``train_on_batch``, ``test_on_batch`` and
  ``predict_on_batch``: labels out of range, NaN inputs, token ids past the
  vocabulary or a wrong feature count raise ``ValueError`` before any step,
  on every backend alike;
* its compile config is portable (:mod:`kzoo.backend.portable_compile`): a
  model compiled on JAX does not switch on ``torch.compile`` when loaded on
  PyTorch.

Loading a saved ``TaskModel`` needs ``import kzoo`` first (like any custom Keras
class); Keras names the class it could not find.
"""

import keras

from kzoo.backend.portable_compile import PortableCompile
from kzoo.tasks import data_checks


@keras.saving.register_keras_serializable(package="kzoo")
class TaskModel(PortableCompile, keras.Model):
    """A functional kzoo model that checks its data before training on it."""

    def fit(self, x=None, y=None, *args, **kwargs):
        data_checks.check_data(self, x, y)
        data_checks.check_validation(self, kwargs.get("validation_data"))
        return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        data_checks.check_data(self, x, y)
        return super().evaluate(x, y, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        data_checks.check_data(self, x)
        return super().predict(x, *args, **kwargs)

    def train_on_batch(self, x, y=None, *args, **kwargs):
        data_checks.check_data(self, x, y)
        return super().train_on_batch(x, y, *args, **kwargs)

    def test_on_batch(self, x, y=None, *args, **kwargs):
        data_checks.check_data(self, x, y)
        return super().test_on_batch(x, y, *args, **kwargs)

    def predict_on_batch(self, x):
        data_checks.check_data(self, x)
        return super().predict_on_batch(x)
