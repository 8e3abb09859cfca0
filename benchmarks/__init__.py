"""Benchmarks: synthetic price histories at county, province and stress size, and one
command (``python -m benchmarks``, ``make bench``) that measures the ingest, the report, the
pages, the store and the briefing against the targets. See benchmarks/README.md."""
