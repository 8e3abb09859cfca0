"""A 旬 deployment end to end: ``[publication] frequency = "旬"``; 旬-dated uploads in long format
(each 旬 dated its first day, as a 旬 form is) go through ingest, a release, the public home
page, a note's figure check, a briefing PDF and an export, every figure the 旬 report's."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ingest.load import IngestOptions, ingest_file
from pricewatch import briefing, export, indicators, publish
from pricewatch.accounts import User
from pricewatch.config import load_settings
from pricewatch.notes.checks import figure_check
from pricewatch.notes.model import Note
from pricewatch.periods import parse_period
from pricewatch.store import Store
from tests.helpers import ROOT

# 旬 -> (城关农贸市场, 惠民超市) prices of 大米 and 猪肉(五花)
PRICES = {
    "2024年4月中旬": {"大米": (6.00, 6.60), "猪肉(五花)": (28.00, 30.00)},
    "2024年4月下旬": {"大米": (6.10, 6.70), "猪肉(五花)": (28.40, 30.40)},
    "2024年5月上旬": {"大米": (6.20, 6.80), "猪肉(五花)": (30.20, 32.20)},
}


def _upload(tmp: Path, xun: str) -> Path:
    """A long table dated as a 旬 form is: the 旬's first day (2024年5月上旬 -> 2024-05-01)."""
    day = parse_period(xun).start.isoformat()
    rows = [{"日期": day, "市场": m, "商品": c, "单位": "元/公斤", "价格": p}
            for c, (a, b) in PRICES[xun].items() for m, p in (("城关农贸市场", a), ("惠民超市", b))]
    path = tmp / f"{xun}.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False)
    return path


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    db = tmp_path / "xun.duckdb"
    notes = tmp_path / "interpretations"
    notes.mkdir()
    toml = tmp_path / "pricewatch.toml"
    toml.write_text(f'[store]\ndb = "{db}"\ninterpretations_dir = "{notes}"\narchive_dir = "{tmp_path / "archive"}"\n'
                    '[publication]\nfrequency = "旬"\n', encoding="utf-8")
    monkeypatch.setenv("PRICEWATCH_CONFIG", str(toml))
    monkeypatch.setenv("PRICEWATCH_DB", str(db))
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(notes))
    indicators.clear_cache()
    store = Store(db)
    store.migrate()
    for xun in PRICES:
        res = ingest_file(store, _upload(tmp_path, xun), IngestOptions(actor="editor", isolate=False,
                                                                       today=date(2024, 5, 12)))
        assert res.status == "loaded", [i.message("zh") for i in res.errors]
    publish.release(store, User("reviewer", "reviewer"), through=date(2024, 5, 10))
    return store, load_settings()


def test_xun_deployment_end_to_end(deployment, tmp_path):
    store, cfg = deployment
    assert cfg.publication_frequency == "xun"

    # the 旬 report: 大米 mean(6.20, 6.80) = 6.50 against mean(6.10, 6.70) = 6.40 -> +1.6 %;
    # 猪肉 mean(30.20, 32.20) = 31.20 against 29.40 -> +6.1 %: 价格异常波动 (a meat rise above 5 %)
    rep = indicators.report(store, public=True, settings=cfg)
    assert rep.period.label == "2024-05-D1"
    j = {i["commodity"]: i for i in rep.to_json()["items"]}
    assert (j["大米"]["price"], j["大米"]["prev_price"], j["大米"]["wow_pct"]) == (6.5, 6.4, 1.6)
    assert (j["猪肉(五花)"]["price"], j["猪肉(五花)"]["wow_pct"]) == (31.2, 6.1)
    pork_alert = "猪肉(五花)价格环比上涨6.1%，超过5%的价格异常波动标准（黄色预警）"
    assert [a["message"] for a in rep.alerts] == [pork_alert]

    # the public home page speaks of the 旬
    at = AppTest.from_file(str(ROOT / "dashboard" / "app_pages" / "home.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "本旬价格"
    text = " ".join(str(m.value) for m in [*at.markdown, *at.caption, *at.subheader])
    assert "2024年5月上旬" in text and "本旬监测2种商品" in text

    # a note of the 旬: its figures are checked against the 旬 report
    good = Note(id="x1", title="5月上旬价格", period="2024-05-D1",
                body="大米价格为6.50元/公斤，环比上涨1.6%；猪肉(五花)价格环比上涨6.1%。")
    fr, problems = figure_check(store, good, public=True)
    assert problems == [] and len(fr.figures) >= 3 and fr.mismatches == []
    bad = Note(id="x2", title="5月上旬价格", period="2024-05-D1", body="大米价格为6.40元/公斤。")
    assert len(figure_check(store, bad, public=True)[0].mismatches) == 1

    # the briefing PDF of the 旬
    b = briefing.build(store, cfg, "2024-05-D1", public=True)
    pdf = briefing.render(b, "pdf")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "b.pdf").write_bytes(pdf)
    words = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "2024年5月上旬" in words and "旬报" in words and "6.50" in words

    # the export of the 旬's released data: the observations as loaded, dated the 旬's first day
    csv = export.export(store, export.ExportQuery(public=True, start=date(2024, 5, 1), end=date(2024, 5, 10)),
                        "csv", "en").decode("utf-8-sig")
    got = pd.read_csv(io.StringIO(csv))
    assert len(got) == 4 and set(got["date"]) == {"2024-05-01"}
    assert sorted(got["price"]) == [6.2, 6.8, 30.2, 32.2]
