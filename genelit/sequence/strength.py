"""A variant score as ACMG/AMP computational evidence: PP3 or BP4 at a calibrated strength, or none.

A raw score with one cut called R175H "tolerated-looking" because a single threshold turns the whole middle band
into a call. Pejaver et al. 2022 (ClinGen SVI, "Calibration of computational tools for missense variant
pathogenicity classification") give the honest reading: a score counts only as far as its *local* posterior
probability of pathogenicity reaches the posterior that each evidence strength implies, and the middle band, where
it reaches none, is no evidence at all.

The method, as that paper does it:
- the prior probability of pathogenicity for a rare missense variant is 0.0441, and the Bayesian ACMG framework
  (Tavtigian et al. 2018) with that prior sets the likelihood-ratio constant c = 1124: very strong evidence has
  LR+ c, strong c^(1/2), moderate c^(1/4), supporting c^(1/8); each becomes a posterior bar for PP3 (pathogenic
  side) and, reciprocally, for BP4 (benign side);
- the local posterior at a score s is estimated in the smallest window around s holding at least 100 labelled
  variants (fewer at the ends of the scale, in proportion to the part of the window that lies inside it), with the
  benign variants weighted so that the labelled set's class balance stands for the prior;
- a strength's threshold is the lowest score (PP3) above which every score's posterior clears the bar, or the
  highest (BP4) below which every score's clears it; 10,000 bootstrap resamples give a distribution of each
  threshold, and the one-sided 95% bound of it (the stricter end) is the threshold used; a strength that more
  than 5% of resamples never reach is not given.

One departure: the paper also widened each window until it held 3% of a gnomAD variant set, which keeps windows
wide where scores are sparse; no gnomAD set is at hand here, so windows are set by the labelled variants alone.

The thresholds are fitted by `scripts/calibrate_strength.py` and shipped in `strength.json`; at run time a score is
only looked up. A strength is evidence for one ACMG criterion, never a classification: the geneticist combines it
with the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from genelit.types import ComputationalEvidence, Criterion, StrengthLevel

PRIOR = 0.0441  # Pejaver et al. 2022: prior probability of pathogenicity of a rare missense variant
TAVTIGIAN_C = 1124.0  # the LR+ of very strong evidence at that prior (Pejaver et al. 2022, after Tavtigian et al. 2018)
LEVELS: tuple[StrengthLevel, ...] = ("very strong", "strong", "moderate", "supporting")
EXPONENTS = {"very strong": 1.0, "strong": 0.5, "moderate": 0.25, "supporting": 0.125}
# Pejaver et al. 2022 cap computational evidence at strong (PP3_Strong, BP4_Strong): very strong is fitted and shown
# by the calibration script, never given.
APPLIED: tuple[StrengthLevel, ...] = ("strong", "moderate", "supporting")
MIN_POINTS = 100  # labelled variants in a local window (Pejaver et al. 2022)
DISCOUNT = 0.05  # one-sided 95% bootstrap bound
STRENGTH_FILE = Path(__file__).with_name("strength.json")
Side = Literal["pathogenic", "benign"]


def likelihood_ratio(level: StrengthLevel, c: float = TAVTIGIAN_C) -> float:
    return float(c ** EXPONENTS[level])


def posterior_bar(level: StrengthLevel, side: Side, prior: float = PRIOR, c: float = TAVTIGIAN_C) -> float:
    """The posterior probability a strength needs: of pathogenicity (PP3), or of benignity (BP4)."""
    lr = likelihood_ratio(level, c)
    base = prior if side == "pathogenic" else 1 - prior
    return lr * base / ((lr - 1) * base + 1)


def benign_weight(y: np.ndarray, prior: float = PRIOR) -> float:
    """How much one benign variant counts so that the labelled set's class balance stands for `prior`."""
    return float((1 - prior) * y.sum() / ((len(y) - y.sum()) * prior))


@dataclass(frozen=True)
class Grid:
    """Candidate thresholds, one per `step` of the score scale, and the histogram bins they index."""

    low: float
    step: float
    size: int

    @classmethod
    def spanning(cls, scores: np.ndarray, step: float) -> Grid:
        low = np.floor(scores.min() / step) * step
        return cls(float(low), step, int(np.ceil((scores.max() - low) / step)) + 1)

    @property
    def values(self) -> np.ndarray:
        return self.low + self.step * np.arange(self.size)

    def bins(self, scores: np.ndarray) -> np.ndarray:
        return np.clip(np.rint((scores - self.low) / self.step).astype(int), 0, self.size - 1)


