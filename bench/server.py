"""The server under load, on loopback: `genelit serve` in its own process over an existing index.

1. /api/search, 20 concurrent clients for 30 s: requests/s, p50/p95 latency, errors (target: none).
2. /api/ask in extractive mode, 5 concurrent clients for 30 s: the same figures.
3. 3 pipeline asks at once with GENELIT_SERVER__LLM_QUEUE=1: one runs, one waits, one is told 'busy' (503);
   every request gets an answer or 'busy', none is lost.
4. The server's peak RSS (VmHWM).

The baseline is the same call made in this process straight on an Assistant, one at a time: its latency and the
calls per second that gives. The ratio is the server's requests per second over that: what the server keeps of
the library's own throughput once HTTP, JSON and many clients sharing two cores are added.

With --soak SECONDS it runs the soak instead (robustness-b009928): a live pipeline ask alone, then 10 pipeline asks
abandoned by their clients right after sending and a live one behind them (its latency beside the first's: the
abandoned asks must leave the line, not make it wait), then 20 search clients and 5 extractive asks for SECONDS
with 10 more abandoned asks among them: errors, the model's line at the end, and the server's RSS over time (flat
within 10% is the target).

    python -m bench.server [--data-dir bench/out/sample-index] [--seconds 30] [--skip-pipeline] [--soak 300] [--fast]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

if __package__ in (None, ""):  # `python bench/server.py` as well as `python -m bench.server`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import percentile, ratio
from genelit.agent.llm import free_port
from genelit.api import Assistant
from genelit.settings import Settings

HERE = Path(__file__).resolve().parent
QUERIES = ["BRCA1 mutation carriers breast cancer risk", "TP53 missense variants", "CRISPR screen essential genes",
           "DNA methylation in cancer", "mismatch repair colorectal cancer", "APOE Alzheimer disease risk",
           "copy number variants sequencing", "cystic fibrosis CFTR", "PTEN loss tumours", "hemophilia gene therapy"]
QUESTIONS = ["What is known about BRCA1 carriers and breast cancer risk?", "Are mismatch repair genes linked to colorectal cancer?",
             "What does PTEN loss do in tumours?", "How do CRISPR screens identify essential genes?", "What is known about TP53 R175H?"]


def load(clients: int, seconds: float, request: Callable[[httpx.Client, int], bool]) -> tuple[list[float], int]:
    """`clients` threads calling `request` until `seconds` pass; latencies of the successes and the error count."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        nonlocal errors
        with httpx.Client(timeout=120) as http:
            i = number
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    ok = request(http, i)
                except httpx.HTTPError:
                    ok = False
                with lock:
                    if ok:
                        latencies.append(time.perf_counter() - started)
                    else:
                        errors += 1
                i += clients

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def final_event(body: str) -> str:
    """The kind of the last server-sent event: 'answer' or 'error'."""
    kinds = [line[7:] for line in body.splitlines() if line.startswith("event: ")]
    return kinds[-1] if kinds else ""


def row(name: str, latencies: list[float], errors: int, seconds: float, baseline: list[float]) -> None:
    """One load's figures beside the in-process baseline: latency of one call, and calls per second one after another."""
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = percentile(latencies, 95) if latencies else float("nan")
    rate, base_rate = len(latencies) / seconds, len(baseline) / sum(baseline)
    print(f"{name:<26}{rate:>8.1f}{p50 * 1000:>9.0f}{p95 * 1000:>9.0f}{errors:>7}"
          f"{statistics.median(baseline) * 1000:>9.0f}{base_rate:>9.1f}{ratio(rate, base_rate):>9}")


