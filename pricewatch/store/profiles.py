"""Import profiles (table ``import_profiles``, migration 0070): reads and audited writes.

A profile is stored as two JSON documents the ingest package defines (``ingest.profiles``):
the mapping and the layout fingerprint. The store does not interpret them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors import InputError, NotFound
from .session import Session
from .writes import audit

if TYPE_CHECKING:
    import pandas as pd


def list_profiles(s: Session) -> pd.DataFrame:
    """name, mapping, fingerprint (JSON text), created_by, created_at, updated_by, updated_at."""
    return s.df("SELECT name, mapping, fingerprint, created_by, created_at, updated_by, updated_at"
                " FROM import_profiles ORDER BY name")


def profile_rows(s: Session) -> list[tuple[str, Any, Any]]:
    """The profiles as (name, mapping JSON, fingerprint JSON), by name (no pandas)."""
    return s.all("SELECT name, mapping, fingerprint FROM import_profiles ORDER BY name")


def get_profile(s: Session, name: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    row = s.one("SELECT mapping, fingerprint FROM import_profiles WHERE name = ?", [name])
    if row is None:
        return None
    return _load(row[0]), _load(row[1])


def _load(v: Any) -> dict[str, Any]:
    return json.loads(v) if isinstance(v, str) else dict(v)


def save_profile(s: Session, name: str, mapping: dict[str, Any], fingerprint: dict[str, Any], *,
                 actor: str) -> bool:
    """Create or replace a profile; True when it is new. Audited (``profile.create`` or
    ``profile.update`` with the mapping before and after)."""
    s.keep_data_version()
    old = get_profile(s, name)
    m, f = json.dumps(mapping, ensure_ascii=False), json.dumps(fingerprint, ensure_ascii=False, default=str)
    if old is None:
        s.execute("INSERT INTO import_profiles (name, mapping, fingerprint, created_by) VALUES (?, ?, ?, ?)",
                  [name, m, f, actor])
        audit(s, actor, "profile.create", f"profile:{name}", {"mapping": mapping})
        return True
    s.execute("UPDATE import_profiles SET mapping = ?, fingerprint = ?, updated_by = ?,"
              " updated_at = current_timestamp WHERE name = ?", [m, f, actor, name])
    audit(s, actor, "profile.update", f"profile:{name}", {"before": old[0], "after": mapping})
    return False


def rename_profile(s: Session, old: str, new: str, *, actor: str) -> None:
    s.keep_data_version()
    if get_profile(s, old) is None:
        raise NotFound(f"导入方案「{old}」不存在", "用 python -m ingest profiles list 查看已有方案")
    if get_profile(s, new) is not None:
        raise InputError(f"导入方案「{new}」已存在", "换一个名称，或先删除同名方案")
    s.execute("UPDATE import_profiles SET name = ?, updated_by = ?, updated_at = current_timestamp"
              " WHERE name = ?", [new, actor, old])
    audit(s, actor, "profile.rename", f"profile:{new}", {"from": old, "to": new})


def delete_profile(s: Session, name: str, *, actor: str) -> None:
    s.keep_data_version()
    old = get_profile(s, name)
    if old is None:
        raise NotFound(f"导入方案「{name}」不存在", "用 python -m ingest profiles list 查看已有方案")
    s.execute("DELETE FROM import_profiles WHERE name = ?", [name])
    audit(s, actor, "profile.delete", f"profile:{name}", {"mapping": old[0]})
