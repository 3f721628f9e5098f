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
from kzoo.models.conv import cnn_classifier, resnet_classifier
from kzoo.models.recurrent import (gru_classifier, gru_regressor, lstm_classifier, lstm_regressor,
                                   rnn_classifier, rnn_regressor)
from kzoo import layers  # noqa: F401
from kzoo.models.attention import (greedy_decode, seq2seq_attention, transformer_classifier,
                                   transformer_regressor)
from kzoo.registry import create_model, list_models, model_info, register_model
from kzoo.models.autoencoders import (anomaly_scores, autoencoder, denoising_autoencoder,
                                      sparse_autoencoder)
from kzoo.models.gan import gan
from kzoo.models.vae import vae
from kzoo.models.capsule import capsule_network
from kzoo.models.ode import neural_ode_classifier
from kzoo.models.rbf import rbf_classifier, rbf_regressor
from kzoo.models.som import self_organizing_map
from kzoo import tuning  # noqa: F401  (KerasTuner itself is imported lazily)
from kzoo.tuning import tune
from kzoo import callbacks, evaluation, schedules  # noqa: F401
from kzoo.callbacks.lr_finder import lr_find
from kzoo.evaluation import evaluate

__version__ = "0.1.0"

__all__ = [
    "anomaly_scores",
    "autoencoder",
    "denoising_autoencoder",
    "gan",
    "sparse_autoencoder",
    "vae",
    "capsule_network",
    "neural_ode_classifier",
    "rbf_classifier",
    "rbf_regressor",
    "self_organizing_map",
    "callbacks",
    "evaluate",
    "evaluation",
    "lr_find",
    "schedules",
    "cnn_classifier",
    "gru_classifier",
    "gru_regressor",
    "lstm_classifier",
    "lstm_regressor",
    "resnet_classifier",
    "rnn_classifier",
    "rnn_regressor",
    "create_model",
    "greedy_decode",
    "layers",
    "seq2seq_attention",
    "transformer_classifier",
    "transformer_regressor",
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
    "tune",
    "tuning",
]
