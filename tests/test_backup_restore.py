"""Backup and restore, and where the files that belong to a database live."""

from __future__ import annotations

from pathlib import Path

from pricewatch.config import load_settings


def test_the_briefing_archive_lives_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no pricewatch.toml here
    monkeypatch.delenv("PRICEWATCH_CONFIG", raising=False)
    monkeypatch.delenv("PRICEWATCH_DB", raising=False)
    s = load_settings(tmp_path / "elsewhere" / "county.duckdb")
    assert s.archive_dir == tmp_path / "elsewhere" / "archive"
    monkeypatch.setenv("PRICEWATCH_DB", str(tmp_path / "env" / "x.duckdb"))
    assert load_settings().archive_dir == Path(tmp_path / "env" / "archive")
