"""The manifest: an SQLite record of exactly what the index holds.

It is the index's source of truth. A paper is in the index when, and only when, its row
is committed here; the vector store may briefly hold more (a batch upserted but not yet
committed), and `pending` names those ids so that a writer killed mid-batch can be rolled
back by the next one. The manifest also keeps the chunk texts, from which the lexical
index is rebuilt, and a generation number that tells whether the lexical index is current.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from genelit.errors import MissingResourceError
from genelit.index.variant_mentions import MENTIONS_VERSION, VariantMention
from genelit.types import Chunk, Paper

Mentions = dict[str, list[VariantMention]]  # pmid -> its variant mentions
BUSY_SECONDS = 300.0  # how long a writer waits for another's transaction before giving up
MENTIONS_KEY = "variant_mentions"  # meta: the recognition version every stored paper's mentions come from
CHANGES_KEY = "changes_known_since"  # meta: the generation from which every change is recorded (see changed_since)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS papers (
    pmid TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    year INTEGER,
    journal_key TEXT NOT NULL,
    paper_json TEXT NOT NULL,
    source TEXT NOT NULL,
    generation INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    pmid TEXT NOT NULL REFERENCES papers(pmid),
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_pmid ON chunks(pmid);
CREATE TABLE IF NOT EXISTS mesh (
    pmid TEXT NOT NULL,
    term_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mesh_term ON mesh(term_key);
CREATE INDEX IF NOT EXISTS mesh_pmid ON mesh(pmid);
CREATE TABLE IF NOT EXISTS variant_mentions (
    pmid TEXT NOT NULL,
    gene TEXT,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    stop INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS variant_key ON variant_mentions(key, gene);
CREATE INDEX IF NOT EXISTS variant_gene ON variant_mentions(gene);
CREATE INDEX IF NOT EXISTS variant_pmid ON variant_mentions(pmid);
CREATE TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY, writer INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS removed (pmid TEXT NOT NULL, generation INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS removed_generation ON removed(generation);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def content_hash(paper: Paper) -> str:
    """Changes whenever anything stored about the paper changes, so unchanged re-ingests are skipped.

    Volume, issue and pages count only when present, so a paper without them keeps the hash it was
    indexed under before genelit stored them.
    """
    absent = {name for name in ("volume", "issue", "pages") if not getattr(paper, name)}
    return hashlib.sha256(paper.model_dump_json(exclude=absent).encode()).hexdigest()


def journal_key(journal: str) -> str:
    return " ".join(journal.lower().split())


@dataclass(frozen=True)
class ManifestStats:
    papers: int
    chunks: int
    generation: int


class Manifest:
    """Thin, typed access to the manifest database."""

    def __init__(self, path: Path, read_only: bool = False, writer: int = 0) -> None:
        """Open (or create) the manifest. `read_only` opens an existing one without writing a byte, for an
        index this user may read but not write: WAL set-up and the schema script both write. `writer` numbers this
        process among parallel writers: each marks and clears only its own pending ids, so one writer's commit never
        clears what another has upserted but not yet committed."""
        self.path = path
        self.read_only = read_only
        self.writer = writer
        try:
            if read_only:
                self.db = self._open_read_only(path)
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            # parallel writers take turns at the database: a commit waits for another's to end instead of failing
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_SECONDS)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self._upgrade()
            if self.get_meta(MENTIONS_KEY) is None and self.stats().papers == 0:
                self.set_meta(MENTIONS_KEY, MENTIONS_VERSION)  # a new index records mentions from its first paper
        except sqlite3.DatabaseError as exc:
            raise MissingResourceError(f"the index manifest {path} is unreadable or corrupt ({exc})",
                                       "rebuild it: `genelit index reset --yes`, then index again") from None

    def _upgrade(self) -> None:
        """Add what older manifests lack: the writer of each pending id, and the generation each paper was committed
        in, which lets an on-disk lexical index apply only what changed. Changes are known from the generation at
        which the column was added (meta CHANGES_KEY) on; a lexical index older than that is rebuilt whole."""
        if "writer" not in {row[1] for row in self.db.execute("PRAGMA table_info(pending)")}:
            self.db.execute("ALTER TABLE pending ADD COLUMN writer INTEGER NOT NULL DEFAULT 0")
        if "generation" not in {row[1] for row in self.db.execute("PRAGMA table_info(papers)")}:
            with self._txn():
                self.db.execute("ALTER TABLE papers ADD COLUMN generation INTEGER NOT NULL DEFAULT 0")
                self.set_meta(CHANGES_KEY, str(self.generation))
        self.db.execute("CREATE INDEX IF NOT EXISTS papers_generation ON papers(generation)")

    @staticmethod
    def _open_read_only(path: Path) -> sqlite3.Connection:
        """Read-only: through the WAL where SQLite can share it; else as an immutable file, which needs no -shm
        or lock file (writers checkpoint when they finish, so the file alone holds everything committed)."""
        for flags in ("mode=ro", "mode=ro&immutable=1"):
            try:
                db = sqlite3.connect(f"file:{path}?{flags}", uri=True, isolation_level=None, check_same_thread=False)
                db.execute("SELECT COUNT(*) FROM meta").fetchone()
                return db
            except sqlite3.OperationalError:
                continue
        raise sqlite3.DatabaseError("cannot be opened read-only")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file, so a read-only copy of the file alone is complete."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.db.close()

    # -- meta -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        return int(self.get_meta("generation") or 0)

    # -- reads ------------------------------------------------------------------------
    def is_empty(self) -> bool:
        """Whether no paper is indexed: one row looked up, where COUNT(*) scans them all (seconds at PubMed scale)."""
        return self.db.execute("SELECT 1 FROM papers LIMIT 1").fetchone() is None

    def stats(self) -> ManifestStats:
        papers = self.db.execute("SELECT COUNT(*) FROM papers").fetchone()[0]
        chunks = self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        return ManifestStats(papers=papers, chunks=chunks, generation=self.generation)

    def _select_in(self, sql: str, keys: Iterable[str]) -> Iterator[tuple]:
        """Run `sql` (with one `IN ({marks})`) over `keys` in slices SQLite's parameter limit allows."""
        keys = list(keys)
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            yield from self.db.execute(sql.format(marks=",".join("?" * len(part))), part)

    def known_hashes(self, pmids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """pmid -> (version, content hash) for those of `pmids` already indexed."""
        rows = self._select_in("SELECT pmid, version, content_hash FROM papers WHERE pmid IN ({marks})", pmids)
        return {pmid: (version, digest) for pmid, version, digest in rows}

    def chunk_ids_of(self, pmids: Iterable[str]) -> list[str]:
        return [r[0] for r in self._select_in("SELECT id FROM chunks WHERE pmid IN ({marks})", pmids)]

    def papers(self, pmids: Iterable[str]) -> dict[str, Paper]:
        rows = self._select_in("SELECT pmid, paper_json FROM papers WHERE pmid IN ({marks})", pmids)
        return {pmid: Paper.model_validate_json(blob) for pmid, blob in rows}

    def chunk_texts(self, ids: Iterable[str]) -> dict[str, str]:
        return dict(self._select_in("SELECT id, text FROM chunks WHERE id IN ({marks})", ids))

    def iter_chunks(self) -> Iterator[tuple[str, str]]:
        """(id, text) of every chunk, in a stable order (the lexical index's row order)."""
        yield from self.db.execute("SELECT id, text FROM chunks ORDER BY id")

    def filtered_chunk_ids(self, where_sql: str, params: list[object]) -> set[str]:
        sql = f"SELECT c.id FROM chunks c JOIN papers p ON p.pmid = c.pmid WHERE {where_sql}"
        return {r[0] for r in self.db.execute(sql, params)}

    def changed_since(self, generation: int) -> list[str] | None:
        """The PMIDs committed or removed after `generation`, or None when changes that old are not recorded."""
        if generation < int(self.get_meta(CHANGES_KEY) or 0):
            return None
        rows = self.db.execute("SELECT pmid FROM papers WHERE generation > ? UNION SELECT pmid FROM removed WHERE generation > ?",
                               (generation, generation))
        return [r[0] for r in rows]

    def pending(self) -> list[str]:
        """Every writer's pending ids: recovery runs before any writer starts, so all of them are a killed run's."""
        return [r[0] for r in self.db.execute("SELECT id FROM pending")]

    # -- writes -----------------------------------------------------------------------
    def mark_pending(self, ids: Iterable[str]) -> None:
        """Record ids about to be written to the vector store, before they are written."""
        with self._txn():
            self.db.executemany("INSERT OR IGNORE INTO pending(id, writer) VALUES (?, ?)", [(i, self.writer) for i in ids])

    def mentions_current(self) -> bool:
        """Whether every paper's variant mentions were recorded by this version of the recogniser."""
        return self.get_meta(MENTIONS_KEY) == MENTIONS_VERSION

    def papers_naming(self, key: str, gene: str | None) -> list[tuple[str, int | None, int]]:
        """(pmid, year, mentions) of the papers naming one variant, of one gene unless `gene` is None (rsIDs), most
        mentions first."""
        where, params = self._naming(key, gene)
        return list(self.db.execute(
            "SELECT m.pmid, p.year, COUNT(*) AS n FROM variant_mentions m JOIN papers p ON p.pmid = m.pmid "
            f"WHERE {where} GROUP BY m.pmid ORDER BY n DESC, p.year DESC, m.pmid", params))

    def forms_naming(self, key: str, gene: str | None) -> list[str]:
        """How the papers write one variant, e.g. ['R175H', 'p.Arg175His']."""
        where, params = self._naming(key, gene)
        return [r[0] for r in self.db.execute(f"SELECT DISTINCT m.text FROM variant_mentions m WHERE {where} ORDER BY 1", params)]

    @staticmethod
    def _naming(key: str, gene: str | None) -> tuple[str, tuple[str, ...]]:
        return ("m.key = ? AND m.gene = ?", (key, gene)) if gene is not None else ("m.key = ?", (key,))

    def residue_variants(self, gene: str, residue: str) -> list[tuple[str, int]]:
        """(key, papers) of every change of one protein residue of one gene that the papers name ('R175' finds
        p.R175H, p.R175C, p.R175fs...), most papers first."""
        return [(str(k), int(n)) for k, n in self.db.execute(
            "SELECT key, COUNT(DISTINCT pmid) AS n FROM variant_mentions WHERE gene = ? AND key GLOB ? "
            "GROUP BY key ORDER BY n DESC, key", (gene, f"p.{residue}[^0-9]*"))]

    def residue_papers(self, gene: str, residue: str) -> int:
        """How many papers name any change of one protein residue of one gene."""
        return int(self.db.execute("SELECT COUNT(DISTINCT pmid) FROM variant_mentions WHERE gene = ? AND key GLOB ?",
                                   (gene, f"p.{residue}[^0-9]*")).fetchone()[0])

    def mention_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM variant_mentions").fetchone()[0])

    def first_mention(self, pmid: str, key: str) -> tuple[int, str] | None:
        """(offset in title + abstract, form as written) of the first place a paper names a variant."""
        row = self.db.execute("SELECT start, text FROM variant_mentions WHERE pmid = ? AND key = ? ORDER BY start LIMIT 1",
                              (pmid, key)).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def variant_counts(self, gene: str | None = None, pmids: list[str] | None = None,
                       limit: int = 20) -> list[tuple[str | None, str, str, int, int]]:
        """(gene, key, kind, papers, mentions) of the variants most named, by one gene or within some papers."""
        where, params = ["m.key GLOB '*[0-9]*'"], []  # a change with no position ('G>A') names no variant
        if gene is not None:
            where.append("m.gene = ?")
            params.append(gene)
        if pmids is not None:
            where.append(f"m.pmid IN ({','.join('?' * len(pmids))})")
            params.extend(pmids)
        sql = (f"SELECT m.gene, m.key, m.kind, COUNT(DISTINCT m.pmid) AS papers, COUNT(*) FROM variant_mentions m "
               f"WHERE {' AND '.join(where)} GROUP BY m.gene, m.key ORDER BY papers DESC, COUNT(*) DESC, m.key LIMIT ?")
        return list(self.db.execute(sql, [*params, limit]))

    def iter_papers(self, batch: int = 500) -> Iterator[list[Paper]]:
        """Every indexed paper, in batches, for back-filling what older versions did not record."""
        last = ""
        while True:
            rows = self.db.execute("SELECT pmid, paper_json FROM papers WHERE pmid > ? ORDER BY pmid LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [Paper.model_validate_json(blob) for _, blob in rows]

    def replace_mentions(self, mentions: Mentions) -> None:
        """Store the mentions of some papers in place of what they had, in one transaction."""
        with self._txn():
            list(self._select_in("DELETE FROM variant_mentions WHERE pmid IN ({marks})", mentions))
            self._insert_mentions(mentions)

    def _insert_mentions(self, mentions: Mentions) -> None:
        self.db.executemany(
            "INSERT INTO variant_mentions(pmid, gene, key, kind, text, start, stop) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(pmid, m.gene, m.key, m.kind, m.text, m.start, m.end) for pmid, found in mentions.items() for m in found],
        )

    def commit_papers(self, items: list[tuple[Paper, list[Chunk]]], source: str, mentions: Mentions | None = None) -> None:
        """Make a batch of papers part of the index, replacing older versions, in one transaction."""
        pmids = [p.pmid for p, _ in items]
        with self._txn():
            self._remove(pmids)
            generation = self._bump()
            self.db.executemany(
                "INSERT INTO papers(pmid, version, content_hash, year, journal_key, paper_json, source, generation) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (p.pmid, p.version, content_hash(p), p.year, journal_key(p.journal), p.model_dump_json(), source,
                     generation)
                    for p, _ in items
                ],
            )
            self.db.executemany(
                "INSERT INTO chunks(id, pmid, text) VALUES (?, ?, ?)",
                [(c.id, c.pmid, c.text) for _, chunks in items for c in chunks],
            )
            self.db.executemany(
                "INSERT INTO mesh(pmid, term_key) VALUES (?, ?)",
                [(p.pmid, m.lower()) for p, _ in items for m in p.mesh],
            )
            self._insert_mentions(mentions or {})
            if mentions is None:  # recorded with mentions off: `index remention` fills them in
                self.set_meta(MENTIONS_KEY, "incomplete")
            self.db.execute("DELETE FROM pending WHERE writer = ?", (self.writer,))

    def delete_papers(self, pmids: list[str]) -> None:
        with self._txn():
            self._remove(pmids)
            generation = self._bump()
            self.db.executemany("INSERT INTO removed(pmid, generation) VALUES (?, ?)", [(p, generation) for p in pmids])
            self.db.execute("DELETE FROM pending WHERE writer = ?", (self.writer,))

    def clear_pending(self) -> None:
        """Forget every writer's pending ids (recovery, once their vectors are gone)."""
        self.db.execute("DELETE FROM pending")

    def _remove(self, pmids: list[str]) -> None:
        for table in ("chunks", "mesh", "variant_mentions", "papers"):
            list(self._select_in(f"DELETE FROM {table} WHERE pmid IN ({{marks}})", pmids))

    def _bump(self) -> int:
        """The next generation, recorded (inside the caller's transaction)."""
        generation = self.generation + 1
        self.set_meta("generation", str(generation))
        return generation

    def _txn(self) -> _Transaction:
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")

