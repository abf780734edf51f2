"""Running the app among other services: health and readiness probes, /metrics,
request ids in the logs, and the security headers of every response."""