def local_posteriors(bins: np.ndarray, y: np.ndarray, size: int, weight: float, min_points: int = MIN_POINTS) -> np.ndarray:
    """P(pathogenic) at each grid point, from the smallest window (in grid steps either side) that holds enough
    labelled variants; a window reaching past the end of the scale needs proportionally fewer."""
    pos = np.concatenate([[0], np.cumsum(np.bincount(bins[y], minlength=size))])
    neg = np.concatenate([[0], np.cumsum(np.bincount(bins[~y], minlength=size))])
    centre = np.arange(size)
    lo_h, hi_h = np.zeros(size, dtype=int), np.full(size, size)  # binary search for the half-width, per grid point

    def enough(h: np.ndarray) -> np.ndarray:
        lo, hi = np.maximum(centre - h, 0), np.minimum(centre + h, size - 1)
        inside = (np.minimum(centre + h, size - 1) - np.maximum(centre - h, 0)) / np.maximum(2 * h, 1)
        count = (pos[hi + 1] - pos[lo]) + (neg[hi + 1] - neg[lo])
        return count >= np.where(h > 0, inside, 1.0) * min_points

    while np.any(lo_h < hi_h):
        mid = (lo_h + hi_h) // 2
        ok = enough(mid)
        hi_h = np.where(ok, mid, hi_h)
        lo_h = np.where(ok, lo_h, mid + 1)
    lo, hi = np.maximum(centre - lo_h, 0), np.minimum(centre + lo_h, size - 1)
    p, n = pos[hi + 1] - pos[lo], neg[hi + 1] - neg[lo]
    return p / np.maximum(p + weight * n, 1e-12)


def thresholds_from(posterior: np.ndarray, grid: np.ndarray, side: Side, prior: float, c: float) -> dict[StrengthLevel, float]:
    """Per strength, the score beyond which every grid point's posterior clears the bar (NaN: never). `posterior`
    is P(pathogenic); the benign side reads it from the low end."""
    out: dict[StrengthLevel, float] = {}
    order = np.arange(len(grid))[::-1] if side == "pathogenic" else np.arange(len(grid))
    values = posterior[order] if side == "pathogenic" else 1 - posterior[order]
    for level in LEVELS:
        failing = np.nonzero(values < posterior_bar(level, side, prior, c))[0]
        first_fail = int(failing[0]) if len(failing) else len(order)
        out[level] = float(grid[order[first_fail - 1]]) if first_fail > 0 else float("nan")
    return out


def discounted(boot: np.ndarray, side: Side, discount: float = DISCOUNT) -> float:
    """The one-sided bound of bootstrapped thresholds (the stricter end); NaN when more than `discount` of the
    resamples never reach the strength."""
    missing = int(np.isnan(boot).sum())
    if missing > discount * len(boot):
        return float("nan")
    reached = np.sort(boot[~np.isnan(boot)])
    if side == "pathogenic":
        reached = reached[::-1]
    return float(reached[int(np.floor(discount * len(boot))) - missing])


@dataclass(frozen=True)
class Curve:
    """The local posterior P(pathogenic) over a grid of scores, with its 5th and 95th bootstrap percentiles."""

    grid: np.ndarray
    posterior: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def at(self, score: float) -> tuple[float, float, float]:
        """(posterior, low, high) at the grid point nearest `score`."""
        i = int(np.clip(np.searchsorted(self.grid, score), 0, len(self.grid) - 1))
        if i > 0 and abs(self.grid[i - 1] - score) < abs(self.grid[i] - score):
            i -= 1
        return round(float(self.posterior[i]), 4), round(float(self.low[i]), 4), round(float(self.high[i]), 4)


@dataclass(frozen=True)
class Fitted:
    """One scorer's calibration: thresholds per criterion and strength (the bootstrap bound, and the point estimate
    for comparison), and the posterior curve, for showing a score's posterior beside its strength."""

    pp3: dict[StrengthLevel, float]
    bp4: dict[StrengthLevel, float]
    curve: Curve
    point_pp3: dict[StrengthLevel, float]
    point_bp4: dict[StrengthLevel, float]


