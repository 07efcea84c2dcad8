"""Variant mentions: recognition per written form, gene linking, storage with the papers, and their uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genelit.api import Assistant
from genelit.cli import app
from genelit.errors import BadInputError
from genelit.eval.mentions import read_pubtator, run_mention_eval
from genelit.index.medline import Deletion
from genelit.index.variant_links import VariantLinker
from genelit.index.variant_mentions import find_mentions, mention_key
from genelit.sequence.genes import GeneTable
from genelit.sequence.proteins import SequenceStore
from genelit.settings import IndexSettings, Settings
from genelit.tools.base import EvidenceLedger
from genelit.types import Paper
from tests.conftest import shared


@pytest.mark.parametrize(
    ("text", "kind", "key"),
    [
        ("p.Arg175His", "protein", "p.R175H"),
        ("p.(Arg175His)", "protein", "p.R175H"),
        ("p.R175H", "protein", "p.R175H"),
        ("R175H", "protein", "p.R175H"),
        ("Arg175His", "protein", "p.R175H"),
        ("Arg 175 His", "protein", "p.R175H"),
        ("arginine 175 to histidine", "protein", "p.R175H"),
        ("Phe-->Ser at codon 15", "protein", "p.F15S"),
        ("p.Arg213Ter", "protein", "p.R213*"),
        ("R213X", "protein", "p.R213*"),
        ("p.V311fs", "protein", "p.V311fs"),
        ("C105Vfs114X", "protein", "p.C105Vfs"),
        ("DeltaF508", "protein", "p.F508del"),
        ("c.524G>A", "dna", "c.524G>A"),
        ("524G>A", "dna", "c.524G>A"),
        ("G524A", "dna", "c.524G>A"),
        ("-308 G/A", "dna", "c.-308G>A"),
        ("c.1052delA", "dna", "c.1052delA"),
        ("IVS4+1G>A", "dna", "IVS4+1G>A"),
        ("IVSI-5 (G-->C)", "dna", "IVSI-5G>C"),
        ("rs1042522", "snp", "rs1042522"),
        ("reference SNP no. 4359426", "snp", "rs4359426"),
    ],
)
def test_each_written_form_is_one_mention_with_one_key(text: str, kind: str, key: str) -> None:
    found = find_mentions(f"We found {text} in two families.")
    assert [(m.text, m.kind, m.key) for m in found] == [(text, kind, key)]
    assert mention_key(text) == (kind, key)


@pytest.mark.parametrize(
    "text",
    ["T47D cells", "COVID-19 patients", "p53 and p21 levels", "Fig. 2A and Figure S1A", "H1N1 and H3N2", "A549 cells",
     "E2F1 and E2F targets", "type 1 diabetes (T1D)", "M6P receptor", "the G/G, G/A and A/A genotypes", "Cys2-His2 zinc fingers",
     "HLA-B*57:01", "IL-6 and CD4+ T cells", "in 2015, 10 patients"],
)
def test_things_that_are_not_variants_are_not_taken(text: str) -> None:
    assert find_mentions(text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [("KRAS G12C inhibitors such as sotorasib", "protein"), ("KRAS G12C and G12D tumours", "protein"),
     ("the OPRM1 A118G polymorphism", "dna"), ("G1681A (p.Asp561Gly) in exon 13", "dna"), ("the mtDNA A3243G mutation", "dna")],
)
def test_a_change_written_with_nucleotide_letters_is_read_by_its_context(text: str, kind: str) -> None:
    assert find_mentions(text)[0].kind == kind


def test_overlapping_forms_keep_the_longer_and_positions_are_exact() -> None:
    text = "exon 4 (c.524G>A; p.Arg175His) and G>A substitution at nucleotide +1 of intron 2"
    found = find_mentions(text)
    assert [text[m.start : m.end] for m in found] == ["c.524G>A", "p.Arg175His", "G>A substitution at nucleotide +1 of intron 2"]


def _paper(pmid: str, title: str, abstract: str, year: int = 2020) -> Paper:
    return Paper(pmid=pmid, title=title, abstract=abstract, journal="J Test", year=year)


def test_a_mention_takes_the_gene_named_nearest_before_it() -> None:
    linker = VariantLinker(GeneTable())
    paper = _paper("1", "TP53 R175H and KRAS G12D in tumours", "We also saw BRAF V600E. TP53 R273H was common.")
    assert [(m.key, m.gene) for m in linker.mentions(paper)] == [
        ("p.R175H", "TP53"), ("p.G12D", "KRAS"), ("p.V600E", "BRAF"), ("p.R273H", "TP53")]
    assert linker.mentions(_paper("2", "No genes here", "A change R175H was seen.")) == [
        find_mentions("No genes here A change R175H was seen.")[0]]


def test_a_mitochondrial_change_goes_to_a_mitochondrial_gene_or_none() -> None:
    linker = VariantLinker(GeneTable())
    paper = _paper("5", "MELAS in a family with MYH7 and POLG variants",
                   "The m.3243A>G change in MT-TL1 was found; POLG was normal. A second m.8344A>G carrier had no MYH7 change.")
    assert [(m.key, m.gene) for m in linker.mentions(paper)] == [("m.3243A>G", "MT-TL1"), ("m.8344A>G", "MT-TL1")]
    nuclear_only = _paper("6", "POLG and MELAS", "POLG was sequenced in patients with m.3243A>G.")
    assert [(m.key, m.gene) for m in linker.mentions(nuclear_only)] == [("m.3243A>G", None)]  # no mitochondrial gene named


def test_a_gene_written_right_after_the_change_owns_it_and_chemistry_is_no_deletion() -> None:
    linker = VariantLinker(GeneTable())
    paper = _paper("7", "Sotorasib with BCL-XL inhibitors", "AMG510 may work with MEK and BCL2L1 inhibitors in tumours with the "
                   "G12C KRAS mutation. We measured Δ9-THC and Δ9-tetrahydrocannabinol levels.")
    assert [(m.key, m.gene) for m in linker.mentions(paper)] == [("p.G12C", "KRAS")]


def test_one_variant_keeps_one_gene_in_a_paper() -> None:
    """Seen in the labelled sample: a later mention of an rsID drifted to the gene named nearest to it; a genotype
    after an rsID ('TG-GG') read as the gene TG; 'upregulated in GC' (gastric cancer) read as 'of the GC gene'."""
    linker = VariantLinker(GeneTable())
    paper = _paper("8", "BCL2 and MCL1 SNPs in colorectal cancer", "The BCL2 rs2279115 and MCL1 rs9803935 SNPs were typed. "
                   "MCL1 levels rose, and the rs2279115 genotypes were associated with stage. The rs4771436 TG-GG genotype "
                   "was common; rs4771436 in ERCC5 gene was correlated with response, and A>G and A>G changes were seen.")
    assert [(m.key, m.gene) for m in linker.mentions(paper) if m.key.startswith("rs")] == [
        ("rs2279115", "BCL2"), ("rs9803935", "MCL1"), ("rs2279115", "BCL2"), ("rs4771436", "ERCC5"), ("rs4771436", "ERCC5")]
    loose = _paper("9", "MST1R in gastric cancer", "The RON Δ160 variant was upregulated in GC cells.")
    assert [m.gene for m in linker.mentions(loose)] == ["MST1R"]  # five words before 'in' is no 'of/in GENE'


def test_a_receptor_status_is_no_gene_and_a_protein_casing_is() -> None:
    linker = VariantLinker(GeneTable())
    status = _paper("10", "PIK3CA in breast cancer", "Seven PIK3CA mutations (E545G and D350G) were only detected in HR+ subtypes.")
    assert [(m.key, m.gene) for m in linker.mentions(status)] == [("p.E545G", "PIK3CA"), ("p.D350G", "PIK3CA")]
    cased = _paper("11", "Innate immunity SNPs", "TLR4 (rs4986790) or MyD88 (rs4988453 and rs4988457) were typed.")
    assert [m.gene for m in linker.mentions(cased)] == ["TLR4", "MYD88", "MYD88"]


def test_an_rsid_far_from_any_gene_names_none_and_factor_shorthands_name_theirs() -> None:
    """Seen in the labelled sample: an imputed SNP given the gene of the sentence before; 'FV rs6025 and rs1800595,
    and FII rs62623459' given APOE, named earlier; loop 'L7' read as RPL7."""
    linker = VariantLinker(GeneTable())
    far = _paper("12", "eQTLs of TMEM163", "The region is an eQTL for TMEM163 and CCNT2. Colocalization supported a shared SNP, "
                 "rs842357, in linkage disequilibrium with another. TNF gene polymorphisms (rs1800629, rs361525, and "
                 "rs1799724) were typed.")
    assert [(m.key, m.gene) for m in linker.mentions(far)] == [
        ("rs842357", None), ("rs1800629", "TNF"), ("rs361525", "TNF"), ("rs1799724", "TNF")]  # a list is as near as its first
    factors = _paper("13", "Thrombophilia SNPs", "We typed APOE rs429358, FV rs6025 and rs1800595, and FII rs62623459.")
    assert [m.gene for m in linker.mentions(factors)] == ["APOE", "F5", "F5", "F2"]
    loop = _paper("14", "Loop walking", "Screening identified L7 as a hot-spot loop; the P233G mutant was stable.")
    assert [m.gene for m in linker.mentions(loop)] == [None]


