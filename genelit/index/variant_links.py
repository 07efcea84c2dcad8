"""Which gene a variant mention belongs to, from the genes named in the same abstract.

"R175H" means nothing without its gene. An abstract usually names it: "TP53 R175H", "mutations of
the F11 gene … Asp506Gly". The linker finds every gene the text names (HGNC symbols as written in
capitals; aliases, previous symbols and NCBI synonyms such as p53 where one gene owns them; the full
names of protein-coding genes, "epidermal growth factor receptor") and gives each mention the gene named nearest before it, else nearest after. Where several genes could
own a protein change, the reference residue decides when a stored protein exists: R175H cannot
belong to a protein whose residue 175 is not Arg.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from genelit.index.variant_mentions import VariantMention, find_mentions
from genelit.sequence.genes import WORD_SYMBOLS, GeneTable
from genelit.types import Paper

ReferenceProtein = Callable[[str], str | None]  # gene symbol -> stored protein sequence, or None

_WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![\w-])")
_PROTEIN_KEY = re.compile(r"^p\.([A-Z])(\d+)")
_NAME_WORD = re.compile(r"[A-Za-z0-9]+")
_MAX_NAME_WORDS = 6
_MAX_CACHED = 200_000
MITOCHONDRIAL = "MT-"  # HGNC's prefix for the 37 genes of the mitochondrial genome (MT-TL1, MT-ND5 ...)


def paper_text(paper: Paper) -> str:
    """Title and abstract as PubTator joins them (offsets in stored mentions count in this text)."""
    return f"{paper.title} {paper.abstract}"


class VariantLinker:
    """Finds variant mentions in papers and links each to a gene named in the same text."""

    def __init__(self, genes: GeneTable, reference: ReferenceProtein | None = None) -> None:
        self.genes = genes
        self.reference = reference
        self._proteins: dict[str, str | None] = {}
        self._names: dict[str, str | None] = {}
        self._by_name: dict[tuple[str, ...], str] | None = None

    def mentions(self, paper: Paper) -> list[VariantMention]:
        """The paper's variant mentions, each with its gene where one can be told."""
        text = paper_text(paper)
        found = find_mentions(text)
        if not found:
            return []
        named = self.genes_named(text)
        return [replace(m, gene=self._owner(m, named)) for m in found]

    def genes_named(self, text: str) -> list[tuple[int, str]]:
        """(offset, symbol) of every gene the text names, by symbol or by its full name ("epidermal growth factor
        receptor"), in text order."""
        named = []
        for word in _WORD.finditer(text):
            symbol = self._symbol(word.group(0))
            if symbol is not None:
                named.append((word.start(), symbol))
        words = [(m.start(), m.group(0).lower()) for m in _NAME_WORD.finditer(text)]
        names = self._full_names()
        for i, (at, _) in enumerate(words):
            for n in range(_MAX_NAME_WORDS, 1, -1):
                symbol = names.get(tuple(w for _, w in words[i : i + n])) if i + n <= len(words) else None
                if symbol is not None:
                    named.append((at, symbol))
                    break
        return sorted(named)

    def _full_names(self) -> dict[tuple[str, ...], str]:
        """Approved names of protein-coding genes, two to six words, that name one gene only, as lowercase words."""
        if self._by_name is None:
            found: dict[tuple[str, ...], str | None] = {}
            for gene in self.genes.genes:
                if gene.is_protein_coding:
                    key = tuple(w.lower() for w in _NAME_WORD.findall(gene.name))
                    if 2 <= len(key) <= _MAX_NAME_WORDS:
                        found[key] = None if key in found else gene.symbol
            self._by_name = {key: symbol for key, symbol in found.items() if symbol is not None}
        return self._by_name

    def _symbol(self, word: str) -> str | None:
        if word not in self._names:
            if len(self._names) > _MAX_CACHED:  # a whole-PubMed ingest meets millions of distinct words
                self._names.clear()
            self._names[word] = self._lookup(word)
        return self._names[word]

    def _lookup(self, word: str) -> str | None:
        """A gene for a word that names exactly one: symbols in capitals, synonyms with a digit or four letters."""
        if len(word) < 2 or word.upper() in WORD_SYMBOLS:
            return None
        upper = word.upper()
        gene = self.genes.get(word)
        if gene is not None and (word == upper or word == gene.symbol):
            return gene.symbol
        has_digit = any(ch.isdigit() for ch in word)
        if not (word == upper and (has_digit or len(word) >= 4)) and not (has_digit and len(word) >= 3 and word[1:] == word[1:].upper()):
            return None  # 'p53' and 'HER2' may be synonyms; 'Ras' and 'Notch' are too loose to be sure of
        found = self.genes.synonym_of(word)
        if found is None or len(found[1]) != 1:
            return None
        return found[1][0].symbol

    def _owner(self, mention: VariantMention, named: list[tuple[int, str]]) -> str | None:
        candidates = list(dict.fromkeys(symbol for _, symbol in named))
        if mention.key.startswith("m."):  # mitochondrial DNA: only a gene of the mitochondrial genome can own it
            candidates = [s for s in candidates if s.startswith(MITOCHONDRIAL)]
            named = [(at, s) for at, s in named if s.startswith(MITOCHONDRIAL)]
        if len(candidates) > 1:
            candidates = self._fitting(mention, candidates)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        allowed = set(candidates)
        before = [(mention.start - at, s) for at, s in named if s in allowed and at < mention.start]
        after = [(at - mention.start, s) for at, s in named if s in allowed and at >= mention.start]
        return min(before or after)[1]

    def _fitting(self, mention: VariantMention, candidates: list[str]) -> list[str]:
        """The candidates a protein change fits: those whose stored protein has the reference residue, when any
        does; else those without a stored protein (a mismatch rules a gene out)."""
        key = _PROTEIN_KEY.match(mention.key) if mention.kind == "protein" and self.reference else None
        if key is None:
            return candidates
        residue, position = key.group(1), int(key.group(2))
        fits, unknown = [], []
        for symbol in candidates:
            protein = self._protein(symbol)
            if protein is None:
                unknown.append(symbol)
            elif position <= len(protein) and protein[position - 1] == residue:
                fits.append(symbol)
        return fits or unknown

    def _protein(self, symbol: str) -> str | None:
        if symbol not in self._proteins:
            self._proteins[symbol] = self.reference(symbol) if self.reference else None
        return self._proteins[symbol]
