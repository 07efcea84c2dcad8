"""The web app and JSON API (FastAPI's test client and a live uvicorn), the page in headless Chromium, the LLM's
fair line, and the MCP server as a subprocess driven by the SDK's own client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

import genelit
from genelit.agent.llm import free_port
from genelit.api import Assistant
from genelit.cli import app as cli
from genelit.index.medline import read_records
from genelit.server.app import create_app
from genelit.server.gate import Busy, Cancelled, FairGate, Ticket
from genelit.settings import Settings
from genelit.types import Paper
from tests.conftest import MEDLINE_SAMPLE, shared
from tests.fakes import FakeProvider, grounded_reply, scripted_chat_model

HOSTILE = Paper(
    pmid="99000001", title="Factor VIII gene therapy in hemophilia A <script>window.__pwned = 'title'</script>",
    abstract="Factor VIII gene therapy restored clotting in men with severe hemophilia A. "
             "<script>window.__pwned = 'abstract'</script><img src=x onerror=\"window.__pwned = 'img'\"> "
             "Bleeding episodes fell by 90% in the year after factor VIII gene therapy.",
    journal="Test Journal of Hemostasis", year=2021)
QUESTION = "Does factor VIII gene therapy reduce bleeding in hemophilia A?"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """40 sample abstracts, one hostile paper whose title and abstract carry markup, and the 8-gene proteins."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("served"))
    assistant = Assistant(settings)
    records = [r for _, r in zip(range(60), read_records(MEDLINE_SAMPLE))]
    assistant.index_records([HOSTILE, *records], "test", limit=41)
    assistant.add_sequences(shared("variants/reference_proteins_8genes.fasta"))
    return settings


@pytest.fixture(scope="module")
def client(served: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(Assistant(served)), base_url="http://127.0.0.1") as test_client:
        yield test_client


def _events(body: str) -> list[tuple[str, dict]]:
    out = []
    for block in body.strip().split("\n\n"):
        kind = next(line[7:] for line in block.splitlines() if line.startswith("event: "))
        data = "\n".join(line[6:] for line in block.splitlines() if line.startswith("data: "))
        out.append((kind, json.loads(data)))
    return out


# -- the API through the test client ------------------------------------------------------
def test_read_endpoints(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["papers"] == 41 and health["llm_in_line"] == 0
    hits = client.get("/api/search", params={"q": "factor VIII gene therapy hemophilia", "k": 3}).json()
    assert hits[0]["id"] == "PMID:99000001" and len(hits) == 3
    paper = client.get("/api/paper/PMID:99000001").json()
    assert paper["journal"] == "Test Journal of Hemostasis" and "<script>" in paper["abstract"]  # data, kept as written
    gene = client.get("/api/gene/p53").json()
    assert [g["symbol"] for g in gene["genes"]] == ["TP53"]
    schema = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/search", "/api/gene/{symbol}", "/api/variant", "/api/scan", "/api/annotate", "/api/report",
            "/healthz"} <= set(schema["paths"])


def test_sequence_endpoints(client: TestClient) -> None:
    report = client.post("/api/variant", json={"gene": "TP53", "variants": ["p.R175H", "R248W"]}).json()
    assert [d["hgvs"] for d in report["dossiers"]] == ["p.Arg175His", "p.Arg248Trp"] and report["gene"]["symbol"] == "TP53"
    assert report["dossiers"][0]["computational"]["interpretation"] == "indeterminate (no computational evidence)"
    scan = client.post("/api/scan", json={"gene": "TP53", "region": "170-180"}).json()
    assert scan["summary"]["region"] == [170, 180] and scan["csv"].startswith("position,ref,")
    png = client.post("/api/scan", params={"format": "png"}, json={"gene": "TP53", "region": "170-180"})
    assert png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    csv = client.post("/api/scan", params={"format": "csv"}, json={"gene": "TP53", "region": "170-180"}).text
    assert len(csv.strip().splitlines()) == 12  # a header and 11 positions
    annotated = client.post("/api/annotate", json={"sequence": "ATGGCC" * 60 + "TAA"}).json()
    assert annotated[0]["alphabet"] == "dna" and annotated[0]["longest_orf"]["length_aa"] == 120


