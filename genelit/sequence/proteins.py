"""Where protein sequences for genes come from: the user's FASTA, a local store, or NCBI online.

The local store is one FASTA file per gene under data_dir/sequences, so it can be read and
edited by hand. Online fetches land there too, so each protein is fetched at most once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from genelit.errors import BadInputError, MissingResourceError
from genelit.sequence.io import header_symbols, read_file, validate
from genelit.types import Alphabet, Gene, StoredProtein

OnlineFetcher = Callable[[Gene], tuple[str, str]]  # gene -> (accession, protein sequence)


class SequenceStore:
    """Protein sequences by gene symbol."""

    def __init__(self, folder: Path, max_length: int, fetch_online: OnlineFetcher | None = None) -> None:
        self.folder = folder
        self.max_length = max_length
        self.fetch_online = fetch_online

    def _path(self, symbol: str) -> Path:
        return self.folder / f"{symbol.upper()}.fasta"

    def add_file(self, path: Path, resolve: Callable[[str], Gene], translate: bool = False,
                 replace: bool = False) -> list[StoredProtein]:
        """Store every protein of a FASTA file under its gene: the header's second word, else its first.

        Nothing is stored unless the whole file is usable. A nucleotide record is refused unless `translate`
        (then its translation is stored); two different sequences for one gene are refused unless `replace`
        (then the last wins). A stored sequence that is replaced is named in the result.
        """
        chosen: dict[str, tuple[str, str]] = {}
        for record in read_file(path, max_length=self.max_length):
            sequence = self._protein_of(path, record.id, record.sequence, record.alphabet, translate)
            gene = None
            for word in header_symbols(record.description):
                try:
                    gene = resolve(word)
                    break
                except BadInputError:
                    continue
            if gene is None:
                raise BadInputError(
                    f"{path}: cannot tell the gene of '>{record.description}'",
                    "put the HGNC symbol as the header's first or second word, e.g. '>NP_000537.3 TP53'",
                )
            earlier = chosen.get(gene.symbol)
            if earlier is not None and earlier[1] != sequence and not replace:
                raise BadInputError(f"{path}: two different sequences for {gene.symbol} ({earlier[0]} and {record.id})",
                                    "keep one, or pass --replace to store the last")
            chosen[gene.symbol] = (record.id, sequence)
        stored = []
        for symbol, (accession, sequence) in chosen.items():
            previous = self._stored_accession(symbol)
            self.put(symbol, accession, sequence)
            stored.append(StoredProtein(gene=symbol, accession=accession, length=len(sequence),
                                        replaced=previous if previous not in (None, accession) else None))
        return stored

    @staticmethod
    def _protein_of(path: Path, name: str, sequence: str, alphabet: Alphabet, translate: bool) -> str:
        if alphabet == "protein":
            return validate(sequence, "protein", name)
        if not translate:
            raise BadInputError(f"{path}: {name} is {alphabet.upper()}, not a protein",
                                "give the protein sequence, or pass --translate to store the translation of this CDS")
        from Bio.Seq import Seq

        return str(Seq(sequence.replace("U", "T")).translate(to_stop=True))

    def _stored_accession(self, symbol: str) -> str | None:
        stored = self._path(symbol)
        if not stored.exists():
            return None
        return stored.read_text().split(maxsplit=1)[0].lstrip(">")

    def has(self, symbol: str) -> bool:
        return self._path(symbol).exists()

    def put(self, symbol: str, accession: str, sequence: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self._path(symbol)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(f">{accession} {symbol}\n{sequence}\n")
        tmp.replace(target)

    def stored(self, symbol: str) -> str | None:
        """The locally stored protein of a gene, or None; never goes online (ingest checks residues with it)."""
        path = self._path(symbol)
        if not path.exists():
            return None
        try:
            (record,) = read_file(path, alphabet="protein", max_length=self.max_length)
        except (BadInputError, ValueError):
            return None
        return record.sequence

    def get(self, gene: Gene, fasta: Path | None = None) -> tuple[str, str]:
        """(source, protein sequence) for a gene, from the given FASTA, the store, or online."""
        if fasta is not None:
            records = read_file(fasta, alphabet="protein", max_length=self.max_length)
            for record in records:
                if gene.symbol in header_symbols(record.description) or len(records) == 1:
                    return f"{fasta.name}:{record.id}", record.sequence
            raise BadInputError(f"{fasta} has no protein for {gene.symbol}", "name the gene in the FASTA header")
        stored = self._path(gene.symbol)
        if stored.exists():
            (record,) = read_file(stored, alphabet="protein", max_length=self.max_length)
            return f"local store:{record.id}", record.sequence
        if self.fetch_online is not None:
            accession, sequence = self.fetch_online(gene)
            sequence = validate(sequence, "protein", accession, self.max_length)
            self.put(gene.symbol, accession, sequence)
            return f"NCBI:{accession}", sequence
        raise MissingResourceError(
            f"no protein sequence for {gene.symbol} on this machine",
            f"add one with `genelit seq add FILE.fasta` (header like '>NP_000537.3 {gene.symbol}'), pass --fasta, "
            f"or fetch the RefSeq protein once with GENELIT_ENTREZ__EMAIL=you@lab.org genelit seq fetch {gene.symbol}",
        )
