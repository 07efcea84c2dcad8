"""The capabilities as a language model's tools: the same parameters and contract (services/capabilities.py), each
result shown as quoted text with the ids an answer may cite, and recorded in the run's ledger.

A model's context is small, so a search shows at most MODEL_SEARCH_K abstracts whatever `k` it asked for, and says
so. An error caused by the input comes back as an observation the model can act on (tools/base.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from genelit.errors import BadInputError
from genelit.limits import MODEL_SEARCH_K
from genelit.services.capabilities import BlastProgram, Capabilities, arguments_model, contract
from genelit.tools.base import EvidenceLedger, Tool
from genelit.tools.quoting import quote_paper, score_reading
from genelit.types import ClinVarLookup, Evidence, ScorerName, VariantLiterature, VariantScore

PAPER_IDS = "Returns ids like PMID:123 to cite."
OUTPUT_ID = "Returns an id like M1 to cite."

Render = Callable[..., str]


class Toolbox:
    """The tools over one set of capabilities, in the order they are offered; NCBI's online ones only when online."""

    def __init__(self, capabilities: Capabilities, min_orf_aa: int | None = None) -> None:
        self.capabilities = capabilities
        self.min_orf_aa = min_orf_aa  # a question's sequence is short: the answer's setting, not the annotator's default

    def tools(self) -> list[Tool]:
        offered: list[tuple[Render, str, tuple[str, ...]]] = [
            (self.search_literature, PAPER_IDS, ()),
            (self.get_paper, PAPER_IDS, ()),
            (self.gene_info, OUTPUT_ID, ()),
            (self.score_variant, "Returns ids like M1 (the score) and PMID:123 (papers naming it) to cite.", ()),
            (self.variant_literature, PAPER_IDS, ()),
            (self.scan_protein, OUTPUT_ID, ()),
            (self.annotate_sequence, OUTPUT_ID, ("min_orf_aa",)),
            (self.align_sequences, OUTPUT_ID, ()),
        ]
        if self.capabilities.online:
            offered += [(self.clinvar, "Returns ids like ClinVar:VCV000012375 to cite.", ()), (self.snp, OUTPUT_ID, ()),
                        (self.blast, OUTPUT_ID, ())]
        return [self._tool(render, cite, hidden) for render, cite, hidden in offered]

    def _tool(self, render: Render, cite: str, hidden: tuple[str, ...]) -> Tool:
        """A tool named after its capability, described by the capability's contract and the ids it returns, taking
        the capability's own parameters (less those the toolbox fills)."""
        name = render.__name__
        capability = getattr(self.capabilities, name)
        return Tool(name, f"{contract(capability)} {cite}", arguments_model(capability, f"{name}_arguments", hidden), render)

    # -- each capability's result as a model reads it --------------------------------------------
    def search_literature(self, ledger: EvidenceLedger, query: str, k: int = 5, year: str | None = None) -> str:
        hits = self.capabilities.search_literature(query, min(k, MODEL_SEARCH_K), year)
        ledger.add_papers(hits)
        if not hits:
            return "no papers in the local index match this query"
        shown = f"(the {MODEL_SEARCH_K} best of the {k} asked for: no more fit a model's context)\n\n" if k > MODEL_SEARCH_K else ""
        return shown + "\n\n".join(quote_paper(h) for h in hits)

    def get_paper(self, ledger: EvidenceLedger, pmid: str) -> str:
        paper = self.capabilities.get_paper(pmid)
        evidence = Evidence(id=paper.citation_id, paper=paper, text=f"{paper.title}\n{paper.abstract}", score=0.0)
        ledger.add_papers([evidence])
        return quote_paper(evidence, f"{paper.title}. {paper.abstract}")

    def gene_info(self, ledger: EvidenceLedger, name: str) -> str:
        match = self.capabilities.gene_info(name)
        source = self.capabilities.sequences.genes.source
        lines = []
        for g in match.genes:
            output_id = ledger.add_model_output("gene_info", source, "none", name, f"{g.symbol}: {g.name}; {g.locus_group}")
            lines.append(f"[{output_id}] {g.symbol} ({g.hgnc_id}): {g.name}; {g.locus_group}; aliases {', '.join(g.aliases) or '-'}; "
                         f"previous {', '.join(g.previous_symbols) or '-'}; Entrez {g.entrez_id}; Ensembl {g.ensembl_id}; "
                         f"location {g.location or 'not in the offline table'}")
        prefix = f"'{name}' is an {match.matched_by} of {len(match.genes)} genes:\n" if match.ambiguous else ""
        return prefix + "\n".join(lines)

    def score_variant(self, ledger: EvidenceLedger, gene: str, variants: list[str], scorer: ScorerName | None = None) -> str:
        report = self.capabilities.score_variant(gene, variants, scorer)
        if report.all_failed and all(d.literature is None for d in report.dossiers):  # nothing could be had at all
            failure = report.failures[0]
            raise BadInputError(f"{failure.variant}: {failure.error}")  # the error says what to do
        parts = []
        for d in report.dossiers:
            score = d.computational
            if isinstance(score, VariantScore):
                output_id = ledger.add_model_output("score_variant", f"{score.scorer}: {score.model}", score.weights_hash,
                                                    f"{d.gene} {score.variant.hgvs}", score_reading(score))
                lines = [f"[{output_id}] {d.gene} {score.variant.hgvs} ({score.variant.kind}): {score_reading(score)}. "
                         "Computational evidence for one ACMG criterion, not a clinical classification."]
            else:
                lines = [f"{d.gene} {d.variant}: not scored ({d.failed.error if d.failed else 'not a protein change'})"]
            if d.literature is not None:
                lines.append(_literature_text(ledger, d.literature))
            if d.clinvar is not None:
                lines.append(_clinvar_text(ledger, d.clinvar, f"{d.gene} {d.variant}"))
            parts.append("\n".join(lines))
        return "\n\n".join(parts)

    def variant_literature(self, ledger: EvidenceLedger, variant: str, gene: str | None = None) -> str:
        return _literature_text(ledger, self.capabilities.variant_literature(variant, gene))

    def scan_protein(self, ledger: EvidenceLedger, gene: str, region: str | None = None, scorer: ScorerName | None = None) -> str:
        summary = self.capabilities.scan_protein(gene, region, scorer).summary
        least = ", ".join(f"{r}{p}" for p, r, _ in summary.least_tolerant[:5])
        most = ", ".join(f"{r}{p}" for p, r, _ in summary.most_tolerant[:5])
        output_id = ledger.add_model_output("scan_protein", f"{summary.scorer}: {summary.model}", summary.weights_hash,
                                            f"{summary.gene} {summary.region[0]}-{summary.region[1]}",
                                            f"{summary.evidence_summary}; least tolerant {least}")
        return (f"[{output_id}] saturation scan of {summary.gene} {summary.region[0]}-{summary.region[1]} "
                f"({summary.variants} changes, {summary.scorer}): {summary.evidence_summary}; "
                f"least tolerant positions {least}; most tolerant {most}.")

    def annotate_sequence(self, ledger: EvidenceLedger, sequence: str, table: int | None = None) -> str:
        lines = []
        for a in self.capabilities.annotate_sequence(sequence, table, self.min_orf_aa):
            parts = [f"{a.alphabet}, {a.length} residues"]
            if a.gc is not None:
                parts.append(f"GC {a.gc:.1%}, {len(a.cpg_islands)} CpG islands")
            if a.genes:
                longest = sorted((g.length_aa for g in a.genes), reverse=True)[:3]
                parts.append(f"{len(a.genes)} genes predicted by {a.predictor}, coding density {a.coding_density:.0%}, "
                             f"longest proteins {', '.join(map(str, longest))} aa")
            elif a.predictor:
                parts.append(f"{len(a.orfs)} ORFs ({a.predictor})")
            if a.longest_orf:
                parts.append(f"longest ORF {a.longest_orf.length_aa} aa on strand {a.longest_orf.strand:+d}")
            if a.protein:
                parts.append(f"protein {a.protein.molecular_weight / 1000:.1f} kDa, pI {a.protein.isoelectric_point:.2f}")
            model = "Prodigal (pyrodigal) and Biopython" if a.genes else "genelit annotation (Biopython)"
            output_id = ledger.add_model_output("annotate_sequence", model, "none", f"{a.length}-residue {a.alphabet} sequence",
                                                "; ".join(parts))
            lines.append(f"[{output_id}] " + "; ".join(parts))
        return "\n".join(lines)

    def align_sequences(self, ledger: EvidenceLedger, a: str, b: str, mode: Literal["global", "local"] = "global") -> str:
        result = self.capabilities.align_sequences(a, b, mode)
        summary = (f"{result.mode} alignment ({result.scoring}): identity {result.identity:.1%}, similarity {result.similarity:.1%}, "
                   f"{result.gaps} gap(s) over {result.columns} columns; covers {result.a_coverage:.0%} of A and "
                   f"{result.b_coverage:.0%} of B")
        output_id = ledger.add_model_output("align_sequences", "Biopython PairwiseAligner", "none",
                                            f"{len(a)}- and {len(b)}-residue {result.alphabet} sequences", summary)
        return f"[{output_id}] {summary}"

    def clinvar(self, ledger: EvidenceLedger, gene: str, variant: str) -> str:
        return _clinvar_text(ledger, self.capabilities.clinvar(gene, variant), f"{gene} {variant}")

    def snp(self, ledger: EvidenceLedger, rsid: str) -> str:
        r = self.capabilities.snp(rsid)
        summary = (f"chromosome {r.chromosome or '?'}, position {r.position or '?'} (GRCh38); genes "
                   f"{', '.join(r.genes) or 'none'}; alleles {'/'.join(r.alleles) or '?'}; {r.variant_class}")
        output_id = ledger.add_model_output("snp", "NCBI dbSNP (online)", "none", r.rsid, summary)
        return f"[{output_id}] {r.rsid}: {summary}"

    def blast(self, ledger: EvidenceLedger, sequence: str, program: BlastProgram = "blastn", database: str = "nt") -> str:
        result = self.capabilities.blast(sequence, program, database)
        if not result.hits:
            return f"BLAST ({program} against {database}, RID {result.rid}) found no hits"
        hits = "; ".join(f"{h.title[:80]} ({h.accession}) identity {h.identity:.1%}, coverage {h.coverage:.0%}, "
                         f"E {h.evalue:.2g}, subject {h.hit_from}-{h.hit_to}" for h in result.hits[:3])
        output_id = ledger.add_model_output("blast", f"NCBI BLAST {program} vs {database} (online)", "none",
                                            f"{result.query_length}-residue query", hits)
        return f"[{output_id}] top hits: {hits}"


