"""审核解读 (reviewers): the queue, the diff since the last review, the checks (each
blocks unless overridden with a written reason), approve / return with a comment,
schedule or publish (with the cited pending data), withdraw, and published notes whose
data have since been revised (待更正)."""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta

import streamlit as st

from dashboard.auth import attachment_url
from dashboard.i18n import choose, tr
from dashboard.messages import show_error
from dashboard.state import get_store, require_user, settings, shown_time
from pricewatch.errors import PricewatchError
from pricewatch.notes import share
from pricewatch.notes.checks import pending_cited, render_body
from pricewatch.notes.model import CHECK_NAMES
from pricewatch.notes.render import escape_markdown, markdown_to_html
from pricewatch.notes.workflow import Notebook

ss = st.session_state
st.title(tr("审核解读", "Review notes"))
user = require_user("read_notes", "只有审核人员和领导可以打开审核页面。", "Only reviewers and leaders open the review page.")
# leaders read every note here (read only); reviewers and admins act on them
can_review = user.can("review_note")
if not can_review:
    st.caption(tr("只读：可查看全部解读稿件，审核与发布由审核人员进行。",
                  "Read only: reviewers approve and publish."))

store, cfg = get_store(), settings()
book = Notebook(store, cfg)  # reading never publishes: the scheduler does, on time
if "_flash" in ss:
    st.success(ss.pop("_flash"))


def _act(done: str, action: Callable[..., object], *args: object, **kwargs: object) -> None:
    """Run one workflow action: its refusal shown as an error, its success as a flash message."""
    try:
        action(*args, **kwargs)
    except PricewatchError as e:
        show_error(e)
    else:
        ss["_flash"] = done
        st.rerun()


queue = [n for n in book.list(user) if n.status in ("submitted", "approved")]
if not can_review:
    queue = [n for n in book.list(user) if n.status != "published"]
published = book.list(user, status="published")
stale = {n.id: book.stale(n) for n in published}
flagged = [n for n in published if stale[n.id]]
if flagged:
    st.error(tr("以下已发布解读引用的数据已修订，待更正：", "Data revised after publication (needs correction): ")
             + "、".join(f"{n.title}({n.id})" for n in flagged))

choices = [n.id for n in queue] + [n.id for n in published]
labels = {n.id: f"[{n.status_name}{' ⚠待更正' if stale.get(n.id) else ''}] {n.title} · {n.author} · {n.id}"
          for n in queue + published}
if not choices:
    st.info(tr("没有待审核的解读。", "Nothing to review."))
    st.stop()
# the open note is in the URL (?note=<id>): the address bar shares it, a link reopens it
if "review_pick" not in ss and st.query_params.get("note") in choices:
    ss["review_pick"] = st.query_params["note"]
pick = st.selectbox(tr("待审核与已发布", "Queue and published"), choices, format_func=labels.get,
                    key="review_pick", placeholder=choose())
if st.query_params.get("note") != pick:
    st.query_params["note"] = pick
note = book.repo.get(pick)
own = note.author == user.name
st.caption(f"{note.kind} · {note.period or '—'} · {tr('作者：', 'Author: ')}{note.author} · "
           f"{tr('状态：', 'Status: ')}{note.status_name} · {tr('第', 'v')}{note.version}{tr('版', '')}")
if note.publish_at and note.status == "approved":
    st.info(tr(f"定时发布：{shown_time(note.publish_at)}", f"Scheduled: {shown_time(note.publish_at)}"))
if own:
    st.warning(tr("这是你撰写的解读，不能由你审核或发布。", "You wrote this note: another reviewer must review it."))
for c in note.review_comments:
    st.info(f"{shown_time(c.get('at'))} {c.get('by', '')}: {c.get('comment', '')}")

tab_text, tab_diff, tab_checks = st.tabs([tr("正文", "Text"), tr("修改对比", "Changes"), tr("检查", "Checks")])
with tab_text:
    st.subheader(escape_markdown(note.title))
    st.html(markdown_to_html(render_body(store, note, public=False)))
    # staff download attachments before publication too: they are part of the 保密审查.
    # The link goes to the server's own route, which serves an unpublished note's files
    # only to a staff session (a Streamlit media URL would work for anyone who has it).
    for a in note.attachments:
        st.link_button(f"📎 {a['name']}", attachment_url(note.id, a["name"]))
    if note.status == "published":
        # WeChat and sharing: made from the published text and released data (kept with
        # the note by the scheduler; drawn here only when not kept yet)
        st.markdown(f"#### {tr('微信与分享', 'WeChat and sharing')}")
        c1, c2 = st.columns(2)
        with c1:
            st.download_button(tr("分享卡片（PNG）", "Share card (PNG)"), icon=":material/image:",
                               data=lambda: share.share_file(store, cfg, note, share.CARD_NAME),
                               file_name=f"{note.id}-{share.CARD_NAME}", mime="image/png",
                               key="share_card", width="stretch")
        with c2:
            st.download_button(tr("公众号文章（HTML）", "WeChat article (HTML)"), icon=":material/article:",
                               data=lambda: share.share_file(store, cfg, note, share.ARTICLE_NAME),
                               file_name=f"{note.id}-{share.ARTICLE_NAME}", mime="text/html",
                               key="share_article", width="stretch")
        st.caption(tr("文章的样式都写在元素上，复制粘贴到公众号编辑器后标题和表格保持不变。",
                      "Styles are inline: pasted into the WeChat editor, headings and tables stay."))
