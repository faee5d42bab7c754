"""Article URLs: fetched safely from a server this test starts on 127.0.0.1, which each test allows
explicitly. No test reaches any other address (refused addresses are IP literals, checked before
any connection, or loopback names)."""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from fixtures import serve_http

from summarizers import Input, Registry, summarize, summarize_batch
from summarizers.batch.reader import read_items
from summarizers.cli.main import main
from summarizers.errors import FetchFailed, UrlNotAllowed
from summarizers.fetch import FetchPolicy, fetch
from summarizers.methods.lead import LeadMethod

PARAGRAPHS = [
    "Le café coûte plus cher cette année, selon les producteurs du Brésil et du Viêt Nam.",
    "Les prix à l'exportation ont augmenté de vingt pour cent en un an, d'après les négociants.",
    "Les torréfacteurs européens répercutent déjà la hausse sur les consommateurs français.",
]
PAGE = ("<html><head><title>Le prix du café</title></head><body><nav>Accueil | Économie</nav><article>"
        "<h1>Le prix du café s'envole</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</article><footer>Tous droits réservés.</footer></body></html>").encode("latin-1")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/article": (200, {"Content-Type": "text/html; charset=ISO-8859-1"}, PAGE),
            "/moved": (302, {"Location": "/article"}, b""),
            "/away": (302, {"Location": "http://elsewhere.invalid/article"}, b""),
            "/metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/big": (200, {"Content-Type": "text/html"}, b"<p>" + b"x" * 300_000 + b"</p>"),
            "/missing": (404, {"Content-Type": "text/plain"}, b"not here"),
        }
        if self.path == "/slow":
            time.sleep(2.5)
        status, headers, body = routes.get(self.path, (200, {"Content-Type": "text/html"}, PAGE))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # a client that gave up (the size and time limits)
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_http(Handler) as base:
        yield base


#: The policy of these tests: only the test server, explicitly.
LOCAL = FetchPolicy(allowed_hosts=("127.0.0.1",), allowed_networks=("127.0.0.1/32",), timeout=5)


def test_a_page_is_fetched_decoded_and_reported(server: str) -> None:
    result = summarize(url=server + "/moved", method="lead", language="auto", length={"sentences": 2},
                       fetch_policy=LOCAL)
    assert [s.text for s in result.sentences] == PARAGRAPHS[:2]
    info = result.to_dict()["input"]
    assert info["url"]["requested"] == server + "/moved" and info["url"]["final"] == server + "/article"
    assert info["url"]["status"] == 200 and info["url"]["redirects"] == 1
    assert info["url"]["extraction"] == "trafilatura" and info["encoding"] == "cp1252"
    assert info["source"] == "html" and info["language"] == "french"


def test_loopback_is_refused_unless_allowed(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    with pytest.raises(UrlNotAllowed, match=r"127\.0\.0\.1"):  # a literal: refused before connecting
        fetch(server + "/article", FetchPolicy())
    with pytest.raises(UrlNotAllowed, match="resolves to"):  # a name: refused where it connected
        fetch(f"http://localhost:{port}/article", FetchPolicy(allowed_networks=("::1/128",)))


@pytest.mark.parametrize(
    ("url", "error", "message"),
    [
        ("file:///etc/passwd", UrlNotAllowed, "http and https"),
        ("http://user:pw@127.0.0.1/", UrlNotAllowed, "credentials"),
        ("http://169.254.169.254/latest/meta-data/", UrlNotAllowed, r"169\.254\.169\.254"),
        ("http://10.0.0.1/", UrlNotAllowed, r"10\.0\.0\.1"),
        ("http://[::1]/", UrlNotAllowed, "::1"),
        ("http://elsewhere.invalid/", UrlNotAllowed, "allow-list"),
    ],
)
def test_urls_that_are_never_fetched(url: str, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        fetch(url, FetchPolicy(allowed_hosts=("127.0.0.1", "169.254.169.254", "10.0.0.1", "::1")) if
              "invalid" not in url else LOCAL)


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/away", UrlNotAllowed, "redirect"),
        ("/metadata", UrlNotAllowed, "redirect"),
        ("/loop", FetchFailed, "redirects"),
        ("/big", FetchFailed, "bytes"),
        ("/missing", FetchFailed, "404"),
        ("/slow", FetchFailed, "time limit|TimeoutError|ReadTimeout"),
    ],
)
def test_bad_fetches_fail_clearly(server: str, path: str, error: type, message: str) -> None:
    policy = FetchPolicy(allowed_hosts=("127.0.0.1",), allowed_networks=("127.0.0.1/32",), timeout=1,
                         max_bytes=100_000, max_redirects=3)
    started = time.monotonic()
    with pytest.raises(error, match=message) as info:
        fetch(server + path, policy)
    assert info.value.field == "url"
    assert time.monotonic() - started < 3


def test_cli_url(server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SUMMARIZE_URL_ALLOW_NETWORKS", "127.0.0.1/32")
    assert main(["text", "--url", server + "/article", "--method", "lead", "-n", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == PARAGRAPHS[0] and data["input"]["url"]["status"] == 200
    monkeypatch.delenv("SUMMARIZE_URL_ALLOW_NETWORKS")
    assert main(["text", "--url", server + "/article"]) == 1
    assert "not fetched" in capsys.readouterr().err


def test_batch_records_with_urls(server: str) -> None:
    lines = [{"id": 1, "url": server + "/article"}, {"id": 2, "url": server + "/missing"}]
    items = list(read_items(io.BytesIO("\n".join(json.dumps(x) for x in lines).encode()), "jsonl"))
    docs = [item.input for item in items]
    assert docs[0] == Input(url=server + "/article")
    results = summarize_batch(docs, method="lead", length=1, language="french", fetch_policy=LOCAL)
    assert results[0].summary == PARAGRAPHS[0]
    assert isinstance(results[1], FetchFailed) and results[1].details["status"] == 404


def test_service_urls_are_off_by_default_and_limited_to_hosts(server: str) -> None:
    pytest.importorskip("flask")
    from summarizers_service.app import create_app

    registry = Registry([LeadMethod()])
    off = create_app({"preload": []}, registry=registry).test_client()
    response = off.post("/v1/summarize", json={"url": server + "/article", "method": "lead"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "url_not_allowed"

    on = create_app({"preload": [], "allow_urls": True, "url_hosts": ["127.0.0.1"],
                     "url_allow_networks": ["127.0.0.1/32"]}, registry=registry).test_client()
    response = on.post("/v1/summarize", json={"url": server + "/article", "method": "lead",
                                              "length": {"sentences": 1}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["summary"] == PARAGRAPHS[0] and body["input"]["url"]["final"] == server + "/article"
    response = on.post("/v1/summarize", json={"url": "http://elsewhere.invalid/", "method": "lead"})
    assert response.status_code == 422 and response.get_json()["error"]["details"]["field"] == "url"
    response = on.post("/v1/summarize/batch", json={"method": "lead", "documents": [
        {"id": "a", "url": server + "/article"}, {"id": "b", "url": server + "/missing"}]})
    results = response.get_json()["results"]
    assert results[0]["summary"] and results[1]["error"]["code"] == "fetch_failed"
