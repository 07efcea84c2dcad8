"""How variants read on a terminal: the dossier of each variant, by line of evidence, and the database records.

Each line of evidence is shown under its own heading with its source, so that a reader never mistakes a model's
score for a database's classification or a paper's claim; what is missing is said, with why.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text

from genelit.cli.app import err, out
from genelit.errors import clip
from genelit.types import (
    ClinVarLookup,
    PopulationData,
    ResidueLiterature,
    UnscoredVariant,
    VariantDossier,
    VariantLiterature,
    VariantReport,
    VariantScore,
)

_COLOURS = {"PP3": "red", "BP4": "green"}
_DIRECTION_COLOURS = {"damaging": "red", "no effect": "green", "unclear": "dim"}
PAPERS_SHOWN = 8


def score(r: VariantScore | UnscoredVariant, indent: str = "  ") -> None:
    """A score as ACMG computational evidence: the criterion and strength, or none, with the score and its posterior."""
    if isinstance(r, UnscoredVariant):
        err.print(Text("error: ", style="bold red") + Text(f"{clip(r.variant, 60)}: {r.error}"), highlight=False, soft_wrap=True)
        return
    e = r.evidence
    if e is None:
        out.print(f"{indent}{r.scorer} score {r.score:g}: {escape(r.interpretation)}")
        return
    colour = _COLOURS.get(e.criterion or "", "yellow")
    bound = f"; starts at {e.threshold:g}" if e.threshold is not None else ""
    out.print(f"{indent}[{colour}]{escape(e.label)}[/] · {r.scorer} score {r.score:g}{bound} · local posterior P(pathogenic) "
              f"{e.posterior:.3f} ({e.posterior_low:.3f}–{e.posterior_high:.3f})")


def variant_report(report: VariantReport) -> None:
    length = f", {report.protein_length} aa" if report.protein_length else ""
    out.print(f"[bold]{report.gene.symbol}[/] ({escape(report.gene.name)}), protein from {escape(report.protein_source)}{length}")
    for item in report.dossiers:
        dossier(item)
    first = report.first_score()
    if first is not None:
        source = first.evidence.source if first.evidence else "no calibration"
        out.print(f"\n[dim]scores: {escape(first.model)}, weights {first.weights_hash}; {escape(first.method)}. Strength "
                  f"thresholds: {escape(source)}.[/]")
    if report.dossiers:
        out.print(f"[dim]{escape(report.dossiers[0].note)}[/]")


def dossier(d: VariantDossier) -> None:
    """One variant: the change, then each line of evidence under its heading, then what is missing."""
    failed = d.failed is not None and d.consequence is None
    why = " · not scored" if failed and d.hgvs else " · could not be read" if failed else ""
    out.print(f"\n[bold]{escape(d.gene)} {escape(d.hgvs or d.variant)}[/]{why}")
    if d.consequence is not None:
        c = d.consequence
        flag = " · splice region" if c.splice_region else ""
        out.print(f"  {escape(c.hgvs_c)} -> {c.consequence} {escape(c.hgvs_p or '')}{flag}")
        for note in c.notes:
            out.print(f"    [dim]{escape(note)}[/]")
    if d.computational is not None:
        out.print("  [bold]computational[/] (PP3/BP4)")
        score(d.computational, "    ")
    if d.literature is not None:
        variant_literature(d.literature, "  ")
    if d.residue is not None:
        residue(d.residue)
    if d.clinvar is not None:
        clinvar_lookup(d.clinvar, "  ")
    if d.population is not None:
        population(d.population)
    for line in d.missing:
        out.print(f"  [yellow]missing[/] {escape(line)}")


def variant_literature(block: VariantLiterature, indent: str = "") -> None:
    """The papers naming one variant: count, years, forms; the count per kind and direction; then each paper with its
    kind, direction and the sentence that decided it."""
    label = clip(f"{block.gene} {block.variant}" if block.gene else block.variant, 80)
    out.print(f"{indent}[bold]literature[/] · {escape(label)} ({block.key or 'unread'}) in the local index")
    if block.papers:
        years = sorted(block.years)
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "years unknown")
        out.print(f"{indent}  {block.papers:,} paper(s) name it, {span}; written as {escape(', '.join(block.forms[:8]))}")
        if block.kinds:
            kinds = ", ".join(f"{n} {k}" for k, n in block.kinds.items())
            leaning = ", ".join(f"{n} {k}" for k, n in block.directions.items())
            out.print(f"{indent}  by kind: {kinds}; by direction: {leaning}")
        shown = block.classified[:PAPERS_SHOWN]
        for paper in shown:
            colour = _DIRECTION_COLOURS[paper.direction]
            out.print(f"{indent}  [cyan]{escape(f'[{paper.id}]')}[/] {paper.kind}, [{colour}]{paper.direction}[/] · {escape(clip(paper.title, 90))} "
                      f"({paper.year or ''})")
            if paper.sentence:
                out.print(f"{indent}    [dim]{escape(clip(' '.join(paper.sentence.split()), 240))}[/]")
        if len(block.classified) > len(shown):
            out.print(f"{indent}  [dim]… {len(block.classified) - len(shown)} more in --json[/]")
    elif block.key:
        out.print(f"{indent}  no indexed paper names it")
    if block.note:
        out.print(f"{indent}  [yellow]{escape(block.note)}[/]")


def residue(r: ResidueLiterature) -> None:
    """The residue: other changes the papers name there (PM5 kind), and how studied it is."""
    hot = f" · [bold]hotspot[/] ({escape(r.hotspot_rule)})" if r.hotspot else ""
    out.print(f"  [bold]residue[/] {r.residue}: {r.papers} indexed paper(s) name a change here{hot}")
    if r.others:
        out.print("    other changes named: " + ", ".join(f"{escape(k)} ({n})" for k, n in r.others[:10]))


def clinvar_lookup(found: ClinVarLookup, indent: str = "") -> None:
    """ClinVar's records for one variant, labelled as database records fetched online."""
    out.print(f"{indent}[bold]ClinVar[/] · {escape(found.gene)} {escape(found.variant)} (database record, online)")
    for r in found.records:
        conditions = "; ".join(r.conditions[:4]) or "conditions not given"
        out.print(f"{indent}  [cyan]{escape(f'[{r.citation_id}]')}[/] {escape(r.classification)} · {escape(r.review_status or 'review status not given')}"
                  f" · last evaluated {r.last_evaluated or 'unknown'}")
        out.print(f"{indent}    {escape(r.title)}; {escape(conditions)}")
        out.print(f"{indent}    [dim]{r.url}[/]")
    if found.note:
        out.print(f"{indent}  [yellow]{escape(found.note)}[/]")


def population(p: PopulationData) -> None:
    """dbSNP's allele frequencies per study (the input of BA1, BS1 and PM2), as a database record."""
    out.print(f"  [bold]population[/] · [cyan]{escape(f'[{p.citation_id}]')}[/] allele frequencies (dbSNP, online)")
    for f in p.frequencies:
        count = f", {f.count:,} allele(s)" if f.count is not None else ""
        out.print(f"    {escape(f.study)}: {escape(f.allele)} {f.frequency:.6g}{count}")
    if p.note:
        out.print(f"    [yellow]{escape(p.note)}[/]")
