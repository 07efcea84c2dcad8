"""The scorer interface and the helpers every scorer shares."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from pathlib import Path

from genelit.errors import BadInputError
from genelit.sequence.features import AMINO_ACIDS
from genelit.sequence.variants import check_reference
from genelit.types import ScoreError, Variant, VariantScore


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


class Scorer(ABC):
    """Scores missense variants of one protein. Subclasses load their model on first use."""

    name: str
    method: str
    damaging_if: str
    threshold: float
    threshold_source: str

    @property
    @abstractmethod
    def model(self) -> str: ...

    @property
    @abstractmethod
    def weights_hash(self) -> str: ...

    @abstractmethod
    def raw_scores(self, sequence: str, variants: list[Variant]) -> list[float]:
        """Scores of already-validated missense variants, in order."""

    def score(self, sequence: str, variants: list[Variant], gene: str | None = None) -> list[VariantScore | ScoreError]:
        """Score a batch; a variant that cannot be scored becomes a ScoreError and the others go on."""
        good: list[Variant] = []
        results: list[VariantScore | ScoreError | None] = []
        for variant in variants:
            try:
                self._check(sequence, variant)
            except BadInputError as exc:
                results.append(ScoreError(variant=variant.text, error=str(exc)))
                continue
            good.append(variant)
            results.append(None)
        scores = iter(self.raw_scores(sequence, good)) if good else iter(())
        good_iter = iter(good)
        return [r if r is not None else self._wrap(next(good_iter), next(scores), gene) for r in results]

    def _check(self, sequence: str, variant: Variant) -> None:
        if variant.kind != "missense":
            raise BadInputError(f"{variant.hgvs}: {self.name} scores missense changes only, not {variant.kind}", "")
        if variant.alt not in AMINO_ACIDS:
            raise BadInputError(f"{variant.hgvs}: cannot score a change to {variant.alt!r}", "use one of the 20 amino acids")
        check_reference(variant, sequence)

    def _wrap(self, variant: Variant, score: float, gene: str | None) -> VariantScore:
        damaging = score > self.threshold if self.damaging_if == "above" else score < self.threshold
        return VariantScore(
            variant=variant,
            gene=gene or variant.gene,
            scorer=self.name,
            model=self.model,
            weights_hash=self.weights_hash,
            method=self.method,
            score=round(float(score), 4),
            damaging_if=self.damaging_if,
            threshold=self.threshold,
            threshold_source=self.threshold_source,
            interpretation="damaging-looking" if damaging else "tolerated-looking",
        )
