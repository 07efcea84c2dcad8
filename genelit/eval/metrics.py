"""Rank statistics for evaluations: scikit-learn's ROC-AUC, per group, and scipy's Spearman."""

from __future__ import annotations

import numpy as np


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (ties count half); NaN when only one class is present, where it is undefined."""
    from sklearn.metrics import roc_auc_score  # a second's import: only evaluations pay for it

    labels = np.asarray(labels, dtype=bool)
    if labels.all() or not labels.any():
        return float("nan")
    return float(roc_auc_score(labels, scores))


def per_group_auc(labels: np.ndarray, scores: np.ndarray, groups: np.ndarray, min_each: int = 5) -> tuple[float, int]:
    """Mean AUC over groups with at least `min_each` of each class, and how many groups that was."""
    aucs = []
    for group in np.unique(groups):
        mask = groups == group
        if labels[mask].sum() >= min_each and (~labels[mask]).sum() >= min_each:
            aucs.append(roc_auc(labels[mask], scores[mask]))
    return (float(np.mean(aucs)) if aucs else float("nan")), len(aucs)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)