with tab_diff:
    diff = book.diff_since_review(note)
    if diff:
        st.code(diff, language="diff")
    else:
        st.caption(tr("首次提交，没有可对比的早先版本。", "First submission: nothing to compare."))

if not can_review:
    st.stop()
if note.status == "published":
    if stale.get(note.id):
        st.error(tr("数据已修订，以下数字与现行公开数据不符（待更正）：", "Figures that no longer agree:"))
        for f in stale[note.id]:
            st.text(f"{f.get('context', '')}  → {f.get('expected') or f.get('message', '')}")
    reason = st.text_input(tr("撤回原因", "Reason to withdraw"), key="withdraw_reason")
    if st.button(tr("撤回", "Withdraw"), key="withdraw", disabled=own):
        _act(tr("已撤回", "Withdrawn"), book.withdraw, user, note.id, reason)
    st.stop()

release_together = st.checkbox(
    tr("引用的待发布数据随解读一并发布", "Release the cited pending data with the note"),
    value=bool(note.release_uploads), key="release_together")
pending = pending_cited(store, note)
if pending:
    st.caption(tr(f"引用的待发布上传：{'、'.join(f'#{i}' for i in pending)}",
                  f"Cited pending uploads: {', '.join(f'#{i}' for i in pending)}"))
checked = replace(note, release_uploads=pending) if release_together else note
results = book.checks(checked, with_release=release_together)
with tab_checks:
    for r in results:
        # plain symbols: an office PC's browser may have no emoji font
        state = ":green[✔ " + tr("通过", "passed") + "]" if r.ok else (
            ":orange[● " + tr("已放行", "overridden") + "]" if r.override
            else ":red[**✘ " + tr("未通过", "failed") + "**]")
        st.markdown(f"**{r.title}** — {state}：{r.summary}")
        for f in r.findings:
            st.text(f"  {f.get('message') or f.get('kind_name', '')}  {f.get('context', '')}"
                    + (f"  → {tr('应为', 'should be')} {f['expected']}" if f.get("expected") else ""))
        if r.override:
            st.caption(tr(f"放行理由（{r.override['by']}）：{r.override['reason']}",
                          f"Override by {r.override['by']}: {r.override['reason']}"))
        elif not r.ok:
            why = st.text_input(tr(f"放行「{r.title}」的理由", f"Reason to override {r.name}"),
                                key=f"why_{r.name}")
            if st.button(tr("写明理由并放行", "Override"), key=f"override_{r.name}", disabled=own):
                _act(tr(f"已放行 {CHECK_NAMES[r.name]}", f"Overrode {r.name}"),
                     book.override, user, note.id, r.name, why)
blocking = [r for r in results if r.blocking]
if blocking:
    st.error(tr("检查未通过：", "Checks failing: ") + "、".join(r.title for r in blocking)
             + tr("（见「检查」；退回编辑，或写明理由放行）", " (see Checks)"))

comment = st.text_area(tr("审核意见", "Comment"), key="review_comment", height=80)
scheduled = st.checkbox(tr("定时发布", "Schedule publication"), value=note.publish_at is not None,
                        key="sched_on")
when = None
if scheduled:
    tomorrow = (book.now() + timedelta(days=1)).date()
    d = st.date_input(tr("发布日期", "Date"), value=(note.publish_at or book.now()).date()
                      if note.publish_at else tomorrow, key="sched_date")
    t = st.time_input(tr("发布时间", "Time"), value=note.publish_at.time() if note.publish_at
                      else time(9, 0), key="sched_time")
    when = datetime.combine(d, t, tzinfo=book.tz)

c1, c2, c3 = st.columns(3)
if note.status == "submitted":
    if c1.button(tr("审核通过", "Approve"), type="primary", key="approve", disabled=own):
        _act(tr("已审核通过", "Approved"), book.approve, user, note.id, comment or None,
             publish_at=when, release_data=release_together)
else:  # approved
    if c1.button(tr("立即发布", "Publish now"), type="primary", key="publish", disabled=own):
        _act(tr("已发布", "Published"), book.publish, user, note.id,
             release_data=release_together, comment=comment or None)
    if c3.button(tr("保存发布时间", "Save schedule"), key="schedule", disabled=own):
        _act(tr("已保存发布时间", "Schedule saved"), book.schedule, user, note.id, when, release_data=release_together)
if c2.button(tr("退回修改", "Return"), key="return", disabled=own):
    _act(tr("已退回编辑", "Returned to the editor"), book.return_, user, note.id, comment)
