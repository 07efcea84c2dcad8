"""Ingest on Ray Data: the embedding spread over workers, the writing kept in one place.

- One read task per PubMed file parses it as a stream (deletions and malformed records included),
  and decides for each paper whether it will be indexed at all (no abstract, off topic), so that no
  worker embeds what the writer would drop.
- An actor pool holds the embedding model, one copy per actor, and embeds papers in batches; each
  actor takes a GPU where the cluster has them (`num_gpus=1`), else CPUs.
- The driver is the single writer: it receives the embedded papers in file order and hands them to
  the same Ingestor the local engine uses, so the pending -> upsert -> commit protocol, the skipping
  of unchanged papers, deletions and variant mentions are exactly the local ones. A killed run
  resumes as a local run does.

Ray is the optional `scale` extra; without it, `--engine ray` says how to install it.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from genelit.errors import GenelitError, MissingResourceError, RemoteServiceError
from genelit.index.ingest import Embedded, capped, skip_reason, topic_pattern
from genelit.index.medline import Deletion, Malformed, Record, read_records
from genelit.settings import EmbeddingSettings, IndexSettings
from genelit.types import Chunk, Paper

INSTALL_HINT = "install the scale extra: pip install 'genelit[scale]' (Ray Data)"
_BATCH = 256
_GPU_BATCH = 256  # texts per forward pass on a GPU: the CPU default (16) would leave it mostly idle


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MissingResourceError("the Ray engine needs Ray, which is not installed", INSTALL_HINT) from None
    return ray


def _check_reachable(address: str) -> None:
    """Fail at once on a cluster address nothing answers at: `ray.init` would keep retrying it for minutes."""
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    hint = "start the cluster there (ray start --head), or leave out --ray-address to run Ray on this machine"
    if not host or not port.isdigit():
        raise RemoteServiceError(f"{address!r} is not a Ray address (HOST:PORT, ray://HOST:PORT or auto)", hint)
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise RemoteServiceError(f"no Ray cluster answers at {address}: {exc}", hint) from None


def _start(ray: Any, address: str | None) -> None:
    """Join the cluster at `address`, or start Ray on this machine ("local": never a cluster that `ray start` left
    running here, which plain `ray.init()` would join)."""
    if address is not None:
        _check_reachable(address)
    try:
        ray.init(address=address or "local", include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        chain = f"{exc} {exc.__cause__}"
        if address is None:
            raise MissingResourceError(f"Ray could not start on this machine: {exc}", "see the logs under /tmp/ray") from None
        hint = ("the cluster uses token authentication: export RAY_AUTH_MODE=token, with its token in ~/.ray/auth_token "
                "or RAY_AUTH_TOKEN" if "auth" in chain.lower() else "check the address, and that this machine runs the cluster's Ray version")
        raise RemoteServiceError(f"could not join the Ray cluster at {address}: {exc}", hint) from None


def actor_embedding(embedding: EmbeddingSettings, gpus: int) -> EmbeddingSettings:
    """The embedding settings an actor runs with: where the cluster has GPUs each actor holds one, so it embeds on it
    (in bf16 under precision 'auto') with GPU-sized batches; otherwise the settings as given. Ray shows an actor only
    its own GPU, so a device the driver's settings name (cuda:1) would not exist there: it is always plain cuda."""
    if not gpus:
        return embedding
    return embedding.model_copy(update={"device": "cuda", "batch_size": max(embedding.batch_size, _GPU_BATCH)})


def _read_files(batch: dict[str, np.ndarray], topic: str | None, limit: int | None) -> Iterator[dict[str, np.ndarray]]:
    """The records of each file as rows, streamed in blocks of a batch; `embed` marks the papers the writer will index.
    With `limit`, a file stops after that many indexable papers, so no worker embeds what the writer will not take."""
    pattern = topic_pattern(topic) if topic else None
    for path in batch["path"]:
        rows: list[dict[str, Any]] = []
        taken = 0
        for record in read_records(Path(path)):
            if isinstance(record, Deletion):
                rows.append({"kind": "deletion", "data": json.dumps(list(record.pmids)), "embed": False})
            elif isinstance(record, Malformed):
                rows.append({"kind": "malformed", "data": json.dumps([record.reason, record.where]), "embed": False})
            else:
                embed = skip_reason(record, pattern) is None
                rows.append({"kind": "paper", "data": record.model_dump_json(), "embed": embed})
                taken += embed
            if len(rows) >= _BATCH:
                yield _columns(rows)
                rows = []
            if limit is not None and taken >= limit:
                break
        if rows:
            yield _columns(rows)


