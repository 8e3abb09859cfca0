"""Every page of the app, and who may see it.

Public paths are fixed (shared links depend on them): ``/`` home, ``/trend``, ``/markets``,
``/indices``, ``/notes``, ``/download``. Staff pages need a login; ``roles`` lists who sees
them (admin sees everything).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    file: str  # in dashboard/app_pages/
    url_path: str  # "" for the home page
    zh: str
    en: str
    icon: str
    roles: frozenset[str] | None = None  # None: public


STAFF = frozenset({"editor", "reviewer", "leader", "admin"})

PUBLIC_PAGES: list[PageSpec] = [
    PageSpec("home.py", "", "本周价格", "This week", ":material/storefront:"),
    PageSpec("trend.py", "trend", "商品走势", "Price trends", ":material/show_chart:"),
    PageSpec("markets.py", "markets", "市场对比", "Markets", ":material/compare_arrows:"),
    PageSpec("indices.py", "indices", "分类指数", "Category indices", ":material/stacked_line_chart:"),
    PageSpec("notes.py", "notes", "价格解读", "Notes", ":material/article:"),
    PageSpec("download.py", "download", "数据下载", "Download data", ":material/download:"),
]

STAFF_PAGES: list[PageSpec] = [
    PageSpec("upload.py", "upload", "上传价格表", "Upload prices", ":material/upload_file:", frozenset({"editor"})),
    PageSpec("notes_edit.py", "write", "撰写解读", "Write notes", ":material/edit_note:", frozenset({"editor"})),
    PageSpec("review.py", "review", "审核解读", "Review notes", ":material/fact_check:", frozenset({"reviewer", "leader"})),
    PageSpec("release.py", "release", "数据发布", "Release data", ":material/publish:", frozenset({"reviewer"})),
    PageSpec("deadlines.py", "deadlines", "限时发布", "Deadlines", ":material/schedule:", frozenset({"editor", "reviewer", "leader"})),
    PageSpec("briefing.py", "briefing", "领导简报", "Briefing", ":material/summarize:", frozenset({"leader", "reviewer", "editor"})),
    PageSpec("audit.py", "audit", "审计日志", "Audit log", ":material/history:",
             frozenset({"reviewer", "admin"})),
]
