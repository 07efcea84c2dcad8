"""The index with its real parts: the packaged embedding model, Chroma on disk, bm25s, the manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from genelit.api import Assistant
from genelit.errors import BadInputError, IndexConflictError, MissingResourceError
from genelit.index.chunking import chunk_papers
from genelit.index.embeddings import Embedder
from genelit.index.lexical import TantivyLexical
from genelit.settings import EmbeddingSettings, Settings
from genelit.types import Paper
from tests.conftest import MEDLINE_SAMPLE
from tests.fakes import ARTICLE, write_xml


def test_index_holds_every_chunk_once(small_index: Settings) -> None:
    assistant = Assistant(small_index)
    stats = assistant.index_stats()
    assert stats.papers == 120
    assert stats.chunks == stats.vectors >= 120
    assert stats.embedding_model == "sentence-transformers/all-MiniLM-L6-v2"
    assert stats.embedding_dim == 384
    assert stats.lexical_current
    assert stats.disk_bytes > 0


def test_known_item_search_finds_the_paper_first(small_index: Settings) -> None:
    assistant = Assistant(small_index)
    paper = assistant.index.manifest.papers(["17942999"])["17942999"]
    hits = assistant.search(paper.title, k=5)
    assert hits[0].id == "PMID:17942999"
    assert set(hits[0].retrievers) == {"bm25", "dense"}
    assert hits[0].paper.journal == "Restorative neurology and neuroscience"
    assert len({h.id for h in hits}) == len(hits)


def test_dense_alone_finds_a_paraphrase(small_index: Settings) -> None:
    assistant = Assistant(small_index)
    hits = assistant.search("how the brain responds to musical tone differences in Chinese speakers", k=5, retrievers=("dense",))
    assert "PMID:17942999" in [h.id for h in hits]
    assert all(set(h.retrievers) == {"dense"} for h in hits)


def test_filters_apply_to_both_retrievers(small_index: Settings) -> None:
    assistant = Assistant(small_index)
    for retrievers in (("bm25",), ("dense",), ("bm25", "dense")):
        hits = assistant.search("brain", k=20, year="2014-2015", retrievers=retrievers)
        assert hits and all(h.paper.year in (2014, 2015) for h in hits)
    mesh_hits = assistant.search("patients", k=20, mesh="humans")
    assert mesh_hits and all("humans" in [m.lower() for m in h.paper.mesh] for h in mesh_hits)
    journal = assistant.index.manifest.papers(["17942999"])["17942999"].journal
    journal_hits = assistant.search("pitch", k=20, journal=journal.upper())
    assert journal_hits and {h.paper.journal for h in journal_hits} == {journal}


def test_tantivy_ranks_as_bm25s_does_and_filters_alike(small_index: Settings, tmp_path: Path) -> None:
    """Issue 26: the on-disk engine behind the same lexical seam. Built from the manifest, saved, reloaded; the same
    known item first, top tens mostly shared with bm25s, and filters kept."""
    import shutil

    data = tmp_path / "copy"
    shutil.copytree(small_index.data_dir, data)
    settings = Settings(data_dir=data, retrieval=small_index.retrieval.model_copy(update={"lexical_engine": "tantivy"}))
    tantivy_side, bm25s_side = Assistant(settings), Assistant(Settings(data_dir=data))
    tantivy_side.index.refresh_lexical()  # what a writer does: build and save
    assert (data / "index" / "tantivy").is_dir() and tantivy_side.index_stats().lexical_current
    paper = tantivy_side.index.manifest.papers(["17942999"])["17942999"]
    only_bm25 = ("bm25",)
    assert tantivy_side.search(paper.title, k=5, retrievers=only_bm25)[0].id == "PMID:17942999"
    shared = []
    for query in ("pitch processing in the brain", "factor VIII gene therapy", "patients with cancer", "stroke rehabilitation"):
        ours = [h.id for h in tantivy_side.search(query, k=10, retrievers=only_bm25)]
        theirs = [h.id for h in bm25s_side.search(query, k=10, retrievers=only_bm25)]
        assert ours and theirs
        shared.append(len(set(ours) & set(theirs)) / len(theirs))
    assert sum(shared) / len(shared) >= 0.7, shared
    hits = Assistant(settings).search("brain", k=20, year="2014-2015", retrievers=only_bm25)  # reloaded from disk
    assert hits and all(h.paper.year in (2014, 2015) for h in hits)


def test_tantivy_takes_only_the_papers_that_changed(small_index: Settings, tmp_path: Path) -> None:
    """Added, updated and deleted papers reach the on-disk BM25 in place (the same folder, no rebuild), and what it
    then finds is what the manifest holds."""
    import shutil

    from genelit.index.medline import Deletion

    data = tmp_path / "copy"
    shutil.copytree(small_index.data_dir, data)
    settings = Settings(data_dir=data, retrieval=small_index.retrieval.model_copy(update={"lexical_engine": "tantivy"}))
    assistant = Assistant(settings)
    assistant.index.refresh_lexical()
    sentinel = data / "index" / "tantivy" / "sentinel"  # a rebuild would put a new folder in its place
    sentinel.touch()
    manifest = assistant.index.manifest
    gone = manifest.papers(["17942999"])["17942999"]
    changed = assistant.search("brain", k=1)[0].paper
    before = {row[0] for row in manifest.db.execute("SELECT pmid FROM papers")}
    report = assistant.index_files(MEDLINE_SAMPLE, limit=160)
    new = manifest.papers({row[0] for row in manifest.db.execute("SELECT pmid FROM papers")} - before)
    assert report.added == len(new) == 40
    rewritten = changed.model_copy(update={"abstract": changed.abstract + " Quokkas were also studied."})
    assistant.literature.add_records(iter([rewritten, Deletion(("17942999",))]), "test")
    assert sentinel.exists()  # updated in place, not rebuilt
    assert assistant.index_stats().lexical_current
    reader = Assistant(settings)
    lexical = reader.index.lexical()
    assert isinstance(lexical, TantivyLexical) and lexical.size == manifest.stats().chunks == 159
    only_bm25 = ("bm25",)
    assert [h.paper.pmid for h in reader.search("quokkas", k=3, retrievers=only_bm25)] == [changed.pmid]
    assert "PMID:17942999" not in [h.id for h in reader.search(gone.title, k=10, retrievers=only_bm25)]
    found = [reader.search(paper.title, k=1, retrievers=only_bm25)[0].paper.pmid for paper in list(new.values())[:10]]
    assert found == list(new)[:10]


@pytest.mark.parametrize("year", ["20x5", "2020-2010", "-", "201"])
def test_bad_filters_are_rejected(small_index: Settings, year: str) -> None:
    with pytest.raises(BadInputError, match="year filter"):
        Assistant(small_index).search("brain", year=year)


def test_empty_query_is_rejected(small_index: Settings) -> None:
    with pytest.raises(BadInputError, match="empty query"):
        Assistant(small_index).search("   ")


def test_missing_index(settings: Settings) -> None:
    with pytest.raises(MissingResourceError, match="no literature index"):
        Assistant(settings).search("BRCA1")
    with pytest.raises(MissingResourceError):
        Assistant(settings).index_stats()


def test_other_model_is_refused(small_index: Settings) -> None:
    other = small_index.model_copy(update={"embedding": EmbeddingSettings(model="some-org/another-model")})
    with pytest.raises(IndexConflictError, match="built with embedding model"):
        Assistant(other).search("brain")


def test_reingest_changes_nothing_and_updates_and_deletions_apply(settings: Settings, tmp_path: Path) -> None:
    assistant = Assistant(settings)
    first = write_xml(tmp_path / "a.xml", "".join(ARTICLE.format(pmid=i, version=1, abstract=f"Gene {i} variant study.") for i in (1, 2, 3)))
    report = assistant.index_files(first)
    assert (report.added, report.unchanged) == (3, 0)
    generation = assistant.index.manifest.generation

    again = assistant.index_files(first)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert assistant.index.manifest.generation == generation
    assert assistant.index.store.count() == 3

    update = write_xml(
        tmp_path / "b.xml",
        ARTICLE.format(pmid=2, version=2, abstract="Revised: TP53 hotspot mutation.")
        + "<DeleteCitation><PMID>3</PMID><PMID>999</PMID></DeleteCitation>",
    )
    report = assistant.index_files(update)
    assert (report.updated, report.deleted) == (1, 1)
    stats = assistant.index_stats()
    assert (stats.papers, stats.chunks, stats.vectors) == (2, 2, 2)
    hits = assistant.search("TP53 hotspot mutation", k=5)
    assert hits[0].id == "PMID:2" and hits[0].paper.version == 2
    assert "PMID:3" not in [h.id for h in assistant.search("Gene 3 variant study", k=5)]


def test_malformed_records_are_counted_and_skipped(settings: Settings, tmp_path: Path) -> None:
    body = ARTICLE.format(pmid=1, version=1, abstract="ok") + ARTICLE.format(pmid="x1", version=1, abstract="bad")
    report = Assistant(settings).index_files(write_xml(tmp_path / "m.xml", body))
    assert (report.added, report.malformed) == (1, 1)
    assert "not a number" in report.malformed_examples[0]


def test_long_abstracts_are_split_with_overlap_and_keep_the_title() -> None:
    embedder = Embedder(EmbeddingSettings())
    long = Paper(pmid="7", title="A short title", abstract=" ".join(f"word{i}" for i in range(600)))
    short = Paper(pmid="8", title="Short", abstract="Just a few words.")
    long_chunks, short_chunks = chunk_papers([long, short], embedder.model.tokenizer, embedder.window, 32)
    assert [c.id for c in short_chunks] == ["PMID:8"]
    assert len(long_chunks) >= 2 and [c.id for c in long_chunks][:2] == ["PMID:7#0", "PMID:7#1"]
    tokenizer = embedder.model.tokenizer
    for chunk in long_chunks:
        assert chunk.text.startswith("A short title\n")
        assert len(tokenizer(chunk.text, add_special_tokens=False)["input_ids"]) <= embedder.window
    # consecutive pieces share words, and together they cover the whole abstract
    words = [set(c.text.split()) for c in long_chunks]
    assert all(words[i] & words[i + 1] - {"A", "short", "title"} for i in range(len(words) - 1))
    assert set().union(*words) >= set(long.abstract.split())


def test_a_manifest_from_before_parallel_writers_and_in_place_updates_is_upgraded(tmp_path: Path) -> None:
    """An older manifest gains the writer of each pending id and each paper's generation; changes from before the
    upgrade are not known, so a lexical index that old is rebuilt rather than updated."""
    import sqlite3

    from genelit.index.manifest import Manifest

    path = tmp_path / "manifest.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE papers (pmid TEXT PRIMARY KEY, version INTEGER NOT NULL, content_hash TEXT NOT NULL, year INTEGER, "
        "journal_key TEXT NOT NULL, paper_json TEXT NOT NULL, source TEXT NOT NULL);"
        "CREATE TABLE pending (id TEXT PRIMARY KEY);"
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('generation', '7'); INSERT INTO pending VALUES ('PMID:1');")
    old.commit()
    old.close()
    manifest = Manifest(path, writer=1)
    assert manifest.pending() == ["PMID:1"]
    assert manifest.changed_since(6) is None and manifest.changed_since(7) == []
    manifest.mark_pending(["PMID:2"])
    manifest.delete_papers(["2"])  # clears writer 1's pending ids only
    assert manifest.pending() == ["PMID:1"] and manifest.changed_since(7) == ["2"]
