"""The trained model on disk (`artifacts`), fitting it (`fitting`), its card (`card`). No MLflow import here.

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "ScoringModel": "artifacts",
    "MODEL_NAME": "artifacts",
    "default_model_dir": "artifacts",
    "artifacts_dir": "artifacts",
    "fit": "fitting",
    "fit_pair": "fitting",
    "Costs": "fitting",
    "TrainResult": "fitting",
    "best_threshold": "fitting",
    "cv_folds": "fitting",
    "model_card": "card",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
