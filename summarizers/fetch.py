"""Fetching an article page from a URL, safely, with `urllib3 <https://urllib3.readthedocs.io>`_.

Every cost is bounded (a total time limit, a size limit, a number of redirects) and nothing
reaches where it should not (no SSRF):

- only ``http`` and ``https`` URLs, to hosts of the policy's allow-list when it has one;
- every redirect is checked like the first URL (scheme, host), and followed by hand (the
  redirect's connection is closed, never reused with an unread body, so a same-host redirect
  works);
- the host is resolved once and every address it resolves to must not be loopback, private,
  link-local (cloud metadata at 169.254.169.254), multicast, reserved or unspecified, unless the
  policy allows that network explicitly (tests allow 127.0.0.1): this is checked *before*
  connecting (no open/closed-port oracle on an allow-listed host that resolves to a private
  address), the socket connects to the checked address (no second resolution), and the address
  it connected to is checked again;
- one deadline (``timeout``) covers the whole fetch, slow or trickling answers included: a
  watchdog shuts the fetch's sockets down when it passes, whatever read is blocked;
- no proxy from the environment is used.

The bytes are decoded like any HTML (:func:`summarizers.text.encoding.decode_html`), with the
server's declared charset first.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from .checks import InvalidSetting, at_least, positive
from .errors import FetchFailed, UrlNotAllowed

#: Defaults: seconds for the whole fetch, bytes of the body, redirects followed.
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
USER_AGENT = "summarizers/0.1 (+https://pypi.org/project/summarizers/)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class FetchPolicy:
    """What may be fetched, and within which limits.

    Attributes:
        allowed_hosts: host names that may be fetched (``example.com``; ``*.example.com`` for
            its subdomains too); empty means any public host.
        allowed_networks: networks otherwise refused that may be reached (``127.0.0.1/32`` in
            tests). Never needed for public sites.
        timeout: seconds for the whole fetch, redirects included.
        max_bytes: the largest body read; a larger page is refused.
        max_redirects: redirects followed before giving up.
    """

    allowed_hosts: tuple[str, ...] = ()
    allowed_networks: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    networks: tuple[Network, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            nets = tuple(ipaddress.ip_network(n.strip(), strict=False) for n in self.allowed_networks)
        except ValueError as exc:
            raise InvalidSetting("allowed_networks", self.allowed_networks,
                                 f"networks such as 10.0.0.0/8 ({exc})") from None
        object.__setattr__(self, "networks", nets)
        positive("timeout", self.timeout)
        at_least("max_bytes", self.max_bytes, 1)
        at_least("max_redirects", self.max_redirects, 0)

    def host_allowed(self, host: str) -> bool:
        """Whether ``host`` is on the allow-list (any host when the list is empty)."""
        host = host.lower().rstrip(".")
        if not self.allowed_hosts:
            return True
        for allowed in self.allowed_hosts:
            allowed = allowed.lower().strip().rstrip(".")
            if allowed.startswith(("*.", ".")):
                base = allowed.lstrip("*").lstrip(".")
                if host == base or host.endswith("." + base):
                    return True
            elif host == allowed:
                return True
        return False

    def address_allowed(self, address: str) -> bool:
        """Whether a connection to ``address`` (an IP) is allowed."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in net for net in self.networks):
            return True
        return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local)