@pytest.mark.parametrize(("method", "path", "body", "status", "message"), [
    ("get", "/api/search?q=", None, 422, "q: String should have at least 1 character"),
    ("get", "/api/search?q=x&k=500", None, 422, "k: Input should be less than or equal to 200"),
    ("get", "/api/paper/abc", None, 400, "'abc' is not a PMID"),
    ("get", "/api/paper/12", None, 404, "PMID:12 is not in the local index"),
    ("get", "/api/gene/NOTAGENE1", None, 400, "NOTAGENE1"),
    ("post", "/api/variant", {"gene": "TP53", "variants": []}, 422, "variants: List should have at least 1 item"),
    ("post", "/api/variant", {"gene": "TP53", "variants": ["p.Arg175Zzz"]}, 200, ""),  # an unreadable variant is a row, not a failure
    ("post", "/api/scan", {"gene": "TP53", "region": "500-400"}, 400, "region"),
    ("post", "/api/annotate", {"sequence": "ACGT" * 60_000}, 400, "over the limit of 200,000"),
    ("post", "/api/annotate", {"sequence": "@@@@"}, 400, ""),
    ("post", "/api/ask", {"question": ""}, 422, "question: String should have at least 1 character"),
    ("post", "/api/ask", {"question": "x", "mode": "magic"}, 422, "mode: Input should be"),
    ("post", "/api/report", {"topic": "x" * 501}, 422, "topic: String should have at most 500 characters"),
    ("get", "/api/report/nope", None, 404, "no report job 'nope'"),
])
def test_bad_input_is_a_json_error(client: TestClient, method: str, path: str, body: dict | None, status: int,
                                   message: str) -> None:
    response = client.request(method.upper(), path, json=body)
    assert response.status_code == status, response.text
    if status != 200:
        assert message in response.json()["error"] and "Traceback" not in response.text


