"""Deterministic entity extraction for the pipeline: genes from the HGNC table, variants by grammar,
sequences by alphabet. A small model never has to decide which tool to call."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from genelit.errors import BadInputError
from genelit.sequence.genes import GeneTable
from genelit.sequence.variants import parse_protein_variant

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-.()*=_]*[A-Za-z0-9)*=]|[A-Za-z0-9]")
_SEQUENCE = re.compile(r"\b[ACDEFGHIKLMNPQRSTVWYU]{30,}\b")
# Approved symbols that are also everyday words or abbreviations in questions.
_COMMON = {"A", "I", "IS", "IT", "AS", "AN", "AT", "BE", "BY", "DO", "GO", "IF", "IN", "ME", "MY", "NO", "OF", "ON", "OR", "SO",
           "TO", "UP", "US", "WE", "CAN", "WAS", "SET", "MET", "ALL", "AND", "FOR", "NOT", "THE", "ARE", "HAS", "HAD", "BUT",
           "DNA", "RNA", "PCR", "AGE", "MRI", "CT", "ICU", "HIV", "COVID", "CAT", "CAD", "SHE", "HE", "HER", "HIS", "TNF"}


@dataclass
class Entities:
    genes: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    sequences: list[str] = field(default_factory=list)


def extract(question: str, genes: GeneTable) -> Entities:
    found = Entities()
    for sequence in _SEQUENCE.findall(question.upper()):
        if sequence not in found.sequences:
            found.sequences.append(sequence)
    text = _SEQUENCE.sub(" ", question)
    for token in _TOKEN.findall(text):
        bare = token.strip("().,;:")
        if any(ch.isdigit() for ch in bare) and (bare.startswith("p.") or re.match(r"^[A-Z][a-z]{0,2}\d+", bare)):
            try:
                variant = parse_protein_variant(bare)
            except BadInputError:
                variant = None
            if variant is not None and variant.hgvs not in found.variants:
                found.variants.append(variant.hgvs)
                continue
        if bare.upper() in _COMMON or len(bare) < 2 or not bare[0].isalpha():
            continue
        if bare != bare.upper():
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
