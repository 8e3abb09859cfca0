"""How the upload and release pages show an upload report: each problem's message first,
wrapped, then where it is (sheet, row, column); the codes only under a details toggle.

Messages quote cell text from the file (untrusted): every line is markdown-escaped.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.i18n import lang, tr
from dashboard.messages import md_escape
from ingest.upload import page_message, where_text

SHOWN = 60


def _line(severity: str, message: str, where: str, note: str = "") -> str:
    word = f":red[**{tr('错误', 'Error')}**]" if severity == "error" else f":orange[**{tr('提示', 'Note')}**]"
    out = f"- {word} {md_escape(message)}"
    if where:
        out += f"  \n  :gray[{md_escape(where)}]"
    if note:
        out += f"  \n  {note}"
    return out


def show_issues(df: pd.DataFrame, key: str, notes: dict[tuple[str, str], str] | None = None) -> None:
    """``df``: severity, sheet, row, column, code, message (``ingest.upload.issues_frame``);
    ``notes``: (sheet, row) -> a markdown line shown under that problem (how it was confirmed)."""
    if df.empty:
        return
    notes = notes or {}
    lines = [_line(r.severity, str(r.message), where_text(r.sheet, r.row, r.column, lang()),
                   notes.get((str(r.sheet), str(r.row)), ""))
             for r in df.head(SHOWN).itertuples(index=False)]
    st.markdown("\n".join(lines))
    if len(df) > SHOWN:
        st.caption(tr(f"另有 {len(df) - SHOWN} 条，见下方详细信息。", f"{len(df) - SHOWN} more below, in the details."))
    with st.expander(tr("详细信息（含代码）", "Details (with codes)")):
        st.dataframe(df.rename(columns={
            "severity": tr("级别", "Severity"), "sheet": tr("工作表", "Sheet"), "row": tr("行", "Row"),
            "column": tr("列", "Column"), "code": tr("代码", "Code"), "message": tr("说明", "Message")}).assign(
            **{tr("级别", "Severity"): df["severity"].map({"error": tr("错误", "error"),
                                                          "warning": tr("提示", "warning")})}),
            hide_index=True, width="stretch", key=f"{key}_codes")


def show_choices(report: dict[str, Any], confirmations: bool = True) -> None:
    """What people chose for an upload: the profile it was read with, the rows confirmed one
    by one (who, why; unless ``confirmations`` is False: shown under each warning instead),
    the rows skipped (who, why) and who checked the other warnings."""
    if report.get("profile"):
        st.markdown(tr("按导入方案「", "Read with import profile \"") + md_escape(str(report["profile"]))
                    + tr("」读取", "\""))
    for c in report.get("confirmed") or [] if confirmations else []:
        st.markdown(f"- :green[**{tr('已确认', 'Confirmed')}**] " + md_escape(tr(
            f"{where_text(c.get('sheet'), c.get('row'), c.get('column'))}：{page_message(str(c.get('message', '')))}"
            f"——由 {c.get('by')} 确认，原因：{c.get('reason')}",
            f"{where_text(c.get('sheet'), c.get('row'), c.get('column'), 'en')}: {c.get('message', '')}"
            f" — confirmed by {c.get('by')}, reason: {c.get('reason')}")))
    sk = report.get("skipped")
    if sk:
        n = sum(int(x.get("count", 1)) for x in sk.get("rows", []))
        st.markdown(md_escape(tr(f"按选择跳过 {n} 行（决定人 {sk.get('by')}，原因：{sk.get('reason')}）：",
                                 f"{n} rows skipped by choice (by {sk.get('by')}, reason: {sk.get('reason')}):")))
        st.markdown("\n".join(
            "- " + md_escape(f"{where_text(x.get('sheet'), x.get('row'), x.get('column'), lang())}："
                             f"{page_message(str(x.get('message', '')))}") for x in sk.get("rows", [])[:SHOWN]))
    if report.get("checked_by"):
        st.caption(tr(f"其余提示由 {report['checked_by']} 核对", f"Other warnings checked by {report['checked_by']}"))