def test_an_rsid_followed_only_by_a_genotype_like_symbol_names_no_gene() -> None:
    """'GC' after an rsID reads as a genotype, not the gene GC; with no gene before it in reach, the mention has none
    (this raised ValueError on a perturbed copy in bench/writers.py)."""
    paper = _paper("15", "", "SNHG5 polymorphisms in gastric cancer. These sites are not explored yet. The results indicate "
                   "rs61396151 with decreased risk of GC (OR = 0.78).")
    assert [(m.key, m.gene) for m in VariantLinker(GeneTable()).mentions(paper)] == [("rs61396151", None)]


def test_a_gene_written_by_its_full_name_is_linked() -> None:
    linker = VariantLinker(GeneTable())
    paper = _paper("4", "Resistance in lung cancer", "Mutations of the epidermal growth factor receptor such as L858R respond.")
    assert [(m.key, m.gene) for m in linker.mentions(paper)] == [("p.L858R", "EGFR")]


def test_the_reference_residue_decides_between_two_genes(tmp_path: Path) -> None:
    store = SequenceStore(tmp_path, 10_000)
    store.put("TP53", "NP_1", "M" * 174 + "R" + "A" * 50)  # residue 175 is Arg
    store.put("MDM2", "NP_2", "M" * 300)  # residue 175 is Met
    linker = VariantLinker(GeneTable(), store.stored)
    paper = _paper("3", "TP53 and MDM2", "In MDM2-amplified tumours the R175H change was absent.")
    (mention,) = linker.mentions(paper)
    assert mention.gene == "TP53"  # MDM2 is named nearer, but its residue 175 is not Arg


