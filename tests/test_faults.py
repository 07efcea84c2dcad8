"""The fault matrix: every fault a careless or hostile user can cause ends in one clear line, never a traceback.

Each row is (argv, env, files) -> (exit code, message pattern), run through the real CLI: in one CliRunner
where a process is not needed, in a subprocess where it is (bytes in argv, another user). The rows follow
../shared/reviews/robustness-d01123f.md; the hypothesis sweep throws random text at every input-taking command.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from genelit.agent.llm import free_port
from genelit.api import Assistant
from genelit.cli import app
from genelit.settings import Settings
from tests.conftest import MEDLINE_SAMPLE, shared
from tests.fakes import ARTICLE, write_xml

runner = CliRunner()
TRACEBACK = "Traceback (most recent call last)"
BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>&lol7;</ArticleTitle>
</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>&xxe;</ArticleTitle>
</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""
TP53 = ("MEEPQSDPSVEPPLSQETFSDLWKLLPENNVLSPLPSQAMDDLMLSPDDIEQWFTEDPGPDEAPRMPEAAPPVAPAPAAPTPAAPAPAPSWPLSSSVPSQKTYQGSYGFRLGFL"
        "HSGTAKSVTCTYSPALNKMFCQLAKTCPVQLWVDSTPPPGTRVRAMAIYKQSQHMTEVVRRCPHHERCSDSDGLAPPQHLIRVEGNLRVEYLDDRNTFRHSVVVPYEPPEVGSDC")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The faulty inputs of the review, made once."""
    folder = tmp_path_factory.mktemp("faults")
    (folder / "bad.toml").write_text("[index\nbatch_papers = = 3\n")
    (folder / "badbytes.toml").write_bytes(b"\xff\xfe[index]\n")
    (folder / "badtype.toml").write_text('[index]\nbatch_papers = "many"\n')
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 40)
    # Random bytes led by two that are neither a gzip magic, '<', whitespace nor 'PMID-', so the case is the same every
    # run: bare os.urandom started with '<' about once in 250 runs and met the XML parser instead.
    (folder / "random.xml.gz").write_bytes(b"\x00\x93" + os.urandom(4096).replace(b"\x1f\x8b", b"xx"))
    (folder / "random.txt").write_bytes(b"\x00\x93" + os.urandom(2048))
    with gzip.open(folder / "empty.xml.gz", "wb"):
        pass
    (folder / "trunc.xml.gz").write_bytes(MEDLINE_SAMPLE.read_bytes()[:60_000] if MEDLINE_SAMPLE.exists() else b"")
    (folder / "bomb.xml").write_text(BOMB)
    (folder / "xxe.xml").write_text(XXE)
    (folder / "latin1.txt").write_bytes("PMID- 99999991\nTI  - Café gene study\nAB  - Naïve résumé of a gene.\n".encode("latin-1"))
    (folder / "latin1.fasta").write_bytes(">NP_1 KRAS café\nMTEYKLVVVG\n".encode("latin-1"))
    (folder / "hugeline.txt").write_text("PMID- 99999994 AB  - " + "x" * 300_000 + "\n")
    (folder / "dna.fasta").write_text(">NM_x HRAS dna\n" + "ATGACGGAATATAAGCTG" * 12 + "\n")
    (folder / "dup.fasta").write_text(">NP_1 KRAS first\nMTEYKLVVVGAGGVGKSALT\n>NP_2 KRAS second\nMTEYKLVVVGAGGVGKSALA\n")
    (folder / "tp53.fasta").write_text(f">NP_000537.3 TP53\n{TP53}\n")
    (folder / "tp53_other.fasta").write_text(f">NP_OTHER.1 TP53\n{TP53}\n")
    (folder / "adir").mkdir()
    (folder / "bioasq.json").write_text(json.dumps({"questions": [{"id": "q1", "type": "factoid", "body": "Which gene?",
                                                                  "snippets": [{"text": "BRCA1.", "document": "x/1"}]}]}))
    (folder / "bom.fasta").write_bytes(b"\xef\xbb\xbf>bom1\nATGAAACCCGGGTTTTAAATG\n")
    with gzip.open(folder / "orf.fa.gz", "wt") as packed:
        packed.write(">gz1\nATGAAACCCGGGTTTTAAATG\n")
    huge = "Gene variants were studied. " * 4000  # 112,000 characters
    write_xml(folder / "huge.xml", ARTICLE.format(pmid=42, version=1, abstract=huge))
    write_xml(folder / "versions.xml", ARTICLE.format(pmid=7, version=1, abstract="BRCA1 carriers, first version.")
              + ARTICLE.format(pmid=7, version=2, abstract="BRCA1 carriers, second version.")
              + ARTICLE.format(pmid=8, version=1, abstract="TP53 in tumours."))
    write_xml(folder / "good.xml", ARTICLE.format(pmid=9, version=1, abstract="CFTR variants and lung function."))
    return folder


