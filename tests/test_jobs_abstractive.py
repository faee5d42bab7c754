"""A job of abstractive documents (a tiny random model built locally): chunks are summarized in
one batched call per chunk, and the results equal the library's batch call on the same input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from summarizers import Registry, summarize_batch
from summarizers.jobs import Jobs, JobsConfig, JobWorker
from summarizers.methods import abstractive
from summarizers.methods.abstractive.config import AbstractiveConfig

TEXTS = [f"Story {i}. The council met on day {i} and approved the budget. Schools get more money. "
         "Roads will be repaired before winter." for i in range(5)]


def test_an_abstractive_job_is_batched_per_chunk_and_equals_the_library(tiny_bart_dir: Path,
                                                                         tmp_path: Path) -> None:
    registry = Registry([abstractive.AbstractiveMethod(AbstractiveConfig.with_default(str(tiny_bart_dir),
                                                                                      torch_threads=1))])
    method = registry.get("abstractive")
    calls: list[int] = []
    original = method.summarize_many

    def counting(documents, requests):  # type: ignore[no-untyped-def]
        calls.append(len(documents))
        return original(documents, requests)

    method.summarize_many = counting  # type: ignore[method-assign]
    jobs = Jobs(JobsConfig(db=str(tmp_path / "jobs.db"), chunk=4))
    options = {"max_new_tokens": 8, "num_beams": 1}
    job_id = jobs.submit([{"id": i, "text": t} for i, t in enumerate(TEXTS)],
                         registry.prepare("abstractive", options=options))
    JobWorker(jobs, registry_factory=lambda: registry).run(until_idle=True)
    job = jobs.get(job_id)
    assert job is not None and job["status"] == "succeeded" and job["done"] == 5
    assert sorted(calls) == [1, 4]  # one batched call per chunk, not one per document
    results = [json.loads(line) for line in jobs.results(job, 0, 10).records]
    expected = summarize_batch(TEXTS, method="abstractive", options=options, registry=registry)
    assert [r["result"]["summary"] for r in results] == [s.summary for s in expected]
    assert all(r["result"]["kind"] == "abstractive" for r in results)
    assert [r["id"] for r in results] == [0, 1, 2, 3, 4]
