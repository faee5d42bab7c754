"""The optional completion webhook: a signed POST to an allow-listed URL, retried with backoff.

A job may name a ``webhook`` URL. It is accepted only when it starts with one of the configured
prefixes (``SUMMARIZE_JOBS_WEBHOOK_ALLOW``), its port is valid, and its host resolves to
public addresses only (loopback, private, link-local and reserved addresses are refused unless
``SUMMARIZE_JOBS_WEBHOOK_ALLOW_PRIVATE`` is set). At delivery the host is resolved once, every
address checked again, and the connection made to that checked address (with ``urllib3``; the
``Host`` header and TLS name stay the URL's), so a DNS answer that changes between the check and
the connection (rebinding) cannot redirect it; redirects are never followed.

The body is the job's status as JSON. ``X-Summarize-Timestamp`` is the delivery's Unix time and
``X-Summarize-Signature`` is ``sha256=`` and the hex HMAC-SHA256, keyed with
``SUMMARIZE_JOBS_WEBHOOK_SECRET``, of ``"<timestamp>.<body>"``: a receiver recomputes it and
compares in constant time (and refuses old timestamps). A failed delivery (no answer, 429 or
5xx) is retried with exponential backoff, a few times. Delivery is at least once: the store
remembers which webhooks were sent, and a worker's sweep sends those whose worker died first.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..config import JobsConfig
from ..errors import InvalidInput

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Summarize-Signature"
TIMESTAMP_HEADER = "X-Summarize-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _target(url: str, config: JobsConfig) -> tuple[Any, int, list[str]]:
    """The URL's parts, its port and the addresses it resolves to (each one checked).

    Raises:
        InvalidInput: see :func:`check_url`.
    """
    if not config.webhook_allow:
        raise InvalidInput("webhooks are not enabled on this server (SUMMARIZE_JOBS_WEBHOOK_ALLOW is empty)",
                           field="webhook")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("webhook must be an http or https URL", field="webhook")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InvalidInput("webhook URL has an invalid port (it must be a number from 1 to 65535)",
                           field="webhook") from None
    if not 0 < port < 65536:
        raise InvalidInput("webhook URL has an invalid port (it must be a number from 1 to 65535)", field="webhook")
    if parts.username or parts.password:
        raise InvalidInput("webhook URLs with credentials are not accepted", field="webhook")
    if not any(url.startswith(prefix) for prefix in config.webhook_allow):
        raise InvalidInput("webhook URL is not in the server's allow-list", field="webhook")
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise InvalidInput(f"webhook host {parts.hostname!r} does not resolve", field="webhook") from None
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]
        ip = ipaddress.ip_address(address)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not config.webhook_allow_private and not ip.is_global:
            raise InvalidInput(f"webhook host {parts.hostname!r} is a loopback or private address",
                               field="webhook")
        if address not in addresses:
            addresses.append(address)
    return parts, port, addresses


def check_url(url: str, config: JobsConfig) -> None:
    """Accept ``url`` as a webhook, or raise.

    Raises:
        InvalidInput: webhooks are not configured, the URL is not allow-listed, not http(s), has
            credentials or a bad port, or its host resolves to a loopback/private address
            (without ``webhook_allow_private``).
    """
    _target(url, config)


def _post(url: str, body: bytes, headers: dict[str, str], config: JobsConfig, timeout: float) -> int:
    """POST ``body`` to ``url`` on the very address that was checked (no second DNS resolution,
    no redirect followed); the status.

    Raises:
        InvalidInput: the URL is refused (:func:`check_url`).
        urllib3.exceptions.HTTPError: the connection or the exchange failed.
    """
    import urllib3

    parts, port, addresses = _target(url, config)
    address = addresses[0]
    host = parts.hostname
    headers = {**headers, "Host": parts.netloc.rpartition("@")[2]}
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    kwargs: dict[str, Any] = {"timeout": urllib3.Timeout(connect=min(timeout, 5.0), read=timeout),
                              "retries": False, "maxsize": 1}
    pool: Any
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(address, port, server_hostname=host, assert_hostname=host, **kwargs)
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **kwargs)
    with pool:
        response = pool.urlopen("POST", path, body=body, headers=headers, redirect=False, retries=False,
                                assert_same_host=False, preload_content=False)
        try:
            response.read(64 * 1024, decode_content=False)  # a bounded look at the answer
        finally:
            response.release_conn()
        return int(response.status)


def deliver(url: str, payload: Mapping[str, Any], config: JobsConfig, *, attempts: int = 5,
            backoff: float = 1.0, timeout: float = 10.0) -> bool:
    """POST ``payload`` to ``url``, signed; retry failures with backoff. Whether it was accepted (2xx).

    Redirects are not followed (a 3xx is a refusal, not retried); every attempt resolves the
    host once, checks each address, and connects to the checked address.
    """
    import urllib3

    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    for attempt in range(attempts):
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
                   "User-Agent": "summarize-jobs-webhook"}
        if config.webhook_secret:
            headers[SIGNATURE_HEADER] = sign(config.webhook_secret, timestamp, body)
        try:
            status = _post(url, body, headers, config, timeout)
        except InvalidInput as exc:
            log.warning("webhook %s refused: %s", url, exc.message)
            return False
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            log.info("webhook %s attempt %d failed: %s", url, attempt + 1, exc)
        else:
            if 200 <= status < 300:
                return True
            if 300 <= status < 400:
                log.warning("webhook %s answered a redirect (%d); redirects are not followed", url, status)
                return False
            if status < 500 and status != 429:
                log.warning("webhook %s answered %d; not retried", url, status)
                return False
            log.info("webhook %s attempt %d answered %d", url, attempt + 1, status)
        if attempt + 1 < attempts:
            time.sleep(backoff * 2 ** attempt)
    log.warning("webhook %s not delivered after %d attempts", url, attempts)
    return False
