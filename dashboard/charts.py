"""Plotly figure builders: DataFrame in, Figure out. No Streamlit, no queries here.

The figures are made for a phone first: the legend sits below the plot, margins are
small, the title is short, and hover labels carry the unit. Values are plotted as they come
(rounded for display by the hover template only): the figures come from
pricewatch.indicators and are never recomputed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from pricewatch import textfmt

UP = "#c62828"  # prices up: red, as Chinese price bulletins colour a rise
DOWN = "#2e7d32"
FLAT = "#616161"
LINE = "#1f4e79"
MA = "#ef6c00"
LAST_YEAR = "#9e9e9e"
NOTE = "#6a1b9a"
PALETTE = ["#1f4e79", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#ad1457"]
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
CONFIG = {"displayModeBar": False, "scrollZoom": False, "responsive": True}


def _layout(fig: go.Figure, height: int = 360, dates: bool = True) -> go.Figure:
    fig.update_layout(
        height=height, margin={"l": 8, "r": 8, "t": 36, "b": 8}, font={"family": FONT, "size": 13},
        hovermode="x unified", legend={"orientation": "h", "y": -0.15, "x": 0},
        plot_bgcolor="white", dragmode=False,
    )
    # numeric dates read the same in Chinese and English (plotly's month names are English)
    fig.update_xaxes(showgrid=False, fixedrange=True)
    if dates:
        fig.update_xaxes(tickformat="%Y-%m", hoverformat="%Y-%m-%d")
    fig.update_yaxes(gridcolor="#eeeeee", fixedrange=True)
    return fig


@dataclass(frozen=True)
class Marker:
    """A published note shown on a chart: at ``x`` (its period's start), hover shows ``title``."""

    x: date
    title: str
    url: str = ""


def trend(df: pd.DataFrame, *, title: str, unit: str, labels: dict[str, str],
          markets: pd.DataFrame | None = None, markers: Sequence[Marker] = (),
          show_ma: bool = True, show_last_year: bool = True) -> go.Figure:
    """One commodity over time.

    ``df``: period_start, price (the commodity price), and optionally ``ma4`` (moving
    average) and ``yoy_price`` (the price in the same period a year earlier). With
    ``markets`` (period_start, market, price) one line per market replaces the average.
    ``labels`` names the traces: avg, ma, last_year, notes.
    Note markers sit on the commodity price of their period (at the bottom of the plot when
    that period has no price), and hovering one shows the note's title.
    """
    fig = go.Figure()
    hover = "%{y:.2f} " + unit
    df = df.assign(**{c: pd.to_numeric(df[c], errors="coerce")
                      for c in ("price", "ma4", "yoy_price") if c in df})
    if markets is not None and not markets.empty:
        for i, (name, g) in enumerate(markets.groupby("market", sort=False)):
            fig.add_trace(go.Scatter(
                x=g["period_start"], y=pd.to_numeric(g["price"], errors="coerce"), mode="lines", name=str(name),
                line={"color": PALETTE[i % len(PALETTE)], "width": 1.8}, hovertemplate=hover,
            ))
    else:
        fig.add_trace(go.Scatter(
            x=df["period_start"], y=df["price"], mode="lines", name=labels.get("avg", "均价"),
            line={"color": LINE, "width": 2.2}, hovertemplate=hover,
        ))
    if show_ma and "ma4" in df and df["ma4"].notna().any():
        fig.add_trace(go.Scatter(
            x=df["period_start"], y=df["ma4"], mode="lines", name=labels.get("ma", "4期移动平均"),
            line={"color": MA, "width": 1.6, "dash": "dot"}, hovertemplate=hover,
        ))
    if show_last_year and "yoy_price" in df and df["yoy_price"].notna().any():
        fig.add_trace(go.Scatter(
            x=df["period_start"], y=df["yoy_price"], mode="lines",
            name=labels.get("last_year", "去年同期"),
            line={"color": LAST_YEAR, "width": 1.4, "dash": "dash"}, hovertemplate=hover,
        ))
    if markers:
        by_x = dict(zip(pd.to_datetime(df["period_start"]).dt.date, df["price"], strict=False))
        floor = float(df["price"].min()) if df["price"].notna().any() else 0.0
        xs = [m.x for m in markers]
        ys = [by_x.get(m.x) if pd.notna(by_x.get(m.x)) else floor for m in markers]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers", name=labels.get("notes", "价格解读"),
            marker={"symbol": "star", "size": 15, "color": NOTE, "line": {"color": "white", "width": 1}},
            text=[m.title for m in markers], customdata=[m.url for m in markers],
            hovertemplate="📝 %{text}<extra></extra>",
        ))
    fig.update_layout(title={"text": title, "font": {"size": 15}})
    fig.update_yaxes(title_text=unit)
    return _layout(fig)


