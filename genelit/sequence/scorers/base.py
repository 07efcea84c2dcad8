"""The scorer interface and the helpers every scorer shares."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TypeVar

import numpy as np

from genelit.errors import BadInputError
from genelit.packages import file_sha256
from genelit.sequence.features import AMINO_ACIDS
from genelit.sequence.strength import evidence_for
from genelit.sequence.variants import check_reference, parse_protein_variant
from genelit.types import DamageSide, UnscoredVariant, Variant, VariantScore

Score = TypeVar("Score", float, np.ndarray)


def file_hash(path: Path) -> str:
    """The first 12 hex digits of a file's SHA-256: enough to tell weights apart in a printed result."""
    return file_sha256(path)[:12]


class Scorer(ABC):
    """Scores missense variants of one protein. Subclasses load their model on first use."""

    name: str
    method: str
    damaging_if: DamageSide

    @property
    @abstractmethod
    def model(self) -> str: ...

    @property
    @abstractmethod
    def weights_hash(self) -> str: ...

    @abstractmethod
    def raw_scores(self, sequence: str, variants: list[Variant]) -> list[float]:
        """Scores of already-validated missense variants, in order."""

    def damage(self, score: Score) -> Score:
        """The score oriented so that higher always means more damaging, whichever way the scorer reads."""
        return score if self.damaging_if == "above" else -score

    def score(
        self, sequence: str, variants: list[Variant] | list[str], gene: str | None = None
    ) -> list[VariantScore | UnscoredVariant]:
        """Score a batch, parsed or as written; a variant that cannot be read or scored becomes an UnscoredVariant
        in its own slot, and the others go on."""
        good: list[Variant] = []
        results: list[VariantScore | UnscoredVariant | None] = []
        for item in variants:
            text = item if isinstance(item, str) else item.text
            try:
                variant = parse_protein_variant(item) if isinstance(item, str) else item
                self._check(sequence, variant)
            except BadInputError as exc:
                results.append(UnscoredVariant(variant=text, error=str(exc)))
                continue
            good.append(variant)
            results.append(None)
        scores = iter(self.raw_scores(sequence, good)) if good else iter(())
        good_iter = iter(good)
        return [r if r is not None else self._wrap(next(good_iter), next(scores), gene) for r in results]

    def _check(self, sequence: str, variant: Variant) -> None:
        if variant.kind != "missense":
            raise BadInputError(f"{variant.hgvs}: {self.name} scores missense changes only, not {variant.kind}",
                                "score a protein substitution such as p.Arg175His")
        if variant.alt not in AMINO_ACIDS:
            raise BadInputError(f"{variant.hgvs}: cannot score a change to {variant.alt!r}", "use one of the 20 amino acids")
        check_reference(variant, sequence)

    def _wrap(self, variant: Variant, score: float, gene: str | None) -> VariantScore:
        return VariantScore(
            variant=variant,
            gene=gene or variant.gene,
            scorer=self.name,
            model=self.model,
            weights_hash=self.weights_hash,
            method=self.method,
            score=round(float(score), 4),
            damaging_if=self.damaging_if,
            evidence=evidence_for(self.name, float(score)),
        )
