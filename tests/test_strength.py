"""ACMG strengths from scores (Pejaver et al. 2022): the posterior bars, the local-posterior thresholds on data whose
answer is known in closed form, the bootstrap bound, and the shipped calibration as the scorers use it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from genelit.sequence.scorers.calibrated import CalibratedScorer
from genelit.sequence.strength import STRENGTH_FILE, discounted, fit, likelihood_ratio, posterior_bar, shipped

PROTEIN_TP53 = (
    "MEEPQSDPSVEPPLSQETFSDLWKLLPENNVLSPLPSQAMDDLMLSPDDIEQWFTEDPGPDEAPRMPEAAPPVAPAPAAPTPAAPAPAPSWPLSSSVPSQKTYQGSYGFRLGF"
    "LHSGTAKSVTCTYSPALNKMFCQLAKTCPVQLWVDSTPPPGTRVRAMAIYKQSQHMTEVVRRCPHHERCSDSDGLAPPQHLIRVEGNLRVEYLDDRNTFRHSVVVPYEPPEV"
    "GSDCTTIHYNYMCNSSCMGGMNRRPILTIITLEDSSGNLLGRNSFEVRVCACPGRDRRTEEENLRKKGEPHHELPPGSTKRALPNNTSSSPQPKKKPLDGEYFTLQIRGRER"
    "FEMFRELNEALELKDAQAGKEPGGSRAHSSHLKSKKGQSTSRHKKLMFKTEGPDSD"
)


def test_posterior_bars_follow_the_bayesian_framework() -> None:
    # Pejaver et al. 2022, Table 1 (prior 0.0441, c 1124): supporting 0.100, moderate 0.211, strong 0.607 for PP3.
    assert likelihood_ratio("supporting") == pytest.approx(2.406, abs=0.001)
    assert likelihood_ratio("strong") == pytest.approx(33.53, abs=0.01)
    assert [round(posterior_bar(level, "pathogenic"), 3) for level in ("supporting", "moderate", "strong")] == [0.100, 0.211, 0.607]
    assert [round(posterior_bar(level, "benign"), 3) for level in ("supporting", "moderate", "strong")] == [0.981, 0.992, 0.999]


def _triangular(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Pathogenic scores with density 2s, benign with 2(1-s) on [0, 1]: the likelihood ratio at s is s/(1-s), so each
    strength's threshold is known exactly."""
    rng = np.random.default_rng(seed)
    pathogenic = np.sqrt(rng.random(n))
    benign = 1 - np.sqrt(rng.random(n))
    return np.concatenate([pathogenic, benign]), np.concatenate([np.ones(n, bool), np.zeros(n, bool)])


def _exact(lr: float) -> float:
    return lr / (1 + lr)  # the s where s/(1-s) = lr


def test_thresholds_match_the_closed_form_and_the_bound_is_stricter() -> None:
    scores, labels = _triangular(20_000, seed=1)
    # Windows of 1,000 variants: with the published 100 the window noise alone moves a threshold outwards (every
    # score above it must clear the bar), which is the method's intended caution, not the quantity tested here.
    fitted = fit(scores, labels, step=0.001, bootstrap=100, min_points=1000)
    for level in ("supporting", "moderate"):
        lr = likelihood_ratio(level)
        assert fitted.point_pp3[level] == pytest.approx(_exact(lr), abs=0.02)
        assert fitted.point_bp4[level] == pytest.approx(_exact(1 / lr), abs=0.02)
        assert fitted.pp3[level] >= fitted.point_pp3[level] - 1e-9  # the one-sided bound never claims more
        assert fitted.bp4[level] <= fitted.point_bp4[level] + 1e-9
    assert np.all(np.diff(fitted.curve.posterior[100:900]) >= -0.05)  # the local posterior rises with the score


def test_a_score_that_separates_nothing_reaches_no_strength() -> None:
    rng = np.random.default_rng(2)
    scores, labels = rng.random(4000), rng.random(4000) < 0.6
    fitted = fit(scores, labels, step=0.01, bootstrap=50)
    assert all(np.isnan(v) for v in fitted.pp3.values()) and all(np.isnan(v) for v in fitted.bp4.values())


def test_a_strength_most_resamples_miss_is_not_given() -> None:
    assert np.isnan(discounted(np.array([0.9] * 90 + [np.nan] * 10), "pathogenic"))
    assert discounted(np.array([0.7] * 97 + [0.95] * 3), "pathogenic") == 0.7  # the 5% tail of 100 is the 95th-highest
    assert discounted(np.array(list(np.linspace(0.1, 0.3, 100))), "benign") == pytest.approx(0.1 + 0.2 * 5 / 99)


def test_shipped_calibration_reads_scores_as_strengths() -> None:
    data = json.loads(STRENGTH_FILE.read_text())
    assert data["prior"] == 0.0441 and data["c"] == 1124
    calibrated = shipped()["calibrated"]
    supporting = calibrated.pp3["supporting"]
    assert 0.5 < supporting < 1 and calibrated.bp4["supporting"] < supporting
    assert calibrated.evidence(supporting + 0.001).label == "PP3 at supporting strength"
    middle = calibrated.evidence((supporting + calibrated.bp4["supporting"]) / 2)
    assert middle.criterion is None and middle.label == "indeterminate (no computational evidence)"
    assert calibrated.evidence(calibrated.bp4["supporting"] - 0.001).criterion == "BP4"
    low = calibrated.evidence(0.05)
    assert low.posterior_low <= low.posterior <= low.posterior_high
    assert "blosum62" in shipped() and all(np.isnan(v) for v in shipped()["blosum62"].pp3.values())  # a baseline earns none


def test_tp53_r175h_is_no_longer_called_tolerated() -> None:
    """Issue 24: 'score 0.3955, tolerated-looking' for the most studied TP53 hotspot. Its score sits in the band that
    gives no computational evidence either way; the common benign P72R reaches BP4."""
    r175h, p72r = CalibratedScorer().score(PROTEIN_TP53, ["p.R175H", "p.P72R"], gene="TP53")
    assert not isinstance(r175h, str) and r175h.evidence is not None and p72r.evidence is not None  # type: ignore[union-attr]
    assert r175h.interpretation == "indeterminate (no computational evidence)"  # type: ignore[union-attr]
    assert "tolerated" not in r175h.model_dump_json()  # type: ignore[union-attr]
    assert p72r.evidence.criterion == "BP4"  # type: ignore[union-attr]
