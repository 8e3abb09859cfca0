"""Releases: what the public may see.

Uploads start pending. A release makes pending uploads public: for each price it touches,
the public value becomes the newest released revision (see store.writes.release_uploads).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import pandas as pd

from .accounts import User, require
from .errors import InputError, NotFound
from .store import Store, queries, writes


@dataclass(frozen=True)
class ReleaseResult:
    release_id: int | None
    upload_ids: list[int]


def release(store: Store, actor: User, *, through: date | None = None,
            upload_id: int | None = None, comment: str | None = None) -> ReleaseResult:
    """Release one upload, or every pending upload whose data lie on or before ``through``."""
    require(actor, "release")
    if (through is None) == (upload_id is None):
        raise InputError("请指定 --through 日期或 --upload 编号（二选一）", "例如 --through 2024-05-05")
    with store.write() as s:
        if upload_id is not None:
            exists, released = queries.uploads.upload_exists(s, upload_id)
            if not exists:
                raise NotFound(f"上传 #{upload_id} 不存在", "用 `python -m pricewatch uploads` 查看编号")
            ids = [] if released else [upload_id]
        else:
            ids = queries.uploads.pending_uploads(s, through)
        rid = writes.release_uploads(s, ids, actor=actor.name, through=through, comment=comment)
    return ReleaseResult(rid, ids)


class UploadReview(NamedTuple):
    """What a reviewer judges a pending upload by, besides its row in :func:`pending_review`."""

    markets: list[str]      # markets with a price in the upload (catalog order)
    expected: list[str]     # markets of the last released period before it (all when none)
    changes: pd.DataFrame   # its largest changes beside the last released prices


def pending_review(store: Store) -> tuple[pd.DataFrame, dict[int, UploadReview]]:
    """The uploads waiting for release (superseded ones left out: nothing of theirs is
    current), oldest first, with their stored report and market count, and for each one
    what a reviewer checks; one read, so the list and the details agree."""
    with store.read() as s:
        pending = queries.uploads.pending_detail(s)
        detail = {int(i): UploadReview(queries.uploads.upload_markets(s, int(i)),
                                       queries.uploads.expected_markets(s, int(i)),
                                       queries.uploads.largest_changes(s, int(i)))
                  for i in pending["id"]}
    return pending, detail
