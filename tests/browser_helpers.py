"""Helpers for the playground's browser tests: a real gunicorn on a free loopback port and one
headless Chromium driven by Selenium through Debian's ``chromium`` and ``chromium-driver``.

Without a browser the tests skip on a developer's machine and FAIL under CI (``CI`` set), where
``.ci/run`` installs the packages.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from jobs_helpers import GUNICORN_CONF, clean_env, free_port

STARTUP_SECONDS = 60
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def missing(what: str) -> None:
    """Skip the test for want of ``what``, or fail when running under CI."""
    message = f"{what}; install it with: apt-get install -y chromium chromium-driver && pip install selenium"
    if os.environ.get("CI"):
        pytest.fail(f"under CI the browser tests must run: {message}")
    pytest.skip(message)


class Gunicorn:
    """The service under gunicorn with ``service/gunicorn.conf.py`` and ``SUMMARIZE_*``
    ``settings`` on a free loopback port. Starting returns at once (start several, then
    :meth:`wait` for each); :meth:`stop` ends it gracefully."""

    def __init__(self, settings: Mapping[str, str], log_path: Path) -> None:
        port = free_port()
        workdir = log_path.with_suffix("")  # the server's own temporary folder: its jobs database
        workdir.mkdir(exist_ok=True)
        env = clean_env({"HOST": "127.0.0.1", "PORT": str(port), **settings}, workdir)
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{port}"
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONF, "summarizers_service.app:create_app()"],
                cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        self._ready = False

    def wait(self) -> str:
        """The base URL, once ``/healthz`` answers (fails the test if it never does)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._ready:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            # Not listening yet, or still booting: try again.
            with contextlib.suppress(requests.ConnectionError, requests.Timeout):
                self._ready = requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
            if not self._ready:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{self.log_path.read_text()}")
                time.sleep(0.2)
        return self.url

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 30 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def gunicorns(*settings: Mapping[str, str], logs: Path) -> Iterator[list[Gunicorn]]:
    """Start one server per mapping of settings at once (logs in ``logs``); stop them all after."""
    servers: list[Gunicorn] = []
    try:
        for i, each in enumerate(settings):
            servers.append(Gunicorn(each, logs / f"gunicorn-{i}.log"))
        yield servers
    finally:
        for server in servers:
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGTERM)
        for server in servers:
            server.stop()


def chrome(window: tuple[int, int] = (1400, 1000)) -> Any:
    """A headless Chromium session (Selenium), with the browser's console log kept."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("the selenium package is not installed")
    binary = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if binary is None:
        missing("no Chromium browser found")
    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        missing("chromedriver not found")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-extensions", "--no-first-run", f"--window-size={window[0]},{window[1]}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver: Selenium Manager never looks for (or downloads) one.
    return webdriver.Chrome(service=Service(driver_path), options=options)
