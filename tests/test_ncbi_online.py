"""ClinVar, dbSNP and BLAST online, each against the local fake NCBI: a normal answer, an empty one, 429/5xx, and a
BLAST search that finishes only after polling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genelit.api import Assistant
from genelit.cli import app
from genelit.errors import BadInputError, MissingResourceError, RemoteServiceError
from genelit.eval.geneturing import OnlineLookups, run_geneturing
from genelit.ncbi.records import NCBIRecords
from genelit.settings import EntrezSettings, Settings
from genelit.types import Paper
from tests.conftest import shared
from tests.fakes import FakeNCBI, FakeNCBIServer, FakeProvider, RecordingSleep, grounded_reply, scripted_chat_model

# esummary documents shaped as NCBI's JSON: the current form (germline_classification) and the pre-2024 one.
R175H = {"uid": "12375", "accession": "VCV000012375", "title": "NM_000546.6(TP53):c.524G>A (p.Arg175His)",
         "genes": [{"symbol": "TP53", "geneid": "7157"}],
         "germline_classification": {"description": "Pathogenic", "review_status": "criteria provided, multiple submitters, no conflicts",
                                     "last_evaluated": "2024/01/30 00:00",
                                     "trait_set": [{"trait_name": "Li-Fraumeni syndrome"}, {"trait_name": "Hereditary cancer-predisposing syndrome"}]},
         "variation_set": [{"variation_xrefs": [{"db_source": "OMIM", "db_id": "191170.0005"},
                                                {"db_source": "dbSNP", "db_id": "28934578"}]}]}
R175C = {"uid": "376649", "accession": "VCV000376649", "title": "NM_000546.6(TP53):c.523C>T (p.Arg175Cys)",
         "genes": [{"symbol": "TP53"}], "germline_classification": {"description": "Likely pathogenic", "trait_set": []},
         "note": "names p.Arg175His in passing"}
OLD_FORM = {"uid": "17661", "accession": "VCV000017661", "title": "NM_007294.4(BRCA1):c.181T>G (p.Cys61Gly)",
            "genes": [{"symbol": "BRCA1"}], "clinical_significance": {"description": "Pathogenic", "review_status": "reviewed by expert panel"},
            "trait_set": [{"trait_name": "Breast-ovarian cancer, familial 1"}]}
RS1042522 = {"uid": "1042522", "snp_id": 1042522, "chr": "17", "chrpos": "17:7676154", "genes": [{"name": "TP53", "gene_id": "7157"}],
             "docsum": "HGVS=NC_000017.11:g.7676154G>C|SEQ=[G/C]|LEN=1|GENE=TP53:7157", "snp_class": "snv",
             "clinical_significance": "benign,drug-response"}
# global_mafs as dbSNP's esummary gives them: ALLELE=frequency/count, and a study that measured nothing as 0./0
RS28934578 = {"uid": "28934578", "chr": "17", "chrpos": "17:7675088", "genes": [{"name": "TP53"}], "snp_class": "snv",
              "global_mafs": [{"study": "GnomAD", "freq": "T=0.000004/1"}, {"study": "ALFA", "freq": "T=0./0"},
                              {"study": "TOPMED", "freq": "T=0.000008/2"}]}
RS_SPDI = {"uid": "429358", "chr": "19", "chrpos": "19:44908684", "genes": [{"name": "APOE"}],
           "spdi": "NC_000019.10:44908683:T:C", "snp_class": "snv"}


def blast_xml(hits: list[tuple[str, str, int, int, int, int, int]], query_length: int = 128) -> str:
    """BLAST XML as NCBI's Get returns it: hits of (accession, title, identity, align length, q from, q to, s from)."""
    body = []
    for accession, title, identity, length, q_from, q_to, s_from in hits:
        body.append(
            f"<Hit><Hit_id>gi|1|ref|{accession}|</Hit_id><Hit_def>{title}</Hit_def><Hit_accession>{accession}</Hit_accession>"
            f"<Hit_len>100000</Hit_len><Hit_hsps><Hsp><Hsp_num>1</Hsp_num><Hsp_bit-score>230.5</Hsp_bit-score>"
            f"<Hsp_evalue>3e-58</Hsp_evalue><Hsp_query-from>{q_from}</Hsp_query-from><Hsp_query-to>{q_to}</Hsp_query-to>"
            f"<Hsp_hit-from>{s_from}</Hsp_hit-from><Hsp_hit-to>{s_from + length - 1}</Hsp_hit-to><Hsp_identity>{identity}</Hsp_identity>"
            f"<Hsp_align-len>{length}</Hsp_align-len></Hsp></Hit_hsps></Hit>")
    return (f'<?xml version="1.0"?>\n<BlastOutput><BlastOutput_program>blastn</BlastOutput_program><BlastOutput_db>nt</BlastOutput_db>'
            f"<BlastOutput_query-len>{query_length}</BlastOutput_query-len><BlastOutput_iterations><Iteration>"
            f"<Iteration_hits>{''.join(body)}</Iteration_hits></Iteration></BlastOutput_iterations></BlastOutput>")


