"""Spreadsheets in: every real-world price sheet, validated, loaded all-or-nothing.

The library's front door is :func:`ingest_file` (the CLI ``python -m ingest`` and the
upload page both call it); :func:`template` writes the official county weekly form.

Names are imported on first use (PEP 562): the parser child imports this package and
must not pay for pandas and the store, and the CLI starts that child before it does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FileResult", "IngestOptions", "Issue", "ingest_file", "template"]


def __getattr__(name: str) -> Any:
    if name == "Issue":
        from .issues import Issue

        return Issue
    if name in ("FileResult", "IngestOptions", "ingest_file"):
        from . import load

        return getattr(load, name)
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")


def template(path: object, store: object = None) -> object:
    """Write the county weekly-form template (.xlsx); see :mod:`ingest.template`."""
    from .template import write_template

    return write_template(path, store)  # type: ignore[arg-type]
