"""Which gene a variant mention belongs to, from the genes named in the same abstract.

"R175H" means nothing without its gene. An abstract usually names it: "TP53 R175H", "mutations of
the F11 gene … Asp506Gly". The linker finds every gene the text names (HGNC symbols as written in
capitals; aliases, previous symbols and NCBI synonyms such as p53 where one gene owns them; the full
names of protein-coding genes, "epidermal growth factor receptor") and gives each mention the gene named nearest before it, else nearest after. Where several genes could
own a protein change, the reference residue decides when a stored protein exists: R175H cannot
belong to a protein whose residue 175 is not Arg.
"""

from __future__ import annotations

import bisect
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
# A sentence ends at . ! or ? before a capital, a digit or a bracket, unless the stop closes an abbreviation: a single
# letter ("p. R214H", "c. 107 A>G"), "al.", "vs.", "Fig.", "No.".
_SENTENCE_END = re.compile(r"(?<!\b[A-Za-z])(?<!\bal)(?<!\bvs)(?<!\bFig)(?<!\bNo)[.!?]\s+(?=[A-Z0-9(\[])")
# What lies between a variant and the gene it belongs to when the gene follows: "rs1049057) of IL1R1",
# "c.1367delC variant in MLH1", "(rs2237061 and rs2547) of the CXCL14".
_OWNED_BY = re.compile(r"^\W*(?:[\w'-]+\W+){0,4}?(?:of|in|within)\s+(?:the\s+)?(?:human\s+)?$", re.I)
# A receptor status, not a gene named: "HR+ subtypes", "ER− tumours".
_STATUS = re.compile(r"[+−](?![\w])|-(?=[\s,;)]|$)")
# A text about a virus's, a bacterium's or a fungus's proteins: its protein changes (spike E484K, integrase N155H, a
# fungal SQLE L393F) belong to no human gene, whatever human gene the text also names (ACE2, the human SQLE).
_OTHER_ORGANISM = re.compile(r"SARS-CoV-2|\bspike\b|\bHIV-?[12]?\b|\bintegrase\b|Mycobacteri|\bH37Rv\b|Trichophyton|"
                             r"Escherichia|\bE\. coli\b|Saccharomyces|\byeast\b|cyanobacteri|Synechocystis|Plasmodium|"
                             r"\binfluenza\b|\bHCV\b|hepatitis C virus|\bNS5[AB]\b|\bbacteri(?:al|um)\b|\bfung(?:al|us)\b", re.I)
# Protein shorthands that HGNC's synonyms lack or that are too short to trust in general: the coagulation factors in
# Roman numerals ("FV rs6025", "FII rs62623459") and alpha-synuclein ("A53T aSyn").
SHORTHANDS = {"FII": "F2", "FV": "F5", "FVII": "F7", "FVIII": "F8", "FIX": "F9", "FX": "F10", "FXI": "F11", "FXII": "F12",
              "FXIII": "F13A1", "aSyn": "SNCA"}