def abandon(base: str, question: str) -> None:
    """A pipeline ask whose client hangs up as soon as the request is sent."""
    host, port = base.removeprefix("http://").split(":")
    body = json.dumps({"question": question, "mode": "pipeline"}).encode()
    with socket.create_connection((host, int(port))) as raw:
        raw.sendall(b"POST /api/ask HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                    % (host.encode(), len(body), body))
        time.sleep(0.05)


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024


def live_pipeline(base: str, question: str) -> tuple[str, float]:
    started = time.perf_counter()
    response = httpx.post(f"{base}/api/ask", json={"question": question, "mode": "pipeline"}, timeout=900)
    return final_event(response.text) or f"HTTP {response.status_code}", time.perf_counter() - started


def soak(base: str, pid: int, seconds: float, search: Callable[[httpx.Client, int], bool],
         ask: Callable[[httpx.Client, int], bool]) -> None:
    """The soak of robustness-b009928: abandoned asks, then searches and extractive asks for `seconds`, RSS sampled."""
    outcome, first = live_pipeline(base, QUESTIONS[0])  # starts the local model's server: not part of either figure
    print(f"first pipeline ask (starts the model):       {outcome} in {first:.1f} s")
    outcome, alone = live_pipeline(base, QUESTIONS[0])
    print(f"live pipeline ask, nothing abandoned:        {outcome} in {alone:.1f} s")
    for n in range(10):
        abandon(base, QUESTIONS[n % len(QUESTIONS)])
    outcome, behind = live_pipeline(base, QUESTIONS[0])
    print(f"live pipeline ask behind 10 abandoned ones:  {outcome} in {behind:.1f} s  (ratio {ratio(behind, alone)})")
    samples: list[tuple[float, float]] = []
    stop = threading.Event()

    def sample() -> None:
        started = time.monotonic()
        while not stop.wait(10):
            samples.append((time.monotonic() - started, rss_mb(pid)))

    sampler = threading.Thread(target=sample)
    sampler.start()
    results: dict[str, tuple[list[float], int]] = {}
    loads = [threading.Thread(target=lambda: results.__setitem__("search", load(20, seconds, search))),
             threading.Thread(target=lambda: results.__setitem__("ask", load(5, seconds, ask)))]
    for thread in loads:
        thread.start()
    for n in range(10):
        abandon(base, QUESTIONS[n % len(QUESTIONS)])
    for thread in loads:
        thread.join()
    stop.set()
    sampler.join()
    for name, (latencies, errors) in results.items():
        print(f"soak {name:<7} {len(latencies):>6} ok, {errors} errors, p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p95 {percentile(latencies, 95) * 1000:.0f} ms")
    early = [mb for t, mb in samples if t <= 60] or [samples[0][1]]
    late = [mb for t, mb in samples if t >= seconds - 60] or [samples[-1][1]]
    print("server RSS (MB) every 10 s: " + ", ".join(f"{mb:.0f}" for _, mb in samples))
    drift = statistics.mean(late) / statistics.mean(early) - 1
    print(f"RSS first minute {statistics.mean(early):.0f} MB, last minute {statistics.mean(late):.0f} MB: {drift:+.1%} "
          f"(target: within 10%); the model's line after the soak: {httpx.get(f'{base}/healthz').json()['llm_in_line']}")


def in_process_baselines(data_dir: Path) -> tuple[list[float], list[float]]:
    """Latencies of searches and of extractive asks called straight on an Assistant, one at a time."""
    assistant = Assistant(Settings(data_dir=data_dir))
    assistant.search("warm up", k=10)
    searches, asks = [], []
    for query in QUERIES * 3:
        started = time.perf_counter()
        assistant.search(query, k=10)
        searches.append(time.perf_counter() - started)
    for question in QUESTIONS * 2:
        started = time.perf_counter()
        assistant.ask(question, mode="extractive")
        asks.append(time.perf_counter() - started)
    return searches, asks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=HERE / "out" / "sample-index")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--skip-pipeline", action="store_true", help="leave out the three pipeline asks (no LLM needed)")
    parser.add_argument("--soak", type=float, default=0.0, help="run the soak for this many seconds instead of the loads")
    parser.add_argument("--fast", action="store_true", help="the server uses the smaller local model (0.5B)")
    args = parser.parse_args()
    search_base, ask_base = in_process_baselines(args.data_dir)
    port = free_port()
    # The soak's abandoned asks must be able to queue (ten of them), the loads' line test wants a line of one.
    env = {**os.environ, "GENELIT_SERVER__LLM_QUEUE": "12" if args.soak else "1"}
    log = (HERE / "out" / "server.log").open("w")  # the server's own messages, kept out of the table
    server = subprocess.Popen([sys.executable, "-m", "genelit.cli", "--data-dir", str(args.data_dir), "serve", "--port", str(port),
                               *(["--fast"] if args.fast else [])], env=env, stderr=log, stdout=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                papers = httpx.get(f"{base}/healthz", timeout=2).json()["papers"]
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise SystemExit("the server did not start")
        print(f"genelit serve over {papers:,} abstracts on loopback")

        def search(http: httpx.Client, i: int) -> bool:
            response = http.get(f"{base}/api/search", params={"q": QUERIES[i % len(QUERIES)], "k": 10})
            return response.status_code == 200 and len(response.json()) == 10

        def ask(http: httpx.Client, i: int) -> bool:
            response = http.post(f"{base}/api/ask", json={"question": QUESTIONS[i % len(QUESTIONS)], "mode": "extractive"})
            return response.status_code == 200 and final_event(response.text) == "answer"

        if args.soak:
            soak(base, server.pid, args.soak, search, ask)
            return
        print(f"{args.seconds:g} s per load; baseline: the same call in-process")
        print(f"{'load':<26}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>7}{'base ms':>9}{'base/s':>9}{'ratio':>9}")
        latencies, errors = load(20, args.seconds, search)
        row("search, 20 clients", latencies, errors, args.seconds, search_base)
        latencies, errors = load(5, args.seconds, ask)
        row("ask extractive, 5 clients", latencies, errors, args.seconds, ask_base)
        if not args.skip_pipeline:
            outcomes: list[str] = []

            def pipeline(question: str) -> None:
                started = time.perf_counter()
                response = httpx.post(f"{base}/api/ask", json={"question": question, "mode": "pipeline"}, timeout=600)
                seconds = time.perf_counter() - started
                outcome = "busy (503)" if response.status_code == 503 else final_event(response.text) or f"HTTP {response.status_code}"
                outcomes.append(f"{outcome} after {seconds:.1f} s")

            threads = [threading.Thread(target=pipeline, args=(q,)) for q in QUESTIONS[:3]]
            for thread in threads:
                thread.start()
                time.sleep(0.5)  # arrive in order, so the line is first come, first served
            for thread in threads:
                thread.join()
            answered = sum(o.startswith("answer") for o in outcomes)
            busy = sum(o.startswith("busy") for o in outcomes)
            print(f"3 pipeline asks at once, line of 1: {'; '.join(sorted(outcomes))}")
            print(f"  answered {answered}, busy {busy}, lost {3 - answered - busy} (target: 2 answered, 1 busy, 0 lost)")
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        print(f"server peak RSS: {int(peak) / 1024:.0f} MB")
        print(json.dumps({"health": httpx.get(f"{base}/healthz").json()}))
    finally:
        server.terminate()
        server.wait(30)
        log.close()


if __name__ == "__main__":
    main()
