"""The sequence commands end to end: gene, seq add, variant, scan, annotate, eval variants; errors exit 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genelit.cli import app
from tests.conftest import shared

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "seq", "add", str(shared("variants/reference_proteins_8genes.fasta"))])
    assert result.exit_code == 0, result.output
    assert "stored TP53: NP_000537.3 (393 aa)" in result.output
    return tmp_path


def run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--data-dir", str(data_dir), *args])
    return result.exit_code, result.output


def test_gene_json(tmp_path: Path) -> None:
    code, output = run(tmp_path, "gene", "LMP10", "--json")
    assert code == 0
    match = json.loads(output)
    assert match["matched_by"] == "alias" and match["genes"][0]["symbol"] == "PSMB10"


def test_variant_scores_with_interpretation(data_dir: Path) -> None:
    code, output = run(data_dir, "variant", "TP53", "p.R175H", "R248W", "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["gene"]["symbol"] == "TP53" and report["protein_source"] == "local store:NP_000537.3"
    scores = [d["computational"] for d in report["dossiers"]]
    assert [s["variant"]["hgvs"] for s in scores] == ["p.Arg175His", "p.Arg248Trp"]
    assert all(s["scorer"] == "calibrated" and s["evidence"]["source"] for s in scores)
    assert scores[0]["interpretation"] == "indeterminate (no computational evidence)"
    code, output = run(data_dir, "variant", "TP53", "p.R175H")
    assert code == 0 and "not a classification" in output and "calibrated score" in output and "PP3/BP4" in output
    assert "tolerated-looking" not in output and "local posterior P(pathogenic)" in " ".join(output.split())


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["variant", "NOTAGENE1", "R175H"], "unknown gene"),
        (["variant", "TP53", "A175H"], "residue 175 of the given sequence is Arg, not Ala"),
        (["variant", "TP53", "R999H"], "past the end"),
        (["variant", "TP53", "gibberish"], "cannot read variant"),
        (["variant", "PSMB10", "R175H"], "no protein sequence for PSMB10"),
        (["variant", "TP53", "R175H", "--scorer", "unirep"], "'unirep' is not one of"),
        (["scan", "TP53", "--region", "300-900"], "outside the protein"),
        (["annotate", "--seq", "ACGTACGTACGTACGTACGTEACGT"], "'E' at position 21 is not an IUPAC DNA letter"),
    ],
)
def test_bad_input_exits_2(data_dir: Path, args: list[str], needle: str) -> None:
    code, output = run(data_dir, *args)
    assert code == 2, output
    assert needle in " ".join(output.split()) and "Traceback" not in output


def test_sequence_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENELIT_SEQUENCE__MAX_DNA_LENGTH", "10")
    monkeypatch.setenv("GENELIT_SEQUENCE__MAX_LENGTH", "5")
    code, output = run(tmp_path, "annotate", "--seq", "ACGTACGTACGTACGT")
    assert code == 2 and "over the limit of 10" in output  # DNA and proteins have limits of their own
    code, output = run(tmp_path, "annotate", "--seq", "MKTAYIAKQR")
    assert code == 2 and "over the protein limit of 5" in " ".join(output.split())


def test_scan_writes_heatmap_and_matrix(data_dir: Path, tmp_path: Path) -> None:
    png = tmp_path / "tp53.png"
    code, output = run(data_dir, "scan", "TP53", "--region", "94-120", "-o", str(png), "--json")
    assert code == 0, output
    summary = json.loads(output)
    assert summary["variants"] == 27 * 19 and summary["region"] == [94, 120]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = list(csv.reader(png.with_suffix(".csv").open()))
    assert rows[0][:3] == ["position", "ref", "A"] and len(rows) == 28
    assert all(sum(1 for v in row[2:] if v == "") == 1 for row in rows[1:])  # only the wild type is empty


def test_annotate_genbank_compares_cds(tmp_path: Path) -> None:
    code, output = run(tmp_path, "annotate", str(shared("genbank/NC_005816.gb")), "--orfs", "--table", "11", "--min-orf", "30", "--json")
    assert code == 0, output
    (annotation,) = json.loads(output)
    assert annotation["cds_annotated"] == 10 and annotation["cds_found"] == 10
    assert annotation["features"]["CDS"] == 10 and 0.4 < annotation["gc"] < 0.5


def test_annotate_mrna_finds_its_cds(tmp_path: Path) -> None:
    code, output = run(tmp_path, "annotate", str(shared("genbank/noref_NM_006141_human_mRNA.gb")), "--orfs", "--json")
    (annotation,) = json.loads(output)
    assert annotation["cds_found"] == annotation["cds_annotated"] == 1
    assert annotation["protein"]["length"] == annotation["longest_orf"]["length_aa"]


def test_eval_variants_json(tmp_path: Path) -> None:
    code, output = run(tmp_path, "eval", "variants", str(shared("variants/clinvar2019_missense_dev.csv")),
                       "--proteins", str(shared("variants/clinvar2019_proteins_dev.fasta")), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["n"] == 2773
    assert set(report["scorers"]) == {"calibrated", "blosum62", "grantham"}
    assert report["scorers"]["calibrated"]["auc_pooled"] > report["scorers"]["blosum62"]["auc_pooled"]
    assert report["scorers"]["calibrated"]["genes"] == 21


def test_coding_variants_against_a_genbank_cds(tmp_path: Path) -> None:
    mrna = shared("genbank/noref_NM_006141_human_mRNA.gb")
    code, output = run(tmp_path, "variant", "DYNC1LI2", "c.1A>G", "c.33+1G>A", "--cds", str(mrna), "--json")
    assert code == 0, output
    coding = json.loads(output)["dossiers"]
    assert [c["consequence"]["consequence"] for c in coding] == ["start_lost", "splice_site"]
    assert all(c["computational"] is None for c in coding)  # neither is missense: nothing to score, and no failure
    code, output = run(tmp_path, "variant", "TP53", "c.524G>A")
    assert code == 2 and "needs its CDS" in output
