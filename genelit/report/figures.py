"""A report's figures: publication years, the saturation scan with the reported variants marked, a score table.

Images are PNG encoded in base64, so the report stays one file. Without matplotlib (the `plot` extra)
the image figures are left out and the report says so; the score table needs nothing.
"""

from __future__ import annotations

import base64
import io
from collections import Counter

from genelit.sequence.scan import SaturationScan
from genelit.types import Figure, UnscoredVariant, VariantScore


def _png(draw: object) -> str:
    buffer = io.BytesIO()
    draw(buffer)  # type: ignore[operator]
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def matplotlib_missing() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return True
    return False


def years_figure(retrieved: list[int | None], cited: list[int | None]) -> Figure:
    """Publication years of the papers the report retrieved and of those it cites."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    def draw(buffer: io.BytesIO) -> None:
        fig, ax = plt.subplots(figsize=(6.4, 2.8))
        for years, label, colour in ((retrieved, "retrieved", "#9bb7d4"), (cited, "cited", "#1f4e79")):
            counts = Counter(y for y in years if y)
            ax.bar(list(counts), list(counts.values()), label=label, color=colour, width=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, never 2017.5
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("publication year")
        ax.set_ylabel("papers")
        ax.legend(frameon=False)
        fig.tight_layout()
        fig.savefig(buffer, format="png", dpi=110)
        plt.close(fig)

    return Figure(id="years", title="Publication years", png_base64=_png(draw),
                  caption=f"{sum(1 for y in retrieved if y)} retrieved and {sum(1 for y in cited if y)} cited papers by year.")


def scan_figure(scan: SaturationScan, marks: list[tuple[int, str]]) -> Figure:
    """The saturation scan of the subject protein, the variants the report names outlined in red."""
    summary = scan.summary
    return Figure(id="scan", title=f"Saturation scan of {summary.gene}",
                  png_base64=base64.b64encode(scan.png(marks)).decode("ascii"),
                  caption=f"Every substitution scored by {summary.scorer} ({summary.model}); {summary.evidence_summary} "
                  "(ACMG, Pejaver et al. 2022 calibration). Outlined: the variants this report names. Computational "
                  "evidence only, not a classification.")


def score_table(scores: list[tuple[VariantScore | UnscoredVariant, str | None]]) -> Figure:
    """Each reported variant with its score, its reading and the model output that cites it."""
    rows = [["variant", "kind", "score", "computational evidence", "local posterior", "cited as"]]
    for score, output_id in scores:
        if isinstance(score, VariantScore):
            e = score.evidence
            posterior = f"{e.posterior:.3f} ({e.posterior_low:.3f}-{e.posterior_high:.3f})" if e else ""
            rows.append([score.variant.hgvs, score.variant.kind, f"{score.score:g}", score.interpretation, posterior,
                         output_id or ""])
        else:
            rows.append([score.variant, "", "", f"not scored: {score.error}", "", ""])
    return Figure(id="scores", title="Variant scores", table=rows,
                  caption="Scores from a local variant-effect model read as ACMG PP3/BP4 evidence at the strength their "
                  "local posterior probability of pathogenicity reaches (Pejaver et al. 2022); the middle band gives none.")
