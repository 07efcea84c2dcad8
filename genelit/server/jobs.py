"""Report jobs: a report takes from seconds (extractive) to minutes (pipeline), longer than an HTTP request
should hang, so `/api/report` starts one and answers with its id; the page polls its status, shows its steps,
and downloads the finished report. Finished jobs are kept for download, the oldest dropped first.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Literal

from genelit.api import Assistant
from genelit.errors import GenelitError
from genelit.server.gate import FairGate
from genelit.types import Report

log = logging.getLogger(__name__)
JobStatus = Literal["queued", "running", "done", "failed"]


@dataclass
class ReportJob:
    id: str
    topic: str
    mode: str
    status: JobStatus = "queued"
    steps: list[str] = field(default_factory=list)
    report: Report | None = None
    error: str | None = None


class ReportJobs:
    """Runs each report in its own thread; one that needs the LLM takes its place in the gate's line first."""

    def __init__(self, assistant: Assistant, gate: FairGate, keep: int) -> None:
        self.assistant = assistant
        self.gate = gate
        self.keep = keep
        self._jobs: OrderedDict[str, ReportJob] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, topic: str, mode: str | None) -> ReportJob:
        """Start a report; Busy (before anything starts) when the model's line is full."""
        resolved = self.assistant.resolve_mode(mode)
        ticket = None if resolved == "extractive" else self.gate.enter()
        job = ReportJob(id=uuid.uuid4().hex[:12], topic=topic, mode=resolved)
        with self._lock:
            self._jobs[job.id] = job
            finished = [j.id for j in self._jobs.values() if j.status in ("done", "failed")]
            for old in finished[: max(0, len(finished) - self.keep)]:
                del self._jobs[old]
        threading.Thread(target=self._run, args=(job, ticket), name=f"report-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> ReportJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: ReportJob, ticket: int | None) -> None:
        def on_event(kind: str, text: str) -> None:
            if kind == "step":
                job.steps.append(text)

        try:
            with self.gate.turn(ticket):
                job.status = "running"
                job.report = self.assistant.report(job.topic, job.mode, on_event=on_event)
            job.status = "done"
        except GenelitError as exc:
            job.error, job.status = str(exc), "failed"
        except Exception:  # a bug: log it whole, tell the client only that it happened
            log.exception("report job %s failed", job.id)
            job.error, job.status = "internal error while writing the report (see the server's log)", "failed"
