"""Reports: sections planned and written like answers, citations resolved and numbered by first use, exports."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genelit.api import Assistant
from genelit.cli import app
from genelit.errors import BadInputError, MissingResourceError
from genelit.report import pdf, print_pdf, render
from genelit.services.reports import supported_only
from genelit.settings import Settings
from genelit.text.citations import citation_ids
from tests.conftest import shared
from tests.fakes import FakeProvider, scripted_chat_model

TOPIC = "language experience and pitch processing"


@pytest.fixture(scope="module")
def extractive_report(small_index: Settings):
    return Assistant(small_index).report(TOPIC, mode="extractive")


def test_sections_and_citations_resolve(extractive_report) -> None:
    report = extractive_report
    assert [s.kind for s in report.sections] == ["summary", "background", "findings", "conflicts", "methods"]
    assert report.mode == "extractive" and report.title.startswith("Language experience and pitch processing")
    ids = {r.id for r in report.references} | {m.id for m in report.model_outputs}
    cited = [cid for s in report.sections for cid in citation_ids(s.text)]
    assert cited and set(cited) <= ids  # every citation resolves to a reference or a model output
    first_use = list(dict.fromkeys(c for c in cited if c.startswith("PMID:")))
    assert [r.id for r in report.references] == first_use  # numbered in order of first use
    assert [r.number for r in report.references] == list(range(1, len(first_use) + 1))
    sentences = [line for s in report.sections[:4] for line in s.text.splitlines() if line.startswith("- ")]
    assert len(sentences) == len(set(sentences))  # no finding stated twice


def test_markdown_and_html_have_no_dangling_numbers(extractive_report) -> None:
    report = extractive_report
    n = len(report.references)
    for rendered in (render(report, "md"), re.sub(r"<[^>]+>", "", render(report, "html"))):
        body = rendered.split("References")[0]
        assert "PMID:" not in body  # every paper citation became its number
        numbers = {int(x) for group in re.findall(r"\[(\d+(?:, \d+)*)\]", body) for x in group.split(", ")}
        assert numbers == set(range(1, n + 1))  # each number cited, none dangling
    html = render(report, "html")
    assert all(f'id="ref-{i}"' in html for i in range(1, n + 1)) and '<meta name="viewport"' in html and "@media print" in html
    years = next(f for f in report.figures if f.id == "years")
    assert base64.b64decode(years.png_base64 or "")[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"data:image/png;base64,{years.png_base64}" in html  # one self-contained file


def test_bibtex_and_ris(extractive_report) -> None:
    report = extractive_report
    bib, ris = render(report, "bib"), render(report, "ris")
    assert bib.count("@article{pmid") == len(report.references) == ris.count("TY  - JOUR") == ris.count("ER  - ")
    first = report.references[0].paper
    assert f"@article{{pmid{first.pmid}," in bib and f"AN  - PMID:{first.pmid}" in ris and f"UR  - {first.url}" in ris


def test_gene_and_variant_sections_cite_model_outputs(small_index: Settings) -> None:
    assistant = Assistant(small_index)
    assistant.add_sequences(shared("variants/reference_proteins_8genes.fasta"))
    report = assistant.report("TP53 p.R175H and p.R248W in tumours", mode="extractive")
    kinds = [s.kind for s in report.sections]
    assert kinds[2] == "genes" and "variants" in kinds
    variants = next(s for s in report.sections if s.kind == "variants").text
    assert ("TP53 p.Arg175His (missense; named in the topic): indeterminate (no computational evidence) (calibrated score"
            in variants and "[M2]" in variants and "tolerated" not in variants)
    assert [m.tool for m in report.model_outputs] == ["gene_info", "score_variant", "score_variant"]
    figures = {f.id: f for f in report.figures}
    assert figures["scores"].table[1][0] == "p.Arg175His" and figures["scores"].table[1][5] == "M2"
    assert figures["scores"].table[1][3] == "indeterminate (no computational evidence)"
    assert base64.b64decode(figures["scan"].png_base64 or "")[:4] == b"\x89PNG"


@pytest.mark.parametrize("local", [True, False], ids=["local model", "endpoint (auto means agent)"])
def test_pipeline_writes_each_section_with_one_call(small_index: Settings, local: bool) -> None:
    def write(messages) -> str:
        """Like a faithful model that also guesses once: it restates the first evidence line, then adds a claim no
        paper makes, tied to the same line (the grammar lets it pick only a line that was offered)."""
        first = re.search(r"^(E\d+) \[PMID:\d+\] (.+)$", messages[-1].content, re.M)
        assert first, "no paper reached the model"
        return json.dumps({"findings": [{"evidence": first.group(1), "claim": first.group(2)},
                                        {"evidence": first.group(1), "claim": "Moon phases govern tone perception in every listener."}]})

    model = scripted_chat_model(*[write] * 4)
    report = Assistant(small_index, llm=FakeProvider(model, local=local)).report(TOPIC)
    assert report.mode == "pipeline" and len(model.seen) == 4  # one LLM call per literature section, no tool loop
    for section in report.sections[:4]:
        assert "Moon phases" not in section.text and section.dropped == 1  # the guess is left out, and counted
        assert re.fullmatch(r"[^\[]+ \[PMID:\d+\]\.?", section.text.strip()), section.text  # the quoted finding stays, cited
        assert any("left out 1 sentence" in note for note in section.notes)
    assert "The literature sections were written by scripted." in report.sections[-1].text


def test_cli_report_files_and_errors(small_index: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["--data-dir", str(small_index.data_dir), "report", TOPIC, "--mode", "extractive", "-o", str(out),
                                 "--bib", str(tmp_path / "r.bib"), "--ris", str(tmp_path / "r.ris")])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<!DOCTYPE html>") and (tmp_path / "r.bib").read_text().startswith("@article")
    assert "sections," in result.stderr and "wrote" in result.stderr
    result = runner.invoke(app, ["--data-dir", str(small_index.data_dir), "report", TOPIC, "--mode", "extractive", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["sections"][0]["kind"] == "summary"
    result = runner.invoke(app, ["--data-dir", str(small_index.data_dir), "report", TOPIC, "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 2 and "end the name in .html, .md or .pdf" in result.stderr
    with pytest.raises(BadInputError, match="empty topic"):
        Assistant(small_index).report("  ")


def test_report_leaves_out_what_its_citations_do_not_support() -> None:
    draft = ("TP53 is studied [PMID:1]. It raises risk [PMID:2]. It raises risk [PMID:2]. A guess [PMID:3] [unsupported]\n\n"
             "[PMID:1] [PMID:3] [unsupported]\nThe findings [in vitro] hold [PMID:4].")
    text, dropped = supported_only(draft)
    assert text == "TP53 is studied [PMID:1]. It raises risk [PMID:2].\n\nThe findings [in vitro] hold [PMID:4]."
    assert dropped == 2  # the repeat and the guess; a bare run of citations is no sentence
    assert supported_only("Open questions include:\n- A guess [PMID:3]. [unsupported]") == ("", 2)  # a lead-in cites nothing
    meta = ("The evidence from [PMID:4] and [PMID:6] suggests better survival. These papers discuss CFTR [PMID:5]. "
            "It is caused by the [F508del] variant. CFTR variants cause cystic fibrosis [PMID:5].")
    assert supported_only(meta) == ("CFTR variants cause cystic fibrosis [PMID:5].", 3)


def test_time_budget_turns_later_sections_extractive(small_index: Settings) -> None:
    model = scripted_chat_model()  # any call would fail: the budget must stop the model from being asked
    tight = small_index.model_copy(update={"answer": small_index.answer.model_copy(update={"report_budget_s": 1e-9})})
    report = Assistant(tight, llm=FakeProvider(model, local=True)).report(TOPIC)
    assert model.seen == [] and report.mode == "extractive"
    assert any("budget for LLM-written sections ran out before 'Summary'" in n for n in report.notes)
    for section in report.sections[:4]:  # each section says itself why it quotes rather than states
        assert any(n.startswith("quoted, not written: the 1e-09 s the model may spend") for n in section.notes), section.notes


def test_a_topic_whose_disease_no_paper_mentions_is_said_once_and_not_padded(small_index: Settings) -> None:
    """newcomer-b009928: a Li-Fraumeni report filled with p53 sentences about other diseases."""
    report = Assistant(small_index).report("TP53 missense variants in Li-Fraumeni syndrome", mode="extractive")
    line = "No retrieved paper mentions Li-Fraumeni syndrome, so nothing below speaks to it."
    assert report.notes[0] == line and report.sections[0].text == f"{line}\n\nThe indexed literature does not answer this."
    literature = [s for s in report.sections if s.kind in ("summary", "background", "findings", "conflicts")]
    assert [s.text.splitlines()[-1] for s in literature] == ["The indexed literature does not answer this."] * 4
    assert not any("quotes the evidence" in n for s in literature for n in s.notes)


# -- the HTML in a real browser, and PDF ------------------------------------------------------
def test_html_in_headless_chromium(extractive_report, chromium: str, tmp_path: Path) -> None:
    from PIL import Image, ImageStat
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(render(extractive_report, "html"), encoding="utf-8")
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--disable-background-networking", "--disable-component-update"])
        try:
            for width, height in ((1280, 900), (390, 844)):  # a desktop window, then a phone
                page = browser.new_page(viewport={"width": width, "height": height})
                page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
                page.on("pageerror", lambda exc: problems.append(str(exc)))
                page.on("request", lambda req: None if req.url.startswith(("file:", "data:")) else problems.append(req.url))
                page.goto(page_file.as_uri(), wait_until="load")
                shot = tmp_path / f"report-{width}.png"
                page.screenshot(path=str(shot))
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                images = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
                page.close()
                assert overflow <= 0, f"the page scrolls sideways at {width} px"
                assert images and all(images)  # every inline figure decoded
                with Image.open(shot) as img:
                    grey = img.convert("L")
                    assert ImageStat.Stat(grey).stddev[0] > 10 and len(grey.getcolors(256 * 256) or []) > 8  # text drawn, not blank
        finally:
            browser.close()
    assert problems == []  # no console errors, no page errors, no request leaving the file


def test_pdf_printed_by_chromium(extractive_report, chromium: str, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    assert print_pdf(extractive_report, target, chromium) == "chromium"
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 2
    letter = tmp_path / "letter.pdf"
    print_pdf(extractive_report, letter, chromium, "Letter")

    def page_points(pdf_bytes: bytes) -> tuple[int, int]:
        box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf_bytes)
        assert box, "no MediaBox"
        return round(float(box.group(1))), round(float(box.group(2)))

    assert page_points(data) in ((595, 842), (596, 843)) and page_points(letter.read_bytes()) == (612, 792)  # A4 by default


def test_pdf_without_an_engine_says_how_to_get_one(small_index: Settings, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(pdf, "weasyprint_installed", lambda: False)
    with pytest.raises(MissingResourceError, match="no browser at '/nonexistent/chromium'") as caught:
        pdf.pdf_engine("/nonexistent/chromium")
    assert "apt install chromium" in str(caught.value) and "genelit[pdf]" in str(caught.value)
    monkeypatch.setenv("GENELIT_ANSWER__REPORT_BROWSER", "/nonexistent/chromium")
    result = CliRunner().invoke(app, ["--data-dir", str(small_index.data_dir), "report", TOPIC, "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2 and "apt install chromium" in result.stderr and "section" not in result.stderr  # refused before work
