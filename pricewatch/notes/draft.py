"""生成本期分析初稿: a first draft of the period's 价格监测分析 in the house style.

Built only from ``Report.to_json()`` (summary, items; ``categories`` (index, 环比) and
``alerts`` (jump, alps; ``gap`` = a market that did not report) when the report provides
them), so every figure in it passes the figure check by construction. A report without
``alerts`` falls back to the jump rule (|环比| >= the category threshold). The layout::

    本周我县监测的N种商品中,x种上涨、y种下降、z种持平。……
    ## <category>   one paragraph per category, one clause per commodity:
                   "猪肉(五花)均价31.23元/公斤,环比上涨4.6%,同比上涨33.8%"
    ## 涨跌幅居前   the three largest risers and fallers on the previous period
    ## 价格预警     the alerts (|环比| at or above the threshold, data gaps)
    ## 数据说明     how the changes are computed

A missing 环比 or 同比 is left out of its clause rather than written as 0.
"""

from __future__ import annotations

from typing import Any

from ..config import Settings
from ..indicators import Report
from ..periods import parse_period
from ..textfmt import change as fmt_change

TOP_N = 3


def _price(v: float | None, unit: str) -> str:
    return f"{v:.2f}{unit}" if v is not None else "暂无报价"


def _clause(it: dict[str, Any]) -> str:
    parts = [f"{it['commodity']}均价{_price(it.get('price'), it.get('unit', ''))}"]
    if it.get("wow_pct") is not None:
        parts.append(f"环比{fmt_change(it['wow_pct'])}")
    if it.get("yoy_pct") is not None:
        parts.append(f"同比{fmt_change(it['yoy_pct'])}")
    return ",".join(parts)


def _breadth(items: list[dict[str, Any]]) -> tuple[int, int, int]:
    up = down = flat = 0
    for it in items:
        w = it.get("wow_pct")
        if w is None:
            continue
        if w > 0:
            up += 1
        elif w < 0:
            down += 1
        else:
            flat += 1
    return up, down, flat


def _alert_text(a: Any) -> str | None:
    if isinstance(a, str):
        return a
    if not isinstance(a, dict):
        return None
    for key in ("message", "text", "description"):
        if a.get(key):
            return str(a[key])
    who = a.get("commodity") or a.get("market") or ""
    kind = a.get("kind") or a.get("type") or a.get("level") or "预警"
    return f"{who} {kind}".strip() or None


def generate(report_json: dict[str, Any], settings: Settings) -> tuple[str, str]:
    """(title, markdown body) for the report's period."""
    p = parse_period(report_json["period"])
    word = p.this_zh
    county = settings.county_name
    title = f"{county}{p.label_zh}重要商品价格监测分析"
    items = [it for it in report_json.get("items", []) if it.get("price") is not None]
    s = report_json.get("summary") or {}
    if not items:
        return title, f"{word}暂无价格监测数据。\n"
    out = [f"{word}我县监测的{s.get('n', len(items))}种商品中,{s.get('up', 0)}种上涨、"
           f"{s.get('down', 0)}种下降、{s.get('flat', 0)}种持平。"]
    movers = [it for it in items if it.get("wow_pct") is not None]
    if movers:
        top = max(movers, key=lambda it: abs(it["wow_pct"]))
        out[0] += f"波动最大的是{_clause(top)}。"

    cats: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        cats.setdefault(it.get("category") or "其他", []).append(it)
    cat_rows = {c.get("category"): c for c in report_json.get("categories") or []
                if isinstance(c, dict)}
    base = report_json.get("base")
    for cat, its in cats.items():
        up, down, flat = _breadth(its)
        para = f"## {cat}\n\n"
        row = cat_rows.get(cat)
        if row and row.get("index") is not None:
            para += f"{cat}类价格指数为{float(row['index']):.1f}" + (f"(以{base}为100)" if base else "")
            if row.get("wow_pct") is not None:
                para += f",环比{fmt_change(row['wow_pct'])}"
            para += "。"
        para += (f"{cat}类{len(its)}种商品中,{up}种上涨、{down}种下降、{flat}种持平。"
                 + ";".join(_clause(it) for it in its) + "。")
        out.append(para)

    risers = sorted((it for it in movers if it["wow_pct"] > 0), key=lambda it: -it["wow_pct"])[:TOP_N]
    fallers = sorted((it for it in movers if it["wow_pct"] < 0), key=lambda it: it["wow_pct"])[:TOP_N]
    lines = []
    if risers:
        lines.append("环比涨幅居前的是:" + "、".join(
            f"{it['commodity']}环比{fmt_change(it['wow_pct'])}" for it in risers) + "。")
    if fallers:
        lines.append("环比跌幅居前的是:" + "、".join(
            f"{it['commodity']}环比{fmt_change(it['wow_pct'])}" for it in fallers) + "。")
    if lines:
        out.append("## 涨跌幅居前\n\n" + "\n".join(lines))

    raw_alerts = report_json.get("alerts")
    alerts, missing = [], list(report_json.get("missing_markets") or [])
    for a in raw_alerts or []:
        if isinstance(a, dict) and a.get("kind") == "gap":
            missing.append(a.get("message") or a.get("market"))
        elif (t := _alert_text(a)) is not None:
            alerts.append(t)
    threshold = settings.jump_threshold_pct
    if raw_alerts is None:  # a report without alerts: the jump rule (DESIGN.md) by hand
        alerts = [f"{it['commodity']}环比{fmt_change(it['wow_pct'])},达到价格异动预警标准"
                  for it in movers if abs(it["wow_pct"]) >= settings.threshold_for(it.get("category"))]
    warn = ["## 价格预警\n"]
    if alerts:
        warn.append("\n".join(f"- {a}" for a in alerts))
    else:
        warn.append(f"{word}没有商品环比涨跌幅达到预警标准(默认±{threshold:g}%)。")
    if missing:
        warn.append("\n**数据缺报:**\n\n" + "\n".join(
            f"- {m.get('market', m) if isinstance(m, dict) else m}" for m in missing))
    out.append("\n".join(warn))
    out.append("## 数据说明\n\n价格为各监测点均价;环比、同比按两期都有报价的监测点计算,"
               "涨跌幅四舍五入保留一位小数,四舍五入后为0.0%的记为持平。")
    return title, "\n\n".join(out) + "\n"


def generate_for(report: Report, settings: Settings) -> tuple[str, str]:
    return generate(report.to_json(), settings)
