"""限时发布 (staff): this week's schedule and status; overdue items in red. The same as
``python -m pricewatch deadlines``."""

import streamlit as st

from dashboard.i18n import tr
from dashboard.state import get_store, require_user, settings
from pricewatch import daily_watch, deadlines
from pricewatch.errors import PricewatchError
from pricewatch.notes.workflow import Notebook

st.title(tr("限时发布", "Deadlines"))
user = require_user("view_staff", "请先登录。", "Please sign in.")

store, cfg = get_store(), settings()
book = Notebook(store, cfg)
try:
    status = deadlines.week_status(store, cfg, book.now(), notes=book.repo.all())
except PricewatchError as e:
    st.error(e.message + (f" — {e.hint}" if e.hint else ""))
    st.stop()

st.caption(tr(f"{status.week.label_zh}({status.week.start} — {status.week.end}),现在 {status.now:%m-%d %H:%M}",
              f"{status.week.label} ({status.week.start} — {status.week.end}), now {status.now:%m-%d %H:%M}"))
# 异常波动期间日报制度: while a red-level alert is open, each day's data are due by 12:00
watch = daily_watch.status(store, cfg, status.now)
if watch.active:
    st.error(tr(watch.headline_zh(), "A red-level price alert is open: prices are due daily by 12:00."),
             icon=":material/campaign:")
    st.markdown("\n".join(f"- {d.day:%m-%d} · {tr(daily_watch.STATE_ZH[d.state(watch.now)], d.state(watch.now))}"
                          + (f" ({d.arrived:%H:%M})" if d.arrived else "") for d in watch.days))
LABELS = {"data_uploaded": "Data uploaded", "data_released": "Data released",
          "note_drafted": "Note drafted", "note_approved": "Note approved",
          "note_published": "Note published"}
for it in status.items:
    if it.done:
        mark = ":green[✔ " + tr("已完成", "done") + "]"
    elif it.overdue(status.now):
        mark = ":red[**✘ " + tr("已逾期", "overdue") + "**]"
    else:
        mark = ":orange[… " + tr("未完成", "open") + "]"
    # item.detail holds counts and note ids ([a-z0-9-]) only, so it is safe in markdown
    st.markdown(f"- **{tr(it.label, LABELS[it.key])}** · {tr('截止', 'due')} "
                f"{deadlines.fmt_due(it.due)} · {mark} · {it.detail}")
if status.overdue:
    st.error(tr(f"逾期 {len(status.overdue)} 项: ", f"{len(status.overdue)} overdue: ")
             + "、".join(tr(i.label, LABELS[i.key]) for i in status.overdue))
else:
    st.success(tr("本周没有逾期事项。", "Nothing overdue this week."))
st.caption(tr(f"时间表: 数据截止 {cfg.data_due},解读截止 {cfg.note_due}(星期几 时:分,{cfg.timezone})",
              f"Schedule: data {cfg.data_due}, note {cfg.note_due} (weekday HH:MM, {cfg.timezone})"))
