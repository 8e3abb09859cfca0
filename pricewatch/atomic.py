"""Writing a file so that readers see the old one or the new one, whole, never half.

The one way the system replaces a file it serves or keeps: notes and their history,
attachments, share files, the notes feed, archived briefings and briefing files written by
the command line. The data goes to a temporary file in the same directory, is flushed and
``fsync``-ed, and is renamed over the target (``os.replace``, atomic on one file system);
then the directory is synced, so the rename survives a crash too.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path
from typing import Any


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_all(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the web server may run as another user
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _write_all(fh: io.BufferedWriter | Any, data: bytes) -> None:
    # a separate function so tests can simulate a crash in the middle of a write
    fh.write(data)
