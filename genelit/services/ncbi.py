"""NCBI's databases as one online service: ClinVar classifications, dbSNP positions and BLAST searches.

All three need the network and NCBI's contact email (GENELIT_ENTREZ__EMAIL); offline, each says so
in one line instead of trying. Their answers are database records or search results, labelled as
such wherever they are shown, never mixed up with the local models' scores.
"""

from __future__ import annotations

from collections.abc import Callable

from genelit.errors import BadInputError, MissingResourceError
from genelit.ncbi.records import NCBIRecords
from genelit.sequence.io import SequenceRecord
from genelit.sequence.variants import parse_protein_variant
from genelit.settings import Settings
from genelit.types import BLAST_PROGRAMS, BlastResult, ClinVarLookup, PopulationData, SnpRecord

ONLINE_HINT = "ClinVar, dbSNP and BLAST are online: set GENELIT_ENTREZ__EMAIL (NCBI asks every client for one)"
MAX_BLAST_QUERY = 20_000  # residues; NCBI's URL API is meant for single, modest queries


class OnlineRecords:
    """ClinVar, dbSNP and BLAST through NCBI, built on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._records: NCBIRecords | None = None

    @property
    def online(self) -> bool:
        return bool(self.settings.entrez.email)

    def require(self) -> None:
        """Fail at once, saying how to fix it, when NCBI cannot be used (no contact email set)."""
        if not self.online:
            raise MissingResourceError("this needs NCBI online, and no contact email is set", ONLINE_HINT)

    @property
    def records(self) -> NCBIRecords:
        self.require()
        if self._records is None:
            self._records = NCBIRecords(self.settings.entrez)
        return self._records

    def clinvar(self, gene: str, variant: str) -> ClinVarLookup:
        """ClinVar's germline records for one protein change of one gene (an HGNC symbol)."""
        hgvs = parse_protein_variant(variant).hgvs
        records = self.records.clinvar(gene, hgvs)
        note = "" if records else f"ClinVar has no record named {gene} {hgvs}"
        return ClinVarLookup(gene=gene, variant=hgvs, records=records, note=note)

    def snp(self, rsid: str) -> SnpRecord:
        return self.records.snp(rsid)

    def frequencies(self, rsid: str) -> PopulationData:
        """dbSNP's allele frequencies of one rsID, per study."""
        return self.records.frequencies(rsid)

    def blast(self, record: SequenceRecord, program: str = "blastn", database: str = "nt", top: int = 5,
              on_wait: Callable[[str, float], None] | None = None) -> BlastResult:
        """BLAST one checked sequence at NCBI; its alphabet must suit the program, and its length NCBI's URL API."""
        if program not in BLAST_PROGRAMS:
            raise BadInputError(f"unknown BLAST program {program!r}", f"use one of {', '.join(BLAST_PROGRAMS)}")
        if len(record.sequence) > MAX_BLAST_QUERY:
            raise BadInputError(f"the query is {len(record.sequence):,} residues; BLAST over the URL API takes up to "
                                f"{MAX_BLAST_QUERY:,}", "BLAST a part of it, or use NCBI's BLAST+ for long queries")
        wanted = BLAST_PROGRAMS[program]
        if (record.alphabet == "protein") != (wanted == "protein"):
            raise BadInputError(f"{program} takes a {wanted} query, and this is {record.alphabet}",
                                "blastn/megablast/blastx take DNA; blastp/tblastn take protein")
        return self.records.blast(record.sequence, program, database, top, on_wait)
