"""The sample notes in interpretations/: well-formed, and the published analysis agrees with
the demo data. The figure check against the demo needs a built demo database (about 25 s): it builds one
in a temporary folder, or uses the one PRICEWATCH_DEMO_DB names:

    python -m pricewatch demo --force --db /tmp/demo.duckdb
    PRICEWATCH_DEMO_DB=/tmp/demo.duckdb pytest tests/test_notes_samples.py
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from pricewatch.config import DEFAULT_SENSITIVE_TERMS, PROJECT_ROOT, load_settings
from pricewatch.notes.model import NoteRepo
from pricewatch.notes.render import markdown_to_html
from pricewatch.notes.scan import scan_note

SAMPLES = PROJECT_ROOT / "interpretations"


def test_samples_are_well_formed():
    repo = NoteRepo(SAMPLES)
    notes = {n.id: n for n in repo.all()}
    assert {(n.kind, n.status, n.period) for n in notes.values()} == {
        ("价格监测分析", "published", "2026-W47"), ("政策解读", "published", None),
        ("价格监测分析", "draft", "2026-W48")}
    for n in notes.values():
        assert scan_note(n.title, n.body, DEFAULT_SENSITIVE_TERMS) == []
        assert "<script" not in markdown_to_html(n.body)
        assert [h.version for h in repo.history(n.id)] == list(range(1, n.version + 1))
    policy = notes["2026-11-10-policy"]
    path = repo.attachment_path(policy.id, policy.attachments[0]["name"])
    assert path.read_bytes().startswith(b"%PDF-")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("PRICEWATCH_DEMO_DB"):
        return Path(os.environ["PRICEWATCH_DEMO_DB"])
    from pricewatch.demo_build import build
    from pwcli.commands.demo import _ingest_loader

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build(db, loader=_ingest_loader)
    return db


@pytest.mark.slow  # builds the demo database (about 20 s)
def test_published_sample_agrees_with_the_demo_data(demo_db: Path):
    """The demo's published W47 analysis quotes exactly what the demo data say."""
    from pricewatch.notes import checks
    from pricewatch.store import open_store

    db = demo_db
    store = open_store(db)
    settings = replace(load_settings(db), interpretations_dir=SAMPLES)
    note = NoteRepo(SAMPLES).get("2026-w47-analysis")
    res = {c.name: c for c in checks.run_checks(store, settings, note)}
    assert all(c.ok for c in res.values()), [c.to_json() for c in res.values() if not c.ok]
    assert res["figures"].checked >= 30
    fr, _ = checks.figure_check(store, note, public=True)
    assert fr.mismatches == []