def _columns(rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    return {key: np.array([r[key] for r in rows], dtype=object if key != "embed" else bool) for key in ("kind", "data", "embed")}


class _EmbedActor:
    """Holds one copy of the embedding model; embeds the admitted papers of each batch."""

    def __init__(self, embedding_json: str, index_json: str) -> None:
        from genelit.index.embeddings import Embedder

        self.index = IndexSettings.model_validate_json(index_json)
        self.embedder = Embedder(EmbeddingSettings.model_validate_json(embedding_json))

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        # the writer caps each paper the same way before it stores it, so these chunks are the stored paper's
        papers = [capped(Paper.model_validate_json(d), self.index) for d, e in zip(batch["data"], batch["embed"]) if e]
        made = iter(self.embedder.embed_papers(papers, self.index.split_long))
        out_chunks, out_vectors = [], []
        for embed in batch["embed"]:
            if embed:
                chunks, vectors = next(made)
                out_chunks.append(json.dumps([c.model_dump() for c in chunks]))
                out_vectors.append(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
            else:
                out_chunks.append("")
                out_vectors.append(b"")
        return {**batch, "chunks": np.array(out_chunks, dtype=object), "vectors": np.array(out_vectors, dtype=object)}


def _record(row: dict[str, Any]) -> Record | Embedded:
    data = row["data"]
    if row["kind"] == "deletion":
        return Deletion(tuple(json.loads(data)))
    if row["kind"] == "malformed":
        reason, where = json.loads(data)
        return Malformed(reason, where)
    paper = Paper.model_validate_json(data)
    if not row["embed"]:
        return paper
    chunks = [Chunk.model_validate(c) for c in json.loads(row["chunks"])]
    vectors = np.frombuffer(row["vectors"], dtype=np.float32).reshape(len(chunks), -1)
    return Embedded(paper, chunks, vectors)  # the original paper: the writer caps it, and counts the cut


def embedded_records(paths: list[Path], embedding: EmbeddingSettings, index: IndexSettings, topic: str | None = None,
                     address: str | None = None, limit: int | None = None,
                     actors: int | None = None) -> Iterator[Record | Embedded]:
    """The records of `paths`, in file order, with each indexable paper embedded by a Ray actor pool.

    Without `address` Ray starts on this machine (as tests run it); with one, it joins that cluster. Ray is started
    and the pipeline planned here, before the first record is asked for, so that a missing Ray or an unreachable
    cluster is reported before the index is touched.
    """
    ray = _ray()
    if not ray.is_initialized():
        _start(ray, address)
    context = ray.data.DataContext.get_current()  # importing ray.data sets up its own loggers, so quiet them after
    # its INFO lines would interleave with genelit's progress, and a failed task's traceback would precede genelit's
    # own one-line error; both stay in Ray's log files
    logging.getLogger("ray.data").setLevel(logging.CRITICAL)
    context.execution_options.preserve_order = True  # deletions apply after the papers before them, as locally
    context.enable_progress_bars = False
    gpus = int(ray.cluster_resources().get("GPU", 0))
    cpus = int(ray.cluster_resources().get("CPU", 1))
    pool = actors or (gpus or max(1, cpus - 1))
    files = ray.data.from_items([{"path": str(p)} for p in paths], override_num_blocks=max(1, len(paths)))
    rows = files.map_batches(_read_files, fn_args=(topic, limit), batch_size=1, batch_format="numpy")
    settings = (actor_embedding(embedding, gpus).model_dump_json(), index.model_dump_json())
    embedded = rows.map_batches(_EmbedActor, fn_constructor_args=settings, batch_size=_BATCH, batch_format="numpy",
                                compute=ray.data.ActorPoolStrategy(size=pool), num_gpus=1 if gpus else 0,
                                num_cpus=0 if gpus else 1)
    return _unwrapped(ray, (_record(row) for row in embedded.iter_rows()))


def _unwrapped(ray: Any, records: Iterator[Record | Embedded]) -> Iterator[Record | Embedded]:
    """The records, with a genelit error raised in a worker (a file that breaks part-way) given back as itself, so
    the user reads its message and hint rather than Ray's wrapping of it."""
    try:
        yield from records
    except ray.exceptions.RayTaskError as exc:
        if isinstance(exc.cause, GenelitError):
            raise exc.cause from None
        raise
