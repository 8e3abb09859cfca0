"""How long every text a person or a file can put into the system may be.

One table, used by the ingest (a row-level issue ``text_too_long``), the catalog writes and
the notes workflow, each with a Chinese message that names the field, its length and the
limit. A limit is counted in characters (a Chinese character counts one).

Why: a single unbounded name reaches every public page that lists it (a 1,000,000-character
commodity name once made the home page 6 MB per visit).
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import InputError

#: commodity, market, category, spec, unit, price type, alias: short labels on a phone screen
NAME = 40
TITLE = 100
#: review comments, reasons (return, withdraw, override), release comments
COMMENT = 2_000
BODY = 200_000
#: a file name as uploaded
FILE_NAME = 200

LIMITS: dict[str, int] = {
    "商品名称": NAME, "市场名称": NAME, "类别": NAME, "规格": NAME, "计量单位": NAME,
    "价格类型": NAME, "别名": NAME, "市场类型": NAME, "标题": TITLE, "意见": COMMENT,
    "理由": COMMENT, "正文": BODY, "文件名": FILE_NAME,
}


def shorten(value: str, keep: int = 20) -> str:
    """The first ``keep`` characters and an ellipsis (to quote a too-long value)."""
    return value if len(value) <= keep else value[:keep] + "…"


def check(label: str, value: str | None, limit: int | None = None) -> str | None:
    """``value`` unchanged, or InputError when it is longer than the limit of ``label``."""
    if value is None:
        return None
    limit = LIMITS[label] if limit is None else limit
    n = len(value)
    if n > limit:
        raise InputError(f"{label}「{shorten(value)}」太长（{n} 个字符），不能超过 {limit} 个字符",
                         f"请缩短{label}后重试")
    return value


def check_all(label: str, values: Iterable[str], limit: int | None = None) -> None:
    for v in values:
        check(label, v, limit)
