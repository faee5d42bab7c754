"""The service with the real abstractive method: a tiny random model built locally (no download),
preloaded by the worker, reported by ``/readyz`` and ``/v1/methods``; and an absent model
reported unavailable (503 with ``Retry-After``) without breaking anything else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

abstractive = pytest.importorskip("summarizers.methods.abstractive.method")
pytest.importorskip("torch")

from flask.testing import FlaskClient  # noqa: E402

from summarizers import Registry  # noqa: E402
from summarizers.methods.abstractive.config import AbstractiveConfig  # noqa: E402
from summarizers.methods.lead import LeadMethod  # noqa: E402
from summarizers_service.app import create_app  # noqa: E402

pytestmark = pytest.mark.slow

TEXT = (
    "Rail strike called off 🚆\n\n"
    "Train drivers called off Monday's strike after a late offer from the operators. "
    "The union said members would vote on the new pay deal next week.\n"
    "Commuters had been warned to expect severe disruption across the network. "
    "Operators said all services would now run as normal.\n"
)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    from summarizers.testing import make_tiny_model

    torch.set_num_threads(1)
    return make_tiny_model(tmp_path_factory.mktemp("service-model") / "bart", "bart")


def client_for(source: Path, **settings: Any) -> FlaskClient:
    method = abstractive.AbstractiveMethod(AbstractiveConfig.with_default(str(source), torch_threads=1))
    app = create_app({"preload": ["abstractive"], **settings}, registry=Registry([LeadMethod(), method]))
    assert app.extensions["summarize"].preloader.wait(60)
    return app.test_client()


def test_preloaded_tiny_model_serves_abstractive_summaries(tiny_model: Path) -> None:
    client = client_for(tiny_model)
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json()["preload"]["abstractive"]["state"] == "loaded"
    assert 'summarize_model_load_seconds{method="abstractive"}' in client.get("/metrics").get_data(
        as_text=True
    )

    methods = client.get("/v1/methods").get_json()
    assert any(m["method"] == "abstractive" and m["default"] and m["loaded"] for m in methods["models"])

    response = client.post(
        "/v1/summarize",
        json={
            "text": TEXT,
            "method": "abstractive",
            "options": {"num_beams": 1, "max_new_tokens": 24},
            "offsets": "utf16",
        },
    )
    data = response.get_json()
    assert response.status_code == 200, data
    assert data["kind"] == "abstractive" and data["offsets_refer_to"] == "summary"
    assert data["model"]["source"] == str(tiny_model)
    units = data["summary"].encode("utf-16-le")
    for sentence in data["sentences"]:
        assert units[2 * sentence["start"] : 2 * sentence["end"]].decode("utf-16-le") == sentence["text"]

    too_many_beams = client.post(
        "/v1/summarize", json={"text": TEXT, "method": "abstractive", "options": {"num_beams": 10_000}}
    )
    assert too_many_beams.status_code == 422
    assert too_many_beams.get_json()["error"]["details"]["field"] == "options.num_beams"


def test_absent_model_is_unavailable_and_the_rest_works(tmp_path: Path) -> None:
    client = client_for(tmp_path / "no-such-model")
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["preload"]["abstractive"]["state"] == "unavailable"
    response = client.post("/v1/summarize", json={"text": TEXT, "method": "abstractive"})
    assert response.status_code == 503
    assert "Retry-After" not in response.headers  # waiting never brings a missing model
    error = response.get_json()["error"]
    assert error["code"] == "model_missing"
    assert "SUMMARIZE_ABSTRACTIVE_MODEL" in error["message"]  # a local directory: nothing to download
    assert client.post("/v1/summarize", json={"text": TEXT, "method": "lead"}).status_code == 200
