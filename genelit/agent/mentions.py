"""Does a text talk about the question's genes and variants, or only share letters with them?

"BRCA1-associated protein 1 (BAP1)" contains the token BRCA1 but names another gene. Two
rules mask such spans before a mention is counted:
- the names of other HGNC genes that contain the symbol ("BRCA1 associated deubiquitinase 1",
  "BRCA1 interacting DNA helicase 1"), matched with spaces and hyphens interchangeable;
- the symbol followed by a relation word and a protein word ("BRCA1-associated protein",
  "TP53-regulated kinase"), which is how papers name a partner, not the gene itself.
"BRCA1-associated breast cancer" is not masked: there the gene is the subject.

A gene counts as mentioned by its symbol, its aliases or its previous symbols, each as a whole
token; a variant by its normalised key among the text's variant mentions, read by the one grammar the
index uses (index/variant_mentions.py): p.Arg175His, R175H, "Arg 175 His" and "arginine 175 to
histidine" are all p.R175H, so `genelit ask` and `genelit variant` agree on which papers name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from genelit.agent.entities import Entities
from genelit.errors import BadInputError
from genelit.index.variant_mentions import find_mentions, mention_key
from genelit.sequence.genes import GeneTable
from genelit.sequence.variants import parse_protein_variant

_RELATION = r"(?:associated|interacting|binding|related|regulated|regulating|induced|inducible|dependent|containing|like)"
_PARTNER = r"(?:protein|deubiquitinase|kinase|helicase|domain|RING|factor|activator|complex|subunit|phosphatase|gene|target)"
# Aliases this short, or plain words, would match too much text to mean the gene.
_MIN_ALIAS = 3
_WORDLIKE = re.compile(r"^[A-Za-z][a-z]+$")


def _flexible(phrase: str) -> str:
    """A regex for a phrase whose words may be joined by spaces or hyphens."""
    return r"[\s-]+".join(re.escape(word) for word in phrase.split())


@dataclass(frozen=True)
class Term:
    """One entity of the question and how to find it in text."""

    label: str  # as shown to users, e.g. 'BRCA1' or 'TP53 p.Arg175His'
    kind: str  # 'gene' or 'variant'
    pattern: re.Pattern[str] | None = None  # a gene's names
    mask: re.Pattern[str] | None = None
    synonyms: tuple[str, ...] = ()  # aliases and previous symbols, for lexical expansion
    key: str = ""  # a variant's normalised mention key, e.g. 'p.R175H'

    def found_in(self, text: str) -> bool:
        if self.key:
            return self.key in {m.key for m in find_mentions(text)}
        if self.mask is not None:
            text = self.mask.sub(" ", text)
        return self.pattern is not None and self.pattern.search(text) is not None


@dataclass
class Focus:
    """The entities a question names; empty when it names none."""

    terms: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def labels(self) -> list[str]:
        return [t.label for t in self.terms]

    @property
    def variants(self) -> list[str]:
        """Labels of the variants named: a paper on the gene says nothing about one of them."""
        return [t.label for t in self.terms if t.kind == "variant"]

    @property
    def expansion(self) -> list[str]:
        """Extra words for the lexical query: every gene's aliases and previous symbols."""
        return [s for t in self.terms for s in t.synonyms]

    def mentioned(self, text: str) -> list[str]:
        """Labels of the entities the text mentions as themselves."""
        return [t.label for t in self.terms if t.found_in(text)]

    def mentions_any(self, text: str) -> bool:
        return any(t.found_in(text) for t in self.terms)


def gene_term(symbol: str, genes: GeneTable) -> Term:
    gene = genes.get(symbol)
    names = [symbol]
    synonyms: list[str] = []
    if gene is not None:
        for other in (*gene.aliases, *gene.previous_symbols):
            if len(other) >= _MIN_ALIAS and not _WORDLIKE.match(other) and other.upper() != symbol.upper():
                synonyms.append(other)
    names += synonyms
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.I)
    partner_names = [g.name for g in genes.genes_naming(symbol) if g.symbol.upper() != symbol.upper()]
    masks = [re.escape(symbol) + r"[\s-]+" + _RELATION + r"[\s-]+" + _PARTNER]
    masks += [_flexible(name) for name in partner_names]
    return Term(label=symbol, kind="gene", pattern=pattern, mask=re.compile("|".join(masks), re.I), synonyms=tuple(synonyms))


def variant_term(hgvs: str, gene: str | None) -> Term | None:
    """Every written form of a protein change, by its mention key; None when the change is not a simple substitution."""
    try:
        variant = parse_protein_variant(hgvs)
    except BadInputError:  # an entity the grammar cannot read simply has no term
        return None
    if variant.kind not in ("missense", "nonsense", "synonymous") or len(variant.ref) != 1:
        return None
    found = mention_key(variant.hgvs)
    if found is None:
        return None
    label = f"{gene} {variant.hgvs}" if gene else variant.hgvs
    return Term(label=label, kind="variant", key=found[1])


def focus_of(entities: Entities, genes: GeneTable) -> Focus:
    """The terms for the genes and variants a question names."""
    terms: list[Term] = []
    for symbol in entities.genes:
        resolved = genes.get(symbol)
        terms.append(gene_term(resolved.symbol if resolved else symbol, genes))
    paired = entities.genes[0] if entities.genes else None
    for hgvs in entities.variants:
        term = variant_term(hgvs, paired)
        if term is not None:
            terms.append(term)
    return Focus(terms)
