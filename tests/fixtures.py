"""What many test modules share: the ``summarize`` command line run in this process (where the
process itself is not under test) or as a subprocess, and made-up news articles
(deterministic, from a seed)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import random
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SUBJECTS = ["The council", "A spokesman", "The company", "Investors", "The minister", "Local residents",
             "The union", "Researchers", "The club", "Police"]
_VERBS = ["announced", "rejected", "welcomed", "questioned", "delayed", "approved", "criticised", "reviewed"]
_OBJECTS = ["the new budget", "plans for a stadium", "a rise in prices", "the annual report",
            "talks on pensions", "a bid for the firm", "the transport strategy", "fresh safety rules"]
_TAILS = ["on Monday", "after weeks of debate", "despite strong objections", "in a short statement",
          "ahead of the election", "for the second time this year"]


def cli(
    *args: str, stdin: bytes | str | None = None, env: dict[str, str] | None = None, timeout: float = 120,
    binary: bool = False,
) -> subprocess.CompletedProcess:
    """Run the real ``summarize`` command line (``python -m summarizers.cli.main ARGS``) from the
    repository root, with this environment plus ``env``; text output unless ``binary``."""
    if isinstance(stdin, bytes) and not binary:
        stdin = stdin.decode()
    return subprocess.run([sys.executable, "-m", "summarizers.cli.main", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=not binary, timeout=timeout,
                          env={**os.environ, **(env or {})}, check=False)


def cli_in_process(
    *args: str, stdin: bytes | str | None = None, env: Mapping[str, str] | None = None, binary: bool = False,
) -> subprocess.CompletedProcess:
    """Run ``summarize ARGS`` in this process, as :func:`cli` runs it in a new one: the command's
    ``main(args)`` from the repository root with this environment plus ``env``, ``stdin`` as its
    standard input, its standard output and error (logging included) captured, and its exit status
    (a ``SystemExit`` of argparse included). Text output unless ``binary``.

    Settings read when a library is first imported (``HF_HOME``, ``HF_HUB_OFFLINE``) stay those of
    this process: tests of them run the real command (:func:`cli`).
    """
    from summarizers.cli.main import main

    data = stdin.encode() if isinstance(stdin, str) else stdin or b""
    out, err = io.BytesIO(), io.BytesIO()
    streams = [io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"),
               io.TextIOWrapper(out, encoding="utf-8", write_through=True),
               io.TextIOWrapper(err, encoding="utf-8", write_through=True)]
    with _environment(env or {}), contextlib.chdir(ROOT), _standard_streams(*streams), _own_logging():
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse's usage errors and --help
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
            status = 1 if isinstance(exc.code, str) else exc.code or 0
    for stream in streams[1:]:
        stream.flush()
    stdout, stderr = out.getvalue(), err.getvalue()
    if binary:
        return subprocess.CompletedProcess(["summarize", *args], status, stdout, stderr)
    return subprocess.CompletedProcess(["summarize", *args], status, stdout.decode(), stderr.decode())


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` plus ``env`` (an empty value kept as set, as for a process), restored after."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _standard_streams(stdin: io.TextIOWrapper, stdout: io.TextIOWrapper, stderr: io.TextIOWrapper) -> Iterator[None]:
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


@contextlib.contextmanager
def _own_logging() -> Iterator[None]:
    """Logging as in a fresh process, so that the command's ``logging.basicConfig`` logs to its
    standard error alone: the root logger without handlers, and every named logger without the
    level, handlers or filters an earlier test (an app's logging set-up) gave it; all restored after."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    named = [logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    states = [(logger, logger.level, logger.handlers[:], logger.propagate, logger.disabled) for logger in named]
    root.handlers = []
    for logger in named:
        logger.setLevel(logging.NOTSET)
        logger.handlers, logger.propagate, logger.disabled = [], True, False
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers = saved
        root.setLevel(level)
        for logger, old_level, handlers, propagate, disabled in states:
            logger.setLevel(old_level)
            logger.handlers, logger.propagate, logger.disabled = handlers, propagate, disabled


def article_sentences(seed: int, sentences: int = 6) -> list[str]:
    """``sentences`` deterministic news-like sentences."""
    rng = random.Random(seed)
    return [f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}."
            for _ in range(sentences)]


def article(seed: int, sentences: int = 6) -> str:
    """A deterministic news-like text of ``sentences`` sentences in two paragraphs."""
    made = article_sentences(seed, sentences)
    half = sentences // 2
    return " ".join(made[:half]) + "\n" + " ".join(made[half:])


@contextlib.contextmanager
def serve_http(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` served on a free loopback port in a thread; yields the base URL, stops after."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