def cli(argv: list[str], env: dict[str, str | None] | None = None, stdin: str | None = None,
        assistant: Assistant | None = None) -> tuple[int, str, str]:
    """Run the CLI in-process; `assistant` shares loaded models between calls, as one long-lived process would."""
    result = runner.invoke(app, argv, env=env, input=stdin, obj=assistant)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{argv}: {type(result.exception).__name__}: {result.exception}")  # a traceback, for real
    return result.exit_code, result.stdout, result.stderr


# (argv with {f} for the files folder and {d} for a fresh data dir, env, expected exit code, pattern in the output)
ROWS: list[tuple[str, list[str], dict[str, str], int, str]] = [
    # settings (A5-A9, B9, B10, A4)
    ("corrupt toml", ["index", "stats"], {"GENELIT_CONFIG": "{f}/bad.toml"}, 2, r"bad\.toml is not valid TOML: Expected"),
    ("non-UTF-8 toml", ["index", "stats"], {"GENELIT_CONFIG": "{f}/badbytes.toml"}, 2, r"badbytes\.toml is not UTF-8 text"),
    ("wrong type in toml", ["index", "stats"], {"GENELIT_CONFIG": "{f}/badtype.toml"}, 2,
     r"setting index\.batch_papers = 'many' \(from .*badtype\.toml\): Input should be a valid integer"),
    ("wrong type in env", ["index", "stats"], {"GENELIT_INDEX__BATCH_PAPERS": "abc"}, 2,
     r"index\.batch_papers = 'abc' \(from GENELIT_INDEX__BATCH_PAPERS\)"),
    ("out of range in env", ["index", "stats"], {"GENELIT_INDEX__BATCH_PAPERS": "0"}, 2, r"greater than or equal to 1"),
    ("missing config", ["index", "stats"], {"GENELIT_CONFIG": "{f}/nowhere.toml"}, 2, r"GENELIT_CONFIG names .*nowhere\.toml.*does not exist"),
    ("config is a folder", ["index", "stats"], {"GENELIT_CONFIG": "{f}/adir"}, 2, r"which is a folder"),
    ("empty data dir", ["index", "stats"], {"GENELIT_DATA_DIR": ""}, 2, r"data_dir = '' \(from GENELIT_DATA_DIR\): is empty"),
    ("data dir is a file", ["index", "stats"], {"GENELIT_DATA_DIR": "{f}/good.xml"}, 2, r"is a file, not a folder"),
    # inputs (A11-A14, C1-C5)
    ("binary geneturing", ["eval", "geneturing", "{f}/binary.bin"], {}, 2, r"binary\.bin: not UTF-8 text"),
    ("binary pubmedqa", ["eval", "pubmedqa", "{f}/binary.bin", "--mode", "extractive"], {}, 2, r"binary\.bin: not UTF-8 text"),
    ("binary retrieval", ["eval", "retrieval", "{f}/binary.bin"], {}, 2, r"binary\.bin: not UTF-8 text"),
    ("binary bioasq", ["eval", "bioasq", "{f}/binary.bin", "--mode", "extractive"], {}, 2, r"binary\.bin: not UTF-8 text"),
    ("bioasq without questions", ["eval", "bioasq", "{f}/adir/../bad.toml"], {}, 2, r"is not JSON"),
    ("bioasq unknown type", ["eval", "bioasq", "{f}/bioasq.json", "--types", "essay"], {}, 2, r"unknown BioASQ type 'essay'"),
    ("binary support pairs", ["eval", "support", "{f}/binary.bin"], {}, 2, r"binary\.bin: not UTF-8 text"),
    ("binary variants csv", ["eval", "variants", "{f}/binary.bin", "--proteins", "{f}/tp53.fasta"], {}, 2, r"not a CSV text file"),
    ("binary proteins", ["eval", "variants", "{f}/binary.bin", "--proteins", "{f}/binary.bin"], {}, 2, r"not UTF-8 text|not FASTA"),
    ("random bytes as xml.gz", ["index", "files", "{f}/random.xml.gz"], {}, 2, r"not PubMed XML or MEDLINE text"),
    ("random bytes as txt", ["index", "files", "{f}/random.txt"], {}, 2, r"not PubMed XML or MEDLINE text"),
    ("empty gzip", ["index", "files", "{f}/empty.xml.gz"], {}, 2, r"no content \(empty once decompressed\)"),
    ("xml bomb", ["index", "files", "{f}/bomb.xml"], {}, 2, r"entity declarations are refused"),
    ("xxe", ["index", "files", "{f}/xxe.xml"], {}, 2, r"entity declarations are refused"),
    ("latin-1 medline", ["index", "files", "{f}/latin1.txt"], {}, 2, r"latin1\.txt: not UTF-8 text .*iconv"),
    ("latin-1 fasta", ["seq", "add", "{f}/latin1.fasta"], {}, 2, r"latin1\.fasta: not UTF-8 text"),
    ("scan to a missing folder", ["scan", "TP53", "--region", "1-3", "--fasta", "{f}/tp53.fasta", "-o", "{f}/nowhere/x.png"], {}, 2,
     r"the folder .*nowhere does not exist"),
    ("scan to a text file", ["scan", "TP53", "--region", "1-3", "--fasta", "{f}/tp53.fasta", "-o", "{f}/x.txt"], {}, 2,
     r"cannot draw a heatmap as 'x\.txt'"),
    ("scan to a folder", ["scan", "TP53", "--region", "1-3", "--fasta", "{f}/tp53.fasta", "-o", "{f}/adir"], {}, 2, r"adir is a folder"),
    ("oversized gene name", ["gene", "TP53 " * 30_000], {}, 2, r"unknown gene 'TP53 TP53.*more characters\)"),
    # nothing silently skipped (B2, B3, C7, C8)
    ("dna as protein", ["seq", "add", "{f}/dna.fasta"], {}, 2, r"NM_x is DNA, not a protein .*--translate"),
    ("two sequences for one gene", ["seq", "add", "{f}/dup.fasta"], {}, 2, r"two different sequences for KRAS \(NP_1 and NP_2\)"),
    ("reset without a terminal", ["index", "reset"], {}, 2, r"pass --yes"),
    ("partial variant batch", ["variant", "TP53", "R175H", "garbage", "--fasta", "{f}/tp53.fasta"], {}, 1,
     r"error: garbage: cannot read variant"),
    # options (C4)
    ("k out of range", ["search", "x", "--k", "0"], {}, 2, r"^error: Invalid value for '--k'"),
    ("limit out of range", ["index", "files", "{f}/good.xml", "--limit", "0"], {}, 2, r"^error: Invalid value for '--limit'"),
    # robustness-b009928: 3 (a position past Python's digit limit), 5 (mistakes found before the work), 6 (smaller items)
    ("5,000-digit variant position", ["variant", "TP53", "p.R" + "1" * 5000 + "H", "--fasta", "{f}/tp53.fasta"], {}, 2,
     r"position '1111.*more characters\)' is too large \(at most 1,000,000,000\)"),
    ("5,000-digit coding position", ["variant", "TP53", "c." + "1" * 5000 + "A>G", "--cds", "{f}/dna.fasta"], {}, 2,
     r"coding position '1111.*' is too large"),
    ("5,000-digit scan region", ["scan", "TP53", "--region", "1-" + "9" * 5000, "--fasta", "{f}/tp53.fasta"], {}, 2,
     r"region position '9999.*' is too large"),
    ("report in agent mode", ["report", "TP53", "--mode", "agent"], {}, 2, r"'agent' is not one of 'auto', 'pipeline', 'extractive'"),
    ("report into /proc", ["report", "TP53", "--mode", "extractive", "-o", "/proc/r.html"], {}, 2, r"cannot write /proc/r\.html"),
    ("report into a missing folder", ["report", "TP53", "--mode", "extractive", "-o", "{f}/missing/folder/r.html"], {}, 2,
     r"the folder .*missing/folder does not exist"),
    ("bib into /proc", ["report", "TP53", "--mode", "extractive", "-o", "{d}.md", "--bib", "/proc/x.bib"], {}, 2,
     r"cannot write /proc/x\.bib"),
    ("scan into /proc", ["scan", "TP53", "--region", "1-3", "--fasta", "{f}/tp53.fasta", "-o", "/proc/x.png"], {}, 2,
     r"cannot write /proc/x\.png"),
    ("annotate into /proc", ["annotate", "--seq", "ATGAAACCCGGGTTTTAA", "--orfs", "-o", "/proc/x.gff3"], {}, 2, r"cannot write /proc/x\.gff3"),
    ("multi-record FASTA as --seq", ["annotate", "--seq", ">a\nATGAAACCCGGGTTTTAA\n>b\nATGCCCAAATTTGGGTAG", "--orfs", "--min-orf", "3"],
     {}, 0, r"a: dna, 18 residues.*b: dna, 18 residues"),
    ("FASTA with a UTF-8 BOM", ["annotate", "{f}/bom.fasta", "--orfs", "--min-orf", "3"], {}, 0, r"bom1: dna, 21 residues"),
    ("gzipped FASTA", ["annotate", "{f}/orf.fa.gz", "--orfs", "--min-orf", "3"], {}, 0, r"gz1: dna, 21 residues"),
    ("genes update from a bad file", ["genes", "update", "--from", "{f}/binary.bin"], {}, 2,
     r"cannot read .*faults.*/binary\.bin as gzipped gene_info"),
]


