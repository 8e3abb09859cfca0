"""Inline SVG charts for the static site: no script, no bundle, a few kilobytes each.

Each chart is drawn in a fixed viewBox and scales to the width of its container
(``width="100%"``), so it fits a 390 px phone and a desktop alike. Text in the chart is
escaped; numbers are the figures handed in (already rounded by pricewatch.indicators).
A gap in a series (None) breaks the line instead of joining across it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

W, H = 420, 260
PAD_L, PAD_R, PAD_T, PAD_B = 40, 10, 14, 42
COLOURS = ("#c0392b", "#2471a3", "#7d8c8d", "#1e8449", "#b9770e", "#7d3c98", "#17a589", "#884ea0")


@dataclass
class Line:
    label: str
    values: Sequence[float | None]
    colour: str = COLOURS[0]
    dash: str = ""  # "6 4" for dashed
    width: float = 2.0


@dataclass
class Marker:
    """A ★ at an x position (index into the x axis) with a title shown on hover/tap."""

    index: int
    title: str


@dataclass
class Chart:
    x: Sequence[date]
    lines: list[Line]
    unit: str = ""
    markers: list[Marker] = field(default_factory=list)
    title: str = ""


def _nice_range(lo: float, hi: float) -> tuple[float, float, float]:
    """Axis bounds and step covering [lo, hi] with 4-6 round ticks."""
    if math.isclose(lo, hi):
        pad = abs(lo) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _fmt(v: float, step: float) -> str:
    return f"{v:.0f}" if step >= 1 else f"{v:.1f}" if step >= 0.1 else f"{v:.2f}"


def line_chart(chart: Chart, *, aria: str) -> str:
    """A line chart with y grid, x labels (months), a legend and ★ markers."""
    values = [v for ln in chart.lines for v in ln.values if v is not None]
    n = len(chart.x)
    if not values or n == 0:
        return ""
    lo, hi, step = _nice_range(min(values), max(values))
    pw, ph = W - PAD_L - PAD_R, H - PAD_T - PAD_B

    def sx(i: int) -> float:
        return PAD_L + (pw * i / (n - 1) if n > 1 else pw / 2)

    def sy(v: float) -> float:
        return PAD_T + ph * (1 - (v - lo) / (hi - lo))

    out = [f'<svg viewBox="0 0 {W} {H}" width="100%" role="img" aria-label="{escape(aria)}" '
           'xmlns="http://www.w3.org/2000/svg" style="display:block;max-width:720px;height:auto" '
           'font-size="12" font-family="sans-serif">']
    if chart.title:
        out.append(f"<title>{escape(chart.title)}</title>")
    t = lo
    while t <= hi + step / 2:
        y = sy(t)
        out.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>'
                   f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{_fmt(t, step)}</text>')
        t += step
    # x labels: at most 6, at the first period of a month (or of a year for long spans)
    span_days = (chart.x[-1] - chart.x[0]).days if n > 1 else 0
    years = span_days > 400  # long spans: one label per year
    ticks = [i for i in range(n) if i == 0 or (chart.x[i].year != chart.x[i - 1].year if years
                                                else chart.x[i].month != chart.x[i - 1].month)]
    ticks = [i for i in ticks if i == 0 or i > n * 0.1]  # no label crowding the first one
    every = max(1, math.ceil(len(ticks) / 6))
    for k, i in enumerate(ticks[::every]):
        d = chart.x[i]
        label = f"{d:%Y}" if years and k else f"{d:%Y-%m}" if (k == 0 or d.month == 1) else f"{d:%m}"
        out.append(f'<text x="{sx(i):.1f}" y="{H - PAD_B + 18}" text-anchor="middle" fill="#555">'
                   f"{escape(label)}</text>")
    for ln in chart.lines:
        parts, pen = [], "M"
        for i, v in enumerate(ln.values):
            if v is None:
                pen = "M"
                continue
            parts.append(f"{pen}{sx(i):.1f} {sy(v):.1f}")
            pen = "L"
        dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
        out.append(f'<path d="{"".join(parts)}" fill="none" stroke="{ln.colour}" '
                   f'stroke-width="{ln.width}"{dash}><title>{escape(ln.label)}</title></path>')
    top = values and max(values)
    for m in chart.markers:
        if 0 <= m.index < n:
            out.append(f'<text x="{sx(m.index):.1f}" y="{sy(top) + 2:.1f}" text-anchor="middle" '
                       f'fill="#b9770e" font-size="18">★<title>{escape(m.title)}</title></text>')
    # legend under the axis labels
    x = PAD_L
    for ln in chart.lines:
        dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
        out.append(f'<line x1="{x}" x2="{x + 22}" y1="{H - 9}" y2="{H - 9}" stroke="{ln.colour}" '
                   f'stroke-width="{ln.width}"{dash}/><text x="{x + 26}" y="{H - 5}" fill="#333">'
                   f"{escape(ln.label)}</text>")
        x += 36 + sum(12 if ord(ch) > 0x2E80 else 7 for ch in ln.label)
    out.append("</svg>")
    return "".join(out)


def sparkline(values: Sequence[float | None], *, colour: str = "#555", w: int = 64, h: int = 22) -> str:
    """A small line of the last prices (no axes), for a board row."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(pts) < 2:
        return ""
    lo = min(v for _, v in pts)
    hi = max(v for _, v in pts)
    rng = (hi - lo) or 1.0
    n = len(values)
    d = "".join(f"{'M' if k == 0 else 'L'}{2 + (w - 4) * i / (n - 1):.1f} "
                f"{h - 2 - (h - 4) * (v - lo) / rng:.1f}" for k, (i, v) in enumerate(pts))
    return (f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-hidden="true" '
            f'xmlns="http://www.w3.org/2000/svg"><path d="{d}" fill="none" stroke="{colour}" '
            'stroke-width="1.5"/></svg>')


def bars(rows: Sequence[tuple[str, float]], *, unit: str, aria: str) -> str:
    """Horizontal bars, one per (label, value), the value written at the bar's end."""
    if not rows:
        return ""
    hi = max(v for _, v in rows) or 1.0
    row_h, label_w, w = 28, 112, 420
    h = row_h * len(rows) + 6
    out = [f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{escape(aria)}" '
           'xmlns="http://www.w3.org/2000/svg" style="display:block;max-width:720px;height:auto" '
           'font-size="13" font-family="sans-serif">']
    for k, (label, v) in enumerate(rows):
        y = 3 + k * row_h
        bw = (w - label_w - 56) * v / hi
        out.append(f'<text x="{label_w - 6}" y="{y + 18}" text-anchor="end" fill="#333">{escape(label)}</text>'
                   f'<rect x="{label_w}" y="{y + 4}" width="{bw:.1f}" height="{row_h - 10}" fill="#2471a3"/>'
                   f'<text x="{label_w + bw + 4:.1f}" y="{y + 18}" fill="#333">{v:.2f}</text>')
    out.append(f"<desc>{escape(unit)}</desc></svg>")
    return "".join(out)
