"""Prometheus metrics with `prometheus-client <https://prometheus.github.io/client_python/>`_.

Each app owns its :class:`~prometheus_client.CollectorRegistry` (so tests can build many apps).
Under gunicorn, ``service/gunicorn.conf.py`` sets ``PROMETHEUS_MULTIPROC_DIR`` before the workers
start: every worker then writes its samples to files there and ``/metrics`` (answered by any
worker) adds up all workers, as prometheus-client's multiprocess mode documents. Without that
variable the figures are those of the one process.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

#: HTTP methods counted under their own name; any other is counted as ``other``, so that the
#: number of time series stays bounded whatever clients send.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def metric_method(method: str) -> str:
    """The ``method`` label of a request: its HTTP method when a standard one, else ``other``."""
    return method if method in KNOWN_METHODS else "other"


#: Request latency buckets, in seconds: extractive answers take milliseconds, abstractive seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class Metrics:
    """The service's metrics, registered in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._collectors: list[Any] = []
        self.requests = Counter(
            "summarize_http_requests",
            "HTTP requests answered, by route, HTTP method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "summarize_http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "summarize_http_requests_in_flight",
            "HTTP requests being answered",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.summaries = Counter(
            "summarize_summaries",
            "Documents summarized, by summarization method and outcome",
            ["method", "outcome"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "summarize_rejected",
            "Requests refused with 503 because every slot was taken, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.model_load = Gauge(
            "summarize_model_load_seconds",
            "Seconds a worker took to preload a method's models",
            ["method"],
            registry=self.registry,
            multiprocess_mode="liveall",
        )

    def add_collector(self, collector: Any) -> None:
        """Add a collector read at scrape time (e.g. the jobs store's figures), in every mode."""
        self.registry.register(collector)
        self._collectors.append(collector)

    def exposition(self) -> tuple[bytes, str]:
        """The Prometheus text exposition and its content type (all workers in multiprocess mode)."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            for collector in self._collectors:
                registry.register(collector)
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
