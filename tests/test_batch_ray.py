"""``--engine ray``: the same job on a local Ray gives the same output file as the local engine.

Ray starts slowly, so this module holds the only Ray tests; each runs the real command in a
subprocess, which starts a local Ray and shuts it down when done.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from batch_helpers import by_id, read_output, records, write_jsonl
from fixtures import cli

pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parents[1]


def _batch(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return cli("batch", *args, "--progress", "off", timeout=timeout, env={"RAY_USAGE_STATS_ENABLED": "0"})


@pytest.mark.slow
def test_ray_engine_output_is_identical_to_the_local_engine(tmp_path: Path) -> None:
    rows: list = [*records(20), "not json", {"id": "empty", "text": ""}]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    local, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert _batch(str(src), "--out", str(local), "--jobs", "1", "--chunk-size", "3").returncode == 1
    ray_out.write_bytes(b"".join(local.read_bytes().splitlines(keepends=True)[:5]))  # a run cut short
    proc = _batch(str(src), "--out", str(ray_out), "--engine", "ray", "--jobs", "2", "--chunk-size", "3")
    assert proc.returncode == 1, proc.stderr  # the two bad lines
    assert "15 done, 2 failed, 5 skipped" in proc.stderr and "Traceback" not in proc.stderr
    assert ray_out.read_bytes() == local.read_bytes()
    assert len(by_id(read_output(ray_out))) == 22
