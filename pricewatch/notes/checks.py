"""The checks a note passes before approval and again at publication.

* ``figures`` (invariant 4): every attributable price / percentage agrees with the
  report for the note's period (staff data: the check runs before the data are public;
  the ``data_released`` check then makes sure the same data go public with the note).
  Placeholders are rendered first; one without data is a finding.
* ``confidentiality`` (保密审查): sensitive terms and personal data (see :mod:`.scan`).
* ``data_released``: no upload whose data lie in the note's period, the period before it
  (环比) or the same period a year earlier (同比) may still be pending, unless it is listed
  to be released together with the note.

Each check blocks unless a reviewer has overridden it with a written reason
(``Note.overrides``). A note without a period has nothing to check in ``data_released``;
its figures cannot be checked, so any attributable figure in it is a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..catalog import normalise_name
from ..config import Settings
from ..errors import InputError
from ..indicators import Report, report
from ..periods import parse_period, previous, same_period_last_year
from ..store import Session, Store, queries
from .figures import FigureReport, check_figures, render_placeholders
from .model import CHECK_NAMES, Note
from .scan import scan_note


@dataclass
class CheckResult:
    name: str  # figures | confidentiality | data_released
    ok: bool
    summary: str
    findings: list[dict[str, Any]] = field(default_factory=list)
    override: dict[str, Any] | None = None
    checked: int = 0

    @property
    def title(self) -> str:
        return CHECK_NAMES[self.name]

    @property
    def blocking(self) -> bool:
        return not self.ok and self.override is None

    def finding_lines(self) -> list[str]:
        """Each finding in one line a refusal can show: what was found, and where."""
        return [finding_line(self.name, f) for f in self.findings]

    def to_json(self) -> dict[str, Any]:
        return {"check": self.name, "title": self.title, "ok": self.ok, "blocking": self.blocking,
                "summary": self.summary, "checked": self.checked, "findings": self.findings,
                "override": self.override}


def finding_line(check: str, f: dict[str, Any]) -> str:
    """One finding in plain words.

    保密审查: 敏感词「内部资料」（正文）：“本文件为内部资料，不得外传。”
    数据核对: “猪肉(五花)均价31.41元/公斤。”写的是31.41元/公斤，数据为29.13元/公斤
    """
    if check == "confidentiality":
        return f"{f.get('kind_name', '')}「{f.get('text', '')}」（{f.get('where', '正文')}）：“{f.get('sentence') or f.get('context', '')}”"
    if check == "figures" and f.get("found"):
        where = f"“{f.get('sentence') or f.get('context', '')}”"
        if f.get("expected"):
            return f"{where}写的是{f['found']}，数据为{f['expected']}"
        return f"{where}写的是{f['found']}，{f.get('message') or '数据中没有可核对的值'}"
    return str(f.get("message") or f.get("context") or "")


class ChecksFailed(InputError):
    """A transition refused because checks fail: the message names every finding.

    ``message`` says which checks failed; ``details`` holds one line per finding (the
    term and its sentence; the sentence, the written figure and the data's figure).
    """

    def __init__(self, blocking: list[CheckResult], hint: str) -> None:
        super().__init__("检查未通过：" + "；".join(f"{c.title}{c.summary}" for c in blocking), hint)
        self.details = [f"{c.title}：{line}" for c in blocking for line in c.finding_lines()]
        self.results = blocking


class ReportCache:
    """Reports per period for one store version (a note cites one or a few periods)."""

    def __init__(self, store: Store, public: bool) -> None:
        self.store, self.public = store, public
        self._reports: dict[str, Report | None] = {}

    def __call__(self, period: str) -> Report | None:
        if period not in self._reports:
            self._reports[period] = report(self.store, period=period, public=self.public)
        return self._reports[period]


def commodity_names(store: Store) -> dict[str, str]:
    """Normalised name or alias -> catalog name (what the figure check recognises)."""
    with store.read() as s:
        com = queries.catalog.commodities(s)
        ali = queries.catalog.commodity_aliases(s)
    names = {normalise_name(n): n for n in com["name"]}
    for a, c in zip(ali["alias"], ali["commodity"], strict=True):
        names.setdefault(normalise_name(a), c)
    return names


def figure_check(store: Store, note: Note, *, public: bool = False) -> tuple[FigureReport, list[str]]:
    names = commodity_names(store)
    reports = ReportCache(store, public)
    text, problems = render_placeholders(note.body, note.period, reports, names)
    rep = reports(note.period) if note.period else None
    return check_figures(note.title + "\n" + text, rep, names), problems


def _figures_result(store: Store, note: Note) -> CheckResult:
    fr, problems = figure_check(store, note, public=False)
    findings = [{"message": p} for p in problems]
    findings += [f.to_json() for f in fr.mismatches]
    ok = not findings
    n = len(fr.figures)
    if ok:
        summary = f"核对了{n}个数字，全部与数据一致" if n else "正文中没有可核对的价格或涨跌幅"
    else:
        summary = f"{len(findings)}处与数据不符（共核对{n}个）"
    if fr.unchecked:
        summary += f"；另有{fr.unchecked}个数字无法对应到商品，未核对"
    return CheckResult("figures", ok, summary, findings, note.override_for("figures"), n)


def _scan_result(settings: Settings, note: Note) -> CheckResult:
    hits = scan_note(note.title, note.body, settings.sensitive_terms)
    ok = not hits
    summary = "未发现敏感词或个人信息" if ok else f"发现{len(hits)}处：" + "、".join(
        sorted({h.kind_name for h in hits}))
    return CheckResult("confidentiality", ok, summary, [h.to_json() for h in hits],
                       note.override_for("confidentiality"))


def cited_spans(note: Note) -> list[tuple[Any, Any]]:
    if not note.period:
        return []
    p = parse_period(note.period)
    spans = [p, previous(p)]
    y = same_period_last_year(p)
    if y:
        spans.append(y)
    return [(x.start, x.end) for x in spans]


def cited_uploads(store: Store, note: Note) -> list[dict[str, Any]]:
    """Uploads holding data of the periods the note cites (released or not)."""
    out: dict[int, dict[str, Any]] = {}
    with store.read() as s:
        for start, end in cited_spans(note):
            for r in queries.uploads.uploads_between(s, start, end).to_dict("records"):
                out[int(r["id"])] = r
    return [out[k] for k in sorted(out)]


def _pending(u: dict[str, Any]) -> bool:
    v = u.get("released_at")
    return v is None or bool(pd.isna(v))


def pending_cited(store: Store, note: Note) -> list[int]:
    return [int(u["id"]) for u in cited_uploads(store, note) if _pending(u)]


def _released_result(store: Store, note: Note, with_release: bool) -> CheckResult:
    together = set(note.release_uploads) if with_release else set()
    pending = [u for u in cited_uploads(store, note) if _pending(u)]
    blocking = [u for u in pending if int(u["id"]) not in together]
    findings = [{"upload_id": int(u["id"]), "file_name": u["file_name"],
                 "dates": f"{str(u['date_min'])[:10]} — {str(u['date_max'])[:10]}",
                 "message": f"上传#{u['id']}（{u['file_name']}）尚未发布"} for u in blocking]
    if not note.period:
        summary = "未指定期间，不引用数据"
    elif blocking:
        summary = f"引用的数据中有{len(blocking)}个上传尚未发布（可选择随解读一并发布）"
    elif pending:
        summary = f"{len(pending)}个待发布上传将随解读一并发布"
    else:
        summary = "引用的数据均已发布"
    return CheckResult("data_released", not blocking, summary, findings,
                       note.override_for("data_released"), len(pending))


def run_checks(store: Store, settings: Settings, note: Note, *,
               with_release: bool = False) -> list[CheckResult]:
    return [_figures_result(store, note), _scan_result(settings, note),
            _released_result(store, note, with_release)]


def freeze(store: Store, settings: Settings, note: Note) -> str:
    """The body with every placeholder replaced by its value (done at publication)."""
    names = commodity_names(store)
    text, _ = render_placeholders(note.body, note.period, ReportCache(store, False), names)
    return text


def render_body(store: Store, note: Note, *, public: bool) -> str:
    """The body as a reader sees it (placeholders rendered from that reader's data)."""
    names = commodity_names(store)
    text, _ = render_placeholders(note.body, note.period, ReportCache(store, public), names)
    return text


def data_fingerprint(store: Store, note: Note) -> str | None:
    """Fingerprint of the public data a note cites (None without a period)."""
    if not cited_spans(note):
        return None
    with store.read() as s:
        return session_fingerprint(s, note)


def session_fingerprint(s: Session, note: Note) -> str | None:
    """:func:`data_fingerprint` in an open session (inside a write: the data as it will commit)."""
    spans = cited_spans(note)
    return queries.observations.public_fingerprint(s, spans) if spans else None


_STALE_CACHE: dict[tuple[str, str, int, str], list[dict[str, Any]]] = {}


def needs_correction(store: Store, settings: Settings, note: Note) -> list[dict[str, Any]]:
    """Figures of a published note that no longer agree with the public data (待更正).

    Cheap in the common case: when the fingerprint of the public data in the cited periods
    (:func:`data_fingerprint`) is the one recorded at publication, nothing can have changed.
    Otherwise the figure check runs against the public report; the answer is cached per
    (note version, fingerprint).
    """
    if note.status != "published" or not note.period:
        return []
    # the data cannot have changed while the store's version stays the same
    vkey = (str(store.path), store.version(), str(settings.interpretations_dir), note.id, note.version)
    if vkey in _BY_VERSION:
        return _BY_VERSION[vkey]
    if len(_BY_VERSION) > 4096:
        _BY_VERSION.clear()
    _BY_VERSION[vkey] = _needs_correction(store, settings, note)
    return _BY_VERSION[vkey]


_BY_VERSION: dict[tuple[str, int, str, str, int], list[dict[str, Any]]] = {}


def _needs_correction(store: Store, settings: Settings, note: Note) -> list[dict[str, Any]]:
    fp = data_fingerprint(store, note) or ""
    if note.data_fingerprint is not None and fp == note.data_fingerprint:
        return []
    key = (str(settings.interpretations_dir), note.id, note.version, fp)
    if key not in _STALE_CACHE:
        if len(_STALE_CACHE) > 2048:
            _STALE_CACHE.clear()
        fr, problems = figure_check(store, note, public=True)
        _STALE_CACHE[key] = [{"message": p} for p in problems] + [f.to_json() for f in fr.mismatches]
    return _STALE_CACHE[key]
