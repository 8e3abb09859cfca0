"""Spreadsheets in: every real-world price sheet, validated, loaded all-or-nothing.

The library's front door is :func:`ingest_file` (the CLI ``python -m ingest`` and the
upload page both call it); :func:`template` writes the official county weekly form.
"""

from __future__ import annotations

from .issues import Issue
from .load import FileResult, IngestOptions, ingest_file

__all__ = ["FileResult", "IngestOptions", "Issue", "ingest_file", "template"]


def template(path: object, store: object = None) -> object:
    """Write the county weekly-form template (.xlsx); see :mod:`ingest.template`."""
    from .template import write_template

    return write_template(path, store)  # type: ignore[arg-type]