PAPERS = [
    _paper("101", "TP53 R175H in Li-Fraumeni families", "The TP53 p.Arg175His variant was found in 3 families.", 2019),
    _paper("102", "Hotspot mutants of p53", "TP53 mutants R175H and R273H gain functions; R175H is the most common.", 2021),
    _paper("103", "KRAS G12D in pancreatic cancer", "KRAS G12D and rs1042522 were typed.", 2020),
]


def test_mentions_go_in_and_out_with_their_papers(settings: Settings) -> None:
    assistant = Assistant(settings)
    assistant.index_records(PAPERS, "test")
    found = assistant.variant_literature("TP53", "R175H")
    assert found.papers == 2 and found.years == {2019: 1, 2021: 1} and found.note == ""
    assert [e.id for e in found.top] == ["PMID:102", "PMID:101"]  # two mentions rank first
    assert "R175H" in found.top[0].text and found.forms == ["R175H", "p.Arg175His"]
    assert assistant.variant_literature(None, "rs1042522").papers == 1
    # re-ingest with the variant gone, and a deletion: both leave the table consistent with the papers
    changed = PAPERS[0].model_copy(update={"abstract": "No variant was found.", "title": "TP53 in families", "version": 2})
    assistant.index_records([changed, Deletion(pmids=("102",))], "update")
    assert assistant.variant_literature("TP53", "p.R175H").papers == 0
    counts = assistant.variants_in(gene="KRAS")
    assert [(c.key, c.papers) for c in counts.variants] == [("p.G12D", 1), ("rs1042522", 1)]
    rows = assistant.index.manifest.db.execute("SELECT DISTINCT pmid FROM variant_mentions").fetchall()
    assert rows == [("103",)]


def test_an_index_without_mentions_says_so_and_remention_fills_them_in(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", index=IndexSettings(variant_mentions=False))
    Assistant(settings).index_records(PAPERS, "test")
    before = Assistant(Settings(data_dir=tmp_path / "data")).variant_literature("TP53", "R175H")
    assert before.papers == 0 and "genelit index remention" in before.note
    assert not Assistant(Settings(data_dir=tmp_path / "data")).index_stats().mentions_current
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "data"), "index", "remention", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"papers": 3, "mentions": 8}
    after = Assistant(Settings(data_dir=tmp_path / "data")).variant_literature("TP53", "R175H")
    assert after.papers == 2 and after.note == ""
    stats = Assistant(Settings(data_dir=tmp_path / "data")).index_stats()
    assert stats.mentions_current and stats.variant_mentions == 8


