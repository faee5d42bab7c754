"""The digest page in a real browser: headless Chromium (Selenium) against gunicorn (with its
embedded job worker) on loopback. The page's stories are the API's digest of the same articles,
and choosing a sentence highlights it in its article."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from browser_helpers import chrome, gunicorns
from test_digest import _articles

pytestmark = pytest.mark.slow

WAIT_SECONDS = 60


def _wait(driver: Any, script: str, *args: Any) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not driver.execute_script(f"return {script}", *args):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        time.sleep(0.1)


def _api_digest(base: str, body: dict[str, Any]) -> dict[str, Any]:
    job = requests.post(f"{base}/v1/digests", json=body, timeout=10).json()
    deadline = time.monotonic() + WAIT_SECONDS
    while requests.get(f"{base}/v1/digests/{job['id']}", timeout=10).json()["status"] not in (
            "succeeded", "partially_succeeded", "failed", "cancelled"):
        assert time.monotonic() < deadline, "the digest job did not end"
        time.sleep(0.2)
    return requests.get(f"{base}/v1/digests/{job['id']}/result", timeout=10).json()


def test_the_digest_page_shows_the_stories_and_their_sources(tmp_path: Path) -> None:
    settings = {"SUMMARIZE_WORKERS": "1", "SUMMARIZE_PRELOAD": "", "SUMMARIZE_JOBS_WORKERS": "1",
                "SUMMARIZE_JOBS_DB": str(tmp_path / "jobs.db")}
    articles = _articles()
    with gunicorns(settings, logs=tmp_path) as (server,):
        driver = chrome(window=(1400, 1100))
        try:
            base = server.wait()
            driver.get(f"{base}/playground/digest")
            _wait(driver, "document.body.dataset.ready === 'true'")
            driver.execute_script("document.getElementById('articles').value = arguments[0];"
                                  "document.getElementById('words').value = '40';",
                                  "\n".join(json.dumps(a) for a in articles))
            driver.execute_script("document.getElementById('build').click()")
            _wait(driver, "Number(document.body.dataset.done || 0) > 0")
            expected = _api_digest(base, {"documents": articles, "length": {"words": 40}})
            drawn = driver.execute_script(
                "return [...document.querySelectorAll('#stories .story')].map(s => ({id: s.id,"
                "headline: s.querySelector('h3').textContent,"
                "sentences: [...s.querySelectorAll('.sentence')].map(b => b.textContent)}))")
            assert drawn == [{"id": s["id"], "headline": s["headline"],
                              "sentences": [x["text"] for x in s["sentences"]]} for s in expected["stories"]]
            driver.execute_script("document.querySelector('#stories .sentence').click()")
            first = expected["stories"][0]["sentences"][0]
            assert driver.execute_script("return document.getElementById('source-mark').textContent") == first["text"]
            source = next(a for a in articles if a["id"] == first["document"])
            assert source["text"][first["start"]:first["end"]] == first["text"]
            policy = requests.get(f"{base}/playground/digest", timeout=10).headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        finally:
            driver.quit()
