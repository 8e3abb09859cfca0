"""The audit log as one list: the store's lines and the login store's, merged by time.

Data actions (uploads, releases, notes, accounts) are audited in the DuckDB ``audit_log``
inside their own transaction; logins, logouts and session revocations in the login store
beside it (:mod:`pricewatch.store.authdb`), so that signing in never waits for an ingest.
Readers want one log: :func:`audit_log` returns both with the same columns, newest first.

For people, :func:`readable` turns it into words: the action code in Chinese (or English;
an unknown code as it is), the detail JSON as "标签：值" fields, the time in the bureau's zone
in the one format of every page (:func:`pricewatch.textfmt.clock`); :func:`to_csv` writes
that table for Excel (UTF-8 with BOM).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from . import textfmt
from .accounts import ROLE_NAMES
from .sessions import auth_db
from .store import Store, queries

COLUMNS = ["id", "at_time", "actor", "action", "target", "detail"]

#: action code -> (中文, English)
ACTIONS: dict[str, tuple[str, str]] = {
    "login.ok": ("登录成功", "Signed in"), "login.failed": ("登录失败", "Sign-in failed"),
    "login.locked": ("账号被锁定", "Account locked"), "session.logout": ("退出登录", "Signed out"),
    "session.revoke": ("注销会话", "Session revoked"), "session.revoke_all": ("注销全部会话", "All sessions revoked"),
    "ingest.load": ("上传数据", "Upload loaded"), "ingest.unchanged": ("上传数据（无变化）", "Upload unchanged"),
    "release": ("发布数据", "Data released"),
    "note.create": ("新建解读稿", "Note created"), "note.edit": ("修改解读稿", "Note edited"),
    "note.submit": ("解读稿提交审核", "Note submitted"), "note.approve": ("解读稿审核通过", "Note approved"),
    "note.return": ("解读稿退回修改", "Note returned"), "note.schedule": ("解读稿定时发布", "Note scheduled"),
    "note.publish": ("发布解读稿", "Note published"), "note.withdraw": ("撤回解读稿", "Note withdrawn"),
    "note.override": ("解读稿放行检查", "Note check overridden"), "note.attach": ("解读稿添加附件", "Attachment added"),
    "note.detach": ("解读稿删除附件", "Attachment removed"), "note.corrected": ("解读稿发布更正", "Note corrected"),
    "note.share": ("生成分享图", "Share image made"),
    "users.add": ("新增账号", "Account added"), "users.update": ("修改账号", "Account changed"),
    "users.enable": ("启用账号", "Account enabled"), "users.disable": ("停用账号", "Account disabled"),
    "catalog.add_commodity": ("新增品种", "Commodity added"), "catalog.add_alias": ("新增品种别名", "Alias added"),
    "catalog.add_market": ("新增市场", "Market added"),
    "catalog.add_market_alias": ("新增市场别名", "Market alias added"),
    "catalog.bulk_add": ("批量添加目录", "Catalog bulk add"),
    "catalog.set_market_kind": ("修改市场类型", "Market kind changed"),
    "briefing.generate": ("生成简报", "Briefing made"), "deadline.reminder": ("限时提醒", "Deadline reminder"),
}
#: action prefix -> (中文, English): the page's "what" filter
KINDS: dict[str, tuple[str, str]] = {
    "login": ("登录", "Logins"), "session": ("会话", "Sessions"), "ingest": ("数据上传", "Uploads"),
    "release": ("数据发布", "Releases"), "note": ("解读稿件", "Notes"), "users": ("账号", "Accounts"),
    "catalog": ("目录", "Catalog"), "briefing": ("简报", "Briefings"), "deadline": ("限时提醒", "Reminders"),
}
#: detail key -> (中文, English); unknown keys are shown as they are
FIELDS: dict[str, tuple[str, str]] = {
    "client": ("客户端", "client"), "category": ("类别", "category"), "unit": ("单位", "unit"),
    "alias": ("别名", "alias"), "kind": ("类型", "kind"), "before": ("原值", "before"),
    "sha256": ("文件指纹", "fingerprint"), "rows": ("行数", "rows"), "upload_id": ("上传编号", "upload"),
    "new": ("新增", "new"), "revised": ("修订", "revised"), "superseded": ("被更正", "superseded"),
    "uploads": ("上传编号", "uploads"), "through": ("截至", "through"), "comment": ("说明", "comment"),
    "role": ("角色", "role"), "from": ("原状态", "from"), "to": ("新状态", "to"),
    "version": ("版本", "version"), "id": ("编号", "id"), "public": ("公开版", "public"),
    "format": ("格式", "format"), "data_version": ("数据版本", "data version"),
    "has_unreleased": ("含未发布数据", "unreleased data"), "issue": ("期号", "issue"),
    "message": ("内容", "message"), "due": ("截止时间", "due"), "reason": ("原因", "reason"),
    "name": ("名称", "name"), "count": ("数量", "count"), "file": ("文件", "file"),
}
#: stored values worth a word in Chinese (note states, market kinds, roles)
VALUES_ZH: dict[str, str] = {
    "draft": "草稿", "submitted": "待审核", "returned": "已退回", "approved": "已通过",
    "published": "已发布", "withdrawn": "已撤回", "new": "新建",
    "retail": "零售", "wholesale": "批发", "wrong password": "密码错误", "unknown user": "用户名不存在",
    "local": "本机", **ROLE_NAMES,
}
#: stored Chinese values (a failed login's reason) in English
VALUES_EN: dict[str, str] = {"密码错误": "wrong password", "账号不存在或已停用": "unknown or disabled account"}
#: long values cut to this many characters (a file's sha256 fingerprint)
SHORT = {"sha256": 12}
HEADERS = {"at": ("时间", "Time"), "actor": ("操作人", "Actor"), "action": ("操作", "Action"),
           "target": ("对象", "Target"), "detail": ("详情", "Detail")}


def _i(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def action_label(code: str, lang: str = "zh") -> str:
    """"note.publish" -> "发布解读稿"; an unknown code as it is."""
    return _i(ACTIONS[code], lang) if code in ACTIONS else code


def _value(v: Any, lang: str) -> str:
    if isinstance(v, bool):
        return ("yes" if v else "no") if lang == "en" else ("是" if v else "否")
    if isinstance(v, list | tuple):
        return ("，" if lang != "en" else ", ").join(_value(x, lang) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    text = str(v)
    return VALUES_ZH.get(text, text) if lang != "en" else VALUES_EN.get(text, text)


def detail_text(detail: Any, lang: str = "zh") -> str:
    """The detail JSON as fields: "上传编号：3；新增：40；修订：0" (empty values left out)."""
    if detail is None or (isinstance(detail, str) and not detail.strip()):
        return ""
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            return detail
    if not isinstance(detail, dict):
        return _value(detail, lang)
    sep, colon = ("; ", ": ") if lang == "en" else ("；", "：")
    parts = [f"{_i(FIELDS[k], lang) if k in FIELDS else k}{colon}{_value(v, lang)[:SHORT.get(k)]}"
             for k, v in detail.items() if v not in (None, "", [], {})]
    return sep.join(parts)


#: a target's kind prefix ("note:2026-w48-analysis") -> (中文, English)
TARGETS: dict[str, tuple[str, str]] = {
    "note": ("解读稿", "note"), "release": ("发布批次", "release"), "profile": ("导入方案", "import profile"),
    "deadline": ("限时提醒", "deadline"),
}
#: the deadline items' keys (pricewatch.deadlines) in words
DEADLINE_ITEMS: dict[str, tuple[str, str]] = {
    "data_uploaded": ("数据上传", "data uploaded"), "data_released": ("数据发布", "data released"),
    "note_drafted": ("解读起草", "note drafted"), "note_approved": ("解读审核", "note approved"),
    "note_published": ("解读发布", "note published"),
}


def target_text(target: Any, lang: str = "zh") -> str:
    """"note:2026-w48-analysis" -> "解读稿 2026-w48-analysis"; a plain target (a user, a
    commodity) as it is."""
    if not isinstance(target, str):
        return ""
    kind, sep, rest = target.partition(":")
    if not sep or kind not in TARGETS:
        return target
    if kind == "deadline":
        week, _, item = rest.rpartition(":")
        rest = f"{week} {_i(DEADLINE_ITEMS[item], lang)}" if item in DEADLINE_ITEMS else rest
    return f"{_i(TARGETS[kind], lang)} {rest}"


def _utc_midnight(d: date, tz: str) -> datetime:
    """The UTC instant (naive, as stored) at which day ``d`` begins in the zone ``tz``."""
    return datetime.combine(d, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def audit_log(store: Store, limit: int = 200, action_prefix: str | None = None, *,
              actor: str | None = None, start: date | None = None, end: date | None = None,
              tz: str = textfmt.DEFAULT_TZ) -> pd.DataFrame:
    """The newest ``limit`` lines of both logs: ``action_prefix`` filters what (e.g. "login"),
    ``actor`` who, ``start``..``end`` (days in the bureau's zone ``tz``, both inclusive) when."""
    since = _utc_midnight(start, tz) if start else None
    until = _utc_midnight(end + timedelta(days=1), tz) if end else None
    kw: dict[str, Any] = {"limit": limit, "action_prefix": action_prefix, "actor": actor or None,
                          "since": since, "until": until}
    with store.read() as s:
        main = queries.audit.audit_log(s, **kw)
    logins = auth_db(store).audit_log(**kw)
    frames = [f[COLUMNS] for f in (main, logins) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    both = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
    both["at_time"] = pd.to_datetime(both["at_time"])
    return both.sort_values("at_time", ascending=False, kind="stable").head(limit).reset_index(drop=True)


def readable(log: pd.DataFrame, tz: str = textfmt.DEFAULT_TZ, lang: str = "zh") -> pd.DataFrame:
    """The log as people read it: time in ``tz``, who, the action in words, target, fields."""
    return pd.DataFrame({
        _i(HEADERS["at"], lang): [textfmt.clock(v, tz) for v in log["at_time"]],
        _i(HEADERS["actor"], lang): list(log["actor"]),
        _i(HEADERS["action"], lang): [action_label(a, lang) for a in log["action"]],
        _i(HEADERS["target"], lang): [target_text(t, lang) for t in log["target"]],
        _i(HEADERS["detail"], lang): [detail_text(d, lang) for d in log["detail"]],
    })


def to_csv(table: pd.DataFrame) -> bytes:
    """A table for Excel: CSV in UTF-8 with BOM (so Excel shows the Chinese)."""
    return table.to_csv(index=False).encode("utf-8-sig")