def fit(scores: np.ndarray, y: np.ndarray, step: float, bootstrap: int = 10_000, prior: float = PRIOR, c: float = TAVTIGIAN_C,
        min_points: int = MIN_POINTS, seed: int = 0, on_progress: Any = None) -> Fitted:
    """Pejaver et al.'s thresholds for scores where higher means more pathogenic; `y` is True for pathogenic."""
    y = np.asarray(y, dtype=bool)
    grid = Grid.spanning(scores, step)
    weight = benign_weight(y, prior)
    bins = grid.bins(scores)
    posterior = local_posteriors(bins, y, grid.size, weight, min_points)
    rng = np.random.default_rng(seed)
    curves = np.empty((bootstrap, grid.size))
    boot: dict[Side, list[dict[StrengthLevel, float]]] = {"pathogenic": [], "benign": []}
    for b in range(bootstrap):
        pick = rng.integers(0, len(y), len(y))
        curves[b] = local_posteriors(bins[pick], y[pick], grid.size, weight, min_points)
        for side in boot:
            boot[side].append(thresholds_from(curves[b], grid.values, side, prior, c))
        if on_progress is not None:
            on_progress(b + 1, bootstrap)
    bound = {side: {level: discounted(np.array([t[level] for t in boot[side]]), side) for level in LEVELS} for side in boot}
    curve = Curve(grid.values, posterior, np.quantile(curves, DISCOUNT, axis=0), np.quantile(curves, 1 - DISCOUNT, axis=0))
    return Fitted(pp3=bound["pathogenic"], bp4=bound["benign"], curve=curve,
                  point_pp3=thresholds_from(posterior, grid.values, "pathogenic", prior, c),
                  point_bp4=thresholds_from(posterior, grid.values, "benign", prior, c))


# -- run time: a shipped calibration, looked up ----------------------------------------------------------------------

@dataclass(frozen=True)
class Calibration:
    """One scorer's shipped thresholds (in the scorer's own units) and posterior curve."""

    scorer: str
    damaging_if: Literal["above", "below"]
    pp3: dict[StrengthLevel, float]
    bp4: dict[StrengthLevel, float]
    curve: Curve
    source: str

    def _oriented(self, score: float) -> float:
        return score if self.damaging_if == "above" else -score

    def _reached(self, score: float) -> Iterator[tuple[Criterion, StrengthLevel, float]]:
        s = self._oriented(score)
        for level in APPLIED:
            t = self.pp3.get(level, float("nan"))
            if not np.isnan(t) and s >= self._oriented(t):
                yield "PP3", level, t
            t = self.bp4.get(level, float("nan"))
            if not np.isnan(t) and s <= self._oriented(t):
                yield "BP4", level, t

    def evidence(self, score: float) -> ComputationalEvidence:
        """The strongest criterion and strength the score reaches, or none, with its local posterior and band."""
        posterior = self.curve.at(score)
        for criterion, level, threshold in self._reached(score):
            return ComputationalEvidence(criterion=criterion, strength=level, threshold=threshold, posterior=posterior[0],
                                         posterior_low=posterior[1], posterior_high=posterior[2], source=self.source)
        return ComputationalEvidence(criterion=None, strength=None, threshold=None, posterior=posterior[0],
                                     posterior_low=posterior[1], posterior_high=posterior[2], source=self.source)


def to_json(scorer: str, damaging_if: str, fitted: Fitted, source: str, extra: dict[str, Any]) -> dict[str, Any]:
    """One scorer's entry in strength.json; thresholds and the curve in the scorer's own units."""
    sign = 1.0 if damaging_if == "above" else -1.0

    def level_map(d: dict[StrengthLevel, float]) -> dict[str, float | None]:
        return {k: None if np.isnan(v) else round(sign * v, 4) for k, v in d.items()}

    order = slice(None) if sign > 0 else slice(None, None, -1)
    curve = fitted.curve
    return {"damaging_if": damaging_if, "pp3": level_map(fitted.pp3), "bp4": level_map(fitted.bp4),
            "point_pp3": level_map(fitted.point_pp3), "point_bp4": level_map(fitted.point_bp4),
            "grid": (sign * curve.grid)[order].round(4).tolist(), "posterior": curve.posterior[order].round(4).tolist(),
            "low": curve.low[order].round(4).tolist(), "high": curve.high[order].round(4).tolist(), "source": source, **extra}


@cache
def shipped() -> dict[str, Calibration]:
    """The calibrations in strength.json, by scorer name."""
    if not STRENGTH_FILE.exists():
        return {}
    data = json.loads(STRENGTH_FILE.read_text())
    out = {}
    for name, spec in data.get("scorers", {}).items():
        def levels(key: str, spec: dict[str, Any] = spec) -> dict[StrengthLevel, float]:
            return {k: float("nan") if v is None else float(v) for k, v in spec[key].items()}

        curve = Curve(*(np.array(spec[key]) for key in ("grid", "posterior", "low", "high")))
        out[name] = Calibration(scorer=name, damaging_if=spec["damaging_if"], pp3=levels("pp3"), bp4=levels("bp4"),
                                curve=curve, source=spec["source"])
    return out


def evidence_for(scorer: str, score: float) -> ComputationalEvidence | None:
    """The computational evidence a scorer's score gives, or None when that scorer has no shipped calibration."""
    calibration = shipped().get(scorer)
    return calibration.evidence(score) if calibration is not None else None
