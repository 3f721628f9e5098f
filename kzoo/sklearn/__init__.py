"""scikit-learn estimators for every registered classifier and regressor.

``kzoo.sklearn.Classifier("lstm_classifier", vocab_size=..., epochs=...)`` and
``kzoo.sklearn.Regressor("mlp_regressor", ...)`` fit, predict and score like
any scikit-learn estimator, and work in ``Pipeline``, ``cross_val_score`` and
``GridSearchCV`` (also with ``n_jobs``), pickled or cloned.
"""

from kzoo.sklearn.estimators import Classifier, Regressor

__all__ = ["Classifier", "Regressor"]
