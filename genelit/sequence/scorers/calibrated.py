"""The offline default: logistic regression over sequence-only features, trained by scripts/train_calibrated.py.

The model file holds the feature names, the standardisation and the coefficients as JSON, so
inference needs only numpy and the file is small enough to review in a diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from genelit.sequence.features import FEATURE_NAMES, SequenceContext, missense_features
from genelit.sequence.scorers.base import Scorer, file_hash
from genelit.types import Variant

MODEL_FILE = Path(__file__).with_name("calibrated.json")


class CalibratedScorer(Scorer):
    name = "calibrated"
    damaging_if = "above"

    def __init__(self, path: Path = MODEL_FILE) -> None:
        self.path = path
        spec = json.loads(path.read_text())
        if spec["features"] != FEATURE_NAMES:
            raise ValueError(f"{path} was trained on other features; retrain with scripts/train_calibrated.py")
        self.mean = np.array(spec["mean"])
        self.scale = np.array(spec["scale"])
        self.coef = np.array(spec["coef"])
        self.intercept = float(spec["intercept"])
        self.method = spec["method"]

    @property
    def model(self) -> str:
        return f"genelit calibrated ({self.path.name})"

    @property
    def weights_hash(self) -> str:
        return file_hash(self.path)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def raw_scores(self, sequence: str, variants: list[Variant]) -> list[float]:
        context = SequenceContext(sequence)
        rows = np.array([missense_features(context, v.position, v.ref, v.alt) for v in variants])
        return self.probabilities(rows).tolist()
