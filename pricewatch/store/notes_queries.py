"""Reads for interpretation notes and deadlines (uploads that cover a period)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .session import Session


def uploads_between(s: Session, start: date, end: date) -> pd.DataFrame:
    """Every upload (not superseded) whose data overlap [start, end], oldest first."""
    return s.df(
        "SELECT id, file_name, uploaded_by, uploaded_at, status, date_min, date_max, released_at,"
        " rows_loaded FROM uploads WHERE status <> 'superseded' AND date_min <= ? AND date_max >= ?"
        " ORDER BY id", [end, start])


def pending_uploads(s: Session) -> pd.DataFrame:
    """Unreleased uploads with what they hold, oldest first (the release page's list)."""
    return s.df(
        "SELECT id, file_name, uploaded_by, uploaded_at, layout, rows_read, rows_loaded,"
        " rows_revised, date_min, date_max FROM uploads WHERE released_at IS NULL"
        " AND status <> 'superseded' ORDER BY id")


def note_audit(s: Session, note_id: str, limit: int = 100) -> pd.DataFrame:
    return s.df(
        "SELECT at_time, actor, action, detail FROM audit_log WHERE target = ?"
        " ORDER BY id DESC LIMIT ?", [f"note:{note_id}", limit])


def public_fingerprint(s: Session, spans: list[tuple[date, date]]) -> str:
    """A cheap fingerprint of the public rows in these date spans.

    A released revision adds a row with a new id and makes the old one non-public, so the
    count / sum / max of the public ids changes whenever the public values of a span do.
    """
    parts = []
    for start, end in spans:
        row = s.one("SELECT count(*), coalesce(sum(id), 0), coalesce(max(id), 0) FROM obs_public"
                    " WHERE obs_date BETWEEN ? AND ?", [start, end])
        parts.append("-".join(str(int(x)) for x in row))
    return "/".join(parts)


def upload_markets(s: Session, upload_ids: list[int], start: date, end: date) -> pd.DataFrame:
    """Which markets each upload holds current rows for in [start, end] (upload_id, market)."""
    if not upload_ids:
        return pd.DataFrame({"upload_id": pd.Series(dtype="int64"), "market": pd.Series(dtype=str)})
    return s.df(
        "SELECT DISTINCT o.upload_id, m.name AS market FROM observations o"
        " JOIN markets m ON m.id = o.market_id"
        " WHERE o.is_current AND o.obs_date BETWEEN ? AND ? AND list_contains(?, o.upload_id)"
        " ORDER BY 1, 2", [start, end, list(upload_ids)])


def markets_reporting(s: Session, start: date, end: date) -> list[str]:
    """Markets with current rows in [start, end], in catalog order."""
    return s.df(
        "SELECT m.name FROM markets m WHERE EXISTS (SELECT 1 FROM observations o"
        " WHERE o.market_id = m.id AND o.is_current AND o.obs_date BETWEEN ? AND ?)"
        " ORDER BY m.sort, m.id", [start, end])["name"].tolist()
