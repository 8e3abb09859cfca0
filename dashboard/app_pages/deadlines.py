"""限时发布 (staff): this week's schedule and status; overdue items in red. The same as
``python -m pricewatch deadlines``."""

import streamlit as st

from dashboard.i18n import lang, nm, tr
from dashboard.messages import stop_on_refusal
from dashboard.state import get_store, require_user, settings, shown_time, zone_name_zh
from pricewatch import daily_watch, deadlines
from pricewatch.notes.workflow import Notebook

st.title(tr("限时发布", "Deadlines"))
user = require_user("view_staff", "请先登录。", "Please sign in.")

store, cfg = get_store(), settings()
book = Notebook(store, cfg)
with stop_on_refusal():
    status = deadlines.week_status(store, cfg, book.now(), notes=book.repo.all())

st.caption(tr(f"{status.week.label_zh}（{status.week.start}至{status.week.end}），现在{shown_time(status.now)}",
              f"{status.week.label} ({status.week.start} — {status.week.end}), now {shown_time(status.now)}"))
# 异常波动期间日报制度: while a red-level alert is open, each day's data are due by 12:00
watch = daily_watch.status(store, cfg, status.now)
if watch.active:
    st.error(tr(watch.headline_zh(), "A red-level price alert is open: prices are due daily by 12:00."),
             icon=":material/campaign:")
    st.markdown("\n".join(f"- {d.day:%m-%d} · {tr(daily_watch.STATE_ZH[d.state(watch.now)], d.state(watch.now))}"
                          + (tr("（到达 ", " (arrived ") + shown_time(d.arrived) + tr("）", ")") if d.arrived else "")
                          for d in watch.days))
LABELS = {"data_uploaded": "Data uploaded", "data_released": "Data released",
          "note_drafted": "Note drafted", "note_approved": "Note approved",
          "note_published": "Note published"}
COLOURS = {"met": "green", "late": "orange", "partial": "orange", "open": "gray", "overdue": "red"}
ICONS = {"met": "✔", "late": "✔", "partial": "◐", "open": "…", "overdue": "✘"}
st.markdown(f"**{tr(status.schedule, f'Schedule: data by {status.items[0].due:%a %H:%M}, notes by {status.items[-1].due:%a %H:%M}')}**")
for it in status.items:
    state = it.state(status.now)
    words = it.describe(status.now) if lang() == "zh" else deadlines.STATE_EN[state] + (
        "; missing: " + ", ".join(nm(m, "market") for m in it.missing) if it.missing else "")
    detail = it.detail if lang() == "zh" else it.detail_en
    # item texts hold counts, market names from the catalog (bounded, plain) and note ids;
    # escape markdown's own characters so a name cannot format the line
    done_at = (" · " + tr("完成于 ", "done ") + shown_time(it.done_at)) if it.done_at else ""
    safe = (words + (" · " + detail if detail else "") + done_at).replace("[", "\\[").replace("*", "\\*").replace("_", "\\_")
    st.markdown(f"- **{tr(it.label, LABELS[it.key])}** · {tr('截止', 'due')} "
                f"{tr(deadlines.fmt_due(it.due), f'{it.due:%a %m-%d %H:%M}')} · :{COLOURS[state]}[{ICONS[state]} {safe}]")
problems = status.overdue + status.late
if problems:
    st.error(tr("逾期" + str(len(status.overdue)) + "项，逾期完成" + str(len(status.late)) + "项：",
                f"{len(status.overdue)} overdue, {len(status.late)} done late: ")
             + tr("、", ", ").join(tr(i.label, LABELS[i.key]) + tr("（" + i.describe(status.now) + "）", "")
                                   for i in problems))
elif any(i.state(status.now) == "partial" for i in status.items):
    st.warning(tr("本周有部分完成的事项，请补齐。", "Some items are only partly done."))
else:
    st.success(tr("本周没有逾期事项。", "Nothing overdue this week."))
st.caption(tr(f"时间按{zone_name_zh(cfg.timezone)}显示。", f"Times in {cfg.timezone}."))