def test_variant_command_shows_the_papers_and_variants_in_lists_them(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    Assistant(Settings(data_dir=tmp_path / "data")).index_records(PAPERS, "test")
    runner = CliRunner()
    proteins = str(shared("variants/reference_proteins_8genes.fasta"))
    shown = runner.invoke(app, ["--data-dir", data, "variant", "TP53", "p.R175H", "--fasta", proteins])
    assert shown.exit_code == 0, shown.output
    assert "2 paper(s) name it, 2019–2021" in shown.output and "[PMID:102]" in shown.output
    listed = runner.invoke(app, ["--data-dir", data, "variants-in", "--gene", "TP53", "--json"])
    assert [(v["key"], v["papers"]) for v in json.loads(listed.stdout)["variants"]] == [("p.R175H", 2), ("p.R273H", 1)]
    absent = runner.invoke(app, ["--data-dir", data, "variants-in", "KRAS in cystic fibrosis", "--json"])
    assert json.loads(absent.stdout)["absent"] == ["cystic fibrosis"]  # said, not hidden behind KRAS's variants
    both = runner.invoke(app, ["--data-dir", data, "variants-in", "p53", "--gene", "TP53"])
    assert both.exit_code == 2 and "not both" in both.output


def test_the_tool_cites_the_papers_it_found(tmp_path: Path) -> None:
    assistant = Assistant(Settings(data_dir=tmp_path / "data"))
    assistant.index_records(PAPERS, "test")
    ledger = EvidenceLedger()
    call = assistant.answers.answerer.tools["variant_literature"].run(ledger, {"gene": "TP53", "variant": "p.Arg175His"})
    assert call.ok and call.observation.startswith("2 indexed paper(s) name TP53 p.Arg175His, 2019-2021")
    assert set(ledger.papers) == {"PMID:101", "PMID:102"}
    dossier = assistant.answers.answerer.tools["score_variant"].run(EvidenceLedger(), {"gene": "TP53", "variants": ["R175H", "G245S"]})
    lines = dossier.observation.splitlines()
    assert dossier.ok and lines[0].startswith("TP53 R175H: not scored (no protein sequence for TP53")  # no protein stored
    assert lines[1].startswith("2 indexed paper(s) name TP53 R175H") and "no indexed paper names TP53 G245S" in lines


def test_eval_mentions_reads_pubtator_and_meets_the_target_on_held_out_abstracts() -> None:
    path = shared("tmvar/train.PubTator.txt")
    result = run_mention_eval(path, "heldout")
    assert result.documents == 125 and result.gold == 330
    assert result.micro.strict.f1 >= 0.85  # the target on abstracts not used in development
    assert set(result.types) == {"DNAMutation", "ProteinMutation", "SNP"}
    out = CliRunner().invoke(app, ["eval", "mentions", str(path), "--split", "dev", "--json"])
    assert out.exit_code == 0
    assert set(json.loads(out.stdout)["micro"]) == {"strict", "overlap"}


def test_a_file_that_is_not_pubtator_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.txt"
    bad.write_text("12345|t|A title\nnot an annotation line\n")
    with pytest.raises(BadInputError, match="x.txt:2: not a PubTator line"):
        read_pubtator(bad)
    out = CliRunner().invoke(app, ["eval", "mentions", str(bad)])
    assert out.exit_code == 2 and "Traceback" not in out.output


def test_the_json_api_serves_variant_literature(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from genelit.server.app import create_app

    assistant = Assistant(Settings(data_dir=tmp_path / "data"))
    assistant.index_records(PAPERS, "test")
    with TestClient(create_app(assistant), base_url="http://127.0.0.1") as client:
        found = client.get("/api/variant-literature", params={"gene": "TP53", "variant": "p.Arg175His"}).json()
        assert found["papers"] == 2 and found["top"][0]["id"] == "PMID:102"
        listed = client.get("/api/variants-in", params={"query": "TP53 hotspot mutants"}).json()
        assert ("TP53", "p.R175H") in [(v["gene"], v["key"]) for v in listed["variants"]]
        refused = client.get("/api/variant-literature", params={"variant": "R175H"})
        assert refused.status_code == 400 and "needs its gene" in refused.json()["error"]


def test_remention_without_an_index_creates_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "none"), "index", "remention"])
    assert result.exit_code == 2 and "no literature index" in result.output
    assert not (tmp_path / "none" / "index").exists()
    neither = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "none"), "variants-in"])
    assert neither.exit_code == 2 and "give a query or a gene" in neither.output and "not both" not in neither.output


def test_the_answer_side_reads_a_variant_as_the_index_does() -> None:
    """Issue 23: one grammar. A paper the index files under TP53 p.R175H is one the answer's focus sees as naming it."""
    from genelit.agent.entities import extract
    from genelit.agent.mentions import focus_of

    genes = GeneTable()
    focus = focus_of(extract("Is TP53 p.R175H damaging?", genes), genes)
    assert focus.variants == ["TP53 p.Arg175His"]
    for written in ("the Arg 175 His change", "arginine 175 to histidine", "R175H", "p.Arg175His", "TP53 R175H/R273H"):
        assert "TP53 p.Arg175His" in focus.mentioned(written), written
        assert [m.key for m in find_mentions(written)][0] == "p.R175H"
    assert focus.mentioned("R175 was unchanged; R175L was seen") == []