def test_oversized_body_is_refused(client: TestClient) -> None:
    response = client.post("/api/annotate", content=b'{"sequence": "' + b"A" * 1_100_000 + b'"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 413 and "over 1,000,000 bytes" in response.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"sequence": "'
        for _ in range(11):
            yield b"A" * 100_000
        yield b'"}'

    response = client.post("/api/annotate", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_ask_streams_steps_then_a_cited_answer(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": QUESTION, "mode": "extractive"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "answer" and "step" in kinds
    answer = events[-1][1]
    assert answer["mode"] == "extractive" and "[PMID:99000001]" in answer["text"]


def test_report_job_runs_and_downloads(client: TestClient) -> None:
    job = client.post("/api/report", json={"topic": "factor VIII gene therapy", "mode": "extractive"})
    assert job.status_code == 202
    job_id = job.json()["id"]
    deadline = time.monotonic() + 300
    view = job.json()
    while view["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        view = client.get(f"/api/report/{job_id}").json()
    assert view["status"] == "done", view
    assert view["references"] >= 1 and any(step.startswith("section 1 of 4") for step in view["steps"])
    html = client.get(view["downloads"]["html"])
    assert html.text.startswith("<!DOCTYPE html>") and "attachment" in html.headers["content-disposition"]
    assert "&lt;script&gt;" in html.text and "<script>window" not in html.text  # the report escapes what it quotes
    assert client.get(view["downloads"]["bib"]).text.startswith("@article")


# -- who may use it ----------------------------------------------------------------------------------
def test_token_is_required_when_configured(served: Settings) -> None:
    guarded = served.server.model_copy(update={"token": SecretStr("s3cret-token-for-tests")})
    with TestClient(create_app(Assistant(served), guarded), base_url="http://127.0.0.1") as guarded_client:
        assert guarded_client.get("/api/gene/TP53").status_code == 401
        wrong = guarded_client.get("/api/gene/TP53", headers={"Authorization": "Bearer s3cret-token-for-test"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        assert guarded_client.get("/api/gene/TP53", headers={"Authorization": "Basic s3cret-token-for-tests"}).status_code == 401
        right = guarded_client.get("/api/gene/TP53", headers={"Authorization": "Bearer s3cret-token-for-tests"})
        assert right.status_code == 200
        assert guarded_client.get("/healthz").status_code == 200  # liveness needs no token


def test_serve_refuses_the_network_without_a_token(served: Settings) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(served.data_dir), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "GENELIT_SERVER__TOKEN" in result.stderr


def test_serve_names_a_port_already_taken(served: Settings) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = str(holder.getsockname()[1])
        result = CliRunner().invoke(cli, ["--data-dir", str(served.data_dir), "serve", "--port", port])
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr


def test_cors_is_off_unless_configured(client: TestClient, served: Settings) -> None:
    preflight = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"}
    assert "access-control-allow-origin" not in client.options("/api/search", headers=preflight).headers
    opened = served.server.model_copy(update={"cors_origins": ["https://elsewhere.example"]})
    with TestClient(create_app(Assistant(served), opened), base_url="http://127.0.0.1") as open_client:
        allowed = open_client.options("/api/search", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "https://elsewhere.example"


# -- the LLM's line ---------------------------------------------------------------------------------
def test_gate_serves_in_order_and_refuses_past_its_limit() -> None:
    gate = FairGate(max_waiting=2)
    tickets = [gate.enter() for _ in range(3)]
    with pytest.raises(Busy, match="3 job"):
        gate.enter()
    order: list[int | None] = []

    def job(ticket: Ticket) -> None:
        with gate.turn(ticket):
            order.append(ticket.number)

    threads = [threading.Thread(target=job, args=(t,)) for t in reversed(tickets)]  # started last-first
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == [0, 1, 2] and gate.in_line == 0


def test_a_cancelled_ticket_leaves_the_line_and_a_running_one_stops_at_its_next_check() -> None:
    gate = FairGate(max_waiting=1)
    running, waiting = gate.enter(), gate.enter()
    with pytest.raises(Busy):
        gate.enter()
    gate.cancel(waiting)  # its client went away while it waited: it no longer counts towards the limit
    assert gate.in_line == 1
    behind = gate.enter()
    outcome: list[str] = []

    def wait_for(ticket: Ticket, name: str) -> None:
        try:
            with gate.turn(ticket):
                outcome.append(name)
        except Cancelled:
            outcome.append(f"{name} cancelled")

    threads = [threading.Thread(target=wait_for, args=(t, n)) for t, n in ((waiting, "waiting"), (behind, "behind"))]
    for thread in threads:
        thread.start()
    with gate.turn(running):
        gate.cancel(running)  # the running job's client goes: the job sees it at its next stage
        with pytest.raises(Cancelled):
            running.check()
    for thread in threads:
        thread.join(10)
    assert sorted(outcome) == ["behind", "waiting cancelled"] and gate.in_line == 0


@contextlib.contextmanager
def live(app) -> Iterator[str]:
    """The app under a real uvicorn on a free loopback port."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(30)


def _held_model(release: threading.Event, calls: int):
    """A scripted model whose every answer waits until the test releases it: the LLM busy for as long as needed."""
    restate = grounded_reply(findings=(("", "Bleeding episodes fell after factor VIII gene therapy."),))

    def held(messages) -> str:
        assert release.wait(60), "the test never released the model"
        return restate(messages)

    return scripted_chat_model(*[held] * calls)


def _asker(results: dict[str, list]):
    """A pipeline ask that keeps its status and body in `results` under a name, for a thread to run."""
    def ask(name: str, base: str) -> None:
        with httpx.stream("POST", f"{base}/api/ask", json={"question": QUESTION, "mode": "pipeline"}, timeout=120) as response:
            results[name] = [response.status_code, response.read().decode()]

    return ask


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert condition(), what


def _in_line(base: str) -> int:
    return int(httpx.get(f"{base}/healthz").json()["llm_in_line"])


def _line_of_one(served: Settings, calls: int):
    """An app whose model's line holds one waiting job, over a held model; its release, model, app and results."""
    release = threading.Event()
    model = _held_model(release, calls)
    one_waiting = served.server.model_copy(update={"llm_queue": 1})
    app = create_app(Assistant(served, llm=FakeProvider(model, local=True)), one_waiting)
    return release, model, app, {}


def test_pipeline_asks_queue_and_the_overflow_is_told_busy(served: Settings) -> None:
    release, model, app, results = _line_of_one(served, 2)
    ask, wait_for = _asker(results), _wait_for

    with live(app) as base:
        first = threading.Thread(target=ask, args=("first", base))
        first.start()
        wait_for(lambda: len(model.seen) == 1, "the first ask never reached the model")
        second = threading.Thread(target=ask, args=("second", base))
        second.start()
        wait_for(lambda: _in_line(base) == 2, "the second ask never queued")
        third = httpx.post(f"{base}/api/ask", json={"question": QUESTION, "mode": "pipeline"}, timeout=30)
        assert third.status_code == 503 and "busy" in third.json()["error"] and third.headers["retry-after"]
        extractive = httpx.post(f"{base}/api/ask", json={"question": QUESTION, "mode": "extractive"}, timeout=120)
        assert _events(extractive.text)[-1][0] == "answer"  # no LLM, no line
        release.set()
        first.join(120)
        second.join(120)
    for name in ("first", "second"):  # nothing lost: both queued asks were answered by the model
        status, body = results[name]
        answer = _events(body)[-1]
        assert status == 200 and answer[0] == "answer" and "[PMID:99000001]" in answer[1]["text"]
    assert any("waiting for the language model" in data.get("text", "") for _, data in _events(results["second"][1]))
    assert len(model.seen) == 2


def test_abandoned_asks_leave_the_line_and_never_reach_the_model(served: Settings) -> None:
    release, model, app, results = _line_of_one(served, 5)
    ask, wait_for, in_line = _asker(results), _wait_for, _in_line

    with live(app) as base:
        first = threading.Thread(target=ask, args=("first", base))
        first.start()
        wait_for(lambda: len(model.seen) == 1, "the first ask never reached the model")
        port = int(base.rsplit(":", 1)[1])
        body = json.dumps({"question": QUESTION, "mode": "pipeline"}).encode()
        for _ in range(4):  # with one place in the line, each abandoned ask must leave it for the next to queue
            with socket.create_connection(("127.0.0.1", port)) as raw:
                raw.sendall(b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                wait_for(lambda: in_line(base) == 2, "the ask never queued")
            wait_for(lambda: in_line(base) == 1, "the abandoned ask kept its place in the line")
        second = threading.Thread(target=ask, args=("second", base))
        second.start()
        wait_for(lambda: in_line(base) == 2, "the live ask never queued")
        release.set()
        first.join(120)
        second.join(120)
    for name in ("first", "second"):
        status, text = results[name]
        assert status == 200 and _events(text)[-1][0] == "answer"
    assert len(model.seen) == 2  # the four abandoned asks never reached the model


def test_report_jobs_are_capped_cancelled_and_evicted(served: Settings) -> None:
    release = threading.Event()

    def held(messages) -> str:
        release.wait(60)
        return "Factor VIII gene therapy reduced bleeding [PMID:99000001]."

    capped = served.server.model_copy(update={"report_running": 1, "report_keep_s": 0.5})
    app = create_app(Assistant(served, llm=FakeProvider(scripted_chat_model(*[held] * 12), local=True)), capped)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        job = client.post("/api/report", json={"topic": "factor VIII gene therapy", "mode": "pipeline"}).json()
        busy = client.post("/api/report", json={"topic": "BRCA1", "mode": "extractive"})
        assert busy.status_code == 503 and "report job(s) are running" in busy.json()["error"]
        assert client.delete(f"/api/report/{job['id']}").status_code == 200
        release.set()
        deadline = time.monotonic() + 60
        while client.get(f"/api/report/{job['id']}").json()["status"] not in ("cancelled", "done", "failed") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.get(f"/api/report/{job['id']}").json()["status"] == "cancelled"
        time.sleep(0.6)  # past report_keep_s: the finished job is dropped
        assert client.get(f"/api/report/{job['id']}").status_code == 404
        assert client.post("/api/report", json={"topic": "BRCA1", "mode": "extractive"}).status_code == 202  # room again


# -- the page in a real browser ------------------------------------------------------------------------
def test_page_asks_and_opens_the_cited_abstract(served: Settings, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    artifacts = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with live(create_app(Assistant(served))) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("request", lambda req: None if req.url.startswith((base, "data:")) else problems.append(req.url))
            page.goto(base)
            page.wait_for_function("document.getElementById('status').textContent.includes('41 abstracts')")
            page.select_option("#mode", "extractive")
            page.fill("#question", QUESTION)
            page.click("#ask-button")
            page.wait_for_selector(".message.answered", timeout=120_000)
            answered = page.locator(".message.answered").first
            items = answered.locator(".answer-list li")  # issue 25: the quoted lines are a list, not "- " text
            assert items.count() >= 1 and items.first.locator("a.cite").count() >= 1
            assert not (answered.locator(".answer-body").text_content() or "").lstrip().startswith("- ")
            assert answered.locator(".references h3").text_content() == "References"
            assert answered.locator(".references li[data-ref='PMID:99000001']").count() == 1
            page.click(".message.answered .answer-body a.cite[data-cite='PMID:99000001'] >> nth=0")
            page.wait_for_function("document.getElementById('panel-title').textContent.startsWith('Factor VIII')")
            assert page.text_content("#panel-id") == "PMID:99000001"
            assert "<script>window.__pwned = 'abstract'</script>" in (page.text_content("#panel-abstract") or "")
            assert page.evaluate("window.__pwned === undefined")  # shown as text, never run
            assert page.locator("#panel script, .message script, #panel img").count() == 0
            page.screenshot(path=str(artifacts / "page-answer.png"))
            page.click("#panel-close")
            page.fill("#question", "Is TP53 p.R175H damaging?")  # a variant: the answer carries a model-evidence card
            page.click("#ask-button")
            page.wait_for_selector(".message.answered >> nth=1", timeout=120_000)
            card = page.locator(".card", has_text="score_variant").first
            assert "TP53 p.Arg175His" in (card.text_content() or "")
            card.locator("button", has_text="Show the heatmap").click()
            card.locator("img[alt='saturation scan of TP53']").wait_for(timeout=120_000)
            card.locator("button", has_text="Show the dossier").click()  # issue 24: the variant card is the dossier
            dossier = card.locator(".dossier")
            dossier.wait_for(timeout=120_000)
            shown = dossier.text_content() or ""
            assert "Computational (PP3/BP4): indeterminate (no computational evidence)" in shown and "not a classification" in shown
            assert "tolerated" not in shown and "missing: ClinVar and dbSNP: offline" in shown
            dossier.screenshot(path=str(artifacts / "page-dossier.png"))
            page.click(".tab[data-view='report']")
            page.fill("#topic", "factor VIII gene therapy")
            page.select_option("#report-mode", "extractive")
            page.click("#report-button")
            page.wait_for_selector("#report-frame:not([hidden])", timeout=300_000)
            assert page.locator("#report-downloads button").all_text_contents() == [
                "Download HTML", "Download MD", "Download BIB", "Download RIS"]
            with page.expect_download() as download:
                page.click("#report-downloads button >> text=Download BIB")
            assert Path(download.value.path()).read_text().startswith("@article")
            frame = page.frame_locator("#report-frame")
            assert "Factor VIII gene therapy" in (frame.locator("h1").text_content() or "")
            page.screenshot(path=str(artifacts / "page-report.png"))
        finally:
            browser.close()
    assert problems == [], problems


# -- MCP ---------------------------------------------------------------------------------------------------
def test_mcp_server_lists_and_runs_tools(served: Settings) -> None:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    async def session() -> tuple[list[str], dict, dict]:
        params = StdioServerParameters(command=sys.executable, args=["-m", "genelit.cli", "--data-dir", str(served.data_dir), "mcp"],
                                       env=dict(os.environ))
        async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
            started = await client.initialize()
            version = started.server_info.version
            tools = [tool.name for tool in (await client.list_tools()).tools]
            gene = await client.call_tool("gene_info", {"name": "p53"})
            search = await client.call_tool("search_literature", {"query": "factor VIII gene therapy", "k": 2})
            bad = await client.call_tool("get_paper", {"pmid": "12"})
            long = await client.call_tool("score_variant", {"gene": "TP53", "variants": ["p.R" + "1" * 5000 + "H"]})
            return tools, {"gene": gene, "search": search, "long": long, "version": version}, {"bad": bad}

    tools, good, failed = asyncio.run(asyncio.wait_for(session(), 300))
    assert good["version"] == genelit.__version__  # issue 25: it was empty
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    listed = re.search(r"`genelit mcp` serves (\w+) typed tools.*?:\n(.*?) \(", readme, re.S)
    assert listed and re.findall(r"`(\w+)`", listed.group(2)) == tools  # the README names exactly the tools served
    assert tools == ["search_literature", "get_paper", "gene_info", "score_variant", "variant_literature", "variants_in",
                     "scan_protein", "annotate_sequence", "align_sequences", "ask"]  # offline: no clinvar, snp or blast
    gene, search = good["gene"], good["search"]
    assert not gene.is_error and gene.structured_content["genes"][0]["symbol"] == "TP53"
    hit = search.structured_content["result"][0]
    assert not search.is_error and hit["id"] == "PMID:99000001" and hit["abstract"] is None  # the text once, as a snippet
    assert 0 < len(hit["snippet"]) <= 302 and hit["title"]
    assert failed["bad"].is_error and "PMID:12 is not in the local index" in failed["bad"].content[0].text
    long = good["long"]  # robustness-b009928: a bare "Error executing tool" before; now the batch's own error item
    assert not long.is_error and "is too large (at most 1,000,000,000)" in long.structured_content["dossiers"][0]["computational"]["error"]
