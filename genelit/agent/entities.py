"""Deterministic entity extraction for the pipeline: genes from the HGNC table, variants by grammar,
sequences by alphabet. A small model never has to decide which tool to call."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from genelit.errors import BadInputError
from genelit.sequence.genes import WORD_SYMBOLS, GeneTable
from genelit.sequence.variants import parse_protein_variant

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-.()*=_]*[A-Za-z0-9)*=]|[A-Za-z0-9]")
_SEQUENCE = re.compile(r"\b[ACDEFGHIKLMNPQRSTVWYU]{30,}\b")
_RSID = re.compile(r"\brs\d{2,}\b", re.IGNORECASE)
_GENE_CUES = {"gene", "genes", "protein", "proteins", "exon", "exons", "intron", "mutation", "mutations", "mutant",
              "mutants", "variant", "variants", "allele", "alleles", "amplification", "amplified", "deletion", "fusion",
              "expression", "expressed", "knockout", "knockdown", "locus", "promoter", "receptor", "kinase", "inhibitor",
              "inhibitors", "inhibition", "signalling", "signaling", "pathway", "activity", "polymorphism", "skipping",
              "carriers", "deficiency", "transcript", "isoform", "overexpression", "enzyme"}


@dataclass
class Entities:
    genes: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    snps: list[str] = field(default_factory=list)  # rsIDs, which need no gene
    sequences: list[str] = field(default_factory=list)


def _variant(token: str) -> str | None:
    """The normalised HGVS of a token that reads as a protein change, else None."""
    if not any(ch.isdigit() for ch in token) or not (token.startswith("p.") or re.match(r"^[A-Z][a-z]{0,2}\d+", token)):
        return None
    try:
        return parse_protein_variant(token).hgvs
    except BadInputError:
        return None


def _named_as_gene(tokens: list[str], i: int, shouting: bool) -> bool:
    """Whether a symbol that is also a word (MET, CAT, CAD) is used as a gene here: see WORD_SYMBOLS."""
    if shouting or len(tokens[i]) < 3:
        return False
    neighbours = [tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
    return any(n.lower() in _GENE_CUES for n in neighbours) or (i + 1 < len(tokens) and _variant(tokens[i + 1]) is not None)


def extract(question: str, genes: GeneTable) -> Entities:
    found = Entities()
    for sequence in _SEQUENCE.findall(question.upper()):
        if sequence not in found.sequences:
            found.sequences.append(sequence)
    text = _SEQUENCE.sub(" ", question)
    found.snps = list(dict.fromkeys(m.lower() for m in _RSID.findall(text)))
    tokens = [token.strip("().,;:") for token in _TOKEN.findall(text)]
    shouting = text == text.upper()  # an all-capitals question gives capitals no meaning
    for i, bare in enumerate(tokens):
        hgvs = _variant(bare)
        if hgvs is not None:
            if hgvs not in found.variants:
                found.variants.append(hgvs)
            continue
        if len(bare) < 2 or not bare[0].isalpha() or bare != bare.upper():
            continue
        if bare in WORD_SYMBOLS and not _named_as_gene(tokens, i, shouting):
            continue
        gene = genes.get(bare)
        if gene is not None:
            if gene.symbol not in found.genes:
                found.genes.append(gene.symbol)
        elif any(ch.isdigit() for ch in bare):  # an alias or old symbol like LMP10; digits make a collision unlikely
            try:
                genes.resolve(bare)
            except BadInputError:
                continue
            if bare not in found.genes:
                found.genes.append(bare)
    return found
