"""Prometheus metrics of the process (one registry, so tests can build several apps)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "preventia_http_requests_total",
    "HTTP requests by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "preventia_http_request_duration_seconds",
    "HTTP request latency by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
HTTP_IN_FLIGHT = Gauge(
    "preventia_http_requests_in_flight", "HTTP requests being served.", registry=REGISTRY
)
PIPELINE_OUTCOMES = Counter(
    "preventia_pipeline_outcomes_total",
    "Outcomes of the collection pipeline by source and reason.",
    ["source", "outcome"],
    registry=REGISTRY,
)
TASK_DURATION = Histogram(
    "preventia_task_duration_seconds",
    "Background task durations by actor.",
    ["actor"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
    registry=REGISTRY,
)
TASK_FAILURES = Counter(
    "preventia_task_failures_total",
    "Background task failures by actor and reason (exception type).",
    ["actor", "reason"],
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "preventia_queue_depth",
    "Messages waiting in each background queue (read when /metrics is scraped).",
    ["queue"],
    registry=REGISTRY,
)
