"""Seed a new database with the bureau's monitoring catalog (data/catalog/*.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from ..config import PROJECT_ROOT

SEED_DIR = PROJECT_ROOT / "data" / "catalog"


def _rows(name: str, seed_dir: Path) -> list[dict[str, str]]:
    path = seed_dir / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def seed(con: duckdb.DuckDBPyConnection, seed_dir: Path = SEED_DIR) -> None:
    """Insert categories, commodities, markets and aliases; runs inside the caller's transaction."""
    for r in _rows("categories.csv", seed_dir):
        thr = r.get("jump_threshold_pct") or None
        con.execute(
            "INSERT INTO categories (name, name_en, sort, jump_threshold_pct) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [r["name"], r.get("name_en"), int(r.get("sort") or 0), float(thr) if thr else None],
        )
    for i, r in enumerate(_rows("commodities.csv", seed_dir)):
        cid = con.execute(
            "INSERT INTO commodities (name, category, spec, unit, weight, name_en, sort, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'seed') RETURNING id",
            [r["name"], r["category"], r.get("spec") or None, r.get("unit") or "元/公斤",
             float(r.get("weight") or 1), r.get("name_en") or None, i],
        ).fetchall()[0][0]
        for alias in filter(None, (a.strip() for a in (r.get("aliases") or "").split("|"))):
            con.execute(
                "INSERT INTO commodity_aliases VALUES (?, ?) ON CONFLICT DO NOTHING", [alias, cid]
            )
    for i, r in enumerate(_rows("markets.csv", seed_dir)):
        mid = con.execute(
            "INSERT INTO markets (name, kind, name_en, sort, created_by, kind_confirmed)"
            " VALUES (?, ?, ?, ?, 'seed', true)"
            " RETURNING id",
            [r["name"], r.get("kind") or "农贸市场", r.get("name_en") or None, i],
        ).fetchall()[0][0]
        for alias in filter(None, (a.strip() for a in (r.get("aliases") or "").split("|"))):
            con.execute("INSERT INTO market_aliases VALUES (?, ?) ON CONFLICT DO NOTHING", [alias, mid])
