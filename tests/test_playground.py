"""The playground page as HTTP sees it (Flask test client), and the library option it relies on:
``options.all_sentences`` (every candidate sentence with its score and rank)."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from summarizers import InvalidOption, UnsupportedLanguage, default_registry, summarize, supported_languages
from summarizers_service.app import create_app
from summarizers_service.playground import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "service" / "playground" / "static"
TEXT = (
    "Flood warning for the valley 🌧️\n\n"
    "Heavy rain is expected to raise the river above its banks by Friday morning. "
    "Residents near the old bridge have been told to move cars to higher ground.\n"
    "The council opened two shelters in school halls on Thursday evening. "
    "Trains between the two towns will not run until the water falls.\n"
)
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".html": "text/html"}


class Assets(HTMLParser):
    """Collects what a page loads, and anything inline that a strict policy would block."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.inline.append("inline <script>")
        if tag == "style":
            self.inline.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.inline.append(f"{tag} {name}={value!r}")
        if tag in ("script", "img") and values.get("src"):
            self.urls.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"] or "")


@pytest.fixture()
def client():
    return create_app({"preload": []}).test_client()


def test_the_page_is_served_at_root_and_playground_under_a_strict_policy(client) -> None:
    for path in ("/", "/playground"):
        page = client.get(path)
        assert page.status_code == 200
        assert page.mimetype == "text/html"
        assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert page.headers["X-Frame-Options"] == "DENY"
    policy = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert policy["default-src"] == "'none'"
    for directive in ("script-src", "style-src", "connect-src", "img-src"):
        assert policy[directive] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert policy["frame-ancestors"] == "'none'"
    # The API's own answers are not changed by the page's policy.
    assert "Content-Security-Policy" not in client.get("/healthz").headers


def test_every_asset_is_local_and_nothing_is_inline(client) -> None:
    parser = Assets()
    parser.feed(client.get("/").get_data(as_text=True))
    assert parser.inline == []
    assert parser.urls, "the page loads its script, style sheet and icon"
    modules = set()
    for url in parser.urls:
        assert not re.match(r"^(https?:)?//", url), f"{url} is not served by the service"
        modules.add(url)
    for path in sorted(STATIC.iterdir()):
        if path.suffix == ".js":
            for imported in re.findall(r"""from\s+["']\./([\w.-]+)["']""", path.read_text(encoding="utf-8")):
                assert (STATIC / imported).exists(), f"{path.name} imports a missing {imported}"
    for path in sorted(STATIC.iterdir()):
        answer = client.get(f"/playground/assets/{path.name}")
        assert answer.status_code == 200, path.name
        assert answer.mimetype == CONTENT_TYPES[path.suffix], path.name
        assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        text = answer.get_data(as_text=True)
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), f"{path.name} names another origin"
        if path.suffix == ".js":  # DOM built from nodes and text only (Trusted Types would refuse the rest)
            assert not re.search(r"innerHTML|outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function",
                                 text), path.name
    for url in modules:
        assert client.get("/" + url).status_code == 200, url
    assert client.get("/playground/assets/missing.js").status_code == 404


def test_the_assets_are_package_data() -> None:
    """A wheel (and so the Docker image) carries every file the page needs."""
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    patterns = package_data["summarizers_service.playground"]
    for path in STATIC.iterdir():
        relative = path.relative_to(STATIC.parent).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), f"{relative} is not package data"


def test_config_tells_the_page_about_keys_and_languages(client) -> None:
    config = client.get("/playground/config.json").get_json()
    assert config["api_key_required"] is False
    assert config["languages"] == [name for name in supported_languages() if name != "auto"]
    try:  # the library, asked directly: does it take language="auto"?
        summarize(TEXT, method="lead", language="auto")
        auto = True
    except UnsupportedLanguage:
        auto = False
    assert config["auto_language"] is auto
    request_schema = client.get("/openapi.json").get_json()["components"]["schemas"]["SummarizeRequest"]
    assert config["default_method"] == request_schema["properties"]["method"]["default"]

    keyed = create_app({"preload": [], "api_keys": ["k1"]}).test_client()
    assert keyed.get("/playground/config.json").get_json()["api_key_required"] is True
    # The page and its assets are open; the API they call is not.
    assert keyed.get("/").status_code == 200
    assert keyed.get("/playground/assets/main.js").status_code == 200
    assert keyed.get("/v1/methods").status_code == 401
    assert keyed.get("/v1/methods", headers={"Authorization": "Bearer k1"}).status_code == 200


@pytest.mark.parametrize("method", ["lead", "lexrank", "textrank", "lsa", "luhn", "random"])
def test_all_sentences_scores_and_ranks_every_candidate(method: str) -> None:
    result = summarize(TEXT, method=method, length={"sentences": 2}, options={"all_sentences": True})
    every = result.all_sentences
    assert every is not None and len(every) == result.input.sentences
    assert sorted(s.rank for s in every) == list(range(1, len(every) + 1))
    assert [s.start for s in every] == sorted(s.start for s in every)
    for s in every:
        assert TEXT[s.start : s.end] == s.text
    by_start = {s.start: s for s in every}
    for s in result.sentences:  # the summary's sentences are the best-ranked candidates
        assert by_start[s.start] == s
    assert {s.rank for s in result.sentences} == {1, 2}
    data = result.to_dict()
    assert [d["rank"] for d in data["all_sentences"]] == [s.rank for s in every]
    assert "all_sentences" not in summarize(TEXT, method=method).to_dict()


def test_all_sentences_is_an_extractive_option() -> None:
    registry = default_registry()
    for method in registry:
        names = {p.name for p in method.all_parameters()}
        assert ("all_sentences" in names) == (method.kind == "extractive"), method.name
    with pytest.raises(InvalidOption):
        registry.get("abstractive").validate_options({"all_sentences": True})


def test_all_sentences_over_http_in_utf16(client) -> None:
    body = {"text": TEXT, "method": "lexrank", "offsets": "utf16", "options": {"all_sentences": True}}
    data = client.post("/v1/summarize", json=body).get_json()
    units = TEXT.encode("utf-16-le")
    assert len(data["all_sentences"]) == data["input"]["sentences"]
    for s in data["all_sentences"]:
        assert units[2 * s["start"] : 2 * s["end"]].decode("utf-16-le") == s["text"]
    spec = client.get("/openapi.json").get_json()
    assert "all_sentences" in spec["components"]["schemas"]["SummaryOut"]["properties"]
