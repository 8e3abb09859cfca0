"""Migrations: a fresh database gets every table; re-running is a no-op; a failing
migration leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from pricewatch.errors import StoreError
from pricewatch.store import Store, schema

EXPECTED_TABLES = {
    "meta", "categories", "commodities", "commodity_aliases", "markets", "market_aliases",
    "uploads", "observations", "releases", "audit_log", "users", "schema_migrations",
}


def tables(store: Store) -> set[str]:
    with store.read() as s:
        return {r[0] for r in s.all("SELECT table_name FROM information_schema.tables")}


def test_fresh_database_has_every_table_and_the_seed_catalog(tmp_path: Path) -> None:
    store = Store(tmp_path / "new.duckdb")
    applied = store.migrate()
    assert applied[0] == "0001_init"
    assert EXPECTED_TABLES <= tables(store)
    with store.read() as s:
        assert s.scalar("SELECT count(*) FROM commodities") >= 40
        assert {r[0] for r in s.all("SELECT DISTINCT category FROM commodities")} >= {
            "粮油", "肉禽蛋", "蔬菜", "水果", "水产品"}
        assert s.scalar("SELECT count(*) FROM markets WHERE kind = '批发市场'") == 1
        names = [r[0] for r in s.all("SELECT name FROM schema_migrations ORDER BY name")]
    assert names == [name for name, _ in schema.available()]


def test_rerunning_migrations_is_a_no_op(store: Store) -> None:
    before = tables(store)
    with store.read() as s:
        commodities = s.scalar("SELECT count(*) FROM commodities")
    assert store.migrate() == []
    assert tables(store) == before
    with store.read() as s:
        # the seed runs only for a new file: no duplicate catalog rows
        assert s.scalar("SELECT count(*) FROM commodities") == commodities


def test_a_failing_migration_is_rolled_back_with_its_record(store: Store, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    mdir = tmp_path / "migrations"
    mdir.mkdir()
    for p in schema.MIGRATIONS_DIR.glob("*.sql"):
        (mdir / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (mdir / "9999_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\nTHIS IS NOT SQL;", encoding="utf-8")
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", mdir)
    with pytest.raises(StoreError, match="9999_broken"):
        store.migrate()
    assert "half_done" not in tables(store)
    with store.read() as s:
        assert s.scalar("SELECT count(*) FROM schema_migrations WHERE name = '9999_broken'") == 0


def test_a_failed_write_changes_nothing_and_makes_no_snapshot(store: Store) -> None:
    version = store.version()
    with pytest.raises(RuntimeError), store.write() as s:
        s.execute("INSERT INTO audit_log (actor, action) VALUES ('x', 'y')")
        raise RuntimeError("boom")
    assert store.version() == version
    with store.read() as s:
        assert s.scalar("SELECT count(*) FROM audit_log WHERE actor = 'x'") == 0


def test_each_write_publishes_a_new_version_that_readers_see(store: Store) -> None:
    v0 = store.version()
    with store.write() as s:
        s.execute("INSERT INTO audit_log (actor, action) VALUES ('a', 'b')")
    assert store.version() == v0 + 1
    with store.read() as s:
        assert s.version == v0 + 1
        assert s.scalar("SELECT value FROM meta WHERE key = 'data_version'") == str(v0 + 1)
        assert s.scalar("SELECT count(*) FROM audit_log WHERE actor = 'a'") == 1


def test_reading_a_missing_database_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="pricewatch demo"), Store(tmp_path / "none.duckdb").read():
        pass


def test_bookkeeping_writes_keep_the_data_version_and_page_caches(store: Store) -> None:
    from pricewatch import accounts
    from pricewatch.audit import audit_log
    from tests.helpers import load_rows

    accounts.add_user(store, "zhang", "editor", "editor-pass-1")
    v = store.version()
    accounts.authenticate(store, "zhang", "editor-pass-1")
    with pytest.raises(Exception, match="用户名或密码错误"):
        accounts.authenticate(store, "zhang", "wrong-pass-1")
    assert store.version() == v  # logins changed no figure (they are kept beside the database)
    assert audit_log(store, action_prefix="login")["action"].tolist() == ["login.failed"]
    load_rows(store, [("大米", "城关农贸市场", "2024-04-29", 6.0)])
    assert store.version() == v + 1


def test_a_batch_publishes_one_snapshot_at_its_end(store: Store) -> None:
    from tests.helpers import load_rows

    v0 = store.version()
    with store.batch():
        load_rows(store, [("大米", "城关农贸市场", "2024-04-29", 6.0)], file_name="a")
        load_rows(store, [("大米", "城关农贸市场", "2024-05-06", 6.1)], file_name="b")
        assert store.version() == v0  # readers still see the snapshot from before
        with store.read() as s:
            assert s.scalar("SELECT count(*) FROM observations") == 0
    assert store.version() == v0 + 2
    with store.read() as s:
        assert s.scalar("SELECT count(*) FROM observations") == 2


def test_a_rebuilt_database_at_the_same_path_has_a_new_cache_key(tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "same.duckdb"
    first = Store(path)
    first.migrate()
    key = first.cache_key()
    assert first.generation() != "0"
    path.unlink()
    shutil.rmtree(tmp_path / "same.duckdb.snapshots")
    again = Store(path)
    again.migrate()
    # same data version (0), but not the same database: caches must not mix them up
    assert again.version() == first.version() == 0
    assert again.cache_key() != key
