"""kzoo: a Keras 3 model zoo built from a practical deep-learning guide.

Every architecture is a factory returning a compiled ``keras.Model`` with the
guide's defaults, on TensorFlow, JAX or PyTorch (``KERAS_BACKEND``)::

    import kzoo
    kzoo.list_models()
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))

``import kzoo`` imports Keras and the active backend only; scikit-learn,
KerasTuner and matplotlib are imported by the functions that need them.
"""

from kzoo import data, defaults, heads, models, search_space  # noqa: F401
from kzoo.models.dense import mlp_classifier, mlp_regressor, perceptron
from kzoo.registry import create_model, list_models, model_info, register_model

__version__ = "0.1.0"

__all__ = [
    "create_model",
    "data",
    "defaults",
    "heads",
    "list_models",
    "mlp_classifier",
    "mlp_regressor",
    "model_info",
    "perceptron",
    "register_model",
    "search_space",
]
