"""The service configuration from prefixed environment variables."""

from __future__ import annotations

import pytest

from service.app import create_app
from service.config import ServiceConfig
from summarizers import Registry
from summarizers.methods.lead import LeadMethod


def test_config_from_environment() -> None:
    config = ServiceConfig.from_env(
        {
            "SUMMARIZE_MAX_BODY_BYTES": "2048",
            "SUMMARIZE_API_KEYS": "a, b,",
            "SUMMARIZE_REQUEST_TIMEOUT": "2.5",
            "SUMMARIZE_PRELOAD": "",
            "SUMMARIZE_CORS_ORIGINS": "https://x.example",
        }
    )
    assert config.max_body_bytes == 2048 and config.api_keys == ("a", "b")
    assert (
        config.request_timeout == 2.5
        and config.preload == ()
        and config.cors_origins == ("https://x.example",)
    )
    assert ServiceConfig.from_env({}) == ServiceConfig()
    with pytest.raises(ValueError, match="SUMMARIZE_MAX_BATCH"):
        ServiceConfig.from_env({"SUMMARIZE_MAX_BATCH": "many"})
    with pytest.raises(ValueError, match="request_timeout"):
        ServiceConfig.from_env({"SUMMARIZE_REQUEST_TIMEOUT": "-1"})
    with pytest.raises(ValueError, match="unknown service setting"):
        create_app({"max_bodies": 1}, registry=Registry([LeadMethod()]))