@dataclass(frozen=True)
class Fetched:
    """A fetched page: the URL asked for, the final URL after redirects, the HTTP status, the
    declared content type, and the body."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    data: bytes
    redirects: int = 0

    def info(self) -> dict[str, Any]:
        """What the result reports of the fetch."""
        return {"requested": self.url, "final": self.final_url, "status": self.status,
                "content_type": self.content_type, "bytes": len(self.data), "redirects": self.redirects}


def check_url(url: object, policy: FetchPolicy) -> str:
    """``url`` if its scheme and host may be fetched under ``policy``.

    Raises:
        UrlNotAllowed: not a string, not http(s), no host, credentials, or a host not allowed.
    """
    if not isinstance(url, str) or not url.strip():
        raise UrlNotAllowed("url must be a non-empty string", field="url")
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UrlNotAllowed(f"only http and https URLs can be fetched, not {parts.scheme or 'no'} scheme",
                            field="url")
    if not parts.hostname:
        raise UrlNotAllowed("the URL has no host", field="url")
    if parts.username or parts.password:
        raise UrlNotAllowed("URLs with credentials are not fetched", field="url")
    if not policy.host_allowed(parts.hostname):
        raise UrlNotAllowed(f"host {parts.hostname!r} is not on the allow-list", field="url",
                            host=parts.hostname)
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not policy.address_allowed(str(literal)):  # refused before connecting
        raise UrlNotAllowed(f"address {literal} is not fetched (loopback, private, link-local or reserved)",
                            field="url", address=str(literal))
    return url


def fetch(url: str, policy: FetchPolicy | None = None) -> Fetched:
    """GET ``url`` under ``policy`` (default: any public host, default limits).

    Raises:
        UrlNotAllowed: the URL, a redirect or the resolved address is not allowed.
        FetchFailed: the server could not be reached, answered an error status, was too slow
            or sent too much.
    """
    import urllib3

    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.timeout
    current = check_url(url, policy)
    sockets = _Sockets()
    watchdog = threading.Timer(policy.timeout, sockets.shut_all)
    watchdog.daemon = True
    watchdog.start()
    try:
        with urllib3.PoolManager(num_pools=2, retries=False) as manager:
            manager.pool_classes_by_scheme = _guarded_pools(policy, sockets)
            for hop in range(policy.max_redirects + 1):
                response = _get(manager, current, deadline, sockets)
                try:
                    if response.status in _REDIRECTS and response.headers.get("Location"):
                        target = urljoin(current, response.headers["Location"])
                        response.close()  # never reuse a connection whose body was not read
                        try:
                            current = check_url(target, policy)
                        except UrlNotAllowed as exc:
                            raise UrlNotAllowed(f"redirect to a URL that is not allowed: {exc.message}",
                                                field="url", location=target) from None
                        continue
                    if response.status >= 400:
                        raise FetchFailed(f"the server answered HTTP {response.status} for {current}",
                                          field="url", status=response.status)
                    data = _read(response, policy, deadline, sockets)
                    return Fetched(url, current, response.status, response.headers.get("Content-Type"), data,
                                   hop)
                finally:
                    response.release_conn()
    finally:
        watchdog.cancel()
    raise FetchFailed(f"more than {policy.max_redirects} redirects", field="url")


class _Sockets:
    """The sockets of one fetch, shut down together when its deadline passes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self.expired = False

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                sock.close()
                raise FetchFailed("the fetch took longer than its time limit", field="url")
            self._open.append(sock)

    def shut_all(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def _too_slow(sockets: _Sockets | None) -> FetchFailed | None:
    if sockets is not None and sockets.expired:
        return FetchFailed("the fetch took longer than its time limit", field="url")
    return None


def _get(manager: Any, url: str, deadline: float, sockets: _Sockets | None = None) -> Any:
    import urllib3

    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed("the fetch took longer than its time limit", field="url")
    try:
        return manager.request(
            "GET", url, redirect=False, preload_content=False, decode_content=True,
            timeout=urllib3.Timeout(connect=min(left, 10.0), read=left),
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
        )
    except (UrlNotAllowed, FetchFailed):
        raise
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        cause: BaseException = exc
        while cause.__context__ is not None and not isinstance(cause, (UrlNotAllowed, FetchFailed)):
            cause = cause.__context__
        if isinstance(cause, (UrlNotAllowed, FetchFailed)):
            raise cause from None
        raise _too_slow(sockets) or FetchFailed(f"could not fetch {url}: {type(exc).__name__}",
                                                field="url") from None


def _read(response: Any, policy: FetchPolicy, deadline: float, sockets: _Sockets | None = None) -> bytes:
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > policy.max_bytes:
        raise FetchFailed(f"the page is over {policy.max_bytes} bytes", field="url", max_bytes=policy.max_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.stream(_CHUNK):
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchFailed(f"the page is over {policy.max_bytes} bytes", field="url",
                                  max_bytes=policy.max_bytes)
            if time.monotonic() > deadline:
                raise FetchFailed("the fetch took longer than its time limit", field="url")
            chunks.append(chunk)
    except FetchFailed:
        raise
    except Exception as exc:  # urllib3's read errors and timeouts (the watchdog's shutdown among them)
        raise _too_slow(sockets) or FetchFailed(f"the page could not be read: {type(exc).__name__}",
                                                field="url") from None
    if _too_slow(sockets) is not None:  # the shutdown can look like the end of the body
        raise _too_slow(sockets)  # type: ignore[misc]
    return b"".join(chunks)


def resolve_allowed(host: str, port: int, policy: FetchPolicy) -> str:
    """The address to connect to for ``host``: resolved once, every address checked.

    Raises:
        UrlNotAllowed: one of its addresses is not allowed (nothing was connected to).
        FetchFailed: the name does not resolve.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchFailed(f"could not fetch: host {host!r} does not resolve", field="url") from None
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not policy.address_allowed(address):
            raise UrlNotAllowed(
                f"host {host!r} resolves to {address}, an address that is not fetched "
                "(loopback, private, link-local or reserved)", field="url", address=address)
    if not addresses:
        raise FetchFailed(f"could not fetch: host {host!r} does not resolve", field="url")
    return addresses[0]


def _guarded_pools(policy: FetchPolicy, sockets: _Sockets | None = None) -> dict[str, type]:
    """Connection pools whose connections refuse addresses the policy does not allow, before
    connecting, and connect to the checked address."""
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def guarded(base: type) -> type:
        class Guarded(base):  # type: ignore[misc, valid-type]
            def _new_conn(self) -> socket.socket:
                self._dns_host = resolve_allowed(self._dns_host, self.port, policy)  # pinned: no second lookup
                sock = super()._new_conn()
                address = sock.getpeername()[0]
                if not policy.address_allowed(address):
                    sock.close()
                    raise UrlNotAllowed(
                        f"host {self.host!r} resolves to {address}, an address that is not fetched "
                        "(loopback, private, link-local or reserved)", field="url", address=address)
                if sockets is not None:
                    sockets.add(sock)
                return sock
        return Guarded

    class Pool(HTTPConnectionPool):
        ConnectionCls = guarded(HTTPConnection)

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = guarded(HTTPSConnection)

    return {"http": Pool, "https": SecurePool}


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())
