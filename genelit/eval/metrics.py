"""Rank statistics for evaluations, written out so that evaluations need only numpy and scipy."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata, spearmanr


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve via the Mann-Whitney U statistic (ties count half)."""
    labels = np.asarray(labels, dtype=bool)
    positives, negatives = labels.sum(), (~labels).sum()
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def per_group_auc(labels: np.ndarray, scores: np.ndarray, groups: np.ndarray, min_each: int = 5) -> tuple[float, int]:
    """Mean AUC over groups with at least `min_each` of each class, and how many groups that was."""
    aucs = []
    for group in np.unique(groups):
        mask = groups == group
        if labels[mask].sum() >= min_each and (~labels[mask]).sum() >= min_each:
            aucs.append(roc_auc(labels[mask], scores[mask]))
    return (float(np.mean(aucs)) if aucs else float("nan")), len(aucs)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    return float(spearmanr(a, b).statistic)
