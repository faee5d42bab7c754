"""API keys and CORS."""

from __future__ import annotations

from service_helpers import error_of, make_app

from summarizers import Registry
from summarizers_service.security import ApiKeys


def test_api_keys_protect_v1_only(registry: Registry) -> None:
    client = make_app(registry, api_keys=["k1", "k2-secret"]).test_client()
    missing = client.get("/v1/methods")
    assert error_of(missing, 401)["code"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    error_of(client.get("/v1/methods", headers={"Authorization": "Bearer k2"}), 401)
    error_of(client.get("/v1/methods", headers={"Authorization": "Basic k1"}), 401)
    assert client.get("/v1/methods", headers={"Authorization": "Bearer k2-secret"}).status_code == 200
    for open_path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert client.get(open_path).status_code == 200
    spec = client.get("/openapi.json").get_json()
    assert spec["paths"]["/v1/summarize"]["post"]["security"] == [{"bearerAuth": []}]


def test_api_key_comparison() -> None:
    keys = ApiKeys(["alpha", "beta"])
    assert keys.enabled and keys.accepts("beta") and not keys.accepts("bet") and not keys.accepts("")
    assert not ApiKeys([]).enabled


def test_cors_only_for_configured_origins(registry: Registry) -> None:
    client = make_app(registry, cors_origins=["https://cms.example"]).test_client()
    allowed = client.get("/v1/methods", headers={"Origin": "https://cms.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://cms.example"
    assert "X-Request-ID" in allowed.headers["Access-Control-Expose-Headers"]
    other = client.get("/v1/methods", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/v1/summarize",
        headers={
            "Origin": "https://cms.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    closed = make_app(registry).test_client().get("/v1/methods", headers={"Origin": "https://cms.example"})
    assert "Access-Control-Allow-Origin" not in closed.headers


def test_preflight_passes_without_a_key(registry: Registry) -> None:
    client = make_app(registry, api_keys=["k"], cors_origins=["*"]).test_client()
    preflight = client.options(
        "/v1/summarize", headers={"Origin": "https://a.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://a.example"
