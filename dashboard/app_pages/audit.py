"""审计日志: who did what, when (append-only; reviewers and administrators).

Actions in words, details as fields, times in the bureau's zone (pricewatch.audit.readable);
filters for who, what and when; the filtered rows as CSV.
"""

from datetime import UTC, datetime, timedelta

import streamlit as st

from dashboard.i18n import choose, lang, tr
from dashboard.state import get_store, require_user, settings
from pricewatch import accounts, audit, textfmt

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
st.dataframe(table, hide_index=True, width="stretch")
stem = f"audit-{start or ''}-{end or start or ''}".rstrip("-")
st.download_button(tr("导出 CSV", "Export CSV"), audit.to_csv(table), file_name=f"{stem}.csv",
                   mime="text/csv", key="audit_csv")
