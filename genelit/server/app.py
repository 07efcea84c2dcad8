"""The web app: a JSON API over one shared Assistant, and the chat page that uses it.

Every endpoint is one Assistant call; this module adds only what HTTP needs: request bodies typed and capped,
errors as JSON with a 4xx or 5xx code, a bearer token where one is configured, server-sent events for an
answer's steps, the LLM's fair line (gate.py) and report jobs (jobs.py).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genelit import __version__
from genelit.api import Assistant
from genelit.errors import BadInputError, GenelitError, IndexConflictError, MissingResourceError, RemoteServiceError, clip
from genelit.limits import TOPIC_CHARS
from genelit.report.formats import TEXT_FORMATS
from genelit.report.formats import render as render_report
from genelit.server.gate import Busy, Cancelled, FairGate
from genelit.server.jobs import ReportJob, ReportJobs
from genelit.services.capabilities import (
    AnyVariant,
    Capabilities,
    OptionalGene,
    PaperCount,
    Query,
    Question,
    TextQuery,
    VariantCount,
    Year,
    arguments_model,
)
from genelit.settings import ServerSettings
from genelit.types import (
    Annotation,
    Evidence,
    GeneMatch,
    ModeChoice,
    Paper,
    ReportMode,
    ScanSummary,
    VariantCounts,
    VariantLiterature,
    VariantReport,
)

log = logging.getLogger(__name__)
PAGE = files("genelit.server") / "page"
STATUS = {BadInputError: 400, MissingResourceError: 404, IndexConflictError: 409, Busy: 503, RemoteServiceError: 502}
HTTP_HINTS = {404: "no such page or endpoint; see /docs for the endpoints", 405: "see /docs for the methods each endpoint takes",
              400: "send JSON in UTF-8, as /docs describes"}


# -- request bodies ---------------------------------------------------------------------
class AskRequest(BaseModel):
    question: Question
    mode: ModeChoice | None = Field(None, description="auto (default), agent, pipeline or extractive (no LLM).")


# the capabilities' own parameters, with their limits and descriptions
VariantRequest = arguments_model(Capabilities.score_variant, "VariantRequest")
ScanRequest = arguments_model(Capabilities.scan_protein, "ScanRequest")
AnnotateRequest = arguments_model(Capabilities.annotate_sequence, "AnnotateRequest")


class ReportRequest(BaseModel):
    topic: str = Field(min_length=1, max_length=TOPIC_CHARS)
    mode: ReportMode | None = None


class ScanResult(BaseModel):
    summary: ScanSummary
    png_base64: str
    csv: str


class JobView(BaseModel):
    id: str
    topic: str
    mode: str
    status: str
    steps: list[str]
    error: str | None = None
    title: str | None = None
    references: int | None = None
    figures: int | None = None
    seconds: float | None = None
    downloads: dict[str, str] = Field(default_factory=dict)


def _job_view(job: ReportJob) -> JobView:
    view = JobView(id=job.id, topic=job.topic, mode=job.mode, status=job.status, steps=list(job.steps), error=job.error)
    if job.report is not None:
        view.title, view.seconds = job.report.title, job.report.seconds
        view.references, view.figures = len(job.report.references), len(job.report.figures)
        view.downloads = {kind: f"/api/report/{job.id}/download?format={kind}" for kind in TEXT_FORMATS}
    return view


# -- the parts HTTP needs ----------------------------------------------------------------
def _error(status: int, message: str, hint: str | None = None) -> JSONResponse:
    headers = {"Retry-After": "30"} if status == 503 else None
    return JSONResponse({"error": message, "hint": hint}, status_code=status, headers=headers)


class BodyLimit:
    """Refuse a request body over `limit` bytes with 413, whether or not it declared its length. The body is read
    here, up to the limit, and handed on whole: FastAPI would turn an error raised mid-read into a vague 400."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = _error(413, f"the request body is over {self.limit:,} bytes", "send less, or raise GENELIT_SERVER__MAX_BODY_BYTES")
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await too_big(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.limit:
                await too_big(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as Starlette expects

        await self.app(scope, replay, send)


class Guard:
    """The first thing every request meets, before its body is read: a Host header the server answers to (a page on
    another site that rebinds its DNS name to 127.0.0.1 sends its own name, and is refused), then, with a token
    configured, that token on every API request, compared in constant time. Without a token the server only ever
    listens on loopback (serve refuses otherwise), so a local request from an allowed host is the user's own."""

    def __init__(self, app: ASGIApp, settings: ServerSettings) -> None:
        self.app = app
        self.expected = settings.token.get_secret_value().encode() if settings.token else None
        self.hosts = None if "*" in settings.allowed_hosts else served_hosts(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        host = _host_name(headers.get(b"host", b"").decode("latin-1"))
        if self.hosts is not None and host not in self.hosts:
            refused = _error(421, f"this server does not answer to the host {clip(host, 80)!r}",
                             "use the address it listens on, or start it with --allow-host NAME")
            await refused(scope, receive, send)
            return
        if self.expected is not None and str(scope.get("path", "")).startswith("/api/"):
            scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode("latin-1"), self.expected):
                unauthorized = _error(401, "missing or wrong token", "send 'Authorization: Bearer <GENELIT_SERVER__TOKEN>'")
                unauthorized.headers["WWW-Authenticate"] = "Bearer"
                await unauthorized(scope, receive, send)
                return
        await self.app(scope, receive, send)


WILDCARDS = ("0.0.0.0", "::", "")


def served_hosts(settings: ServerSettings) -> set[str]:
    """The names a request may give in its Host header: the bound address, loopback's names, --allow-host, and on
    a wildcard bind this machine's own names and addresses."""
    hosts = {settings.host.strip().lower(), "localhost", "127.0.0.1", "::1", *(h.strip().lower() for h in settings.allowed_hosts)}
    if settings.host.strip() in WILDCARDS:
        name = socket.gethostname()
        hosts |= {name.lower(), socket.getfqdn().lower()}
        try:
            hosts |= set(socket.gethostbyname_ex(name)[2])
        except OSError:  # a machine whose own name does not resolve still answers to the rest
            pass
    return hosts


def _host_name(header: str) -> str:
    """The host part of a Host header, without its port: 'example.org:8000' -> 'example.org', '[::1]:80' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


class CancelOnClose(StreamingResponse):
    """A stream that calls `on_close` when it ends for any reason: its last event sent, or its client gone (Starlette
    cancels the response then, before or during the stream)."""

    def __init__(self, content: AsyncIterator[str], on_close: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def watch() -> None:  # a client gone while nothing is being sent is noticed here, not at the next send
            while (await receive())["type"] != "http.disconnect":
                pass
            self.on_close()

        watcher = asyncio.ensure_future(watch())
        try:
            await super().__call__(scope, receive, send)
        finally:
            watcher.cancel()
            self.on_close()


def create_app(assistant: Assistant, settings: ServerSettings | None = None) -> FastAPI:
    """The app over one Assistant: one index, one model registry and one LLM line for every request. Each domain's
    routes are a router below; a route gets the Assistant, its capabilities, the LLM line or the report jobs by
    dependency (a test may override any of them)."""
    settings = settings or assistant.settings.server
    gate = FairGate(settings.llm_queue)
    jobs = ReportJobs(assistant, gate, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Load the gene table, the embedder and the index once, before requests race to load them.
        await asyncio.to_thread(_warm_up, assistant)
        yield
        await asyncio.to_thread(assistant.close)

    app = FastAPI(title="genelit", version=__version__, lifespan=lifespan,
                  description="Cited answers to genetics questions from PubMed abstracts and local sequence models.")
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(Guard, settings=settings)  # added last, so it runs first: nothing is read before it passes
    _error_handlers(app)
    app.state.assistant, app.state.gate, app.state.jobs = assistant, gate, jobs  # what the routes depend on
    for router in (pages, literature, sequences, answers, reports):
        app.include_router(router)
    return app


def _error_handlers(app: FastAPI) -> None:
    """Every failure as one JSON object with an error and a hint, whichever layer raised it."""

    @app.exception_handler(GenelitError)
    async def on_genelit_error(_request: Request, exc: GenelitError) -> JSONResponse:
        status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
        return _error(status, exc.message, exc.hint)

    @app.exception_handler(RequestValidationError)
    async def on_bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in exc.errors())
        return _error(422, f"bad request: {problems}", "see /docs for what each endpoint takes")

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        hint = HTTP_HINTS.get(exc.status_code, "see /docs for what each endpoint takes")
        response = _error(exc.status_code, str(exc.detail).rstrip(".").lower(), hint)
        response.headers.update(exc.headers or {})
        return response


# -- what a route depends on: the app's one Assistant, its LLM line and its report jobs (app.state, set by create_app)
def _assistant(request: Request) -> Assistant:
    return cast(Assistant, request.app.state.assistant)


def _capabilities(request: Request) -> Capabilities:
    return _assistant(request).capabilities


def _gate(request: Request) -> FairGate:
    return cast(FairGate, request.app.state.gate)


def _jobs(request: Request) -> ReportJobs:
    return cast(ReportJobs, request.app.state.jobs)


TheAssistant = Annotated[Assistant, Depends(_assistant)]
TheCapabilities = Annotated[Capabilities, Depends(_capabilities)]
TheGate = Annotated[FairGate, Depends(_gate)]
TheJobs = Annotated[ReportJobs, Depends(_jobs)]

pages = APIRouter()


@pages.get("/", response_class=HTMLResponse, include_in_schema=False)
def page() -> str:
    return (PAGE / "index.html").read_text(encoding="utf-8")


@pages.get("/page/{name}", include_in_schema=False)
def page_asset(name: Literal["app.js", "app.css"]) -> Response:
    media = "text/javascript" if name.endswith(".js") else "text/css"
    return Response((PAGE / name).read_text(encoding="utf-8"), media_type=media)


@pages.get("/healthz")
def healthz(assistant: TheAssistant, gate: TheGate) -> dict[str, Any]:
    return {"status": "ok", "version": __version__, "papers": assistant.index_stats().papers, "llm_in_line": gate.in_line}


literature = APIRouter()


@literature.get("/api/search")
def search(assistant: TheAssistant, q: Query, k: PaperCount = 5, year: Year = None,
           journal: Annotated[str | None, Field(max_length=200, description="Only papers in this journal.")] = None,
           ) -> list[Evidence]:
    return assistant.search(q, k, year=year, journal=journal)


@literature.get("/api/paper/{pmid}")
def paper(capabilities: TheCapabilities, pmid: str) -> Paper:
    return capabilities.get_paper(pmid)


sequences = APIRouter()


@sequences.get("/api/gene/{symbol}")
def gene(capabilities: TheCapabilities, symbol: str) -> GeneMatch:
    return capabilities.gene_info(symbol)


@sequences.post("/api/variant")
def variant(capabilities: TheCapabilities, body: VariantRequest) -> VariantReport:  # type: ignore[valid-type]
    return capabilities.score_variant(**vars(body))


@sequences.get("/api/variant-literature")
def variant_literature(capabilities: TheCapabilities, variant: AnyVariant, gene: OptionalGene = None) -> VariantLiterature:
    return capabilities.variant_literature(variant, gene)


@sequences.get("/api/variants-in")
def variants_in(capabilities: TheCapabilities, query: TextQuery = None, gene: OptionalGene = None, k: VariantCount = 20) -> VariantCounts:
    return capabilities.variants_in(query, gene, k)


@sequences.post("/api/scan", response_model=None)
def scan(capabilities: TheCapabilities, body: ScanRequest, format: Literal["json", "png", "csv"] = "json") -> ScanResult | Response:  # type: ignore[valid-type]
    result = capabilities.scan_protein(**vars(body))
    if format == "csv":
        return Response(result.csv_text(), media_type="text/csv")
    png = result.png()
    if format == "png":
        return Response(png, media_type="image/png")
    return ScanResult(summary=result.summary, png_base64=base64.b64encode(png).decode("ascii"), csv=result.csv_text())


@sequences.post("/api/annotate")
def annotate(capabilities: TheCapabilities, body: AnnotateRequest) -> list[Annotation]:  # type: ignore[valid-type]
    return capabilities.annotate_sequence(**vars(body))


answers = APIRouter()


@answers.post("/api/ask", response_class=StreamingResponse,
          responses={200: {"content": {"text/event-stream": {}},
                           "description": "Events 'step', 'tool', 'observation', then 'answer' (an Answer) or 'error'."}})
async def ask(assistant: TheAssistant, gate: TheGate, body: AskRequest) -> StreamingResponse:
    mode = assistant.resolve_mode(body.mode)
    ticket = gate.enter(mode != "extractive")  # Busy here is a 503 before the stream opens
    events: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def put(item: tuple[str, str] | None) -> None:
        loop.call_soon_threadsafe(events.put_nowait, item)

    def on_event(kind: str, text: str) -> None:
        ticket.check()  # a client that has gone stops the answer here, before its next stage
        put((kind, text))

    def work() -> None:
        try:
            if ticket.number is not None and gate.in_line > 1:
                put(("step", f"waiting for the language model ({gate.in_line - 1} job(s) in line)"))
            with gate.turn(ticket):
                answer = assistant.ask(body.question, mode, on_event=on_event)
            put(("answer", answer.model_dump_json()))
        except Cancelled:
            log.info("an ask was abandoned by its client: %r", clip(body.question, 80))
        except GenelitError as exc:
            put(("error", json.dumps({"error": exc.message, "hint": exc.hint})))
        except Exception:
            log.exception("answering %r failed", body.question)
            put(("error", json.dumps({"error": "internal error while answering (see the server's log)", "hint": None})))
        finally:
            put(None)

    loop.run_in_executor(None, work)

    async def stream() -> AsyncIterator[str]:
        while (item := await events.get()) is not None:
            kind, data = item
            payload = data if kind in ("answer", "error") else json.dumps({"text": data})
            yield f"event: {kind}\ndata: {payload}\n\n"

    return CancelOnClose(stream(), lambda: gate.cancel(ticket), media_type="text/event-stream",
                         headers={"Cache-Control": "no-store"})


reports = APIRouter()


@reports.post("/api/report", status_code=202)
def start_report(jobs: TheJobs, body: ReportRequest) -> JobView:
    return _job_view(jobs.submit(body.topic, body.mode))


@reports.get("/api/report/{job_id}")
def report_status(jobs: TheJobs, job_id: str) -> JobView:
    return _job_view(_job(jobs, job_id))


@reports.delete("/api/report/{job_id}")
def cancel_report(jobs: TheJobs, job_id: str) -> JobView:
    """Stop a running job at its next stage, or forget a finished one."""
    job = jobs.cancel(job_id)
    if job is None:
        raise MissingResourceError(f"no report job {job_id!r}", "finished jobs are kept a while, then dropped")
    return _job_view(job)


@reports.get("/api/report/{job_id}/download")
def report_download(jobs: TheJobs, job_id: str, format: Literal["html", "md", "bib", "ris"] = "html") -> Response:
    job = _job(jobs, job_id)
    if job.report is None:
        raise BadInputError(f"report {job_id} is {job.status}", "wait until its status is 'done'")
    filename = f"genelit-report-{job_id}.{format}"
    return Response(render_report(job.report, format), media_type=TEXT_FORMATS[format].media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _job(jobs: ReportJobs, job_id: str) -> ReportJob:
    job = jobs.get(job_id)
    if job is None:
        raise MissingResourceError(f"no report job {job_id!r}", "start one with POST /api/report; finished jobs are kept a while")
    return job


def _warm_up(assistant: Assistant) -> None:
    """The first search loads the gene table, the embedder and BM25; an empty index is not an error to serve."""
    _ = assistant.genes
    try:
        assistant.search("warm up", k=1)
    except MissingResourceError:
        log.warning("the literature index is empty: build it with 'genelit index sample'")
