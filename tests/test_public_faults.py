"""What the public sees when files are damaged, and that no HTML output calls out."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from pricewatch import site
from pricewatch.config import load_settings
from pricewatch.notes.model import Note, NoteRepo
from pricewatch.store import Store
from tests.fixtures import public_dashboard as fx
from tests.helpers import APP

ROOT = Path(__file__).resolve().parent.parent
EVIL = "evil.example"


@pytest.fixture(scope="module")
def template(tmp_path_factory, public_template):
    return fx.copy(public_template, tmp_path_factory.mktemp("public_faults"))


@pytest.fixture
def env(template, tmp_path, monkeypatch):
    db, notes = template
    for p in db.parent.iterdir():
        (shutil.copytree if p.is_dir() else shutil.copy2)(p, tmp_path / p.name)
    monkeypatch.setenv("PRICEWATCH_DB", str(tmp_path / db.name))
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(tmp_path / notes.name))
    monkeypatch.delenv("PRICEWATCH_CONFIG", raising=False)
    return Store(tmp_path / db.name), tmp_path / notes.name


def _home() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    parts = [str(getattr(e, "value", "")) for k in ("title", "markdown", "error", "warning", "info")
             for e in getattr(at, k, [])]
    return "\n".join(parts)


def test_a_damaged_current_snapshot_does_not_reach_the_public(env):
    store, _ = env
    ptr = store._pointer()
    assert ptr is not None
    ptr[1].write_bytes(b"\0" * 1000)
    text = _text(_home())
    assert "本周价格" in text and "无法读取" not in text and str(store.path.parent) not in text


def test_no_readable_copy_shows_a_plain_message_and_no_path(env):
    store, _ = env
    for p in store.snapshots():
        p.write_bytes(b"x")
    store.path.write_bytes(b"y" * 100)
    at = _home()
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith("数据暂时无法读取")
    assert not re.search(r"/\w", _text(at)) and ".duckdb" not in _text(at)


def test_the_static_site_and_feed_carry_no_outside_image(env, tmp_path):
    store, notes = env
    NoteRepo(notes).save(Note(
        id="old-callout", title=f"![t](https://{EVIL}/title.png) 旧解读", status="published",
        published_at=datetime(2024, 4, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), author="editor",
        body=(f"![a](https://{EVIL}/a.png)\n\n![b][r]\n\n[r]: https://{EVIL}/b.png\n\n"
              f'<img src="https://{EVIL}/c.png">\n\n[来源](https://{EVIL}/page)')))
    out = site.build(store, load_settings(), tmp_path / "site", base_url="https://price.example.gov.cn")
    pages = [p for p in out.rglob("*") if p.suffix in (".html", ".xml")]
    assert any("old-callout" in p.name for p in pages)
    for p in pages:
        text = p.read_text(encoding="utf-8")
        if p.name == "feed.xml":  # a feed carries its entries' HTML escaped: look at that HTML
            text = "\n".join(e.text or "" for e in ET.fromstring(p.read_bytes()).iter()
                             if e.get("type") == "html")
            assert text
        assert not re.search(rf"<img[^>]*{re.escape(EVIL)}", text), p.name
        for a in re.findall(rf'<a [^>]*href="https://{re.escape(EVIL)}[^"]*"[^>]*>', text):
            assert 'rel="noopener noreferrer"' in a