@pytest.mark.parametrize(("name", "argv", "env", "code", "pattern"), ROWS, ids=[r[0] for r in ROWS])
def test_fault_matrix(files: Path, tmp_path: Path, name: str, argv: list[str], env: dict[str, str], code: int, pattern: str) -> None:
    def fill(value: str) -> str:
        return value.replace("{f}", str(files)).replace("{d}", str(tmp_path / "data"))

    full = ["--data-dir", str(tmp_path / "data"), *map(fill, argv)] if "GENELIT_DATA_DIR" not in env else list(map(fill, argv))
    got, stdout, stderr = cli(full, {k: fill(v) for k, v in env.items()})
    output = stdout + stderr
    assert got == code, output
    assert TRACEBACK not in output
    assert re.search(pattern, " ".join(output.split()), re.M), output[-2000:]
    if code == 2:
        lines = [line for line in stderr.splitlines() if line.strip() and "━" not in line]
        assert lines and lines[-1].startswith("error:") and len(lines[-1]) < 1_500, stderr[-2000:]


def test_json_errors_are_one_object(files: Path, tmp_path: Path) -> None:
    code, stdout, _ = cli(["--data-dir", str(tmp_path), "index", "stats", "--json"], {"GENELIT_INDEX__BATCH_PAPERS": "abc"})
    assert code == 2 and set(json.loads(stdout)) == {"error", "hint"}
    code, stdout, _ = cli(["--data-dir", str(tmp_path), "search", "x", "--k", "0", "--json"])
    assert code == 2 and json.loads(stdout)["error"].startswith("Invalid value for '--k'")


