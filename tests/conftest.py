"""Shared fixtures: databases are built in tmp_path, never the real data/ file.

Plain helper functions are in tests/helpers.py (``from tests.helpers import ...``); test
files never import this module, pytest hands its fixtures to them by name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pricewatch.store import Store
from tests.fixtures.notes_env import build_template, copy_env

# the names below were importable from here before tests/helpers.py; kept for old imports
from tests.helpers import (  # noqa: F401
    BROWSER_ARGS,
    REAL_DATA,
    ROOT,
    build_small_db,
    chromium_or_skip,
    copy_db,
    free_port,
    load_rows,
    sign_in,
    start_streamlit,
    template_db,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with a browser or slow test run first, each file's tests still together and in
    their order: with ``-n 2`` (pytest-xdist, whole files per worker) the long files start
    at once instead of leaving one worker on the last of them while the other waits."""
    heavy = {item.path for item in items
             if item.get_closest_marker("browser") or item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in heavy)  # stable: the order is kept otherwise


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded database with no prices, built once (copied by :func:`store`)."""
    return template_db(tmp_path_factory.mktemp("empty_template") / "test.duckdb")


@pytest.fixture(scope="session")
def small_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:func:`tests.helpers.build_small_db`, built once (copied by :func:`small_db`)."""
    return template_db(tmp_path_factory.mktemp("small_template") / "small.duckdb", build_small_db)


@pytest.fixture
def store(empty_template: Path, tmp_path: Path) -> Store:
    """A fresh migrated database in tmp_path (a copy of :func:`empty_template`)."""
    return copy_db(empty_template, tmp_path / "test.duckdb")


@pytest.fixture
def small_db(small_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A small database, and PRICEWATCH_DB pointing at it (for AppTest and subprocesses)."""
    store = copy_db(small_template, tmp_path / "small.duckdb")
    monkeypatch.setenv("PRICEWATCH_DB", str(store.path))
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(tmp_path / "interpretations"))
    (tmp_path / "interpretations").mkdir()
    return store


@pytest.fixture(scope="session")
def notes_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small database with the notes users (tests/fixtures/notes_env.py), built once."""
    return build_template(tmp_path_factory.mktemp("notes_template"))


@pytest.fixture
def notes_db(notes_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A fresh copy of :func:`notes_template` in tmp_path, with PRICEWATCH_DB and
    PRICEWATCH_NOTES_DIR pointing at it (for AppTest and subprocesses)."""
    return copy_env(notes_template, tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def public_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """tests/fixtures/public_dashboard.py's (database, notes folder), built once; a test or
    module takes its own copy with ``public_dashboard.copy(public_template, folder)``."""
    from tests.fixtures import public_dashboard

    return public_dashboard.build(tmp_path_factory.mktemp("public_template"))
