"""Named, ordered migrations, each applied in one transaction together with its record.

A migration is a file ``migrations/NNNN_name.sql``; files are applied in name order and
recorded in ``schema_migrations``. Re-running is a no-op. Never edit an applied migration:
add the next one.

Numbering: the numbers only need to increase, and they are not consecutive on purpose.
Each area of work was given a range of ten, so areas built side by side could add
migrations without taking each other's numbers; a gap is the unused rest of a range, or a range kept in
reserve::

    0001–0009  the first schema (0001) and the briefing archive (0004)
    0010–0019  outlet types (market kind confirmed)
    0020–0029  期号, the issue numbers
    0030–0039  reserved (unused)
    0040–0049  observation currency
    0050–0059  reserved (unused)
    0060–0069  one clock (UTC defaults)
    0070–0079  import profiles
    0080–0089  catalog names
    0090–0099  per-period aggregates

A new area takes the next free range of ten (0100 onwards); a later migration of an
existing area takes the next number in its range, or, when its range is full, one in a
new range. Applied names are never renumbered: a database records them by name.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..errors import StoreError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def available() -> list[tuple[str, str]]:
    """(name, sql) for every migration file, in order."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(MIGRATIONS_DIR.glob("*.sql"))]


def applied(con: duckdb.DuckDBPyConnection) -> list[str]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    return [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied now."""
    done = set(applied(con))
    now: list[str] = []
    for name, sql in available():
        if name in done:
            continue
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
            con.execute("COMMIT")
        except duckdb.Error as e:
            con.execute("ROLLBACK")
            raise StoreError(
                f"数据库迁移 {name} 失败：{e}", "数据库未被修改；请把这段信息发给管理员"
            ) from e
        now.append(name)
    return now
