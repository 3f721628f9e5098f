"""``kzoo.sklearn.Classifier`` and ``kzoo.sklearn.Regressor``: every registered
classifier and regressor as a scikit-learn estimator."""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets

from kzoo.sklearn.base import KzooEstimator


class Classifier(ClassifierMixin, KzooEstimator):
    """A registered kzoo classifier as a scikit-learn classifier.

    Parameters are the factory's arguments (``kzoo.model_info(model)``, all
    but ``num_classes``, read from ``y``, and ``compile``) and the fit
    arguments ``epochs`` (20), ``batch_size`` (32), ``validation_split`` (0),
    ``callbacks`` (None), ``verbose`` (0) and ``random_state`` (None: seeds
    ``keras.utils.set_random_seed`` when an int). ``input_shape`` is read
    from ``X`` when not given (and no ``vocab_size`` is). Labels may be any
    values scikit-learn accepts (strings, non-contiguous integers): they are
    encoded with a ``LabelEncoder`` and ``classes_`` holds them.

    Args:
        model: str. A registered classification model. Defaults to
            ``"mlp_classifier"``.
        **params: Factory and fit arguments (see above).

    Attributes:
        classes_: np.ndarray. The class labels, in the order of
            ``predict_proba``'s columns.
        model_: keras.Model. The trained model (integer labels in, class
            probabilities out).
        history_: dict. The ``History.history`` of the last ``fit``.
        n_features_in_: int. ``X.shape[1]`` seen in ``fit``.
        backend_: str. The Keras backend that trained it.

    Example:
        >>> clf = kzoo.sklearn.Classifier("mlp_classifier", hidden_units=(64,), epochs=30)
        >>> sklearn.model_selection.cross_val_score(clf, X, y, cv=3)

    Reference:
        Guide: Quick Start (the defaults); scikit-learn's estimator API.
    """

    _task = "classification"

    def __init__(self, model="mlp_classifier", **params):
        super().__init__(model, **params)

    def _encode_targets(self, y):
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) < 2:
            raise ValueError("y must contain at least 2 classes to train a classifier. "
                             f"Received: y with 1 class ({encoder.classes_[0]!r})")
        self.classes_ = encoder.classes_
        return encoder.transform(y).astype("int32"), {"num_classes": len(self.classes_)}

    def predict_proba(self, X):
        """Class probabilities, shape ``(n_samples, n_classes)`` (columns: ``classes_``)."""
        probabilities = self._predict_raw(X).astype("float64")
        if probabilities.shape[-1] == 1:  # one sigmoid unit for two classes
            probabilities = np.concatenate([1.0 - probabilities, probabilities], axis=-1)
        return probabilities

    def predict(self, X):
        """The most probable class of each sample, as a label of ``classes_``."""
        probabilities = self.predict_proba(X)
        return self.classes_[np.argmax(probabilities, axis=1)]


class Regressor(RegressorMixin, KzooEstimator):
    """A registered kzoo regressor as a scikit-learn regressor.

    Parameters as for :class:`Classifier` (``outputs`` is read from ``y``:
    one per column of a 2-D ``y``); ``score`` is R².

    Args:
        model: str. A registered regression model. Defaults to ``"mlp_regressor"``.
        **params: Factory and fit arguments.

    Attributes:
        model_: keras.Model. The trained model.
        history_: dict. The ``History.history`` of the last ``fit``.
        n_features_in_: int. ``X.shape[1]`` seen in ``fit``.
        backend_: str. The Keras backend that trained it.

    Example:
        >>> reg = kzoo.sklearn.Regressor("mlp_regressor", epochs=50)
        >>> sklearn.pipeline.make_pipeline(StandardScaler(), reg).fit(X, y).score(X, y)
    """

    _task = "regression"

    def __init__(self, model="mlp_regressor", **params):
        super().__init__(model, **params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # a 2-D y gives one output per column
        return tags

    def _encode_targets(self, y):
        y = np.asarray(y, dtype="float32")
        self._y_ndim = y.ndim
        return y, {"outputs": 1 if y.ndim == 1 else y.shape[1]}

    def predict(self, X):
        """Predicted values, shaped like the ``y`` given to ``fit``."""
        prediction = self._predict_raw(X).astype("float64")
        return prediction.reshape(len(prediction)) if self._y_ndim == 1 else prediction
