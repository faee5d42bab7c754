"""A job is refused at submit for anything ``POST /v1/summarize`` would refuse at once (an
abstractive input over the server's limit), never accepted and failed later."""

from __future__ import annotations

from pathlib import Path

from service_helpers import FailingModel, error_of

from summarizers import Registry
from summarizers.jobs import JobsConfig
from summarizers.methods.lead import LeadMethod
from summarizers_service.app import create_app


def test_a_job_with_a_document_over_the_abstractive_limit_is_refused_at_submit(tmp_path: Path) -> None:
    config = JobsConfig(db=str(tmp_path / "jobs.db"), chunk=2)
    app = create_app({"preload": [], "log_level": "WARNING", "jobs": config, "abstractive_max_characters": 100},
                     registry=Registry([LeadMethod(), FailingModel()]))
    client = app.test_client()
    long_text = "The council met on Monday and voted for the plan. " * 5
    single = client.post("/v1/summarize", json={"method": "failing", "text": long_text})
    documents = [{"text": "The council met on Monday. It voted."}, {"text": long_text}]
    job = client.post("/v1/jobs", json={"method": "failing", "documents": documents})
    assert error_of(job, 422)["code"] == error_of(single, 422)["code"] == "input_too_large"
    assert error_of(job, 422)["details"]["field"] == "documents.1.text"