HUMAN_HIT = ("NC_000015.10", "Homo sapiens chromosome 15, GRCh38.p14 Primary Assembly", 128, 128, 1, 128, 91950805)
WORM_HIT = ("NC_003280.10", "Caenorhabditis elegans chromosome II", 100, 104, 1, 104, 5000)


class FakeClock:
    """A clock that moves only when the code under test sleeps, so polling is tested without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _state(**kw: object) -> FakeNCBI:
    return FakeNCBI(articles=[], records={"clinvar": {d["uid"]: d for d in (R175H, R175C, OLD_FORM)},
                                         "snp": {"1042522": RS1042522, "429358": RS_SPDI,
                                                 "28934578": RS28934578}}, **kw)  # type: ignore[arg-type]


def _entrez(server: FakeNCBIServer, **kw: object) -> EntrezSettings:
    values = {"email": "test@example.org", "base_url": server.base_url, "blast_url": server.blast_url, "max_retries": 2,
              "backoff_s": 0.01, "blast_interval_s": 0.001, "blast_poll_s": 60.0, **kw}
    return EntrezSettings(**values)  # type: ignore[arg-type]


def test_clinvar_returns_the_exact_change_only_and_reads_both_forms() -> None:
    with FakeNCBIServer(_state()) as server:
        records = NCBIRecords(_entrez(server), sleep=RecordingSleep())
        (found,) = records.clinvar("TP53", "p.Arg175His")  # R175C mentions the phrase but is another change
        assert found.citation_id == "ClinVar:VCV000012375" and found.classification == "Pathogenic"
        assert found.conditions[0] == "Li-Fraumeni syndrome" and found.last_evaluated == "2024/01/30"
        assert found.review_status.startswith("criteria provided")
        (old,) = records.clinvar("BRCA1", "p.Cys61Gly")
        assert (old.classification, old.review_status, old.conditions) == ("Pathogenic", "reviewed by expert panel",
                                                                           ["Breast-ovarian cancer, familial 1"])
        assert records.clinvar("TP53", "p.Arg273His") == []
        assert found.rsid == "rs28934578" and old.rsid is None


def test_dbsnp_frequencies_per_study_leave_out_studies_that_measured_nothing() -> None:
    with FakeNCBIServer(_state()) as server:
        records = NCBIRecords(_entrez(server), sleep=RecordingSleep())
        found = records.frequencies("rs28934578")
        assert [(f.study, f.allele, f.frequency, f.count) for f in found.frequencies] == [
            ("GnomAD", "T", 4e-06, 1), ("TOPMED", "T", 8e-06, 2)]
        assert found.citation_id == "dbSNP:rs28934578" and found.highest is not None and found.highest.study == "TOPMED"
        none = records.frequencies("rs1042522")
        assert none.frequencies == [] and "no population frequency" in none.note


def test_clinvar_retries_429_and_5xx_then_gives_a_clear_error() -> None:
    with FakeNCBIServer(_state(failures=["429", "500"], retry_after="1")) as server:
        sleep = RecordingSleep()
        assert NCBIRecords(_entrez(server), sleep=sleep).clinvar("TP53", "p.Arg175His")[0].accession == "VCV000012375"
        assert sleep.delays[0] == 1.0  # Retry-After was honoured
    with FakeNCBIServer(_state(failures=["500"] * 3)) as server:
        with pytest.raises(RemoteServiceError, match="failed after 3 tries: HTTP 500"):
            NCBIRecords(_entrez(server), sleep=RecordingSleep()).clinvar("TP53", "p.Arg175His")


def test_snp_gives_the_grch38_position_genes_and_alleles() -> None:
    with FakeNCBIServer(_state()) as server:
        records = NCBIRecords(_entrez(server), sleep=RecordingSleep())
        snp = records.snp("rs1042522")
        assert (snp.location, snp.genes, snp.alleles) == ("chr17:7676154", ["TP53"], ["G", "C"])
        assert snp.clinical_significance == ["benign", "drug-response"]
        assert records.snp("RS429358").alleles == ["T", "C"]  # from the SPDI when the docsum has no SEQ
        with pytest.raises(BadInputError, match="dbSNP has no record rs999"):
            records.snp("rs999")
        with pytest.raises(BadInputError, match="not an rsID"):
            records.snp("chr17:7676154")


def test_a_slow_blast_search_is_polled_within_ncbi_limits_until_ready() -> None:
    state = _state(blast_waiting=2, blast_xml=blast_xml([HUMAN_HIT, WORM_HIT]))
    with FakeNCBIServer(state) as server:
        clock = FakeClock()
        waits: list[float] = []
        result = NCBIRecords(_entrez(server, blast_interval_s=10.0), sleep=clock.sleep, clock=clock).blast(
            "ACGT" * 32, "megablast", "nt", on_wait=lambda rid, s: waits.append(s))
        assert result.rid in state.blast_rids and state.blast_rids[result.rid] == 3
        # NCBI's estimate first, then a status check once a minute, and 10 s between any two requests (the last)
        assert clock.sleeps == [12.0, 60.0, 60.0, pytest.approx(10.0)]
        assert waits == [12.0, 72.0]
        top = result.hits[0]
        assert (top.accession, top.identity, top.coverage, top.hit_from) == ("NC_000015.10", 1.0, 1.0, 91950805)
        assert result.hits[1].identity == pytest.approx(100 / 104, abs=1e-4)
        puts = [r for r in state.requests if r.get("CMD") == "Put"]
        assert puts[0]["PROGRAM"] == "blastn" and puts[0]["MEGABLAST"] == "on"


def test_a_blast_search_that_never_finishes_names_its_rid() -> None:
    with FakeNCBIServer(_state(blast_waiting=10**6)) as server:
        clock = FakeClock()
        with pytest.raises(RemoteServiceError, match=r"BLAST search \w+ still running after \d+ s"):
            NCBIRecords(_entrez(server, blast_max_wait_s=200), sleep=clock.sleep, clock=clock).blast("ACGT" * 10)


def test_blast_refuses_a_query_of_the_wrong_alphabet_before_going_online(tmp_path: Path) -> None:
    with FakeNCBIServer(_state()) as server:
        assistant = Assistant(Settings(data_dir=tmp_path, entrez=_entrez(server)))
        with pytest.raises(BadInputError, match="blastp takes a protein query"):
            assistant.blast("ACGTACGTACGTACGTACGT", "blastp")
        assert not server.state.requests


def test_offline_each_lookup_says_how_to_go_online(tmp_path: Path) -> None:
    assistant = Assistant(Settings(data_dir=tmp_path))
    with pytest.raises(MissingResourceError, match="no contact email"):
        assistant.snp("rs1042522")
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "clinvar", "TP53", "R175H"])
    assert result.exit_code == 2 and "GENELIT_ENTREZ__EMAIL" in result.output
    assert "clinvar" not in assistant.answers.answerer.tools  # offline, the tools are not offered


def test_variant_shows_clinvar_online_and_the_cli_lookups_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proteins = str(shared("variants/reference_proteins_8genes.fasta"))
    with FakeNCBIServer(_state()) as server:
        for key, value in {"EMAIL": "test@example.org", "BASE_URL": server.base_url, "BLAST_URL": server.blast_url}.items():
            monkeypatch.setenv(f"GENELIT_ENTREZ__{key}", value)
        runner = CliRunner()
        shown = runner.invoke(app, ["--data-dir", str(tmp_path), "variant", "TP53", "R175H", "--fasta", proteins])
        assert shown.exit_code == 0, shown.output
        assert "ClinVar · TP53 p.Arg175His (database record, online)" in shown.output
        assert "[ClinVar:VCV000012375] Pathogenic" in shown.output and "calibrated score" in shown.output
        assert "[dbSNP:rs28934578] allele frequencies" in shown.output and "GnomAD: T 4e-06" in shown.output
        dossier = Assistant(Settings(data_dir=tmp_path)).dossier("TP53", "R175H", fasta=Path(proteins))
        assert dossier.clinvar is not None and dossier.clinvar.records[0].rsid == "rs28934578"
        assert dossier.population is not None and len(dossier.population.frequencies) == 2
        assert not any(m.startswith(("ClinVar", "population")) for m in dossier.missing)
        snp = runner.invoke(app, ["--data-dir", str(tmp_path), "snp", "rs1042522", "--json"])
        assert json.loads(snp.stdout)["chromosome"] == "17"


def test_the_pipeline_asks_clinvar_online_and_its_record_is_cited(tmp_path: Path) -> None:
    with FakeNCBIServer(_state()) as server:
        settings = Settings(data_dir=tmp_path, entrez=_entrez(server))
        model = scripted_chat_model(grounded_reply(findings=(("NCBI ClinVar", "ClinVar classifies TP53 p.Arg175His as pathogenic."),)))
        assistant = Assistant(settings, llm=FakeProvider(model, local=True))
        assistant.index_records([Paper(pmid="7", title="TP53 R175H", abstract="TP53 R175H is a hotspot.", year=2020)], "t")
        answer = assistant.ask("What is known about TP53 p.Arg175His?", mode="pipeline")
        assert "score_variant" in [c.tool for c in answer.trace] and "clinvar" in [m.tool for m in answer.model_outputs]
        (record,) = [c for c in answer.citations if c.kind == "record"]
        assert record.id == "ClinVar:VCV000012375" and record.model == "NCBI ClinVar (online)"


def test_geneturing_online_answers_the_snp_and_alignment_tasks(tmp_path: Path) -> None:
    questions = {
        "SNP location": {"Which chromosome does SNP rs1042522 locate on human genome?": "chr17"},
        "Gene SNP association": {"Which gene is SNP rs429358 associated with?": "APOE"},
        "Human genome DNA aligment": {"Align the DNA sequence to the human genome:" + "ACGT" * 32: "chr15:91950805-91950932"},
        "Gene disease association": {"What are genes related to Distal renal tubular acidosis?": "SLC4A1, ATP6V0A4"},
    }
    path = tmp_path / "geneturing.json"
    path.write_text(json.dumps(questions))
    with FakeNCBIServer(_state(blast_xml=blast_xml([HUMAN_HIT]))) as server:
        clock = FakeClock()
        records = NCBIRecords(_entrez(server), sleep=clock.sleep, clock=clock)
        result = run_geneturing(path, Assistant(Settings(data_dir=tmp_path)).gene,
                                OnlineLookups(snp=records.snp, blast=lambda s: records.blast(s, "megablast")))
    assert {task: (t.score, t.answered) for task, t in result.tasks.items()} == {
        "SNP location": (1.0, 1), "Gene SNP association": (1.0, 1), "Human genome DNA aligment": (1.0, 1),
        "Gene disease association": (0.0, 0)}
    offline = run_geneturing(path, Assistant(Settings(data_dir=tmp_path)).gene)
    assert offline.tasks["SNP location"].answered == 0 and "--online" in offline.tasks["SNP location"].note