def test_a_bad_file_does_not_stop_the_others(files: Path, tmp_path: Path) -> None:
    argv = ["--data-dir", str(tmp_path), "index", "files", str(files / "good.xml"), str(files / "binary.bin"), str(files / "versions.xml")]
    code, stdout, stderr = cli([*argv, "--json"])
    summary = json.loads(stdout)
    assert code == 1 and [Path(r["source"]).name for r in summary["reports"]] == ["good.xml", "versions.xml"]
    assert summary["failures"][0]["source"].endswith("binary.bin") and "not PubMed XML" in summary["failures"][0]["error"]
    code, stdout, stderr = cli(["--data-dir", str(tmp_path / "ff"), "index", "files", "--fail-fast", str(files / "good.xml"),
                                str(files / "binary.bin"), str(files / "versions.xml")])
    assert code == 1 and "Indexed good.xml" in stdout and "versions.xml" not in stdout and "error:" in stderr


def test_counters_add_up_and_long_records_are_cut(files: Path, tmp_path: Path) -> None:
    code, stdout, _ = cli(["--data-dir", str(tmp_path), "index", "files", str(files / "versions.xml"), str(files / "huge.xml"), "--json"])
    versions, huge = json.loads(stdout)
    assert code == 0 and (versions["read"], versions["added"], versions["superseded"]) == (3, 2, 1)
    skips = ("skipped_no_abstract", "skipped_topic", "malformed", "superseded")
    for report in (versions, huge):
        assert report["read"] == report["added"] + report["updated"] + report["unchanged"] + sum(report[k] for k in skips)
    assert huge["truncated"] == 1
    code, stdout, _ = cli(["--data-dir", str(tmp_path), "search", "gene variants", "--json"])
    assert len(next(h for h in json.loads(stdout) if h["id"] == "PMID:42")["paper"]["abstract"]) == Settings().index.max_abstract_chars
    code, stdout, _ = cli(["--data-dir", str(tmp_path), "index", "files", str(files / "hugeline.txt"), "--json"])
    summary = json.loads(stdout)
    assert code == 1 and summary["reports"][0]["malformed"] == 1 and len(stdout) < 3_000  # the 300 KB line is not echoed back
    assert "all 1 records are malformed; nothing was indexed" in summary["failures"][0]["error"]