def bars(df: pd.DataFrame, *, x: str, y: str, title: str, unit: str, colour: str = LINE) -> go.Figure:
    """Horizontal bars (labels stay readable on a phone), largest at the top."""
    d = df.sort_values(y, ascending=True)
    fig = go.Figure(go.Bar(
        x=d[y], y=d[x], orientation="h", marker_color=colour,
        text=[f"{v:.2f}" for v in d[y]], textposition="auto",
        hovertemplate="%{y}: %{x:.2f} " + unit + "<extra></extra>",
    ))
    fig.update_layout(title={"text": title, "font": {"size": 15}}, hovermode="closest")
    fig.update_xaxes(title_text=unit)
    return _layout(fig, height=max(220, 60 + 42 * len(d)), dates=False)


def spread(df: pd.DataFrame, *, title: str, unit: str, labels: dict[str, str]) -> go.Figure:
    """The spread across markets over time: ``df`` period_start, min, max, mean.

    The band between the lowest and the highest market is shaded; the mean is the line.
    """
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=df["period_start"], y=df["max"], mode="lines", name=labels.get("max", "最高"),
        line={"color": UP, "width": 1}, hovertemplate="%{y:.2f} " + unit,
    ))
    fig.add_trace(go.Scatter(
        x=df["period_start"], y=df["min"], mode="lines", name=labels.get("min", "最低"),
        line={"color": DOWN, "width": 1}, fill="tonexty", fillcolor="rgba(31,78,121,0.12)",
        hovertemplate="%{y:.2f} " + unit,
    ))
    if "mean" in df:
        fig.add_trace(go.Scatter(
            x=df["period_start"], y=df["mean"], mode="lines", name=labels.get("mean", "均价"),
            line={"color": LINE, "width": 2}, hovertemplate="%{y:.2f} " + unit,
        ))
    fig.update_layout(title={"text": title, "font": {"size": 15}})
    fig.update_yaxes(title_text=unit)
    return _layout(fig)


def lines(df: pd.DataFrame, *, x: str, y: str, group: str, title: str, y_title: str = "",
          fmt: str = ".1f", baseline: float | None = None) -> go.Figure:
    """One line per ``group`` (e.g. category indices over time); ``baseline`` draws a rule."""
    fig = go.Figure()
    for i, (name, g) in enumerate(df.groupby(group, sort=False)):
        fig.add_trace(go.Scatter(
            x=g[x], y=g[y], mode="lines", name=str(name),
            line={"color": PALETTE[i % len(PALETTE)], "width": 2},
            hovertemplate="%{y:" + fmt + "}",
        ))
    if baseline is not None:
        fig.add_hline(y=baseline, line={"color": "#bdbdbd", "width": 1, "dash": "dot"})
    fig.update_layout(title={"text": title, "font": {"size": 15}})
    fig.update_yaxes(title_text=y_title)
    return _layout(fig, height=400)


#: a percentage as a board shows it: ▲ 1.2% / ▼ 0.4% / 持平 / — (pricewatch.textfmt)
fmt_pct = textfmt.arrow_pct


def pct_colour(text: str) -> str:
    """CSS for a cell written by :func:`fmt_pct` (red up, green down, grey flat)."""
    if text.startswith("▲"):
        return f"color: {UP}"
    if text.startswith("▼"):
        return f"color: {DOWN}"
    return f"color: {FLAT}"


def grouped_bars(df: pd.DataFrame, *, x: str, y: str, group: str, title: str,
                 fmt: str = ".1f") -> go.Figure:
    """Horizontal bars of ``x`` per ``y`` label, one colour per ``group`` (e.g. a market)."""
    fig = go.Figure()
    for i, (name, g) in enumerate(df.groupby(group, sort=False)):
        fig.add_trace(go.Bar(
            x=g[x], y=g[y], orientation="h", name=str(name),
            marker_color=PALETTE[i % len(PALETTE)],
            hovertemplate="%{y} · " + str(name) + ": %{x:" + fmt + "}<extra></extra>",
        ))
    # a tall chart: the legend goes on top, where it is seen before scrolling
    fig.update_layout(title={"text": title, "font": {"size": 15}}, barmode="group",
                      hovermode="closest")
    fig.update_yaxes(autorange="reversed")
    n = df[y].nunique() * max(1, df[group].nunique())
    _layout(fig, height=max(260, 100 + 16 * n), dates=False)
    fig.update_layout(legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
                      margin={"t": 70})
    return fig
