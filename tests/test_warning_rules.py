"""价格预警 rules on hand-made series: each preset, each level, the consecutive and cumulative
rules, 猪粮比价 bands, the defaults, and a bad rules file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pricewatch import indicators
from pricewatch.config import Settings
from pricewatch.errors import ConfigError
from pricewatch.indicators import rules as rules_mod
from pricewatch.periods import parse_period, shift
from tests.fixtures.indicator_data import make_store

M = "甲市场"


def rows_for(prices: dict[str, list[float]], first: str) -> list[tuple]:
    """One market; commodity -> prices of consecutive periods from ``first``."""
    p0 = parse_period(first)
    return [(c, M, shift(p0, k).start, v) for c, vs in prices.items() for k, v in enumerate(vs) if v is not None]


def alerts_of(store, period: str, *presets: str, public: bool = False, **kw) -> list[dict]:
    s = Settings(alert_presets=presets or None, **kw)
    return [a for a in indicators.report(store, period=period, public=public, settings=s).alerts
            if a["kind"] == "rule"]


def by_commodity(alerts: list[dict]) -> dict[str, dict]:
    return {a["commodity"]: a for a in alerts}


@pytest.fixture
def weekly(tmp_path):
    prices = {
        "猪肉(五花)": [20.0, 21.24],   # +6.2 %: 价格异常波动 (the example)
        "大米": [6.0, 6.3],             # +5.0 %: not above 5 %, but above 粮油's own 3 % line
        "黄瓜": [5.0, 5.35],            # +7.0 %: vegetables are not in 价格异常波动; 蔬菜 line 10 %
        "鸡蛋": [10.0, 9.0],            # -10 %: a fall is no 异常波动; the local line says so
    }
    return make_store(tmp_path / "w.duckdb", rows_for(prices, "2024-W10"))


def test_default_rules_abnormal_fluctuation_and_local_lines(weekly):
    got = by_commodity(alerts_of(weekly, "2024-W11"))
    assert set(got) == {"猪肉(五花)", "大米", "鸡蛋"}
    pork = got["猪肉(五花)"]
    assert pork["message"] == "猪肉(五花)价格环比上涨6.2%，超过5%的价格异常波动标准（黄色预警）"
    assert (pork["rule"], pork["level"], pork["level_label"], pork["kind"]) == ("abnormal", "yellow", "黄色预警", "rule")
    assert "价格异常波动" in pork["source"]
    assert got["大米"]["rule"] == "local" and got["大米"]["message"] == "大米价格环比上涨5.0%，超过3%的预警线（黄色预警）"
    assert got["鸡蛋"]["message"] == "鸡蛋价格环比下降10.0%，超过5%的预警线（黄色预警）"


def test_abnormal_fluctuation_alone(weekly):
    got = by_commodity(alerts_of(weekly, "2024-W11", "abnormal"))
    assert set(got) == {"猪肉(五花)"}           # exactly 5.0 % is not above 5 %


@pytest.fixture
def xun(tmp_path):
    # (commodity, yellow case, red case): 广东 2013 per 旬
    prices = {
        "大米": [10.0, 10.3], "面粉": [10.0, 10.6],                 # 粮食 2 % / 5 %
        "大豆油": [10.0, 10.25], "花生油": [10.0, 10.35],            # 食用油 2 % / 3 %
        "黄瓜": [10.0, 11.2], "菠菜": [10.0, 11.6],                 # 蔬菜 10 % / 15 %
        "猪肉(五花)": [10.0, 10.6], "猪肉(精瘦肉)": [10.0, 11.1],    # 猪肉 5 % / 10 %
        "白条鸡": [10.0, 10.4], "鸭蛋": [10.0, 10.4],               # 鸡肉 3 % / 5 %; 鸭蛋 not 鸡蛋
        "鸡蛋": [10.0, 10.6],                                      # 鸡蛋 3 % / 5 %
        "土豆": [10.0, 10.9],                                      # 蔬菜 +9 %: under 10 %
    }
    return make_store(tmp_path / "x.duckdb", rows_for(prices, "2024-05-D1"))


def test_guangdong_2013_per_xun_each_group_and_level(xun):
    got = by_commodity(alerts_of(xun, "2024年5月中旬", "guangdong2013"))
    levels = {c: a["level"] for c, a in got.items()}
    assert levels == {"大米": "yellow", "面粉": "red", "大豆油": "yellow", "花生油": "red",
                      "黄瓜": "yellow", "菠菜": "red", "猪肉(五花)": "yellow", "猪肉(精瘦肉)": "red",
                      "白条鸡": "yellow", "鸡蛋": "red"}
    assert got["菠菜"]["message"] == "菠菜价格环比上涨16.0%，超过15%的旬环比预警标准（红色预警）"
    assert got["大米"]["message"] == "大米价格环比上涨3.0%，超过2%的旬环比预警标准（黄色预警）"
    assert all("广东" in a["source"] for a in got.values())


def test_guangdong_rules_are_per_xun_only(weekly):
    assert alerts_of(weekly, "2024-W11", "guangdong2013") == []


def test_pork_year_on_year_bands(tmp_path):
    rows = [("猪肉(五花)", M, date(2023, 5, 11), 20.0), ("猪肉(五花)", M, date(2024, 5, 11), 26.4),   # +32 %
            ("猪肉(精瘦肉)", M, date(2023, 5, 11), 20.0), ("猪肉(精瘦肉)", M, date(2024, 5, 11), 28.4),  # +42 %
            ("排骨", M, date(2023, 5, 11), 20.0), ("排骨", M, date(2024, 5, 11), 25.8)]               # +29 %
    store = make_store(tmp_path / "p.duckdb", rows)
    got = by_commodity(alerts_of(store, "2024-05-D2", "pork"))
    assert set(got) == {"猪肉(五花)", "猪肉(精瘦肉)"}
    assert (got["猪肉(五花)"]["level"], got["猪肉(五花)"]["level_label"]) == ("orange", "二级预警")
    assert got["猪肉(精瘦肉)"]["message"] == "猪肉(精瘦肉)价格同比上涨42.0%，超过40%的猪肉价格同比预警标准（一级预警）"


@pytest.fixture
def hog(tmp_path):
    # ratios 6.5, 5.5, 5.5, 5.5, 4.8 over five weeks (玉米 2.00 throughout)
    prices = {"生猪": [13.0, 11.0, 11.0, 11.0, 9.6], "玉米": [2.0] * 5}
    return make_store(tmp_path / "h.duckdb", rows_for(prices, "2024-W10"))


@pytest.mark.parametrize(("week", "level", "message"), [
    ("2024-W10", None, None),
    ("2024-W11", "yellow", "猪粮比价为5.50:1，低于6:1（三级预警）"),
    ("2024-W12", "yellow", "猪粮比价为5.50:1，低于6:1（三级预警）"),      # two weeks only
    ("2024-W13", "orange", "猪粮比价连续3期处于5:1至6:1之间（本期5.50:1，二级预警）"),
    ("2024-W14", "red", "猪粮比价为4.80:1，低于5:1（一级预警）"),
])
def test_hog_grain_ratio_bands(hog, week, level, message):
    got = [a for a in alerts_of(hog, week, "pork") if a["rule"] == "hog-grain-ratio"]
    assert [(a["level"], a["message"]) for a in got] == ([(level, message)] if level else [])
    if got:
        assert got[0]["commodity"] == "生猪"      # the alert links to the hog's trend


def test_hog_grain_ratio_needs_both_monitored(tmp_path):
    store = make_store(tmp_path / "n.duckdb", rows_for({"生猪": [9.0, 9.0]}, "2024-W10"))
    assert alerts_of(store, "2024-W11", "pork") == []


def test_consecutive_rises(tmp_path):
    prices = {"鸡蛋": [10.0, 10.2, 10.4, 10.6], "鸭蛋": [10.0, 10.2, 10.2, 10.6],
              "大米": [None, 6.0, 6.1, 6.2], "面粉": [10.0, 10.05, 10.1, 10.15]}
    store = make_store(tmp_path / "c.duckdb", rows_for(prices, "2024-W10"))
    got = by_commodity(alerts_of(store, "2024-W13", "trend"))
    # 鸭蛋 was flat one week; 大米 has only two rises; 面粉 rose three times, but 1.5 % in all
    # (10.15 / 10.00 - 1), not past the 3 % line; 鸡蛋 10.6 / 10.0 - 1 = 6.0 %
    assert set(got) == {"鸡蛋"}
    assert got["鸡蛋"]["message"] == "鸡蛋价格连续3周上涨，累计上涨6.0%，超过3%（黄色预警）"
    assert got["鸡蛋"]["rule"] == "consecutive-rise"


def test_cumulative_rise_over_ten_days_daily_data(tmp_path):
    day0 = date(2024, 5, 1)
    rows = [("大米", M, day0 + timedelta(days=k), 10.0 + 0.15 * k) for k in range(11)]     # 11.50: +15 %
    rows += [("面粉", M, day0 + timedelta(days=k), 10.0 + 0.25 * k) for k in range(11)]    # 12.50: +25 %
    rows += [("挂面", M, day0 + timedelta(days=k), 10.0 + 0.05 * k) for k in range(11)]    # 10.50: +5 %
    store = make_store(tmp_path / "d.duckdb", rows)
    got = {a["commodity"]: a for a in alerts_of(store, "2024-05-11", "trend") if a["rule"] == "cumulative-rise"}
    assert {c: a["level"] for c, a in got.items()} == {"大米": "yellow", "面粉": "red"}
    assert got["大米"]["message"] == "大米价格近10天累计上涨15.0%，超过10%的累计涨幅标准（黄色预警）"


def test_cumulative_rise_at_xun_is_one_period(xun):
    got = {a["commodity"] for a in alerts_of(xun, "2024-05-D2", "trend") if a["rule"] == "cumulative-rise"}
    assert got == {"黄瓜", "菠菜", "猪肉(精瘦肉)"}        # above 10 % within one 旬


def test_one_alert_per_commodity_and_measure_the_most_severe(xun):
    got = [a for a in alerts_of(xun, "2024-05-D2", "abnormal", "guangdong2013") if a["commodity"] == "面粉"]
    assert [(a["rule"], a["level"]) for a in got] == [("gd2013-grain", "red")]


def test_alerts_sorted_most_severe_first(xun):
    levels = [a["level"] for a in alerts_of(xun, "2024-05-D2", "guangdong2013")]
    assert levels == sorted(levels, key=lambda v: -rules_mod.severity(v))


def test_deployment_rules_file_overrides_and_errors(tmp_path, xun):
    own = tmp_path / "rules.toml"
    own.write_text('[presets.abnormal]\nname = "价格异常波动"\nsource = "本县文件"\n'
                   '[[presets.abnormal.rules]]\nid = "abnormal"\nkind = "change"\nmeasure = "wow"\n'
                   'groups = ["蔬菜"]\nstandard = "本县异常波动标准"\nlevels = [{ level = "red", above = 15 }]\n',
                   encoding="utf-8")
    got = alerts_of(xun, "2024-05-D2", "abnormal", rules_file=own)
    assert [(a["commodity"], a["level"], a["source"]) for a in got] == [("菠菜", "red", "本县文件")]
    with pytest.raises(ConfigError, match="预警规则预设「nosuch」不存在") as e:
        alerts_of(xun, "2024-05-D2", "nosuch")
    assert "abnormal" in e.value.hint
    own.write_text('[presets.x]\nsource = "s"\n[[presets.x.rules]]\nid = "x"\nkind = "change"\n'
                   'groups = ["没有这组"]\nlevels = [{ level = "yellow", above = 1 }]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="未定义的商品组：没有这组"):
        alerts_of(xun, "2024-05-D2", "x", rules_file=own)
    own.write_text('[presets.x]\nsource = "s"\n[[presets.x.rules]]\nid = "x"\nkind = "change"\n'
                   'levels = [{ level = "purple", above = 1 }]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="级别写法不对"):
        alerts_of(xun, "2024-05-D2", "x", rules_file=own)


def test_every_builtin_preset_cites_its_source():
    rs = rules_mod.parse_rules([rules_mod._read(rules_mod.RULES_FILE)],
                               tuple(rules_mod.preset_names()))
    assert {r.preset for r in rs.rules} == {"abnormal", "local", "guangdong2013", "pork", "trend"}
    assert all(r.source for r in rs.rules)


def test_presets_from_pricewatch_toml(tmp_path, monkeypatch):
    from pricewatch.config import load_settings

    (tmp_path / "pricewatch.toml").write_text(
        '[alerts]\npresets = ["abnormal", "pork"]\nalps_public = true\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PRICEWATCH_CONFIG", raising=False)
    s = load_settings()
    assert s.alert_presets == ("abnormal", "pork") and s.alps_public is True
    (tmp_path / "pricewatch.toml").write_text('[alerts]\npresets = "pork"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="presets 应是预设名称的列表"):
        load_settings()
