"""Several writer processes over one index, for builds one writer would cap (README, Scaling).

The process that holds the index's writer lock reads the records and shares the papers out by PMID
(`share_of`): a PMID always goes to the same writer, so its versions and its deletions keep their
order. Each writer is a child process running the same Ingestor as a lone writer (pending -> upsert
-> commit, unchanged papers skipped, variant mentions recorded), against one Chroma server and into
the one SQLite manifest, where commits take turns. A writer marks and clears only its own pending
ids, so a kill of any writer, or of all of them, leaves exactly the batches in flight pending; the
next run rolls those back before its writers start, and redoes them.

An on-disk Chroma may be opened by one process only, so parallel writers need a Chroma server.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from genelit.errors import BadInputError, GenelitError, IndexConflictError, MissingResourceError, RemoteServiceError
from genelit.index.ingest import MAX_EXAMPLES, Embedded, Ingestor, IngestStopped, skip_reason, topic_pattern
from genelit.index.literature import LiteratureIndex
from genelit.index.medline import Deletion, Malformed, Record
from genelit.index.variant_links import VariantLinker
from genelit.settings import Settings
from genelit.types import IngestReport

PARCEL = 64  # records sent to a writer at once: fewer messages between processes
QUEUED_PARCELS = 8  # per writer: how far the reader may run ahead of a slow writer
_POLL_SECONDS = 0.5
_ERRORS: dict[str, type[GenelitError]] = {cls.__name__: cls for cls in (
    GenelitError, BadInputError, IndexConflictError, MissingResourceError, RemoteServiceError)}
SERVER_HINT = ("start one (`chroma run --path DIR --port 8000`) and set GENELIT_STORE__CHROMA_URL=http://HOST:8000, "
               "or write with one writer (GENELIT_INDEX__WRITERS=1)")


def share_of(pmid: str, writers: int) -> int:
    """The writer that owns a PMID, the same in every run."""
    return int(pmid) % writers if pmid.isdigit() else zlib.crc32(pmid.encode()) % writers


def _received(inbox: Any) -> Iterator[Record | Embedded]:
    while (parcel := inbox.get()) is not None:
        yield from parcel


def _write_share(settings: Settings, writer: int, source: str, topic: str | None, linker: VariantLinker | None,
                 inbox: Any, outbox: Any) -> None:
    """One writer process: the Ingestor over the records it is sent, its report after every batch and at the end."""
    try:
        index = LiteratureIndex(settings, writer=writer)
        ingestor = Ingestor(index, source, settings.index, topic=topic, linker=linker,
                            on_batch=lambda report: outbox.put(("batch", writer, report.model_dump_json())))
        report = ingestor.run(_received(inbox), recover=False)
        outbox.put(("done", writer, report.model_dump_json()))
    except GenelitError as exc:
        outbox.put(("error", writer, (type(exc).__name__, exc.message, exc.hint)))
    except Exception as exc:  # anything else still reaches the user as a message, not a silent dead writer
        outbox.put(("error", writer, ("GenelitError", f"{type(exc).__name__}: {exc}", None)))


def merged(source: str, reports: Iterable[IngestReport]) -> IngestReport:
    """One report for the writers' reports: every count summed, the first examples kept."""
    total = IngestReport(source=source)
    for report in reports:
        for name, value in report:
            if isinstance(value, int):
                setattr(total, name, getattr(total, name) + value)
        total.malformed_examples = (total.malformed_examples + report.malformed_examples)[:MAX_EXAMPLES]
    return total


