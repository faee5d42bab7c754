"""URL fetches against a hostile server on 127.0.0.1: one deadline that holds against a server
trickling its body, same-host redirects on a kept-alive connection, and no open/closed-port
oracle on an allow-listed name that resolves to a private address."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from fixtures import serve_http

from summarizers.errors import FetchFailed, UrlNotAllowed
from summarizers.fetch import FetchPolicy, fetch

PAGE = b"<html><body><article><p>The council approved the budget on Monday.</p></article></body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a redirect's connection could be reused

    def do_GET(self) -> None:
        if self.path == "/trickle":  # headers at once, then one byte every 0.2 s for a minute
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "300")
            self.end_headers()
            try:
                for _ in range(300):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            return
        if self.path == "/slow-headers":
            time.sleep(30)
        if self.path.startswith("/moved"):
            body = b"<html>moved, with a body the client does not read</html>"
            self.send_response(302)
            self.send_header("Location", "/article")
        else:
            body = PAGE
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_http(Handler) as base:
        yield base


LOCAL = FetchPolicy(allowed_networks=("127.0.0.1/32",), timeout=1.5)


@pytest.mark.parametrize("path", ["/trickle", "/slow-headers"])
def test_one_deadline_holds_against_a_trickling_or_silent_server(server: str, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="time limit"):
        fetch(server + path, LOCAL)
    assert time.monotonic() - started < 3.0  # 1.5 s limit; the server would take 60 s


def test_a_same_host_redirect_on_a_kept_alive_connection_is_followed(server: str) -> None:
    fetched = fetch(server + "/moved", LOCAL)
    assert fetched.status == 200 and fetched.redirects == 1 and fetched.data == PAGE
    assert fetched.final_url == server + "/article"


class _Listener:
    """A TCP port that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


def test_a_host_resolving_to_a_private_address_is_refused_before_connecting() -> None:
    listener = _Listener()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    policy = FetchPolicy(allowed_hosts=("localhost",), timeout=2)  # the name is allowed, its address is not
    try:
        answers = []
        for port in (listener.port, closed_port):
            with pytest.raises(UrlNotAllowed) as info:
                fetch(f"http://localhost:{port}/", policy)
            answers.append((info.value.code, info.value.message))
        time.sleep(0.3)
        assert listener.accepted == 0  # no connection was made
        assert answers[0] == answers[1]  # an open and a closed port look the same
    finally:
        listener.close()
