"""Partial loads only by explicit choice, and jumps beyond the bound confirmed row by row.

Errors block by default. When every error is one of a row, a person may skip those rows
with a reason; the skipped rows, the reason and who chose are kept with the upload and in
the audit log. A price more than ``jump_error_factor`` times (or under 1/that of) the
previous one is an error unless its own row is confirmed with a reason."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import long_rows, run, snapshot, staff, write_xlsx  # noqa: E402

from ingest.cli import main  # noqa: E402
from pricewatch.config import Settings  # noqa: E402

BASE = {"大米__城关农贸市场": 6.0, "鸡蛋__城关农贸市场": 10.4, "猪肉(五花)__城关农贸市场": 32.98}


def report(store, upload_id: int) -> dict:
    with store.read() as s:
        return json.loads(s.scalar("SELECT report FROM uploads WHERE id = ?", [upload_id]))


def audit(store, action: str) -> list[tuple]:
    with store.read() as s:
        return [(a, t, json.loads(d)) for a, t, d in s.all(
            "SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY id", [action])]


def bad_week(tmp_path: Path) -> Path:
    rows = long_rows("2024-05-06", 大米__城关农贸市场=6.1, 鸡蛋__城关农贸市场=10.5)
    rows.append(["2024-05-06", "城关农贸市场", "面粉", "", "元/公斤", "五元"])
    rows.append(["2024-05-06", "城关农贸市场", "食盐", "", "元/包裹", 3])
    return write_xlsx(tmp_path / "w19.xlsx", {"价格": rows})


def test_row_errors_block_by_default_and_offer_the_choice(store, tmp_path):
    before = snapshot(store)
    res = run(store, bad_week(tmp_path))
    assert res.status == "rejected"
    assert sorted(i.code for i in res.errors) == ["not_a_number", "unit_unknown"]
    assert res.skip_offer == (2, 2)
    assert snapshot(store) == before
    assert audit(store, "ingest.reject")[0][1] == "w19.xlsx"


def test_skipping_needs_a_reason_and_is_recorded(store, tmp_path):
    p = bad_week(tmp_path)
    assert run(store, p, skip_invalid_rows=True).status == "rejected"  # no reason, no skip
    res = run(store, p, skip_invalid_rows=True, reason="面粉、食盐本周未采价")
    assert res.status == "loaded" and res.rows_loaded == 2, res.errors
    assert [(x["row"], x["code"]) for x in res.skipped] == [(4, "not_a_number"), (5, "unit_unknown")]
    rep = report(store, res.upload_id)
    assert rep["skipped"]["reason"] == "面粉、食盐本周未采价" and rep["skipped"]["by"] == "editor"
    assert len(rep["skipped"]["rows"]) == 2
    (actor, target, detail), = audit(store, "ingest.skip_rows")
    assert (actor, target, detail["reason"]) == ("editor", f"upload:{res.upload_id}", "面粉、食盐本周未采价")
    assert set(staff(store)["commodity"]) == {"大米", "鸡蛋"}


def test_an_error_of_the_whole_file_cannot_be_skipped(store, tmp_path):
    rows = [["日期", "品名", "单位", "价格"], ["2024-05-06", "大米", "元/公斤", 6.0]]  # no market at all
    res = run(store, write_xlsx(tmp_path / "m.xlsx", {"s": rows}), skip_invalid_rows=True, reason="试试")
    assert res.status == "rejected" and res.skip_offer is None


def test_a_tenfold_price_needs_its_own_confirmation(store, tmp_path):
    run(store, write_xlsx(tmp_path / "w18.xlsx", {"价格": long_rows("2024-04-29", **BASE)}))
    typo = dict(BASE, **{"猪肉(五花)__城关农贸市场": 329.8, "鸡蛋__城关农贸市场": 16.0})  # 10x and +54 %
    p = write_xlsx(tmp_path / "w19.xlsx", {"价格": long_rows("2024-05-06", **typo)})
    before = snapshot(store)
    res = run(store, p)
    assert res.status == "rejected"
    # the rows were loaded while the history checks ran: the refusal rolled them back
    assert snapshot(store) == before
    (err,) = res.errors
    assert (err.code, err.row) == ("price_jump_large", 4)
    assert "10.0 倍" in err.message() and "逐行确认" in err.message()
    assert [i.code for i in res.warnings] == ["price_jump"]  # +54 %: a warning, as before
    # a confirmation of another row does not help
    assert run(store, p, confirm_rows={"价格:3": "鸡蛋涨价属实"}).status == "rejected"
    ok = run(store, p, confirm_rows={"价格:4": "春节前五花肉确实涨价"})
    assert ok.status == "loaded", ok.errors
    assert [(c["row"], c["code"], c["reason"]) for c in ok.confirmed] == [(4, "price_jump_large", "春节前五花肉确实涨价")]
    assert report(store, ok.upload_id)["confirmed"][0]["by"] == "editor"
    (_a, target, detail), = audit(store, "ingest.confirm_rows")
    assert target == f"upload:{ok.upload_id}" and detail["rows"][0]["row"] == 4


def test_the_bound_is_configurable(store, tmp_path):
    run(store, write_xlsx(tmp_path / "w18.xlsx", {"价格": long_rows("2024-04-29", **BASE)}))
    p = write_xlsx(tmp_path / "w19.xlsx", {"价格": long_rows("2024-05-06", **dict(BASE, 大米__城关农贸市场=15.0))})
    assert run(store, p, dry_run=True).status == "dry-run"  # 2.5x: within the default 3x
    tight = Settings(db_path=store.path, ingest_jump_error=2.0)
    res = run(store, p, dry_run=True, settings=tight)
    assert res.status == "rejected" and res.errors[0].code == "price_jump_large"


def test_cli_skip_and_confirm(store, tmp_path, capsys):
    db = str(store.path)
    p = bad_week(tmp_path)
    assert main(["--db", db, str(p)]) == 1
    assert "错误只在 2 行" in capsys.readouterr().err
    assert main(["--db", db, "--skip-invalid-rows", str(p)]) == 2
    assert "须写明原因" in capsys.readouterr().err
    assert main(["--db", db, "--skip-invalid-rows", "--reason", "两种商品未采价", str(p)]) == 0
    assert "按选择跳过 2 行" in capsys.readouterr().out
    typo = dict(BASE, **{"猪肉(五花)__城关农贸市场": 3.298})
    q = write_xlsx(tmp_path / "w20.xlsx", {"价格": long_rows("2024-05-13", **BASE)})
    r = write_xlsx(tmp_path / "w21.xlsx", {"价格": long_rows("2024-05-20", **typo)})
    assert main(["--db", db, str(q)]) == 0
    assert main(["--db", db, str(r)]) == 1
    assert main(["--db", db, "--confirm-row", "价格:4", "--reason", "促销", str(r)]) == 0
    assert "已确认 [价格] 第4行：促销" in capsys.readouterr().out
    assert main(["--db", db, "--confirm-row", "4", "--reason", "x", str(r)]) == 2


@pytest.mark.parametrize("factor", ["1", "0.5"])
def test_a_bound_of_one_or_less_is_refused(tmp_path, monkeypatch, factor):
    from pricewatch.config import load_settings
    from pricewatch.errors import ConfigError

    (tmp_path / "pricewatch.toml").write_text(f"[ingest]\njump_error_factor = {factor}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="jump_error_factor"):
        load_settings()
