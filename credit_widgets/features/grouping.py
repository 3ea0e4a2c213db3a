"""Model features summed back to the inputs they come from (a ratio of two inputs gives half to each): how exact
TreeSHAP contributions per feature become contributions per input, for reasons, charts and fairness shares."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Grouping:
    """Sums model features back to inputs: grouped = contributions[:-1] @ matrix."""

    inputs: list[str]
    matrix: np.ndarray            # (n_features, n_inputs)
    members: dict[str, list[int]]  # input -> indices of the features it receives something from

    @classmethod
    def from_sources(cls, feature_names: list[str], sources: dict[str, tuple[str, ...]]) -> Grouping:
        inputs: list[str] = []
        for name in feature_names:
            for source in sources[name]:
                if source not in inputs:
                    inputs.append(source)
        position = {name: i for i, name in enumerate(inputs)}
        matrix = np.zeros((len(feature_names), len(inputs)))
        members: dict[str, list[int]] = {name: [] for name in inputs}
        for f, name in enumerate(feature_names):
            for source in sources[name]:
                matrix[f, position[source]] = 1.0 / len(sources[name])
                members[source].append(f)
        return cls(inputs, matrix, members)

    def group(self, contributions: np.ndarray) -> tuple[float, dict[str, float]]:
        """(base value, {input: log-odds}) from one row of pred_contribs (the last entry is the bias)."""
        grouped = contributions[:-1] @ self.matrix
        return float(contributions[-1]), {name: float(v) for name, v in zip(self.inputs, grouped)}