def _literature_text(ledger: EvidenceLedger, found: VariantLiterature) -> str:
    """The papers naming a variant, quoted, and added to the ledger."""
    ledger.add_papers(found.top)
    label = f"{found.gene} {found.variant}" if found.gene else found.variant
    note = f" ({found.note})" if found.note else ""
    if not found.papers:
        return f"no indexed paper names {label}{note}"
    years = sorted(found.years)
    span = f", {years[0]}-{years[-1]}" if years else ""
    header = (f"{found.papers} indexed paper(s) name {label}{span}; written as {', '.join(found.forms[:6])}{note}. "
              f"The {len(found.top)} naming it most:")
    return header + "\n\n" + "\n\n".join(quote_paper(e) for e in found.top)


def _clinvar_text(ledger: EvidenceLedger, found: ClinVarLookup, label: str) -> str:
    """ClinVar's records of a variant, each recorded under its own id."""
    if not found.records:
        return found.note or f"ClinVar has no record of {label}"
    lines = []
    for r in found.records:
        summary = (f"{r.classification} ({r.review_status or 'review status not given'}); conditions: "
                   f"{'; '.join(r.conditions[:4]) or 'not given'}")
        ledger.add_model_output("clinvar", "NCBI ClinVar (online)", "none", r.title, summary, output_id=r.citation_id)
        lines.append(f"[{r.citation_id}] {r.title}: {summary}; last evaluated {r.last_evaluated or 'unknown'}")
    return "\n".join(lines)
