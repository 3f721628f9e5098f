"""The scikit-learn estimator shared by :class:`~kzoo.sklearn.Classifier` and
:class:`~kzoo.sklearn.Regressor`.

Written on ``sklearn.base.BaseEstimator`` rather than ``keras.wrappers``:
Keras' wrappers call the model builder positionally with ``X`` and ``y``
(kzoo's factories are keyword-only), one-hot encode ``y`` (kzoo compiles
sparse losses) and keep the builder's arguments in one ``model_kwargs`` dict,
which ``GridSearchCV`` cannot search over. Here every factory argument is a
parameter of its own, read from the registered factory's signature.
"""

import copy
import numbers
import os

import keras
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

from kzoo import checks
from kzoo.sklearn import params as _params

# Worker processes (joblib's loky, started by GridSearchCV(n_jobs=...)) inherit
# the environment: pin the backend this process runs on so that every worker
# imports Keras with the same one, even when it was chosen by ~/.keras/keras.json.
os.environ.setdefault("KERAS_BACKEND", keras.backend.backend())


class KzooEstimator(BaseEstimator):
    """A registered kzoo model as a scikit-learn estimator (base class).

    Subclasses set ``_task`` (the registry task), define ``__init__(self,
    model=<default name>, **params)`` and implement
    ``_encode_targets(y) -> (y_fit, head_kwargs)``. The model name and the
    parameter names are checked when set (``__init__``, ``set_params``): the
    parameters themselves come from the named model's factory.
    """

    _task = None

    def __init__(self, model, **params):
        self.model = model
        info = _params.model_info(self.model, self._task)
        _params.check_names(info, params)
        for name, value in params.items():
            setattr(self, name, value)

    # === Parameters ===

    def _info(self):
        return _params.model_info(self.model, self._task)

    def get_params(self, deep=True):
        """The model name, every argument of its factory and the fit arguments."""
        defaults = {**_params.factory_params(self._info()), **_params.FIT_PARAMS}
        return {"model": self.model,
                **{name: getattr(self, name, default) for name, default in defaults.items()}}

    def set_params(self, **params):
        """Sets parameters; ``model`` first, since it decides which others exist."""
        if "model" in params:
            _params.model_info(params["model"], self._task)
            self.model = params.pop("model")
        _params.check_names(self._info(), params)
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self, N_CHAR_MAX=700):
        defaults = {**_params.factory_params(self._info()), **_params.FIT_PARAMS}
        changed = [f"{k}={v!r}" for k, v in self.get_params(deep=False).items()
                   if k != "model" and not _same(v, defaults[k])]
        return f"{type(self).__name__}({', '.join([repr(self.model), *changed])})"

    def _fit_args(self):
        values = {name: getattr(self, name, default)
                  for name, default in _params.FIT_PARAMS.items()}
        checks.positive_int("epochs", values["epochs"])
        checks.positive_int("batch_size", values["batch_size"])
        checks.fraction("validation_split", values["validation_split"])
        checks.one_of("verbose", values["verbose"], (0, 1, 2, "auto"))
        callbacks = values["callbacks"]
        if callbacks is not None and not (
                isinstance(callbacks, (list, tuple))
                and all(isinstance(c, keras.callbacks.Callback) for c in callbacks)):
            raise ValueError("callbacks must be a list of keras.callbacks.Callback or None. "
                             f"Received: callbacks={callbacks!r}")
        # Each fit gets fresh copies: the parameter stays clone-safe and reusable.
        values["callbacks"] = copy.deepcopy(list(callbacks or []))
        return values

    def _factory_kwargs(self, info, x):
        kwargs = {name: getattr(self, name, default)
                  for name, default in _params.factory_params(info).items()}
        if kwargs.get("input_shape") is None and kwargs.get("vocab_size") is None:
            kwargs["input_shape"] = tuple(x.shape[1:])  # inferred from X
        return kwargs

    # === Fitting ===

    def _validate(self, x, y=None, reset=False):
        token_input = getattr(self, "vocab_size", None) is not None
        kwargs = {"allow_nd": True, "dtype": "numeric", "reset": reset}
        if y is None:
            x = validate_data(self, x, **kwargs)
        else:
            x, y = validate_data(self, x, y, multi_output=self._task == "regression",
                                 y_numeric=self._task == "regression", **kwargs)
        x = x.astype("int32" if token_input else "float32")
        return x if y is None else (x, y)

    def fit(self, X, y):
        """Builds the factory's model for ``X`` and ``y`` and trains it.

        Args:
            X: array-like of shape ``(n_samples, ...)``. Inputs (token ids for
                models given a ``vocab_size``).
            y: array-like. Targets.

        Returns:
            self, with ``model_`` (the trained ``keras.Model``), ``history_``
            (its ``History.history``), ``n_features_in_`` and ``backend_``.
        """
        info = self._info()
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target "
                             "y is None. Received: y=None")
        fit_args = self._fit_args()
        x, y = self._validate(X, y, reset=True)
        y_fit, head = self._encode_targets(y)
        seed = fit_args.pop("random_state")
        if isinstance(seed, np.random.RandomState):
            seed = int(seed.randint(np.iinfo(np.int32).max))
        if seed is not None:
            if not isinstance(seed, numbers.Integral):
                raise ValueError("random_state must be an int, a numpy RandomState or None. "
                                 f"Received: random_state={seed!r}")
            keras.utils.set_random_seed(int(seed))
        model = info.factory(**head, **self._factory_kwargs(info, x))
        history = model.fit(x, y_fit, **fit_args)
        self.model_ = model
        self.history_ = dict(history.history)
        self.backend_ = keras.backend.backend()
        return self

    def _predict_raw(self, X):
        check_is_fitted(self, "model_")
        x = self._validate(X)
        batch_size = getattr(self, "batch_size", _params.FIT_PARAMS["batch_size"])
        return np.asarray(self.model_.predict(x, batch_size=batch_size, verbose=0))


def _same(a, b):
    try:
        return bool(a == b) if not isinstance(a, np.ndarray) else False
    except Exception:  # arrays and other values without a boolean ==
        return a is b
