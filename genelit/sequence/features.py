"""Features of a missense change computed from the protein sequence alone (no alignment, no weights).

- Substitution: BLOSUM62 (Henikoff & Henikoff 1992, via Bio.Align.substitution_matrices),
  Grantham distance (Grantham, Science 1974, from its composition/polarity/volume formula),
  and changes in hydropathy (Kyte & Doolittle 1982), volume (Zamyatnin 1972) and charge.
- Special residues: loss or gain of proline, glycine and cysteine.
- Position: relative position and distance to the nearer terminus.
- Order versus disorder, from the sequence around the site:
  * TOP-IDP propensity (Campen et al., Protein Pept Lett 2008) averaged over 21 residues;
  * the charge-hydropathy boundary of Uversky, Gillespie & Fink (Proteins 2000): a window is
    disorder-like when its mean net charge R and mean scaled hydropathy H satisfy
    H < (R + 1.151) / 2.785; the feature is the signed distance to that line over 41 residues;
  * local sequence complexity, the Shannon entropy of a 12-residue window (as in Wootton &
    Federhen's SEG, Comput Chem 1993).
Pathogenic missense changes concentrate in ordered, complex regions, which is why these carry signal.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from Bio.SeqUtils.ProtParamData import kd

AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"

KYTE_DOOLITTLE: dict[str, float] = dict(kd)  # Kyte & Doolittle 1982, as Biopython ships it
VOLUME = {  # Zamyatnin 1972, cubic angstroms
    "A": 88.6, "R": 173.4, "N": 114.1, "D": 111.1, "C": 108.5, "Q": 143.8, "E": 138.4, "G": 60.1, "H": 153.2, "I": 166.7,
    "L": 166.7, "K": 168.6, "M": 162.9, "F": 189.9, "P": 112.7, "S": 89.0, "T": 116.1, "W": 227.8, "Y": 193.6, "V": 140.0,
}
CHARGE = {"D": -1.0, "E": -1.0, "K": 1.0, "R": 1.0, "H": 0.1}
TOP_IDP = {  # Campen et al. 2008; higher = more disorder-promoting
    "W": -0.884, "F": -0.697, "Y": -0.510, "I": -0.486, "M": -0.397, "L": -0.326, "V": -0.121, "N": 0.007, "C": 0.02,
    "T": 0.059, "A": 0.06, "G": 0.166, "R": 0.180, "D": 0.192, "H": 0.303, "Q": 0.318, "K": 0.586, "S": 0.341,
    "E": 0.736, "P": 0.987,
}
_GRANTHAM_PROPS = {  # composition, polarity, volume (Grantham 1974, Table 1)
    "S": (1.42, 9.2, 32), "R": (0.65, 10.5, 124), "L": (0.0, 4.9, 111), "P": (0.39, 8.0, 32.5), "T": (0.71, 8.6, 61),
    "A": (0.0, 8.1, 31), "V": (0.0, 5.9, 84), "G": (0.74, 9.0, 3), "I": (0.0, 5.2, 111), "F": (0.0, 5.2, 132),
    "Y": (0.20, 6.2, 136), "C": (2.75, 5.5, 55), "H": (0.58, 10.4, 96), "Q": (0.89, 10.5, 85), "N": (1.33, 11.6, 56),
    "K": (0.33, 11.3, 119), "D": (1.38, 13.0, 54), "E": (0.92, 12.3, 83), "M": (0.0, 5.7, 105), "W": (0.13, 5.4, 170),
}

FEATURE_NAMES = [
    "blosum62", "grantham", "d_hydropathy", "abs_d_hydropathy", "d_volume", "abs_d_volume", "d_charge",
    "pro_loss", "pro_gain", "gly_loss", "gly_gain", "cys_loss", "cys_gain", "to_aromatic",
    "rel_position", "terminus_distance", "top_idp", "ch_order", "complexity", "wt_hydropathy_window",
]


def grantham(a: str, b: str) -> float:
    """Grantham's distance from his formula, scaled (x50.723) so that the matrix mean is 100 as published."""
    if a == b:
        return 0.0
    (c1, p1, v1), (c2, p2, v2) = _GRANTHAM_PROPS[a], _GRANTHAM_PROPS[b]
    return 50.723 * math.sqrt(1.833 * (c1 - c2) ** 2 + 0.1018 * (p1 - p2) ** 2 + 0.000399 * (v1 - v2) ** 2)


@lru_cache(maxsize=1)
def _blosum62() -> dict[tuple[str, str], float]:
    from Bio.Align import substitution_matrices

    matrix = substitution_matrices.load("BLOSUM62")
    return {(a, b): float(matrix[a][b]) for a in AMINO_ACIDS for b in AMINO_ACIDS}


def blosum62(a: str, b: str) -> float:
    return _blosum62()[(a, b)]


def _window_mean(values: np.ndarray, size: int) -> np.ndarray:
    """Centered moving average that shrinks the window at the ends instead of padding."""
    half = size // 2
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    idx = np.arange(len(values))
    lo = np.clip(idx - half, 0, len(values))
    hi = np.clip(idx + half + 1, 0, len(values))
    return (cumulative[hi] - cumulative[lo]) / (hi - lo)


class SequenceContext:
    """Per-residue context profiles of one protein, computed once and shared by all its variants."""

    def __init__(self, sequence: str) -> None:
        self.sequence = sequence
        residues = [r if r in KYTE_DOOLITTLE else "G" for r in sequence]
        self.top_idp = _window_mean(np.array([TOP_IDP[r] for r in residues]), 21)
        hydropathy = (np.array([KYTE_DOOLITTLE[r] for r in residues]) + 4.5) / 9.0
        self.hydropathy = _window_mean(hydropathy, 41)
        charge = np.abs(_window_mean(np.array([CHARGE.get(r, 0.0) for r in residues]), 41))
        # Positive = on the ordered side of Uversky's boundary H = (R + 1.151) / 2.785.
        self.ch_order = self.hydropathy - (charge + 1.151) / 2.785
        self.complexity = self._entropy(residues, 12)

    @staticmethod
    def _entropy(residues: list[str], size: int) -> np.ndarray:
        half = size // 2
        out = np.empty(len(residues))
        for i in range(len(residues)):
            window = residues[max(0, i - half) : i + half]
            counts = np.unique(window, return_counts=True)[1] / len(window)
            out[i] = float(-(counts * np.log2(counts)).sum())
        return out


def missense_features(context: SequenceContext, position: int, ref: str, alt: str) -> list[float]:
    """The FEATURE_NAMES vector for ref->alt at 1-based `position` of the context's protein."""
    i = position - 1
    length = len(context.sequence)
    d_h = KYTE_DOOLITTLE[alt] - KYTE_DOOLITTLE[ref]
    d_v = VOLUME[alt] - VOLUME[ref]
    return [
        blosum62(ref, alt),
        grantham(ref, alt),
        d_h,
        abs(d_h),
        d_v,
        abs(d_v),
        CHARGE.get(alt, 0.0) - CHARGE.get(ref, 0.0),
        float(ref == "P"),
        float(alt == "P"),
        float(ref == "G"),
        float(alt == "G"),
        float(ref == "C"),
        float(alt == "C"),
        float(alt in "FWY" and ref not in "FWY"),
        i / max(1, length - 1),
        min(i, length - 1 - i) / length,
        float(context.top_idp[i]),
        float(context.ch_order[i]),
        float(context.complexity[i]),
        float(context.hydropathy[i]),
    ]
