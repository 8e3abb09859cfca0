"""Checks on note text: the figure check, placeholders, the confidentiality scan, the
data-released check, the auto-draft, safe rendering and the 待更正 flag."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pricewatch.accounts import User
from pricewatch.config import load_settings
from pricewatch.indicators import report
from pricewatch.notes import checks, draft
from pricewatch.notes.figures import check_figures, render_placeholders
from pricewatch.notes.model import Note
from pricewatch.notes.render import markdown_to_html, plain_text
from pricewatch.notes.scan import id_checksum_ok, luhn_ok, scan_text
from pricewatch.notes.workflow import Notebook
from tests.helpers import load_rows

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def w17(notes_db):
    return report(notes_db, period="2024-W17", public=False)


@pytest.fixture
def names(notes_db):
    return checks.commodity_names(notes_db)


# Hand-computed, 2024-W17 against W16 (all three markets in both weeks):
#   猪肉(五花) W17 (28.56 + 27.99 + 30.84) / 3 = 29.13; W16 (28.00 + 27.44 + 30.24) / 3 = 28.56
#              环比 29.13 / 28.56 - 1 = +1.9958 % -> 2.0 %
#   大米       W17 (6.12 + 6.00 + 6.61) / 3 = 6.24333 -> 6.24; W16 (6.00 + 5.88 + 6.48) / 3 = 6.12
#              环比 6.24333 / 6.12 - 1 = +2.015 % -> 2.0 %
def test_report_values_are_the_hand_computed_ones(w17):
    j = {it["commodity"]: it for it in w17.to_json()["items"]}
    assert (j["猪肉(五花)"]["price"], j["猪肉(五花)"]["wow_pct"]) == (29.13, 2.0)
    assert (j["大米"]["price"], j["大米"]["wow_pct"]) == (6.24, 2.0)


def test_figure_check_passes_right_numbers(w17, names):
    text = ("本周我县监测的2种商品中,2种上涨、0种下降、0种持平。猪肉(五花)均价29.13元/公斤,环比上涨2.0%;"
            "大米均价6.24元/公斤,环比上涨2.0%。五花肉上周28.56元/公斤。大米3.12元/斤。")
    fr = check_figures(text, w17, names)
    assert fr.mismatches == []
    assert [(f.commodity, f.field) for f in fr.figures] == [
        (None, "breadth"), ("猪肉(五花)", "price"), ("大米", "price"), ("猪肉(五花)", "prev_price"),
        ("大米", "price"), ("猪肉(五花)", "wow"), ("大米", "wow")]


def test_figure_check_catches_wrong_numbers_with_right_value(w17, names):
    text = "猪肉(五花)均价29.31元/公斤,环比下降2.0%。大米环比持平。本周我县监测的2种商品中,1种上涨、1种下降、0种持平。"
    bad = {(f.commodity, f.field): f for f in check_figures(text, w17, names).mismatches}
    assert bad[("猪肉(五花)", "price")].expected == "29.13元/公斤"
    assert bad[("猪肉(五花)", "price")].found == "29.31元/公斤"
    assert "【29.31元/公斤】" in bad[("猪肉(五花)", "price")].context
    assert bad[("猪肉(五花)", "wow")].expected == "环比上涨2.0%"
    assert bad[("大米", "wow")].expected == "环比上涨2.0%"
    assert bad[(None, "breadth")].expected.startswith("监测2种商品，上涨2种")
    assert len(bad) == 4


def test_figure_check_precision_and_full_width(w17, names):
    # written at one decimal: 29.13 -> 29.1; full-width digits and ％ are read too
    fr = check_figures("猪肉(五花)均价29.1元/公斤,环比上涨２.０％。", w17, names)
    assert fr.mismatches == [] and len(fr.figures) == 2
    assert check_figures("猪肉(五花)均价29.2元/公斤。", w17, names).mismatches[0].expected == "29.1元/公斤"


def test_unattributed_numbers_are_counted_not_checked(w17, names):
    fr = check_figures("全县共有3个监测点,环比上涨12.5%,均价99.99元/公斤。", w17, names)
    assert fr.figures == [] and fr.unchecked == 2


def test_placeholders_render_from_data(notes_db):
    cache = checks.ReportCache(notes_db, public=False)
    names = checks.commodity_names(notes_db)
    text, problems = render_placeholders(
        "均价{{price 猪肉(五花) 2024-W17}},环比{{wow 猪肉(五花) 2024-W17}},"
        "同比{{yoy 大米}},{{price 五花肉}},{{price 不存在的菜}}", "2024-W17", cache, names)
    assert text.startswith("均价29.13元/公斤,环比上涨2.0%,同比无可比数据,29.13元/公斤,【无数据：不存在的菜 2024-W17】")
    assert problems == ["占位符 {{price 不存在的菜}} 没有数据"]


def test_figure_check_on_note_renders_placeholders_first(notes_db):
    settings = load_settings()
    ok = Note(id="a", title="t", period="2024-W17", body="猪肉(五花)均价{{price 猪肉(五花)}}。")
    res = {c.name: c for c in checks.run_checks(notes_db, settings, ok)}
    assert res["figures"].ok and res["figures"].checked == 1
    missing = Note(id="b", title="t", period="2024-W17", body="{{wow 不存在}}")
    assert not {c.name: c for c in checks.run_checks(notes_db, settings, missing)}["figures"].ok


@pytest.mark.parametrize("text,kind", [
    ("本文件为内部资料, 不得外传", "term"),
    ("联系人身份证号11010519491231002X", "id_number"),
    ("请拨打13812345678咨询", "phone"),
    ("电话 138-1234-5678", "phone"),
    ("收款卡号6222 0202 0000 0000 006", "bank_card"),   # 19 digits, Luhn-valid
    ("卡号4111111111111111", "bank_card"),
    ("绝密★文件", "term"),
])
def test_confidentiality_hits(text, kind):
    hits = scan_text(text, load_settings().sensitive_terms)
    assert kind in {h.kind for h in hits}
    h = next(h for h in hits if h.kind == kind)
    assert f"【{h.text}】" in h.context


@pytest.mark.parametrize("text", [
    "猪肉(五花)均价31.23元/公斤,环比上涨4.6%。",
    "身份证号110105194912310021",           # wrong check character
    "编号12812345678",                      # 12x is not a mobile prefix
    "流水号 138123456789",                  # 12 digits: part of a longer number
    "卡号4111111111111112",                 # fails Luhn
    "2024年第18周(2024-04-29)",
    "公开发布, 欢迎转载",
])
def test_confidentiality_misses(text):
    assert scan_text(text, load_settings().sensitive_terms) == []


def test_checksums_by_hand():
    # 11010519491231002X: sum of digits x weights = 167, 167 mod 11 = 2 -> 'X'
    assert id_checksum_ok("11010519491231002X") and not id_checksum_ok("110105194912310021")
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


def test_data_released_check(notes_db):
    settings = load_settings()
    n = Note(id="w18", title="t", period="2024-W18", body="x")
    res = {c.name: c for c in checks.run_checks(notes_db, settings, n)}
    assert not res["data_released"].ok and res["data_released"].findings[0]["upload_id"] == 3
    n.release_uploads = [3]
    res = {c.name: c for c in checks.run_checks(notes_db, settings, n, with_release=True)}
    assert res["data_released"].ok and "随解读一并发布" in res["data_released"].summary
    old = Note(id="w17", title="t", period="2024-W17", body="x")
    # W17 cites W17, W16 (both released) and 2023-W17 (no data)
    assert {c.name: c for c in checks.run_checks(notes_db, settings, old)}["data_released"].ok


def test_auto_draft_house_style_and_passes_figure_check(notes_db):
    settings = load_settings()
    title, body = draft.for_period(notes_db, settings, "2024-W18")
    assert title == "示范县2024年第18周重要商品价格监测分析"
    # the masthead: the 期号 the period would get (nothing assigned by a read)
    assert body.startswith("第1期　总第1期　监测单位：示范县商务局　监测日期：2024年4月29日—5月5日\n")
    # W18: 大米 (6.60 + 6.47 + 7.13) / 3 = 6.73, 环比 6.7333 / 6.2433 - 1 = +7.8 %
    assert "本周我县监测的2种商品中，上涨2种，占100.0%；持平0种；下降0种。" in body
    assert "大米上涨7.8%" in body and "猪肉(五花)上涨7.8%" in body
    heads = [line for line in body.splitlines() if line.startswith("## ")]
    assert heads == ["## 一、总体情况", "## 二、分类价格", "## 三、价格预警", "## 四、后期走势",
                     "## 附表　主要商品价格"]
    assert "**粮油类**：" in body and "**肉禽蛋类**：" in body and draft.PROMPT in body
    assert "| 商品 | 单位 | 本期 | 上期 | 环比 | 去年同期 | 同比 |" in body
    assert "| 大米 | 元/公斤 | 6.73 | 6.24 | +7.8% | — | — |" in body
    note = Note(id="d", title=title, period="2024-W18", body=body, release_uploads=[3])
    res = {c.name: c for c in checks.run_checks(notes_db, settings, note, with_release=True)}
    assert res["figures"].ok, res["figures"].findings
    assert res["figures"].checked >= 14  # sentences and the appendix table
    assert res["confidentiality"].ok


def test_auto_draft_without_alerts_or_categories():
    settings = load_settings()
    j = {"period": "2024-W18", "summary": {"n": 1, "up": 1, "down": 0, "flat": 0},
         "items": [{"commodity": "油菜", "category": "蔬菜", "unit": "元/公斤", "price": 6.0,
                    "wow_pct": 6.4, "yoy_pct": None}]}
    _, body = draft.generate(j, settings)
    assert not body.startswith("第")  # no issue given: no masthead
    assert "油菜上涨6.4%。" in body and "同比" not in body.split("##")[2]
    assert "本周没有商品的价格涨跌幅触发预警。" in body
    j["alerts"] = [{"kind": "gap", "market": "城南农贸市场", "message": "城南农贸市场本期未报送价格(上期有报价)"},
                   {"kind": "jump", "commodity": "油菜", "message": "油菜环比上涨6.4%,超过5%预警线"},
                   {"kind": "alps", "commodity": "油菜", "message": "油菜ALPS指数2.71,危机级"}]
    _, body = draft.generate(j, settings)
    assert "- 油菜环比上涨6.4%，超过5%预警线" in body and "城南农贸市场本期未报送价格" in body
    assert "其中油菜的涨跌幅超过预警线（见价格预警）。" in body
    assert "ALPS" not in body and "危机" not in body


def test_markdown_rendering_is_safe():
    html = markdown_to_html(
        "<script>alert(1)</script>\n\n[a](javascript:alert(1)) [b](JAVASCRIPT:x) "
        "[c](data:text/html;base64,PHNjcmlwdD4=) <img src=x onerror=alert(1)> "
        "[ok](https://example.gov.cn/a?b=1)\n\n**粗体**")
    assert "<script" not in html and "onerror=" not in html.replace("&lt;img src=x onerror=", "")
    assert 'href="javascript' not in html.lower() and 'href="data:' not in html
    assert '<a href="https://example.gov.cn/a?b=1" rel="noopener noreferrer">ok</a>' in html
    assert "<strong>粗体</strong>" in html
    assert plain_text("# 标题\n\n**正文**内容", 5) == "标题 正…"


def test_revised_data_flags_published_note(notes_db):
    settings = load_settings()
    book = Notebook(notes_db, settings, clock=lambda: datetime(2024, 4, 30, 9, tzinfo=TZ))
    ed, rv = User("editor", "editor"), User("reviewer", "reviewer")
    n = book.create(ed, title="t", period="2024-W17", body="猪肉(五花)均价29.13元/公斤。")
    book.submit(ed, n.id)
    book.approve(rv, n.id)
    p = book.publish(rv, n.id)
    assert book.stale(p) == []
    # a correction file revises one W17 price and is released: 城关 28.56 -> 30.00
    load_rows(notes_db, [("猪肉(五花)", "城关农贸市场", "2024-04-22", 30.00)], file_name="更正.xlsx")
    assert book.stale(book.repo.get(n.id)) == []       # not public yet: nothing to correct
    from pricewatch import publish
    publish.release(notes_db, rv, upload_id=4)
    stale = book.stale(book.repo.get(n.id))
    # (30.00 + 27.99 + 30.84) / 3 = 29.61
    assert [(f["commodity"], f["expected"]) for f in stale] == [("猪肉(五花)", "29.61元/公斤")]


def test_other_ways_of_writing_figures(w17, names):
    # 每公斤 / 每斤 before the number, 涨幅 / 降幅 (为) instead of 上涨 / 下降
    ok = "猪肉(五花)每公斤29.13元,环比涨幅为2.0%;大米每斤3.12元,环比涨幅2.0%。"
    fr = check_figures(ok, w17, names)
    assert fr.mismatches == [] and len(fr.figures) == 4
    bad = check_figures("大米每公斤6.42元,环比降幅2.0%。", w17, names).mismatches
    assert [(f.field, f.expected) for f in bad] == [("price", "6.24元/公斤"), ("wow", "环比上涨2.0%")]


def test_a_note_without_a_period_cannot_cite_figures(notes_db):
    n = Note(id="p", title="政策解读", body="猪肉(五花)均价29.13元/公斤。各监测点每周报送价格。")
    res = {c.name: c for c in checks.run_checks(notes_db, load_settings(), n)}
    assert not res["figures"].ok and "无法核对" in res["figures"].findings[0]["message"]
    assert res["data_released"].ok


# -- the draft's own sentence forms, read back by the figure check ----------------------------
# 2024-W17: 大米 and 猪肉(五花) both 环比 +2.0 %; no data a year earlier
@pytest.mark.parametrize(("text", "bad"), [
    ("大米和猪肉(五花)分别上涨2.0%和2.0%。", []),
    ("大米和猪肉(五花)分别上涨2.0%和3.0%。", [("猪肉(五花)", "wow")]),
    ("大米、猪肉(五花)分别下降2.0%、2.0%。", [("大米", "wow"), ("猪肉(五花)", "wow")]),
    ("大米上涨2.0%；猪肉(五花)上涨2.1%。", [("猪肉(五花)", "wow")]),
    ("与去年同期相比，大米上涨2.0%。", [("大米", "yoy")]),  # no data a year earlier
    ("本周我县监测的2种商品中，上涨2种，占100.0%；持平0种；下降0种。", []),
    ("本周我县监测的2种商品中，上涨2种，占90.0%；持平0种；下降0种。", [(None, "breadth")]),
    ("本周我县监测的2种商品中，上涨1种，占50.0%；持平1种，占50.0%；下降0种。", [(None, "breadth")]),
    ("粮油类1种商品中，上涨1种、持平0种、下降0种。", []),
    ("粮油类1种商品中，上涨0种、持平1种、下降0种。", [(None, "breadth")]),
    ("| 商品 | 单位 | 本期 | 上期 | 环比 | 去年同期 | 同比 |\n|:--|:--|--:|--:|--:|--:|--:|\n"
     "| 猪肉(五花) | 元/公斤 | 29.13 | 28.56 | +2.0% | — | — |", []),
    ("| 商品 | 单位 | 本期 | 上期 | 环比 | 去年同期 | 同比 |\n|:--|:--|--:|--:|--:|--:|--:|\n"
     "| 猪肉(五花) | 元/公斤 | 29.31 | 28.56 | -2.0% | 30.00 | — |",
     [("猪肉(五花)", "price"), ("猪肉(五花)", "wow"), ("猪肉(五花)", "yoy_price")]),
])
def test_figure_check_reads_the_draft_forms(w17, names, text, bad):
    fr = check_figures(text, w17, names)
    assert [(f.commodity, f.field) for f in fr.mismatches] == bad, fr.mismatches
    assert fr.figures  # every form above is read, not skipped


def test_movers_with_names_and_figures_not_matching_are_not_guessed(w17, names):
    fr = check_figures("大米和猪肉(五花)分别上涨2.0%。", w17, names)
    assert not fr.figures and fr.unchecked == 1