def test_truncated_gzip_keeps_what_was_read(files: Path, tmp_path: Path) -> None:
    if not (files / "trunc.xml.gz").stat().st_size:
        pytest.skip("the MEDLINE sample is not present")
    code, stdout, stderr = cli(["--data-dir", str(tmp_path), "index", "files", str(files / "trunc.xml.gz"), "--json"])
    report = json.loads(stdout)["reports"][0]
    assert code == 1 and report["added"] > 0
    assert re.search(r"breaks off after [\d,]+ of 60,000 bytes", json.loads(stdout)["failures"][0]["error"])
    assert f"the {report['added']} papers read before it are indexed" in json.loads(stdout)["failures"][0]["error"]


def test_seq_add_names_what_it_replaces(files: Path, tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    assert cli([*data, "seq", "add", str(files / "tp53.fasta")])[0] == 0
    code, stdout, stderr = cli([*data, "seq", "add", str(files / "tp53_other.fasta")])
    assert code == 0 and "warning: TP53 replaced: NP_000537.3 -> NP_OTHER.1" in " ".join(stderr.split())
    code, stdout, _ = cli([*data, "seq", "add", str(files / "dup.fasta"), "--replace", "--json"])
    assert code == 0 and json.loads(stdout)[0]["accession"] == "NP_2"
    code, stdout, _ = cli([*data, "seq", "add", str(files / "dna.fasta"), "--translate", "--json"])
    assert code == 0 and json.loads(stdout)[0] == {"gene": "HRAS", "accession": "NM_x", "length": 72, "replaced": None}


def test_partial_variant_json_lists_the_bad_one(files: Path, tmp_path: Path) -> None:
    code, stdout, _ = cli(["--data-dir", str(tmp_path), "variant", "TP53", "R175H", "garbage", "--fasta", str(files / "tp53.fasta"), "--json"])
    report = json.loads(stdout)
    bad = report["dossiers"][1]["computational"]
    assert code == 1 and bad == {"variant": "garbage", "error": bad["error"]} and "cannot read variant" in bad["error"]


def test_damaged_index_files(small_index: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(small_index.data_dir, copy)
    for part in (copy / "index" / "bm25").iterdir():
        part.write_bytes(os.urandom(100))
    code, stdout, _ = cli(["--data-dir", str(copy), "search", "pitch processing", "--k", "2", "--json"])
    assert code == 0 and len(json.loads(stdout)) == 2  # BM25 rebuilt from the manifest, the source of truth
    (copy / "index" / "manifest.sqlite").write_bytes(os.urandom(4096))
    for name in ("manifest.sqlite-wal", "manifest.sqlite-shm"):
        (copy / "index" / name).unlink(missing_ok=True)
    code, _, stderr = cli(["--data-dir", str(copy), "index", "stats"])
    assert code == 2 and "is unreadable or corrupt" in stderr and "index reset" in stderr


def test_bytes_that_are_not_utf8_in_argv(small_index: Settings) -> None:
    # Only a real process can receive them: Python hands undecodable argv bytes on as lone surrogates.
    done = subprocess.run([sys.executable, "-m", "genelit.cli", "--data-dir", str(small_index.data_dir), "search", b"\xff\xfe BRCA1"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and TRACEBACK not in done.stderr
    assert "the query has bytes that are not UTF-8 text (at character 1)" in done.stderr


def _other_user_python() -> list[str] | None:
    """A command that runs this venv's genelit as user nobody, or None where that cannot be done here."""
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if os.geteuid() != 0 or shutil.which("setpriv") is None or not system.exists():
        return None
    site = next(p for p in sys.path if p.endswith("site-packages"))
    root = Path(__file__).resolve().parents[1]
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-u", "GENELIT_CONFIG", f"PYTHONPATH={site}:{root}",
            "HOME=/tmp", str(system), "-m", "genelit.cli"]


@pytest.fixture
def read_only_copy(small_index: Settings):
    """The small index copied where another user can reach it, every folder and file made read-only."""
    base = Path(tempfile.mkdtemp(prefix="genelit-shared-", dir="/tmp"))
    base.chmod(0o755)
    copy = base / "data"
    shutil.copytree(small_index.data_dir, copy, ignore=shutil.ignore_patterns("sequences"))
    for folder, _dirs, names in os.walk(copy):
        os.chmod(folder, 0o555)
        for name in names:
            os.chmod(Path(folder) / name, 0o444)
    yield copy
    for folder, _dirs, _names in os.walk(base):
        os.chmod(folder, 0o755)
    shutil.rmtree(base)


def test_a_read_only_index_serves_another_user(read_only_copy: Path) -> None:
    command = _other_user_python()
    if command is None:
        pytest.skip("needs root, setpriv and a system Python of this version to run as another user")
    shared_copy = read_only_copy
    state = Path(tempfile.mkdtemp(prefix="genelit-state-", dir="/tmp"))  # the other user's own state folder
    os.chown(state, 65534, 65534)
    command = [*command[:-3], f"XDG_STATE_HOME={state}", *command[-3:]]

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*command, "--data-dir", str(shared_copy), *argv], capture_output=True, text=True, timeout=300,
                              check=False, cwd="/tmp")

    stats = run("index", "stats", "--json")
    assert stats.returncode == 0, stats.stderr[-2000:]
    assert json.loads(stats.stdout)["papers"] == 120
    search = run("search", "pitch processing", "--k", "2", "--json")
    assert search.returncode == 0 and len(json.loads(search.stdout)) == 2, search.stderr[-2000:]
    log = shared_copy / "history.sqlite"  # the shared index's own log, if its owner asked questions: never touched
    before = log.read_bytes() if log.exists() else None
    answer = run("ask", "How does language experience shape pitch processing?", "--mode", "extractive", "--json")
    assert answer.returncode == 0 and json.loads(answer.stdout)["citations"], answer.stderr[-2000:]
    kept = run("logs", "-n", "1", "--json")  # the shared folder stays untouched; the answer is kept in the user's own
    assert kept.returncode == 0 and json.loads(kept.stdout)[0]["answer"]["question"].startswith("How does language"), kept.stderr
    assert (log.read_bytes() if log.exists() else None) == before and list(state.rglob("history-*.sqlite"))
    write = run("index", "files", str(shared("pubmed_xml/biopython_Entrez/pubmed2.xml")))
    assert write.returncode == 2 and "is read-only for this user" in write.stderr and TRACEBACK not in write.stderr


# Every command that takes input offline, with the random text as its input (robustness-b009928 asked for all, not five).
COMMANDS = [["gene"], ["variant", "TP53", "--fasta", "{f}/tp53.fasta", "--"], ["variant", "TP53", "--cds", "{f}/dna.fasta", "--"],
            ["scan", "TP53", "--fasta", "{f}/tp53.fasta", "--region"], ["annotate", "--seq"], ["annotate", "--orfs", "--seq"],
            ["align", "MKTAYIAKQRQISFVKSHFSRQ", "--"], ["search"], ["search", "pitch", "--year"], ["search", "pitch", "--journal"],
            ["ask", "--mode", "extractive", "--"], ["report", "--mode", "extractive", "--"], ["variants-in", "--"],
            ["variants-in", "--gene"], ["index", "files", "--"], ["index", "pubmed", "--"], ["seq", "add", "--"],
            ["genes", "update", "--from"], ["clinvar", "TP53", "--"], ["snp", "--"]]
TEXT = st.one_of(st.text(min_size=1, max_size=300), st.binary(min_size=1, max_size=200).map(lambda b: b.decode("latin-1")),
                 st.text(alphabet="ACGTN>*()[]{}:;.,?!-_ \n\t\\'\"", min_size=1, max_size=5_000))


@pytest.fixture(scope="module")
def warm(small_index: Settings) -> Assistant:
    return Assistant(small_index)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(COMMANDS), text=TEXT)
