"""Plotly figure builders: DataFrame in, Figure out. No Streamlit, no queries here."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

UP = "#c62828"  # prices up: red, as Chinese price bulletins colour a rise
DOWN = "#2e7d32"
FLAT = "#616161"
LINE = "#1f4e79"
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def _layout(fig: go.Figure, height: int = 360) -> go.Figure:
    fig.update_layout(
        height=height, margin={"l": 8, "r": 8, "t": 32, "b": 8}, font={"family": FONT, "size": 13},
        hovermode="x unified", legend={"orientation": "h", "y": -0.18}, plot_bgcolor="white",
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#eeeeee")
    return fig


def trend(df: pd.DataFrame, *, title: str, unit: str, avg_label: str = "均价") -> go.Figure:
    """``df``: period_start, price (the commodity's average over reporting markets)."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=df["period_start"], y=df["price"].round(2), mode="lines", name=avg_label,
        line={"color": LINE, "width": 2},
        hovertemplate="%{y:.2f} " + unit + "<extra></extra>",
    ))
    fig.update_layout(title={"text": title, "font": {"size": 15}})
    fig.update_yaxes(title_text=unit)
    return _layout(fig)