class ParallelIngest:
    """Shares records out to `writers` child processes and gathers their reports (the caller holds the writer lock)."""

    def __init__(self, index: LiteratureIndex, source: str, settings: Settings, *, limit: int | None = None,
                 topic: str | None = None, on_batch: Callable[[IngestReport], None] | None = None,
                 linker: VariantLinker | None = None) -> None:
        if not settings.store.chroma_url:
            raise MissingResourceError(f"{settings.index.writers} parallel writers need a Chroma server", SERVER_HINT)
        self.index = index
        self.source = source
        self.settings = settings
        self.writers = settings.index.writers
        self.limit = limit
        self.topic = topic
        self.pattern = topic_pattern(topic) if topic else None
        self.on_batch = on_batch
        self.linker = linker
        self._latest: dict[int, IngestReport] = {}
        self._done: set[int] = set()
        self._parcels: list[list[Record | Embedded]] = [[] for _ in range(self.writers)]

    def run(self, records: Iterable[Record | Embedded]) -> IngestReport:
        """Index the records with the writers; counted as one Ingestor would count them."""
        started = time.perf_counter()
        recovered = self.index.recover()  # a killed run's batches, of every writer, before any writer starts
        context = multiprocessing.get_context("spawn")  # no fork of a process holding Chroma's and torch's threads
        self._outbox = context.Queue()
        self._inboxes = [context.Queue(QUEUED_PARCELS) for _ in range(self.writers)]
        self._processes = [
            context.Process(target=_write_share, name=f"genelit-writer-{k}", daemon=True,
                            args=(self.settings, k, self.source, self.topic, self.linker, self._inboxes[k], self._outbox))
            for k in range(self.writers)
        ]
        for process in self._processes:
            process.start()
        try:
            stopped = self._share(records)
            for writer in range(self.writers):
                self._post(writer, self._parcels[writer])
                self._post(writer, None)
            while len(self._done) < self.writers:
                self._gather(block=True)
        finally:
            for writer, process in enumerate(self._processes):
                if writer in self._done:
                    process.join(timeout=60)  # it has committed all it was sent and is exiting
                if process.is_alive():
                    process.kill()  # the run failed: a killed writer's batch stays pending, rolled back next run
                process.join()
            for box in (*self._inboxes, self._outbox):
                box.close()
                box.cancel_join_thread()  # what a killed writer never took is not waited for
        report = self._report(started)
        report.recovered = recovered
        if stopped is not None:
            raise IngestStopped(stopped, report)
        return report

    def _share(self, records: Iterable[Record | Embedded]) -> BadInputError | None:
        """Send each record to its writer; the error a source broke off with part-way, if it did."""
        accepted = 0
        read = 0
        try:
            for record in records:
                if isinstance(record, Deletion):
                    by_writer: dict[int, list[str]] = {}
                    for pmid in record.pmids:
                        by_writer.setdefault(share_of(pmid, self.writers), []).append(pmid)
                    for writer, pmids in by_writer.items():
                        self._send(writer, Deletion(tuple(pmids)))
                    continue
                read += 1
                if isinstance(record, Malformed):
                    self._send(0, record)
                    continue
                paper = record.paper if isinstance(record, Embedded) else record
                self._send(share_of(paper.pmid, self.writers), record)
                if skip_reason(paper, self.pattern) is None:  # the Ingestor's own test, so --limit counts alike
                    accepted += 1
                    if self.limit is not None and accepted >= self.limit:
                        break
        except BadInputError as exc:
            if not read:
                raise  # nothing was read: the file itself is the problem
            return exc
        return None

    def _send(self, writer: int, record: Record | Embedded) -> None:
        parcel = self._parcels[writer]
        parcel.append(record)
        if len(parcel) >= PARCEL:
            self._post(writer, parcel)
            self._parcels[writer] = []

    def _post(self, writer: int, parcel: list[Record | Embedded] | None) -> None:
        """Hand a parcel (None: the end) to a writer, gathering reports while its queue is full."""
        if parcel == []:
            return
        while True:
            try:
                self._inboxes[writer].put(parcel, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                self._gather(block=False)

    def _gather(self, block: bool) -> None:
        """Take one of the writers' messages, if one comes; notice a writer that died without saying why."""
        try:
            message = self._outbox.get(timeout=_POLL_SECONDS) if block else self._outbox.get_nowait()
        except queue.Empty:
            self._check_alive()
            return
        self._take(message)

    def _take(self, message: tuple[str, int, Any]) -> None:
        """Progress, a writer's end, or its error, which stops the run."""
        kind, writer, body = message
        if kind == "error":
            name, text, hint = body
            raise _ERRORS.get(name, GenelitError)(f"writer {writer} of {self.writers}: {text}", hint)
        self._latest[writer] = IngestReport.model_validate_json(body)
        if kind == "done":
            self._done.add(writer)
        elif self.on_batch is not None:
            self.on_batch(merged(self.source, self._latest.values()))

    def _check_alive(self) -> None:
        dead = [k for k, process in enumerate(self._processes) if k not in self._done and process.exitcode is not None]
        if not dead:
            return
        while True:  # its last words may have arrived since the queue was found empty
            try:
                self._take(self._outbox.get(timeout=_POLL_SECONDS))
            except queue.Empty:
                break
        for writer in dead:
            if writer not in self._done:
                raise IndexConflictError(
                    f"writer {writer} of {self.writers} stopped (exit code {self._processes[writer].exitcode}) before it "
                    "finished", "run the same command again: committed batches are kept, the batch it was writing is redone")

    def _report(self, started: float) -> IngestReport:
        report = merged(self.source, self._latest.values())
        report.seconds = time.perf_counter() - started
        return report