def test_random_input_never_tracebacks(warm: Assistant, files: Path, command: list[str], text: str) -> None:
    if text.startswith("-") and command[-1] != "--":
        text = " " + text  # an argument that looks like an option is the parser's business, tested above
    argv = [part.replace("{f}", str(files)) for part in command]
    code, stdout, stderr = cli([*argv, text.replace("\x00", "")], assistant=warm)
    assert code in (0, 1, 2) and TRACEBACK not in stdout + stderr


# -- robustness-b009928, finding 2 and 5: a failure never costs the user a file they had ------------------------
def test_a_refused_annotate_keeps_the_earlier_results(files: Path, tmp_path: Path) -> None:
    gff3, faa = tmp_path / "keep.gff3", tmp_path / "keep.faa"
    code, _, stderr = cli(["--data-dir", str(tmp_path / "d"), "annotate", "--seq", "ATGAAACCCGGGTTTTAA" * 10, "--orfs",
                           "--min-orf", "3", "-o", str(gff3), "--proteins", str(faa)])
    assert code == 0 and "wrote 1 record(s)" in stderr
    before = gff3.read_bytes(), faa.read_bytes()
    assert before[0].startswith(b"##gff-version 3") and before[1].startswith(b">")
    for refused in (["{f}/binary.bin"], ["--seq", "ATGC" * 500]):  # binary input; over the DNA limit set below
        argv = [part.replace("{f}", str(files)) for part in refused]
        code, _, stderr = cli(["--data-dir", str(tmp_path / "d"), "annotate", *argv, "-o", str(gff3), "--proteins", str(faa)],
                              {"GENELIT_SEQUENCE__MAX_DNA_LENGTH": "1000"})
        assert code == 2 and "wrote" not in stderr and TRACEBACK not in stderr, stderr
        assert (gff3.read_bytes(), faa.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.faa", "keep.gff3"]  # no scratch file left behind


def test_an_unwritable_bib_is_refused_before_the_report_is_built(files: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    code, _, stderr = cli(["--data-dir", str(tmp_path / "d"), "report", "TP53", "--mode", "extractive", "-o", str(report),
                           "--bib", "/proc/x.bib"])
    assert code == 2 and "cannot write /proc/x.bib" in stderr and not report.exists()
    assert "no literature index" not in stderr  # the path was checked first: the (missing) index was never reached


# -- robustness-b009928 on the real server, in its own process ----------------------------------------------------
TOKEN = "s3cret-token-for-the-fault-tests"


@pytest.fixture(scope="module")
def server(small_index: Settings, tmp_path_factory: pytest.TempPathFactory, files: Path) -> Iterator[tuple[str, Path]]:
    """`genelit serve` with a token, over a copy of the small index that holds TP53's protein; its base URL and log."""
    data = tmp_path_factory.mktemp("served") / "data"
    shutil.copytree(small_index.data_dir, data)
    assert cli(["--data-dir", str(data), "seq", "add", str(files / "tp53.fasta")])[0] == 0
    port = free_port()
    log = data.parent / "server.log"
    env = {**os.environ, "GENELIT_SERVER__TOKEN": TOKEN}
    with open(log, "wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "genelit.cli", "--data-dir", str(data), "serve", "--port", str(port)],
                                   stdout=sink, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    assert process.poll() is None, log.read_text()[-2000:]
    yield base, log
    process.terminate()
    process.wait(30)


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _shape(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error", "hint"} and body["error"], body
    return body


@pytest.mark.parametrize("token", ["", "   ", "\t"])
def test_a_blank_token_is_refused_off_loopback(small_index: Settings, token: str) -> None:
    done = subprocess.run([sys.executable, "-m", "genelit.cli", "--data-dir", str(small_index.data_dir), "serve", "--host", "0.0.0.0",
                           "--port", str(free_port())], env={**os.environ, "GENELIT_SERVER__TOKEN": token},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and TRACEBACK not in done.stderr
    assert "exposes genelit to the network, and no token is set" in done.stderr  # the same message as no token at all


def test_the_token_is_checked_before_the_body_is_read(server: tuple[str, Path]) -> None:
    base, _ = server
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": f"Basic {TOKEN}"}):
        refused = httpx.post(f"{base}/api/ask", content=b"{not json", headers={**headers, "Content-Type": "application/json"})
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert _shape(refused)["error"] == "missing or wrong token"
    assert httpx.get(f"{base}/api/gene/TP53", headers=AUTH).json()["genes"][0]["symbol"] == "TP53"


def test_only_the_served_host_names_are_answered(server: tuple[str, Path]) -> None:
    base, _ = server
    rebound = httpx.get(f"{base}/api/gene/TP53", headers={**AUTH, "Host": "evil.example.com"})
    assert rebound.status_code == 421 and "evil.example.com" in _shape(rebound)["error"]
    for host in ("localhost", f"127.0.0.1:{base.rsplit(':', 1)[1]}"):
        assert httpx.get(f"{base}/api/gene/TP53", headers={**AUTH, "Host": host}).status_code == 200


def test_every_http_error_has_the_error_and_hint_shape(server: tuple[str, Path]) -> None:
    base, log = server
    assert _shape(httpx.get(f"{base}/api/nowhere", headers=AUTH)) and httpx.get(f"{base}/api/nowhere", headers=AUTH).status_code == 404
    wrong_method = httpx.delete(f"{base}/api/gene/TP53", headers=AUTH)
    assert wrong_method.status_code == 405 and "see /docs" in _shape(wrong_method)["hint"]
    not_utf8 = httpx.post(f"{base}/api/variant", content=b'{"gene": "\xff\xfe"}', headers={**AUTH, "Content-Type": "application/json"})
    assert 400 <= not_utf8.status_code < 500 and _shape(not_utf8)
    assert "Traceback" not in log.read_text()


def test_a_5000_digit_position_is_a_clear_error_not_a_500(server: tuple[str, Path]) -> None:
    base, log = server
    long_variant = "p.R" + "1" * 5000 + "H"
    answer = httpx.post(f"{base}/api/variant", json={"gene": "TP53", "variants": [long_variant, "p.R175H"]}, headers=AUTH)
    assert answer.status_code == 200
    failed, scored = (d["computational"] for d in answer.json()["dossiers"])
    assert "is too large (at most 1,000,000,000)" in failed["error"] and scored["variant"]["hgvs"] == "p.Arg175His"
    scan = httpx.post(f"{base}/api/scan", json={"gene": "TP53", "region": "1-" + "9" * 30}, headers=AUTH)
    assert scan.status_code == 400 and "too large" in _shape(scan)["error"]
    assert "Traceback" not in log.read_text()


def test_multi_record_fasta_is_annotated_through_the_api(server: tuple[str, Path]) -> None:
    base, _ = server
    fasta = ">a\nATGAAACCCGGGTTTTAA\n>b\nATGCCCAAATTTGGGTAG\n"
    annotated = httpx.post(f"{base}/api/annotate", json={"sequence": fasta, "min_orf_aa": 3}, headers=AUTH)
    assert annotated.status_code == 200 and [a["id"] for a in annotated.json()] == ["a", "b"]


# -- robustness-b009928, finding 5: nothing is left behind by a kill ----------------------------------------------
def _gone(pid: int) -> bool:
    """True once `pid` has exited (a zombie that nobody reaps has exited too)."""
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return bool(condition())


def test_sigterm_during_a_model_download_removes_its_scratch_folder(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from genelit.cli.app import Terminated, stop_cleanly_on_sigterm\n"
        "from genelit.agent.gguf import QWEN_0_5B, ensure_model\n"
        "stop_cleanly_on_sigterm()\n"
        "def fetch(requirement, folder):\n"
        "    print('fetching', flush=True)\n"
        "    time.sleep(120)\n"
        "try:\n"
        "    ensure_model(QWEN_0_5B, Path(sys.argv[1]), fetch)\n"
        "except Terminated:\n"
        "    sys.exit(143)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "fetching"
    assert [p.name.startswith(f".assemble-{process.pid}-") for p in tmp_path.iterdir()] == [True]
    process.terminate()
    assert process.wait(30) == 143
    assert list(tmp_path.iterdir()) == []


def test_a_lifeline_child_ends_with_its_parent_even_after_sigkill(tmp_path: Path) -> None:
    parent = (
        "import subprocess, sys, time\n"
        "from genelit import lifeline\n"
        "child = subprocess.Popen(lifeline.command('http.server', ['0', '--bind', '127.0.0.1']), start_new_session=True,\n"
        "                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    child = int(process.stdout.readline())
    assert _wait_until(lambda: "http.server" in Path(f"/proc/{child}/cmdline").read_text(errors="replace"), 30)
    process.kill()  # SIGKILL: the parent runs no cleanup of its own
    process.wait(30)
    assert _wait_until(lambda: _gone(child), 20), "the child outlived its parent"


@pytest.mark.parametrize(("death", "said"), [("os.kill(os.getpid(), signal.SIGILL)", "illegal instruction (SIGILL)"),
                                             ("sys.exit(3)", "exited with code 3")])
def test_a_dead_local_server_is_named_in_the_fallback_note(tmp_path: Path, death: str, said: str) -> None:
    """A client sees only a refused connection; the note says what happened to the server, and for SIGILL (a build
    with CPU instructions this machine refuses) how to rebuild."""
    from genelit.agent.llm import LLMProvider, LocalLlamaServer
    from genelit.settings import LLMSettings

    server = LocalLlamaServer(tmp_path / "model.gguf", "m", LLMSettings(), tmp_path / "llm-server.log")
    server.process = subprocess.Popen([sys.executable, "-c", f"import os, signal, sys; {death}"])
    server.process.wait(30)
    provider = LLMProvider(LLMSettings(), tmp_path)
    assert provider.unreachable_reason(ConnectionError("Connection error.")) == "Connection error."  # no server yet
    provider._server = server
    reason = provider.unreachable_reason(ConnectionError("Connection error."))
    assert said in reason and ("GENELIT_REBUILD_LLAMA=1" in reason) == ("SIGILL" in said)