# An rsID not tied to a gene is linked to the nearest gene only this many words away in its own sentence (not counting
# the other rsIDs of a list): further off
# (another sentence, "a shared SNP, rs842357, in LD with ..." after a sentence on eQTLs of TMEM163 and CCNT2), the
# gene is as often a bystander of an intergenic or imputed SNP, and a reader would name none.
RS_REACH_WORDS = 7  # counted from the gene's first word: "tumor necrosis factor-α (TNF-α) gene polymorphisms (" is 6
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
        ends = [0, *(m.end() for m in _SENTENCE_END.finditer(text)), len(text) + 1]
        owners = []
        for m in found:
            sentence = _sentence(ends, m.start)
            owners.append(self._owner(m, named, text, sentence, _sentence(ends, max(sentence[0] - 1, 0))))
        # One variant, one gene in a paper: the gene a mention is tied to most closely ("BCL2 rs2279115", "rs4771436 in
        # ERCC5"), else the gene its first mention gives it. A change with no position ('A>G') names no one variant.
        settled: dict[str, str] = {}
        for strong in (True, False):
            for m, (gene, tied) in zip(found, owners, strict=True):
                if gene is not None and (tied or not strong) and any(ch.isdigit() for ch in m.key):
                    settled.setdefault(m.key, gene)
        return [replace(m, gene=settled.get(m.key, gene)) for m, (gene, _) in zip(found, owners, strict=True)]

    def genes_named(self, text: str) -> list[tuple[int, str]]:
        """(offset, symbol) of every gene the text names, by symbol or by its full name ("epidermal growth factor
        receptor"), in text order."""
        named = []
        for word in _WORD.finditer(text):
            symbol = self._symbol(word.group(0))
            if symbol is not None and not _STATUS.match(text, word.end()):
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
        if word in SHORTHANDS:
            return SHORTHANDS[word]
        if len(word) < 2 or word.upper() in WORD_SYMBOLS:
            return None
        upper = word.upper()
        gene = self.genes.get(word)
        if gene is not None and (word == upper or word == gene.symbol):
            return gene.symbol
        if gene is not None and word.upper() == gene.symbol and len(word) >= 4 and word[0].isupper() \
                and sum(ch.isupper() or ch.isdigit() for ch in word) >= 3:
            return gene.symbol  # the symbol in a protein's own casing: MyD88, AhRR (not Ras, Notch)
        has_digit = any(ch.isdigit() for ch in word)
        if not (word == upper and (has_digit or len(word) >= 4)) and not (has_digit and len(word) >= 3 and word[1:] == word[1:].upper()):
            return None  # 'p53' and 'HER2' may be synonyms; 'Ras' and 'Notch' are too loose to be sure of
        found = self.genes.synonym_of(word) if len(word) > 2 else None  # 'L7' is a loop as often as RPL7
        if found is None or len(found[1]) != 1:
            return None
        return found[1][0].symbol

    def _owner(self, mention: VariantMention, named: list[tuple[int, str]], text: str, sentence: tuple[int, int],
               previous: tuple[int, int]) -> tuple[str | None, bool]:
        """The gene the mention's own sentence gives it: the one it is said to be 'of' or 'in' ("rs1049057) of
        IL1R1") or the one written right after it ("G12C KRAS"), else the nearest named before it, else after it; where its sentence names no gene before it, the
        sentence before counts too. Genes further away are left out: there they are as often bystanders. Also says
        whether the gene is tied to the mention (of it, right after it, or right before it) rather than only near."""
        if mention.kind == "protein" and _OTHER_ORGANISM.search(text):  # a virus's or a microbe's protein: no human gene's
            return None, False
        if mention.key.startswith("m."):  # mitochondrial DNA: only a gene of the mitochondrial genome can own it
            named = [(at, s) for at, s in named if s.startswith(MITOCHONDRIAL)]
        lo, hi = sentence
        near = [(at, s) for at, s in named if lo <= at < hi]
        if not any(at < mention.start for at, _ in near):  # none before it in its sentence: the one before, if any
            near += [(at, s) for at, s in named if previous[0] <= at < previous[1]]
        if not near:
            return None, False
        candidates = list(dict.fromkeys(symbol for _, symbol in near))
        if len(candidates) > 1:
            candidates = self._fitting(mention, candidates)
        if not candidates:
            return None, False
        allowed = set(candidates)
        after = [(at - mention.start, s) for at, s in near if s in allowed and at >= mention.start
                 and not (mention.kind != "protein" and len(s) <= 3 and set(s) <= set("ACGT"))]  # 'rs4771436 TG-GG': a genotype
        if after and (_OWNED_BY.search(between := text[mention.end : mention.start + after[0][0]]) or not between.strip(" -")):
            return after[0][1], True  # "rs1049057) of IL1R1", or the gene right after it: "the G12C KRAS mutation"
        before = [(mention.start - at, s) for at, s in near if s in allowed and at < mention.start]
        if not (before or after):  # only a genotype after it ('rs4771436 TG'), and no gene before it
            return None, False
        distance, symbol = min(before or after)
        between = text[mention.start - distance : mention.start] if before else text[mention.end : mention.start + distance]
        right_before = bool(before) and len(between.split()) <= 1  # "BCL2 rs2279115"
        in_sentence = lo <= (mention.start - distance if before else mention.start + distance) < hi
        if mention.key.startswith("rs") and not right_before and (_words_apart(between) > RS_REACH_WORDS or not in_sentence):
            return None, False  # an rsID far from any gene: a reader names none
        return symbol, right_before

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


def _words_apart(between: str) -> int:
    """The words between a gene and a variant, less the other rsIDs of a list and its 'and's: in "TNF-α gene
    polymorphisms (rs1800629, rs361525, and rs1799724)" the last is as near TNF as the first."""
    return sum(1 for w in between.split() if not re.search(r"rs\d+", w) and w.strip("(),;") not in ("and", "or", ""))


def _sentence(ends: list[int], at: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding offset `at`, given the sorted offsets where sentences start."""
    i = bisect.bisect_right(ends, at)
    return ends[i - 1], ends[i] if i < len(ends) else ends[-1]
