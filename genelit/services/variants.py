"""The variant dossier: every line of evidence genelit has on one variant, weighed the way a geneticist weighs it.

Sequences say what the change does to the protein and how a calibrated model scores it (as ACMG PP3/BP4 at a
strength, sequence/strength.py); the index says which papers name it, of which kind and pointing which way, and
what else is named at the same residue; NCBI, online, gives ClinVar's records and dbSNP's allele frequencies. A
part that cannot be had (no index, offline, not a protein change) is named in the dossier with why, and the rest
still shows. `genelit variant`, the JSON API, MCP, the agent's tool and the report all show this one object.
"""

from __future__ import annotations

from pathlib import Path

from genelit.errors import BadInputError, GenelitError, MissingResourceError
from genelit.sequence.variants import parse_protein_variant
from genelit.services.literature import Literature
from genelit.services.ncbi import OnlineRecords
from genelit.services.sequences import Sequences
from genelit.types import ClinVarLookup, PopulationData, VariantDossier, VariantReport, VariantScore

OFFLINE = "ClinVar and dbSNP: offline (set GENELIT_ENTREZ__EMAIL to look them up)"


class Variants:
    """Builds variant dossiers from the sequence, literature and NCBI services."""

    def __init__(self, sequences: Sequences, literature: Literature, ncbi: OnlineRecords) -> None:
        self.sequences = sequences
        self.literature = literature
        self.ncbi = ncbi

    def report(self, gene: str, texts: list[str], cds: Path | None = None, scorer: str | None = None,
               fasta: Path | None = None) -> VariantReport:
        """One dossier per variant of one gene, in the order given."""
        report = self.sequences.variants(gene, texts, cds, scorer, fasta)
        for dossier in report.dossiers:
            self._fill(dossier)
        return report

    def dossier(self, gene: str, variant: str, scorer: str | None = None, fasta: Path | None = None) -> VariantDossier:
        """The dossier of one protein variant. An unknown gene or a missing protein is an error; a variant that cannot
        be read or does not match the protein gives a dossier whose `missing` says so, with the parts that remain."""
        (dossier,) = self.report(gene, [variant], None, scorer, fasta).dossiers
        return dossier

    def _fill(self, dossier: VariantDossier) -> None:
        if dossier.failed is not None:
            dossier.missing.append(f"computational evidence: {dossier.failed.error}")
        elif isinstance(dossier.computational, VariantScore) and dossier.computational.evidence is None:
            dossier.missing.append(f"computational evidence: {dossier.computational.scorer} has no ACMG strength calibration "
                                   "(the calibrated scorer has one)")
        self._literature(dossier)
        self._databases(dossier)

    def _literature(self, dossier: VariantDossier) -> None:
        try:
            dossier.literature = self.literature.variant_literature(dossier.gene, dossier.variant)
        except MissingResourceError as exc:
            dossier.missing.append(f"literature: {exc.message} ({exc.hint})")
            return
        except BadInputError as exc:
            dossier.missing.append(f"literature: {exc.message}")
            return
        if dossier.literature.note:
            dossier.missing.append(f"literature: {dossier.literature.note}")
        try:
            variant = parse_protein_variant(dossier.hgvs) if dossier.hgvs else None
        except BadInputError:
            variant = None
        if variant is None or variant.kind != "missense":
            dossier.missing.append("residue: only a protein substitution has a residue to compare (PM5)")
            return
        dossier.residue = self.literature.residue_literature(dossier.gene, variant)

    def _databases(self, dossier: VariantDossier) -> None:
        if not self.ncbi.online:
            dossier.missing.append(OFFLINE)
            return
        if not dossier.hgvs:
            dossier.missing.append("ClinVar and dbSNP: looked up by protein change, and this variant has none")
            return
        try:
            dossier.clinvar = self.ncbi.clinvar(dossier.gene, dossier.hgvs)
        except GenelitError as exc:
            dossier.clinvar = ClinVarLookup(gene=dossier.gene, variant=dossier.hgvs, note=f"ClinVar unavailable: {exc.message}")
            dossier.missing.append(f"ClinVar: {exc.message}")
            return
        rsid = next((r.rsid for r in dossier.clinvar.records if r.rsid), None)
        if rsid is None:
            dossier.missing.append("population frequencies: ClinVar links no dbSNP rsID to this change")
            return
        try:
            dossier.population = self.ncbi.frequencies(rsid)
        except GenelitError as exc:
            dossier.population = PopulationData(rsid=rsid, note=f"dbSNP unavailable: {exc.message}")
            dossier.missing.append(f"population frequencies: {exc.message}")
