"""Genes, proteins and variants: the sequence side of genelit as one service.

It resolves genes (HGNC offline, NCBI online), finds the protein a variant refers to (the
user's FASTA, the local store, or RefSeq online), and scores, classifies, scans and
annotates. Every result is a typed object; writing files is the caller's business.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from genelit.errors import BadInputError, MissingResourceError, RemoteServiceError
from genelit.ncbi.entrez import EntrezClient
from genelit.ncbi.gene_info import update_gene_info
from genelit.sequence.align import align_pair, map_to_reference
from genelit.sequence.annotation import annotate
from genelit.sequence.coding import cds_from_file, coding_consequence
from genelit.sequence.genes import GeneTable, with_ncbi_summaries
from genelit.sequence.io import SequenceRecord, from_string, iter_records, records_from_string, validate
from genelit.sequence.ncbi_gene import FILE_NAME
from genelit.sequence.proteins import SequenceStore
from genelit.sequence.scan import SaturationScan, parse_region, scan, summarise
from genelit.sequence.scorers.base import Scorer
from genelit.sequence.scorers.registry import build_scorer
from genelit.sequence.variants import parse_protein_variant
from genelit.settings import Settings
from genelit.types import (
    Annotation,
    CodedVariant,
    Gene,
    GeneMatch,
    GeneMethod,
    PairwiseAlignment,
    ReadMapping,
    StoredProtein,
    UnscoredVariant,
    VariantDossier,
    VariantReport,
    VariantScore,
)

NO_PROTEIN = "none on this machine"


class Sequences:
    """Gene reference data, the protein store and the variant scorers, each loaded on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._genes: GeneTable | None = None
        self._scorers: dict[str, Scorer] = {}
        self.store = SequenceStore(
            settings.data_dir / "sequences",
            settings.sequence.max_length,
            self._fetch_protein_online if settings.entrez.email else None,
        )

    @property
    def gene_info_path(self) -> Path:
        """Where `genes update` keeps NCBI Gene's table."""
        return self.settings.cache_dir / "ncbi_gene" / FILE_NAME

    @property
    def genes(self) -> GeneTable:
        """HGNC, with NCBI Gene merged in once `genes update` has fetched it."""
        if self._genes is None:
            ncbi = self.gene_info_path
            self._genes = GeneTable(ncbi=ncbi if ncbi.is_file() else None)
        return self._genes

    def update_gene_info(self, source: str | None = None) -> tuple[Path, int]:
        """Download (a URL, default NCBI's) or copy (a path) NCBI Gene's human table, checked, for offline use."""
        path, count = update_gene_info(source, self.gene_info_path.parent)
        self._genes = None  # the next lookup merges the new table
        return path, count

    def gene(self, query: str, online: bool = False) -> GeneMatch:
        """Resolve a name or id; with `online`, add NCBI Gene summaries and locations."""
        match = self.genes.resolve(query)
        if not online:
            return match
        ids = [g.entrez_id for g in match.genes if g.entrez_id]
        return with_ncbi_summaries(match, self._entrez().gene_summaries(ids) if ids else {})

    def gene_one(self, query: str) -> Gene:
        """Exactly one gene for a name; an ambiguous alias is an error that lists the candidates."""
        match = self.gene(query)
        if match.ambiguous:
            names = ", ".join(g.symbol for g in match.genes)
            raise BadInputError(f"{query!r} is an {match.matched_by} of several genes: {names}", "use the approved symbol")
        return match.genes[0]

    def _entrez(self) -> EntrezClient:
        if not self.settings.entrez.email:
            raise MissingResourceError(
                "NCBI asks every client for a contact email", "set GENELIT_ENTREZ__EMAIL to look genes up online"
            )
        return EntrezClient(self.settings.entrez)

    def _fetch_protein_online(self, gene: Gene) -> tuple[str, str]:
        mrna = [r for r in gene.refseq_ids if r.startswith("NM_")]
        if not mrna:
            raise MissingResourceError(f"{gene.symbol} has no RefSeq mRNA in the HGNC table", "add its protein with `genelit seq add`")
        return self._entrez().refseq_protein(mrna[0])

    def protein(self, gene: str, fasta: Path | None = None) -> tuple[Gene, str, str]:
        """(gene, where the sequence came from, protein sequence)."""
        resolved = self.gene_one(gene)
        source, sequence = self.store.get(resolved, fasta)
        return resolved, source, sequence

    def fetch(self, genes: list[str]) -> list[StoredProtein]:
        """Fetch each gene's RefSeq protein from NCBI into the store (once: a stored one is kept), so that its variants
        are scored offline from then on. The one-command route to `genelit variant` on a fresh install."""
        self._entrez()  # no email: one clear error before any gene is looked at
        found = []
        for name in genes:
            gene = self.gene_one(name)
            if self.store.has(gene.symbol):
                source, sequence = self.store.get(gene)
                accession = source.removeprefix("local store:")
            else:
                accession, sequence = self._fetch_protein_online(gene)
                sequence = validate(sequence, "protein", accession, self.settings.sequence.max_length)
                self.store.put(gene.symbol, accession, sequence)
            found.append(StoredProtein(gene=gene.symbol, accession=accession, length=len(sequence)))
        return found

    def add(self, path: Path, translate: bool = False, replace: bool = False) -> list[StoredProtein]:
        """Store the proteins of a FASTA file by gene, for later variant scoring offline."""
        return self.store.add_file(path, self.gene_one, translate, replace)

    def scorer(self, name: str | None = None) -> Scorer:
        """A scorer by registry name (default from settings), built once."""
        name = name or self.settings.sequence.default_scorer
        if name not in self._scorers:
            self._scorers[name] = build_scorer(name, self.settings.sequence)
        return self._scorers[name]

    def score(
        self, gene: str, variants: list[str], scorer: str | None = None, fasta: Path | None = None
    ) -> list[VariantScore | UnscoredVariant]:
        """Score protein variants of one gene; unreadable or mismatching ones come back as UnscoredVariant."""
        resolved, _source, sequence = self.protein(gene, fasta)
        return self.scorer(scorer).score(sequence, variants, resolved.symbol)

    def coding(self, gene: str, variants: list[str], cds: Path, scorer: str | None = None) -> list[CodedVariant]:
        """Classify c. variants against a CDS; missense ones are also scored on the gene's protein."""
        coding_sequence = cds_from_file(cds, self.settings.sequence.max_dna_length)
        results = []
        for text in variants:
            try:
                consequence = coding_consequence(text, coding_sequence)
            except BadInputError as exc:
                results.append(CodedVariant(variant=text, score=UnscoredVariant(variant=text, error=str(exc))))
                continue
            score: VariantScore | UnscoredVariant | None = None
            if consequence.consequence == "missense" and consequence.hgvs_p:
                try:
                    score = self.score(gene, [consequence.hgvs_p], scorer)[0]
                except MissingResourceError as exc:
                    score = UnscoredVariant(variant=consequence.hgvs_p, error=str(exc))
            results.append(CodedVariant(variant=text, consequence=consequence, score=score))
        return results

    def variants(
        self, gene: str, texts: list[str], cds: Path | None = None, scorer: str | None = None, fasta: Path | None = None
    ) -> VariantReport:
        """The sequence side of `genelit variant`: the gene, its protein, and per variant a dossier holding what the
        sequence alone says (the consequence of a c. variant, the score of the protein change). The literature and
        the databases are filled in by the variants service.

        Protein variants (p.Arg175His, R175H) are scored on the protein; coding ones (c.181T>G) are
        classified against `cds` first. With only c. variants, no protein is needed; without the protein, each
        protein variant's score says why it is missing and the rest of its dossier is still built.
        """
        coding_texts = [v for v in texts if v.strip().startswith("c.")]
        protein_texts = [v for v in texts if not v.strip().startswith("c.")]
        if coding_texts and cds is None:
            raise BadInputError(f"{coding_texts[0]} is a coding (c.) variant and needs its CDS", "pass --cds FILE (FASTA CDS or GenBank mRNA)")
        unscored = ""
        try:
            resolved, source, sequence = self.protein(gene, fasta)
        except (MissingResourceError, RemoteServiceError) as exc:  # the literature and the databases still have their say
            resolved, source, sequence = self.gene_one(gene), NO_PROTEIN, ""
            unscored = f"{exc.message} ({exc.hint})"
        results: list[VariantScore | UnscoredVariant] = [UnscoredVariant(variant=text, error=unscored) for text in protein_texts]
        if not unscored and protein_texts:
            results = self.scorer(scorer).score(sequence, protein_texts, resolved.symbol)
        scores = iter(results)
        coded = iter(self.coding(resolved.symbol, coding_texts, cds, scorer) if coding_texts and cds else [])
        dossiers = []
        for text in texts:
            if text.strip().startswith("c."):
                c = next(coded)
                hgvs = c.consequence.hgvs_p if c.consequence else None
                dossiers.append(VariantDossier(gene=resolved.symbol, variant=text, hgvs=hgvs, consequence=c.consequence,
                                               computational=c.score))
            else:
                score = next(scores)
                hgvs = score.variant.hgvs if isinstance(score, VariantScore) else _readable(text) if unscored else None
                dossiers.append(VariantDossier(gene=resolved.symbol, variant=text, hgvs=hgvs, computational=score))
        return VariantReport(gene=resolved, protein_source=source, protein_length=len(sequence), dossiers=dossiers)

    def scan(
        self, gene: str, region: str | None = None, scorer: str | None = None, fasta: Path | None = None
    ) -> SaturationScan:
        """Score every missense change over a region (START-END residues; default the whole protein)."""
        resolved, _source, sequence = self.protein(gene, fasta)
        bounds = parse_region(region, len(sequence))
        chosen = self.scorer(scorer)
        matrix, results = scan(sequence, chosen, bounds, resolved.symbol)
        return SaturationScan(summarise(matrix, results, sequence, bounds, chosen, resolved.symbol), matrix, sequence, chosen)

    def annotate(self, path: Path | None = None, sequence: str | None = None, table: int | None = None,
                 min_orf_aa: int | None = None, method: GeneMethod = "auto") -> list[Annotation]:
        """Annotate the records of a FASTA/GenBank file, or one sequence given as text."""
        return list(self.annotate_each(path, sequence, table, min_orf_aa, method))

    def annotate_each(self, path: Path | None = None, sequence: str | None = None, table: int | None = None,
                      min_orf_aa: int | None = None, method: GeneMethod = "auto") -> Iterator[Annotation]:
        """One annotation per record as the file is read: a file of many genomes is never held whole."""
        if (path is None) == (sequence is None):
            raise BadInputError("give a file or a sequence, not both or neither", "genelit annotate FILE or --seq ACGT...")
        min_orf = min_orf_aa or self.settings.sequence.min_orf_aa
        records = self._records(path) if path is not None else iter(self._typed_many(sequence or "", "sequence"))
        for record in records:
            yield annotate(record, table, min_orf, method=method)

    def align(self, a: str | Path, b: str | Path, mode: Literal["global", "local"] = "global") -> PairwiseAlignment:
        """Two sequences, each a file (its first record) or the sequence itself, aligned pairwise."""
        return align_pair(self.one(a, "A"), self.one(b, "B"), mode)

    def map_to_reference(self, query: str | Path, reference: Path, preset: str | None = None) -> list[ReadMapping]:
        """Every record of `query` (a file, or one sequence) placed on the reference by minimap2."""
        queries = list(self._records(Path(query))) if _is_file(query) else [self._typed(str(query), "query")]
        return list(map_to_reference(queries, reference, preset))

    def one(self, value: str | Path, name: str) -> SequenceRecord:
        """One sequence given as a file (its first record) or as the sequence itself, checked like any input."""
        return next(self._records(Path(value))) if _is_file(value) else self._typed(str(value), name)

    def _records(self, path: Path) -> Iterator[SequenceRecord]:
        """A file's records, one at a time, each held to its kind's length limit."""
        limits = self.settings.sequence
        return iter_records(path, max_length=limits.max_length, max_dna_length=limits.max_dna_length)

    def _typed(self, text: str, name: str) -> SequenceRecord:
        """A sequence given as text, held to its kind's length limit."""
        limits = self.settings.sequence
        return from_string(text, name=name, max_length=limits.max_length, max_dna_length=limits.max_dna_length)

    def _typed_many(self, text: str, name: str) -> list[SequenceRecord]:
        """Sequences given as text (bare, or FASTA of one or more records), each held to its kind's length limit."""
        limits = self.settings.sequence
        return records_from_string(text, name=name, max_length=limits.max_length, max_dna_length=limits.max_dna_length)


SEQUENCE_SUFFIXES = (".fa", ".fasta", ".fna", ".faa", ".ffn", ".fas", ".gb", ".gbk", ".genbank", ".txt")


def _readable(text: str) -> str | None:
    """The protein HGVS of a variant that was read but could not be scored (no protein to score it on), or None."""
    try:
        return parse_protein_variant(text).hgvs
    except BadInputError:
        return None


def _is_file(value: str | Path) -> bool:
    """A path to an existing file, rather than a sequence typed in; a name that looks like a file and is missing is
    an error, not a sequence (GENOME.FA would otherwise read as a protein)."""
    text = str(value)
    if isinstance(value, Path):
        return True
    try:
        if Path(text).is_file():
            return True
    except OSError:  # a long sequence is no file name the system accepts
        return False
    if "/" in text or text.lower().endswith(SEQUENCE_SUFFIXES):
        raise BadInputError(f"no file {text!r}", "check the path, or give the sequence itself")
    return False
