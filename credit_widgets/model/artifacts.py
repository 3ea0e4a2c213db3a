"""The trained model on disk: the files `train` writes inside an MLflow model directory, where they are, and the
boosters read back as plain Python (`ScoringModel`, no MLflow: the page starts one kernel per officer)."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..features.builder import FeatureBuilder

MODEL_NAME = "credit-widgets"     # the name models are registered under in MLflow
BOOSTER_FILE = "booster.ubj"
FEATURES_FILE = "features.json"
META_FILE = "model_meta.json"
APPLICATION_DIR = "application"   # the prospects' model, beside the client model's artefacts
# Measured on 2 cores: one thread is several times faster per row than two as soon as anything else runs.
SCORING_THREADS = 1


def default_model_dir() -> Path:
    return Path(os.environ.get("CREDIT_MODEL_DIR", Path(__file__).resolve().parents[2] / "models"))


def artifacts_dir(model_dir: Path) -> Path:
    """Artefacts sit in `artifacts/` inside an MLflow model directory, or directly in a plain folder."""
    model_dir = Path(model_dir)
    return model_dir / "artifacts" if (model_dir / "artifacts" / META_FILE).exists() else model_dir


@dataclass
class ScoringModel:
    booster: object                     # xgboost.Booster
    builder: FeatureBuilder
    meta: dict = field(default_factory=dict)
    folder: Path | None = None          # where the artefacts were read from

    @classmethod
    def load(cls, model_dir: Path | str | None = None) -> ScoringModel:
        import xgboost as xgb  # see scorer.BoosterScorer.explain

        folder = artifacts_dir(Path(model_dir) if model_dir else default_model_dir())
        missing = [f for f in (BOOSTER_FILE, FEATURES_FILE, META_FILE) if not (folder / f).exists()]
        if missing:
            raise FileNotFoundError(f"no trained model in {folder} (missing {', '.join(missing)}); "
                                    "train one with: python -m credit_widgets.lifecycle.train "
                                    "--data DIR --out MODEL_DIR")
        booster = xgb.Booster()
        booster.load_model(str(folder / BOOSTER_FILE))
        booster.set_param({"nthread": SCORING_THREADS})
        builder = FeatureBuilder.from_dict(json.loads((folder / FEATURES_FILE).read_text()))
        meta = json.loads((folder / META_FILE).read_text())
        meta.setdefault("artifact_hash", hash_files(folder / BOOSTER_FILE, folder / FEATURES_FILE))
        return cls(booster, builder, meta, folder)

    @classmethod
    def load_application(cls, model_dir: Path | str | None = None) -> ScoringModel | None:
        """The application model stored with the client model (None for a model trained before there was one)."""
        folder = artifacts_dir(Path(model_dir) if model_dir else default_model_dir()) / APPLICATION_DIR
        return cls.load(folder) if (folder / META_FILE).exists() else None

    @property
    def threshold(self) -> float:
        return float(self.meta["threshold"])

    @property
    def feature_names(self) -> list[str]:
        return self.builder.feature_names_

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unversioned"))

    def features(self, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        return self.builder.transform(tables)

    def predict_proba(self, features: pd.DataFrame | np.ndarray) -> np.ndarray:
        matrix = features.to_numpy(dtype=np.float32) if isinstance(features, pd.DataFrame) else features
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        return self.booster.inplace_predict(matrix, validate_features=False).astype(float)


def hash_files(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]
