"""``python -m pricewatch report``: the JSON schema, the Chinese table, the audiences, errors."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pwcli import cli
from tests.fixtures.indicator_data import M1, SCENARIO, add_rows, make_store


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "pw.duckdb"
    make_store(path, SCENARIO)
    return path


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    # no pricewatch.toml or PRICEWATCH_* from the environment: default thresholds
    monkeypatch.chdir(tmp_path)
    for var in ("PRICEWATCH_DB", "PRICEWATCH_CONFIG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def db(built, clean_env):
    """The shared scenario store (read-only tests)."""
    return str(built)


@pytest.fixture
def own_db(tmp_path, clean_env):
    """A store of this test's own (tests that add data)."""
    path = tmp_path / "own.duckdb"
    make_store(path, SCENARIO)
    return str(path)


def run(capsys, *argv):
    code = cli.main(["report", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_schema(db, capsys):
    code, out, _ = run(capsys, "--db", db, "--period", "2024-W11", "--json")
    assert code == 0
    j = json.loads(out)
    assert {"period", "start", "end", "public", "summary", "items", "alerts", "categories"} <= set(j)
    assert (j["period"], j["start"], j["end"], j["public"]) == ("2024-W11", "2024-03-11", "2024-03-17", False)
    assert j["summary"] == {"up": 3, "down": 1, "flat": 1, "n": 7}
    keys = {"commodity", "category", "unit", "price", "prev_price", "wow_pct", "yoy_price", "yoy_pct",
            "markets", "alert"}
    for it in j["items"]:
        assert keys <= set(it)
        assert isinstance(it["markets"], int)
        for k in ("price", "prev_price", "yoy_price"):   # prices: 2 decimals or null
            assert it[k] is None or round(it[k], 2) == it[k]
        for k in ("wow_pct", "yoy_pct"):                 # percentages: 1 decimal or null
            assert it[k] is None or round(it[k], 1) == it[k]
    jia = next(i for i in j["items"] if i["commodity"] == "甲菜")
    assert (jia["price"], jia["prev_price"], jia["wow_pct"], jia["yoy_price"], jia["yoy_pct"]) == \
        (14.33, 11.0, 4.5, 10.5, 4.8)
    for a in j["alerts"]:
        assert {"commodity", "market", "kind", "rule", "level", "level_label", "message", "source"} <= set(a)
        assert a["kind"] in ("rule", "alps", "gap") and a["source"]
        assert a["message"]
    for c in j["categories"]:
        assert {"category", "index", "wow_pct"} <= set(c)


def test_text_table(db, capsys):
    code, out, _ = run(capsys, "--db", db, "--period", "2024-W11")
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == "本期监测7种商品，3种上涨、1种下降、1种持平"
    assert "2024年第11周" in lines[0] and "内部口径" in lines[0]
    jia = next(line for line in lines if "甲菜" in line and "元/公斤" in line)
    assert "14.33" in jia and "+4.5%" in jia and "+4.8%" in jia
    # a null figure says why
    wu = next(line for line in lines if line.split()[1:2] == ["戊菜"])
    assert "—（上期无报价）" in wu
    ding = next(line for line in lines if line.split()[1:2] == ["丁菜"])
    assert "—（本期与上期没有共同报价的市场）" in ding
    assert "持平" in next(line for line in lines if line.split()[1:2] == ["庚菜"])
    assert "  · 乙菜价格环比上涨5.0%，达到5%的预警线（黄色预警）" in lines
    assert "  · 丁市场本期未报送价格（上期有报价）" in lines


def test_default_period_is_the_latest_and_public_sees_released_only(own_db, capsys):
    db = own_db
    add_rows(indicators_store(db), [("甲菜", M1, date(2024, 3, 18), 999.0)], release=False,
             name="pending.xlsx")
    _, staff, _ = run(capsys, "--db", db, "--json")
    _, public, _ = run(capsys, "--db", db, "--json", "--public")
    assert json.loads(staff)["period"] == "2024-W12"
    pj = json.loads(public)
    assert pj["period"] == "2024-W11" and pj["public"] is True
    assert all(i["price"] != 999.0 for i in pj["items"])


def indicators_store(db):
    from pricewatch.store import open_store

    return open_store(db)


def test_date_and_wholesale(db, capsys):
    code, out, _ = run(capsys, "--db", db, "--date", "2024-03-13", "--price-type", "wholesale", "--json")
    j = json.loads(out)
    assert code == 0 and j["period"] == "2024-W11" and j["price_type"] == "wholesale"
    assert [(i["commodity"], i["price"]) for i in j["items"]] == [("甲菜", 5.0)]


def test_base_option(db, capsys):
    _, out, _ = run(capsys, "--db", db, "--period", "2024-W11", "--base", "2024-W10", "--json")
    cats = {c["category"]: c for c in json.loads(out)["categories"]}
    assert cats["测试"]["index"] == 114.1 and cats["测试"]["base"] == "2024-W10"


@pytest.mark.parametrize(("argv", "message"), [
    (["--period", "2022-W05"], "2022年第5周没有零售价格数据"),          # a period without data
    (["--period", "2024-13"], "月份 13 无效"),                         # not a period
    (["--period", "2024-W11", "--freq", "month"], "不一致"),          # period and freq disagree
    (["--date", "2024/03/13"], "格式不对"),                            # not a date
    (["--base", "2024-03"], "基期"),                                  # monthly base, weekly report
    (["--base", "2010-W01"], "基期 2010-W01 没有价格数据"),            # a base outside the data
])
def test_bad_input_is_one_clear_line(db, capsys, argv, message):
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == 1 and out == ""
    assert err.startswith("错误：") and message in err and "Traceback" not in err


def test_no_database(tmp_path, capsys, clean_env):
    code, _, err = run(capsys, "--db", str(tmp_path / "none.duckdb"))
    assert code == 1 and "不存在" in err


def test_usage_errors_exit_2(db, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["report", "--db", db, "--period", "2024-W11", "--date", "2024-03-13"])
    assert e.value.code == 2


def test_output_cut_short_by_the_reader_is_not_an_error(db):
    # `report | head`: the reader has gone before the table is written; no traceback, exit 0
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "pricewatch", "report", "--db", db, "--period",
                             "2024-W11"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()   # nobody reads: the first write fails with a broken pipe
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err
