"""Scorers that look only at the amino-acid change: the baselines every other scorer must beat."""

from __future__ import annotations

from genelit.sequence.features import blosum62, grantham
from genelit.sequence.scorers.base import Scorer
from genelit.types import Variant


class Blosum62Scorer(Scorer):
    name = "blosum62"
    method = "BLOSUM62 substitution score of ref->alt (Henikoff & Henikoff 1992)"
    damaging_if = "below"

    @property
    def model(self) -> str:
        return "BLOSUM62"

    @property
    def weights_hash(self) -> str:
        return "none"

    def raw_scores(self, sequence: str, variants: list[Variant]) -> list[float]:
        return [blosum62(v.ref, v.alt) for v in variants]


class GranthamScorer(Scorer):
    name = "grantham"
    method = "Grantham (1974) physicochemical distance of ref->alt"
    damaging_if = "above"

    @property
    def model(self) -> str:
        return "Grantham 1974"

    @property
    def weights_hash(self) -> str:
        return "none"

    def raw_scores(self, sequence: str, variants: list[Variant]) -> list[float]:
        return [grantham(v.ref, v.alt) for v in variants]
