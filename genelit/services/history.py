"""Every answer kept on this machine: one SQLite row per answer, read back by `genelit logs`.

Users come back to an answer days later, or want to compare two settings on the same question; an
answer's text alone would not let them check it again, so the row keeps the whole Answer (its
evidence and model outputs included) beside the columns people filter on.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from genelit.errors import BadInputError
from genelit.types import Answer, HistoryEntry

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    question TEXT NOT NULL,
    mode TEXT NOT NULL,
    model TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    seconds REAL NOT NULL,
    settings_hash TEXT NOT NULL,
    answer_json TEXT NOT NULL
);
"""


class History:
    """The answer log in `path`; each call opens its own connection, so server threads can share one History.

    A data directory this user may not write (a lab's shared, read-only index) keeps the log in `fallback`, under the
    user's own state folder, instead: keeping an answer must never stop one being given.
    """

    def __init__(self, path: Path, fallback: Path) -> None:
        self.primary = path
        self.fallback = fallback

    @property
    def path(self) -> Path:
        """Where answers go: the data directory's log when this user can write there, else the fallback."""
        folder = self.primary.parent
        writable = os.access(self.primary, os.W_OK) if self.primary.exists() else (
            os.access(folder, os.W_OK) if folder.exists() else os.access(_existing_parent(folder), os.W_OK))
        return self.primary if writable else self.fallback

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.executescript(SCHEMA)
            with db:
                yield db

    def add(self, answer: Answer) -> int:
        """Keep one answer; returns its id, or 0 when it could not be kept (logged: the answer itself stands)."""
        try:
            return self._add(answer)
        except (OSError, sqlite3.Error) as exc:
            log.warning("answer not kept in the history at %s: %s", self.path, exc)
            return 0

    def _add(self, answer: Answer) -> int:
        cited = sorted({c.id for c in answer.citations})
        with self._db() as db:
            cursor = db.execute(
                "INSERT INTO answers(at, question, mode, model, answer, citations, seconds, settings_hash, answer_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), answer.question, answer.mode, answer.llm,
                 answer.text, json.dumps(cited), answer.timings.get("total", sum(answer.timings.values())),
                 answer.settings_hash, answer.model_dump_json()),
            )
            return int(cursor.lastrowid or 0)

    def last(self, n: int = 10) -> list[HistoryEntry]:
        """The newest `n` answers, newest first."""
        if n < 1:
            raise BadInputError(f"cannot show {n} answers", "ask for 1 or more")
        if not self.path.exists():
            return []
        with self._db() as db:
            rows = db.execute("SELECT id, at, answer_json FROM answers ORDER BY id DESC LIMIT ?", (n,)).fetchall()
        return [HistoryEntry(id=row_id, at=dt.datetime.fromisoformat(at), answer=Answer.model_validate_json(blob))
                for row_id, at, blob in rows]


def _existing_parent(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder
