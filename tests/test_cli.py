"""The command line: help with examples, --json, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genelit.cli import app
from genelit.settings import Settings
from tests.conftest import shared
from tests.fakes import ARTICLE, write_xml

runner = CliRunner()

def leaf_commands() -> list[list[str]]:
    """Every command the app registers, walked from typer's own tree, so a new command cannot be missed."""
    from typer.main import get_command

    def walk(group, path: list[str]) -> list[list[str]]:
        found = []
        for name, command in group.commands.items():
            found += walk(command, [*path, name]) if hasattr(command, "commands") else [[*path, name]]
        return found

    return walk(get_command(app), [])


def test_every_command_is_walked() -> None:
    assert len(leaf_commands()) >= 17 and ["eval", "pubmedqa"] in leaf_commands() and ["seq", "add"] in leaf_commands()


@pytest.mark.parametrize("command", leaf_commands(), ids=" ".join)
def test_help_has_examples(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--data-dir", str(data_dir), *args])
    return result.exit_code, result.output


def assert_one_line_error(code: int, output: str, needle: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines[-1].startswith("error:") and needle in " ".join(lines)


def test_bad_input_exits_2_with_one_line(tmp_path: Path, small_index: Settings) -> None:
    assert_one_line_error(*run(tmp_path, "index", "files", str(tmp_path / "missing.xml")), "cannot read")
    (tmp_path / "notes.txt").write_text("hello")
    assert_one_line_error(*run(tmp_path, "index", "files", str(tmp_path / "notes.txt")), "not PubMed XML or MEDLINE text")
    assert_one_line_error(*run(tmp_path, "search", "BRCA1"), "literature index")
    assert_one_line_error(*run(tmp_path / "fresh", "search", "BRCA1"), "no literature index")
    assert_one_line_error(*run(small_index.data_dir, "search", " "), "empty query")
    assert_one_line_error(*run(small_index.data_dir, "search", "brain", "--year", "1999-1990"), "bad year filter")
    assert_one_line_error(*run(small_index.data_dir, "search", "brain", "--mesh", ""), "empty MeSH filter")


def test_model_mismatch_exits_2(small_index: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENELIT_EMBEDDING__MODEL", "another/model")
    assert_one_line_error(*run(small_index.data_dir, "search", "brain"), "built with embedding model")


def test_search_and_stats_json(small_index: Settings) -> None:
    code, output = run(small_index.data_dir, "search", "pitch processing", "--k", "3", "--json")
    assert code == 0
    hits = json.loads(output)
    assert len(hits) == 3 and all(h["id"].startswith("PMID:") and h["paper"]["title"] for h in hits)
    code, output = run(small_index.data_dir, "index", "stats", "--json")
    assert code == 0
    assert json.loads(output)["papers"] == 120


def test_search_table_names_papers(small_index: Settings) -> None:
    code, output = run(small_index.data_dir, "search", "pitch processing", "--k", "2")
    assert code == 0 and "PMID:" in output and "pubmed.ncbi.nlm.nih.gov" in output


def test_search_says_why_a_higher_score_can_come_later(small_index: Settings) -> None:
    """Issue 25: papers naming the query's gene come first, so a higher score can be listed later; each hit says so."""
    code, output = run(small_index.data_dir, "search", "TP53 mutations in cancer", "--k", "10", "--json")
    assert code == 0
    hits = json.loads(output)
    focus = [h["on_focus"] for h in hits]
    assert None not in focus and focus == sorted(focus, reverse=True)  # every hit judged; those naming TP53 first
    assert False in focus  # the 120 abstracts name TP53 in few papers, if any: off-focus hits are listed
    code, table = run(small_index.data_dir, "search", "TP53 mutations in cancer", "--k", "10")
    assert "papers that name the query's gene or variant come first" in table
    assert table.count("does not name the query's gene or variant") == focus.count(False)


def test_index_files_reports_counts(tmp_path: Path) -> None:
    code, output = run(tmp_path, "index", "files", str(shared("pubmed_xml/biopython_Entrez/pubmed2.xml")), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["added"] == 2 and report["read"] == 2


def test_the_ray_engine_without_ray_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # what a machine without the scale extra sees: import ray fails
    source = write_xml(tmp_path / "one.xml", ARTICLE.format(pmid=11, version=1, abstract="BRCA1 carriers were followed."))
    assert_one_line_error(*run(tmp_path / "data", "index", "files", str(source), "--engine", "ray"), "genelit[scale]")
    assert not (tmp_path / "data" / "index" / "manifest.sqlite").exists()  # refused before anything was written


def test_the_ray_engine_refuses_a_foreign_file_as_the_local_one_does(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert_one_line_error(*run(tmp_path / "data", "index", "files", str(tmp_path / "notes.txt"), "--engine", "ray"),
                          "not PubMed XML or MEDLINE text")
    assert_one_line_error(*run(tmp_path / "data", "index", "files", str(tmp_path / "missing.xml"), "--engine", "ray"), "cannot read")
    assert not (tmp_path / "data" / "index").exists()  # refused before Ray starts or the index is made


def test_a_ray_cluster_nobody_runs_is_named_at_once(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the scale extra (Ray) is not installed")
    source = write_xml(tmp_path / "one.xml", ARTICLE.format(pmid=11, version=1, abstract="BRCA1 carriers were followed."))
    for address, needle in (("127.0.0.1:1", "no Ray cluster answers at 127.0.0.1:1"), ("head-node", "not a Ray address")):
        assert_one_line_error(*run(tmp_path / "data", "index", "files", str(source), "--engine", "ray", "--ray-address", address),
                              needle)
    assert not (tmp_path / "data" / "index" / "manifest.sqlite").exists()


def test_index_reset_needs_yes_without_a_terminal(tmp_path: Path) -> None:
    source = write_xml(tmp_path / "one.xml", ARTICLE.format(pmid=11, version=1, abstract="BRCA1 carriers were followed."))
    assert run(tmp_path / "data", "index", "files", str(source))[0] == 0
    assert_one_line_error(*run(tmp_path / "data", "index", "reset"), "pass --yes")
    assert json.loads(run(tmp_path / "data", "index", "stats", "--json")[1])["papers"] == 1
    assert run(tmp_path / "data", "index", "reset", "--yes") == (0, "index deleted\n")
    assert_one_line_error(*run(tmp_path / "data", "index", "stats"), "no literature index")
