"""The served entry point adds /feed.xml beside the pages: the Atom feed of published
notes only, while the pages themselves are still served."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path
from xml.etree import ElementTree as ET

from pricewatch.store import Store
from tests.helpers import ROOT, app_env, running_app

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_route_serves_published_notes_only(small_db: Store, tmp_path: Path) -> None:
    notes_dir = tmp_path / "interpretations"
    shutil.copy(ROOT / "interpretations" / "2026-w47-analysis.md", notes_dir)
    draft = (ROOT / "interpretations" / "2026-w48-analysis.md").read_text(encoding="utf-8")
    (notes_dir / "2026-w48-analysis.md").write_text(draft, encoding="utf-8")
    published_title = next(line for line in (notes_dir / "2026-w47-analysis.md").read_text(
        encoding="utf-8").splitlines() if line.startswith("title:"))[6:].strip()
    draft_title = next(line for line in draft.splitlines() if line.startswith("title:"))[6:].strip()
    assert "status: draft" in draft

    with running_app(app_env(small_db.path, notes_dir), script="server.py") as url:
        with urllib.request.urlopen(url + "/feed.xml", timeout=30) as r:
            assert r.headers["Content-Type"].startswith("application/atom+xml")
            root = ET.fromstring(r.read())
        titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
        assert titles == [published_title.strip("'\"")]
        assert draft_title.strip("'\"") not in ET.tostring(root, encoding="unicode")
        with urllib.request.urlopen(url + "/", timeout=30) as r:
            assert r.status == 200
