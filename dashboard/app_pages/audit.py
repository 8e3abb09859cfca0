"""审计日志: who did what, when (append-only; reviewers and administrators).

Actions in words, details as fields, times in the bureau's zone (pricewatch.audit.readable);
filters for who, what and when; the filtered rows as CSV. A wide screen shows a table; a
phone (640 px and narrower) shows the newest entries as cards whose details wrap, since a
table's cells do not wrap and the details column would need a sideways scroll.
"""

from datetime import UTC, datetime, timedelta

import streamlit as st

from dashboard.i18n import choose, lang, tr
from dashboard.messages import md_escape
from dashboard.state import get_store, require_user, settings
from pricewatch import accounts, audit, textfmt

CARDS = 100  # entries shown as cards on a phone

st.title(tr("审计日志", "Audit log"))
require_user("audit", "只有审核人员和管理员可以查看审计日志。", "Only reviewers and administrators see the audit log.")
st.caption(tr("登录、上传、发布、审核等每一次操作都记录在此，记录只增不改。时间为本局所在时区。",
              "Every login, upload, release and review is recorded here; entries are never changed. "
              "Times are in the bureau's time zone."))

store = get_store()
tz = settings().timezone
names = sorted({*accounts.user_names(store), "system"})
today = textfmt.local_time(datetime.now(UTC), tz).date()  # type: ignore[union-attr]
everyone = tr("全部", "All")

c1, c2, c3 = st.columns(3)
who = c1.selectbox(tr("操作人", "Who"), ["", *names], key="who", placeholder=choose(),
                   format_func=lambda n: everyone if not n else (tr("系统", "system") if n == "system" else n))
kind = c2.selectbox(tr("类别", "What"), ["", *audit.KINDS], key="kind", placeholder=choose(),
                    format_func=lambda k: audit.KINDS[k][lang() == "en"] if k else everyone)
span = c3.date_input(tr("日期范围", "Dates"), value=(today - timedelta(days=30), today), key="when",
                     max_value=today, format="YYYY-MM-DD")
start, end = (tuple(span) + (None, None))[:2] if isinstance(span, tuple | list) else (span, span)
limit = st.select_slider(tr("最多条数", "At most"), [200, 1000, 5000], value=1000, key="limit")

log = audit.audit_log(store, limit=limit, action_prefix=kind or None, actor=who or None,
                      start=start, end=end or start, tz=tz)
if log.empty:
    st.info(tr("没有符合条件的记录。", "No entries match."))
    st.stop()
table = audit.readable(log, tz, lang())
st.caption(tr(f"共{len(table)}条（最新的在前）", f"{len(table)} entries, newest first"))
# constant CSS only: the table on wide screens, the cards on phones
st.html("""<style>
.st-key-audit_cards { display: none; }
@media (max-width: 640px) {
  .st-key-audit_table { display: none; }
  .st-key-audit_cards { display: block; }
  .st-key-audit_cards li { overflow-wrap: anywhere; margin-bottom: .6rem; }
}
</style>""")
with st.container(key="audit_table"):
    st.dataframe(table, hide_index=True, width="stretch")
with st.container(key="audit_cards"):
    if len(table) > CARDS:
        st.caption(tr(f"手机上列出最新的{CARDS}条；全部记录请导出 CSV。",
                      f"The newest {CARDS} entries on a phone; export the CSV for all."))
    at_col, who_col, what_col, target_col, detail_col = table.columns
    st.markdown("\n".join(
        f"- **{md_escape(r[what_col])}** · {md_escape(r[who_col])}"
        + (f" · {md_escape(r[target_col])}" if r[target_col] else "")
        + f"  \n  :gray[{md_escape(r[at_col])}]"
        + (f"  \n  {md_escape(r[detail_col])}" if r[detail_col] else "")
        for _, r in table.head(CARDS).iterrows()))
stem = f"audit-{start or ''}-{end or start or ''}".rstrip("-")
st.download_button(tr("导出 CSV", "Export CSV"), audit.to_csv(table), file_name=f"{stem}.csv",
                   mime="text/csv", key="audit_csv")
