"""Saturation scan: every possible missense change over a region, as an L x 20 matrix, a heatmap and a CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np

from genelit.errors import BadInputError, MissingResourceError, clip
from genelit.files import check_image_path, check_output, replacing
from genelit.limits import MAX_POSITION, bounded_int
from genelit.sequence.features import AMINO_ACIDS
from genelit.sequence.scorers.base import Scorer
from genelit.sequence.variants import missense
from genelit.types import ScanSummary, VariantScore


def parse_region(text: str | None, length: int) -> tuple[int, int]:
    if not text:
        return 1, length
    parts = text.split("-")
    if len(parts) != 2 or not all(part.strip().isdigit() for part in parts):
        raise BadInputError(f"bad region {clip(text, 40)!r}", "write START-END in residues, e.g. 94-292")
    start, end = (bounded_int(part, "region position", MAX_POSITION) for part in parts)
    if not 1 <= start <= end <= length:
        raise BadInputError(f"region {text} is outside the protein (1-{length})", "choose positions within the sequence")
    return start, end


def scan(sequence: str, scorer: Scorer, region: tuple[int, int], gene: str | None = None) -> tuple[np.ndarray, list[VariantScore]]:
    """Scores of all 19 changes at each position; the matrix has NaN at the wild-type residue."""
    start, end = region
    variants = []
    for position in range(start, end + 1):
        ref = sequence[position - 1]
        if ref not in AMINO_ACIDS:
            continue
        for alt in AMINO_ACIDS:
            if alt != ref:
                variants.append(missense(ref, position, alt, gene))
    results = [r for r in scorer.score(sequence, variants, gene) if isinstance(r, VariantScore)]
    matrix = np.full((end - start + 1, len(AMINO_ACIDS)), np.nan)
    for result in results:
        matrix[result.variant.position - start, AMINO_ACIDS.index(result.variant.alt)] = result.score
    return matrix, results


def summarise(matrix: np.ndarray, results: list[VariantScore], sequence: str, region: tuple[int, int], scorer: Scorer, gene: str | None) -> ScanSummary:
    damage = scorer.damage(matrix)
    with np.errstate(all="ignore"):
        per_position = np.nanmean(damage, axis=1)
    order = [i for i in np.argsort(-per_position) if not np.isnan(per_position[i])]
    rows = [(region[0] + i, sequence[region[0] - 1 + i], round(float(per_position[i]), 4)) for i in order]
    calibrated = bool(results) and results[0].evidence is not None
    pp3 = sum(r.evidence is not None and r.evidence.criterion == "PP3" for r in results)
    bp4 = sum(r.evidence is not None and r.evidence.criterion == "BP4" for r in results)
    return ScanSummary(
        gene=gene, scorer=scorer.name, model=scorer.model, weights_hash=scorer.weights_hash, region=region, variants=len(results),
        pp3_fraction=round(pp3 / len(results), 4) if calibrated else None,
        bp4_fraction=round(bp4 / len(results), 4) if calibrated else None,
        least_tolerant=rows[:10], most_tolerant=rows[::-1][:10],
    )


def write_csv(matrix: np.ndarray, sequence: str, region: tuple[int, int], handle: TextIO) -> None:
    """One row per position: the reference residue, then the score of each substitution (blank: the reference)."""
    writer = csv.writer(handle)
    writer.writerow(["position", "ref", *AMINO_ACIDS])
    for i, row in enumerate(matrix):
        position = region[0] + i
        writer.writerow([position, sequence[position - 1], *("" if np.isnan(v) else f"{v:.4f}" for v in row)])


def write_heatmap(matrix: np.ndarray, sequence: str, region: tuple[int, int], scorer: Scorer, title: str,
                  path: Path | BinaryIO, marks: Sequence[tuple[int, str]] = (), image_format: str = "png") -> None:
    """Draw the scan as `image_format` (png, svg, pdf); `marks` are (position, new residue) cells to outline, e.g. the
    variants a report names."""
    try:
        import matplotlib
    except ImportError:
        raise MissingResourceError("drawing the heatmap needs matplotlib", "install genelit with its plot extra: pip install -e '.[plot]'") from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    width = min(40.0, max(6.0, matrix.shape[0] / 8))
    fig, ax = plt.subplots(figsize=(width, 4.2))
    cmap = "viridis_r" if scorer.damaging_if == "above" else "viridis"
    image = ax.imshow(matrix.T, aspect="auto", cmap=cmap, interpolation="nearest")
    ax.set_yticks(range(len(AMINO_ACIDS)), list(AMINO_ACIDS))
    step = max(1, matrix.shape[0] // 30)
    ticks = list(range(0, matrix.shape[0], step))
    ax.set_xticks(ticks, [f"{sequence[region[0] - 1 + t]}{region[0] + t}" for t in ticks], rotation=90, fontsize=7)
    ax.set_xlabel("position (wild-type residue)")
    ax.set_ylabel("substituted residue")
    ax.set_title(title)
    label = f"{scorer.name} score ({'higher' if scorer.damaging_if == 'above' else 'lower'} = more damaging)"
    fig.colorbar(image, ax=ax, label=label, fraction=0.03)
    for position, alt in marks:
        if region[0] <= position <= region[1] and alt in AMINO_ACIDS:
            ax.add_patch(Rectangle((position - region[0] - 0.5, AMINO_ACIDS.index(alt) - 0.5), 1, 1, fill=False,
                                   edgecolor="red", linewidth=1.5))
    fig.tight_layout()
    fig.savefig(path, dpi=120, format=image_format)
    plt.close(fig)




@dataclass
class SaturationScan:
    """A scan's matrix with what is needed to draw it; `summary` is what crosses the API as data."""

    summary: ScanSummary
    matrix: np.ndarray
    sequence: str
    scorer: Scorer

    @property
    def title(self) -> str:
        region = self.summary.region
        return f"{self.summary.gene} {region[0]}-{region[1]}: {self.scorer.name}"

    def png(self, marks: Sequence[tuple[int, str]] = ()) -> bytes:
        """The heatmap as PNG bytes; `marks` are (position, new residue) cells to outline."""
        buffer = io.BytesIO()
        write_heatmap(self.matrix, self.sequence, self.summary.region, self.scorer, self.title, buffer, marks)
        return buffer.getvalue()

    def csv_text(self) -> str:
        """The matrix as CSV, the same rows `save` writes beside the image."""
        buffer = io.StringIO(newline="")
        write_csv(self.matrix, self.sequence, self.summary.region, buffer)
        return buffer.getvalue()

    def save(self, png: Path) -> ScanSummary:
        """Write the heatmap to `png` and the matrix as CSV beside it, each whole or not at all; the summary then
        names both files."""
        check_image_path(png)
        region = self.summary.region
        csv_path = png.with_suffix(".csv")
        check_output(csv_path)
        with replacing(png) as image, replacing(csv_path) as table:
            write_heatmap(self.matrix, self.sequence, region, self.scorer, self.title, image, image_format=png.suffix.lower()[1:])
            with open(table, "w", newline="") as handle:
                write_csv(self.matrix, self.sequence, region, handle)
        self.summary = self.summary.model_copy(update={"png": str(png), "csv": str(csv_path)})
        return self.summary


