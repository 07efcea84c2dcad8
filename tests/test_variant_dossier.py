"""The variant dossier: papers read for their kind of evidence and direction, the residue's other changes, the
parts that are missing said with why, and the classifier measured on the hand-labelled sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genelit.api import Assistant
from genelit.cli import app
from genelit.errors import BadInputError
from genelit.index.variant_evidence import direction, evidence_kind
from genelit.settings import Settings
from genelit.types import Paper
from tests.conftest import shared

LABELS = Path(__file__).resolve().parents[1] / "bench" / "labels" / "variant_evidence.csv"


def _paper(pmid: str, title: str, abstract: str, types: tuple[str, ...] = ()) -> Paper:
    return Paper(pmid=pmid, title=title, abstract=abstract, year=2020, publication_types=list(types))


ASSAY = _paper("201", "Loss of DNA binding by the p53 R175H mutant",
               "We expressed wild-type and mutant TP53 in HEK293 cells. In luciferase reporter assays the R175H mutant "
               "abolished transcriptional activity. The mutant protein was misfolded.")
FAMILY = _paper("202", "A TP53 R175H germline variant in a Li-Fraumeni family",
                "We report a proband and her affected siblings. The TP53 R175H variant segregated with cancer in the "
                "family, and two carriers developed sarcoma.")
COHORT = _paper("203", "TP53 R175C in a population cohort",
                "We genotyped 1,200 cases and 1,500 healthy controls. TP53 R175C was not associated with risk "
                "(odds ratio 1.02, 95% CI 0.8-1.3).")
REVIEW = _paper("204", "TP53 hotspot mutants: a review", "In this review we summarise what is known of R175H and R248Q.",
                ("Review",))


def test_each_kind_of_paper_is_read_by_its_cues() -> None:
    assert evidence_kind(ASSAY)[0] == "functional" and "luciferase" in evidence_kind(ASSAY)[1]
    assert evidence_kind(FAMILY)[0] == "clinical"
    assert evidence_kind(COHORT)[0] == "population"
    assert evidence_kind(REVIEW) == ("review", ["review"])
    assert evidence_kind(_paper("9", "A note", "Nothing of the kind is said here."))[0] == "other"


def test_the_direction_comes_with_the_sentence_that_states_it() -> None:
    leaning, sentence = direction(ASSAY, "p.R175H")
    assert leaning == "damaging" and sentence == "Loss of DNA binding by the p53 R175H mutant."
    assert direction(COHORT, "p.R175C") == ("no effect", "TP53 R175C was not associated with risk (odds ratio 1.02, 95% CI 0.8-1.3).")
    # 'not associated with' is never also read as 'associated with'; a paper that names the variant and says
    # nothing of its effect is unclear, shown with the sentence naming it
    assert direction(_paper("8", "Sequencing", "We found R175H and R248Q and ten other changes in 40 tumours."), "p.R175H")[0] == "unclear"
    assert direction(ASSAY, "p.R248Q") == ("unclear", "")  # not named at all


@pytest.fixture
def indexed(tmp_path: Path) -> Assistant:
    assistant = Assistant(Settings(data_dir=tmp_path / "data"))
    assistant.index_records([ASSAY, FAMILY, COHORT, REVIEW], "test")
    return assistant


def test_the_dossier_reads_the_literature_by_kind_and_the_residue(indexed: Assistant) -> None:
    dossier = indexed.dossier("TP53", "R175H", fasta=shared("variants/reference_proteins_8genes.fasta"))
    literature = dossier.literature
    assert literature is not None and literature.papers == 3
    assert literature.kinds == {"functional": 1, "clinical": 1, "review": 1}
    by_id = {p.id: p for p in literature.classified}
    assert by_id["PMID:201"].direction == "damaging" and by_id["PMID:202"].kind == "clinical"
    assert dossier.residue is not None and dossier.residue.residue == "R175" and dossier.residue.papers == 4
    assert dossier.residue.others == [("p.R175C", 1)] and not dossier.residue.hotspot  # PM5: another change at R175
    assert dossier.computational is not None and dossier.computational.interpretation.startswith("indeterminate")  # type: ignore[union-attr]
    assert dossier.missing == ["ClinVar and dbSNP: offline (set GENELIT_ENTREZ__EMAIL to look them up)"]
    assert "not a classification" in dossier.note


def test_the_dossier_command_and_its_bad_input(indexed: Assistant) -> None:
    data = str(indexed.settings.data_dir)
    proteins = str(shared("variants/reference_proteins_8genes.fasta"))
    runner = CliRunner()
    shown = runner.invoke(app, ["--data-dir", data, "variant", "TP53", "R175H", "--fasta", proteins], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "by kind: 1 functional, 1 clinical, 1 review" in shown.output and "[PMID:201] functional, damaging" in shown.output
    assert "other changes named: p.R175C (1)" in shown.output and "missing ClinVar and dbSNP: offline" in shown.output
    as_json = json.loads(runner.invoke(app, ["--data-dir", data, "variant", "TP53", "R175H", "--fasta", proteins, "--json"]).stdout)
    assert as_json["dossiers"][0]["literature"]["kinds"]["functional"] == 1
    for args, needle in ((["NOTAGENE1", "R175H"], "unknown gene"), (["TP53", "A175H"], "is Arg, not Ala"),
                         (["TP53", "R175*"], "missense changes only"), (["PSMB10", "R175H"], "no protein sequence for PSMB10")):
        bad = runner.invoke(app, ["--data-dir", data, "variant", *args, *(["--fasta", proteins] if args[0] == "TP53" else [])])
        assert bad.exit_code == 2 and needle in bad.output and "Traceback" not in bad.output
    mismatch = indexed.dossier("TP53", "A175H", fasta=Path(proteins))
    assert mismatch.failed is not None and "is Arg, not Ala" in mismatch.missing[0] and mismatch.literature is not None
    with pytest.raises(BadInputError, match="unknown gene"):
        indexed.dossier("NOTAGENE1", "R175H")


def test_the_classifier_on_the_labelled_sample(tmp_path: Path) -> None:
    """The hand-labelled tmVar rows of bench/labels/variant_evidence.csv (the index rows need the sample index): a fall
    below these figures is a regression."""
    tmvar = shared("tmvar/train.PubTator.txt")
    rows = [line for line in LABELS.read_text().splitlines() if not line.startswith("index,")]
    labels = tmp_path / "tmvar_labels.csv"
    labels.write_text("\n".join(rows) + "\n")
    result = CliRunner().invoke(app, ["eval", "evidence-kinds", str(labels), "--tmvar", str(tmvar), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["n"] >= 80 and figures["kind"]["accuracy"] >= 0.85 and figures["direction"]["accuracy"] >= 0.6
