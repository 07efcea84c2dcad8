"""Report jobs: a report takes from seconds (extractive) to minutes (pipeline), longer than an HTTP request
should hang, so `/api/report` starts one and answers with its id; the page polls its status, shows its steps,
and downloads the finished report.

Jobs cost threads, memory and the model's time, so each is bounded: at most `report_running` run at once (more
get 'busy'); a job nobody has asked about for `report_abandon_s` is cancelled at its next stage, as is one its
client deletes; finished jobs are kept `report_keep_s` and at most `report_jobs` of them, the oldest dropped first.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Literal

from genelit.api import Assistant
from genelit.errors import GenelitError
from genelit.server.gate import Busy, Cancelled, FairGate, Ticket
from genelit.settings import ServerSettings
from genelit.types import Report

log = logging.getLogger(__name__)
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED = ("done", "failed", "cancelled")


@dataclass
class ReportJob:
    id: str
    topic: str
    mode: str
    ticket: Ticket
    status: JobStatus = "queued"
    steps: list[str] = field(default_factory=list)
    report: Report | None = None
    error: str | None = None
    seen: float = field(default_factory=time.monotonic)  # when a client last asked about it
    finished: float | None = None


class ReportJobs:
    """Runs each report in its own thread; one that needs the LLM takes its place in the gate's line first."""

    def __init__(self, assistant: Assistant, gate: FairGate, settings: ServerSettings) -> None:
        self.assistant = assistant
        self.gate = gate
        self.settings = settings
        self._jobs: OrderedDict[str, ReportJob] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, topic: str, mode: str | None) -> ReportJob:
        """Start a report; Busy (before anything starts) when too many run or the model's line is full."""
        resolved = self.assistant.resolve_mode(mode)
        with self._lock:
            self._sweep()
            active = sum(job.status not in FINISHED for job in self._jobs.values())
            if active >= self.settings.report_running:
                raise Busy(f"{active} report job(s) are running, the most this server runs at once",
                           "try again when one has finished, or raise GENELIT_SERVER__REPORT_RUNNING")
            job = ReportJob(id=uuid.uuid4().hex[:12], topic=topic, mode=resolved, ticket=self.gate.enter(resolved != "extractive"))
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job,), name=f"report-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> ReportJob | None:
        """The job, which counts as a client still asking about it."""
        with self._lock:
            self._sweep()
            job = self._jobs.get(job_id)
            if job is not None:
                job.seen = time.monotonic()
            return job

    def cancel(self, job_id: str) -> ReportJob | None:
        """Stop a job at its next stage (or drop it from the model's line); a finished one is forgotten."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.status in FINISHED:
                del self._jobs[job_id]
        if job is not None:
            self.gate.cancel(job.ticket)
        return job

    def _sweep(self) -> None:
        """Cancel abandoned jobs; drop finished ones past their age, then the oldest past the count. Under the lock."""
        now = time.monotonic()
        for job in self._jobs.values():
            if job.status not in FINISHED and now - job.seen > self.settings.report_abandon_s:
                self.gate.cancel(job.ticket)
        finished = [job for job in self._jobs.values() if job.finished is not None]
        expired = [job for job in finished if now - (job.finished or now) > self.settings.report_keep_s]
        surplus = [job for job in finished if job not in expired][: max(0, len(finished) - len(expired) - self.settings.report_jobs)]
        for job in expired + surplus:
            del self._jobs[job.id]

    def _run(self, job: ReportJob) -> None:
        def on_event(kind: str, text: str) -> None:
            if time.monotonic() - job.seen > self.settings.report_abandon_s:
                self.gate.cancel(job.ticket)
            job.ticket.check()
            if kind == "step":
                job.steps.append(text)

        try:
            with self.gate.turn(job.ticket):
                job.status = "running"
                job.report = self.assistant.report(job.topic, job.mode, on_event=on_event)
            job.status = "done"
        except Cancelled as exc:
            job.error, job.status = str(exc), "cancelled"
        except GenelitError as exc:
            job.error, job.status = str(exc), "failed"
        except Exception:  # a bug: log it whole, tell the client only that it happened
            log.exception("report job %s failed", job.id)
            job.error, job.status = "internal error while writing the report (see the server's log)", "failed"
        finally:
            job.finished = time.monotonic()
