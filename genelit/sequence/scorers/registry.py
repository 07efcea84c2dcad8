"""Scorers by name. A builder takes the sequence settings and returns a scorer that loads lazily."""

from __future__ import annotations

from collections.abc import Callable

from genelit.errors import BadInputError
from genelit.sequence.scorers.base import Scorer
from genelit.sequence.scorers.calibrated import CalibratedScorer
from genelit.sequence.scorers.esm2 import Esm2Scorer
from genelit.sequence.scorers.substitution import Blosum62Scorer, GranthamScorer
from genelit.settings import SequenceSettings

BUILDERS: dict[str, Callable[[SequenceSettings], Scorer]] = {
    "calibrated": lambda s: CalibratedScorer(),
    "esm2": Esm2Scorer,
    "blosum62": lambda s: Blosum62Scorer(),
    "grantham": lambda s: GranthamScorer(),
}


def build_scorer(name: str, settings: SequenceSettings) -> Scorer:
    try:
        builder = BUILDERS[name]
    except KeyError:
        raise BadInputError(f"unknown scorer {name!r}", f"choose one of: {', '.join(BUILDERS)}") from None
    return builder(settings)
