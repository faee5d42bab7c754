"""The optional completion webhook: a signed POST to an allow-listed URL, retried with backoff.

A job may name a ``webhook`` URL. It is accepted only when it starts with one of the configured
prefixes (``SUMMARIZE_JOBS_WEBHOOK_ALLOW``) and its host resolves to public addresses only
(loopback, private, link-local and reserved addresses are refused unless
``SUMMARIZE_JOBS_WEBHOOK_ALLOW_PRIVATE`` is set); the address is checked again at delivery.

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
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..errors import InvalidInput
from .config import JobsConfig

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Summarize-Signature"
TIMESTAMP_HEADER = "X-Summarize-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def check_url(url: str, config: JobsConfig) -> None:
    """Accept ``url`` as a webhook, or raise.

    Raises:
        InvalidInput: webhooks are not configured, the URL is not allow-listed, not http(s), or
            its host resolves to a loopback/private address (without ``webhook_allow_private``).
    """
    if not config.webhook_allow:
        raise InvalidInput("webhooks are not enabled on this server (SUMMARIZE_JOBS_WEBHOOK_ALLOW is empty)",
                           field="webhook")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("webhook must be an http or https URL", field="webhook")
    if not any(url.startswith(prefix) for prefix in config.webhook_allow):
        raise InvalidInput("webhook URL is not in the server's allow-list", field="webhook")
    if not config.webhook_allow_private:
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
        except OSError:
            raise InvalidInput(f"webhook host {parts.hostname!r} does not resolve", field="webhook") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not address.is_global:
                raise InvalidInput(f"webhook host {parts.hostname!r} is a loopback or private address",
                                   field="webhook")


def deliver(url: str, payload: Mapping[str, Any], config: JobsConfig, *, attempts: int = 5,
            backoff: float = 1.0, timeout: float = 10.0) -> bool:
    """POST ``payload`` to ``url``, signed; retry failures with backoff. Whether it was accepted (2xx)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    for attempt in range(attempts):
        try:
            check_url(url, config)
        except InvalidInput as exc:
            log.warning("webhook %s refused: %s", url, exc.message)
            return False
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
                   "User-Agent": "summarize-jobs-webhook"}
        if config.webhook_secret:
            headers[SIGNATURE_HEADER] = sign(config.webhook_secret, timestamp, body)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if 200 <= response.status < 300:
                    return True
        except urllib.error.HTTPError as exc:
            if exc.code < 500 and exc.code != 429:
                log.warning("webhook %s answered %d; not retried", url, exc.code)
                return False
        except (OSError, ValueError) as exc:
            log.info("webhook %s attempt %d failed: %s", url, attempt + 1, exc)
        if attempt + 1 < attempts:
            time.sleep(backoff * 2 ** attempt)
    log.warning("webhook %s not delivered after %d attempts", url, attempts)
    return False
