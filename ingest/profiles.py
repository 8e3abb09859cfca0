"""Import profiles: a person says what each column is, once; matching files are read with it.

A :class:`Mapping` says, for one sheet layout, which column holds each field:

* columns: ``commodity``, ``spec``, ``unit``, ``market``, ``date``, ``price``, ``low``,
  ``high``, ``price_type``, ``category``, ``currency``; a column is named by its letter
  (``B``, ``AA``) or by its header text (``品名``) when the sheet has a header row;
* constants for what the sheet does not say: ``market=北京新发地``, ``date=2024-05-06``,
  ``unit=元/斤``, ``price_type=wholesale``, ``currency=KES`` (a value that is neither a
  column letter nor a header text of the sheet is a constant; ``commodity`` and ``price``
  must be columns);
* ``markets=C:F`` (or ``C,D,E``): markets across the columns, each column a market named
  by its header cell (needs ``header``);
* ``header=N``: the row (1 = the first) holding the header texts, 0 or absent for none;
  ``start=N``: the first data row (default: the row after the header, else 1);
  ``skip=3,7-9``: rows that are never data (totals, notes).

The text form is what ``--map`` takes: ``"commodity=B,price=I,date=M,unit=L"``; a
profile stores :meth:`Mapping.to_dict`.

A :func:`fingerprint` says what a layout looks like: the header cells of the header row
(trailing blanks dropped) or, for a sheet without a header, the number of columns and the
kind of each (text / number / date, from the first :data:`SAMPLE_ROWS` data rows); and the
sheet's name, which is compared only when the profile was made from a workbook of several
sheets (a lone sheet is usually named after the week or the file). :func:`matches` is how
a file finds its profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pricewatch.errors import InputError

from .issues import col_letter
from .normalise import clean_text, header_key, is_blank, parse_date, parse_number

#: column fields a mapping may name
COLUMN_FIELDS = ("commodity", "spec", "unit", "market", "date", "price", "low", "high", "price_type",
                 "category", "currency")
#: fields that may be a constant instead of a column
CONSTANT_FIELDS = ("market", "date", "unit", "price_type", "currency", "spec", "category")
#: Chinese names accepted in the text form (and shown on the page)
FIELD_NAMES = {"commodity": "品名", "spec": "规格", "unit": "单位", "market": "市场", "date": "日期",
               "price": "价格", "low": "最低价", "high": "最高价", "price_type": "价格类型",
               "category": "类别", "currency": "币种", "markets": "各列为市场", "header": "表头行",
               "start": "首个数据行", "skip": "跳过的行", "sheet": "工作表"}
_ALIASES = {v: k for k, v in FIELD_NAMES.items()}
SAMPLE_ROWS = 30
_LETTERS = re.compile(r"^[A-Z]{1,3}$")


def letter_index(ref: str) -> int | None:
    """'A' -> 0, 'AA' -> 26; None when ``ref`` is not a column letter."""
    ref = ref.strip()
    if not _LETTERS.match(ref):
        return None
    n = 0
    for ch in ref:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _rows_spec(text: str) -> tuple[int, ...]:
    out: list[int] = []
    for part in re.split(r"[;；、\s]+", text.strip()):
        if not part:
            continue
        a, sep, b = part.partition("-")
        try:
            lo, hi = int(a), int(b) if sep else int(a)
        except ValueError:
            raise InputError(f"跳过的行「{text}」写法不对", "写作行号或范围，如 3;7-9") from None
        if lo < 1 or hi < lo or hi - lo > 100_000:
            raise InputError(f"跳过的行「{part}」不是有效的行号范围", "行号从 1 开始，如 3;7-9")
        out.extend(range(lo, hi + 1))
    return tuple(sorted(set(out)))


@dataclass(frozen=True)
class Mapping:
    #: field -> column reference (a letter or a header text) or a constant (see the module doc)
    fields: dict[str, str] = field(default_factory=dict)
    #: markets across these columns (letters or header texts), named by their header cells
    markets: tuple[str, ...] = ()
    header: int = 0
    start: int | None = None
    skip: tuple[int, ...] = ()
    #: the sheet this mapping is for (None: every sheet of the file)
    sheet: str | None = None

    # -- forms ------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Mapping:
        """The ``--map`` text: ``"commodity=B,price=I,date=M,unit=L,market=北京新发地"``.

        Items are separated by ``,`` ``，`` or ``;``-free commas; ``skip`` takes ``3;7-9``
        and ``markets`` ``C:F`` or ``C|D|E`` (they cannot use commas)."""
        fields: dict[str, str] = {}
        kw: dict[str, Any] = {}
        for item in re.split(r"[,，]", text):
            item = item.strip()
            if not item:
                continue
            key, eq, value = item.partition("=")
            if not eq:
                key, eq, value = item.partition("＝")
            key, value = key.strip(), value.strip()
            key = _ALIASES.get(key, key).lower()
            if not eq or not value:
                raise InputError(f"映射「{item}」缺少「=」或值", "写作 字段=列，如 commodity=B,price=I")
            if key in COLUMN_FIELDS:
                fields[key] = value
            elif key == "markets":
                kw["markets"] = tuple(x.strip() for x in re.split(r"[|｜]", value) if x.strip())
            elif key in ("header", "start"):
                try:
                    kw[key] = int(value)
                except ValueError:
                    raise InputError(f"「{key}={value}」应为行号", "如 header=1") from None
            elif key == "skip":
                kw["skip"] = _rows_spec(value)
            elif key == "sheet":
                kw["sheet"] = value
            else:
                raise InputError(f"映射中的「{key}」不是可识别的字段",
                                 "可用：" + "、".join(f"{k}（{FIELD_NAMES[k]}）" for k in (*COLUMN_FIELDS, "markets",
                                                                                     "header", "start", "skip")))
        m = cls(fields=fields, **kw)
        m.check()
        return m

    def to_text(self) -> str:
        parts = [f"{k}={v}" for k, v in self.fields.items()]
        if self.markets:
            parts.append("markets=" + "|".join(self.markets))
        if self.header:
            parts.append(f"header={self.header}")
        if self.start:
            parts.append(f"start={self.start}")
        if self.skip:
            parts.append("skip=" + ";".join(str(r) for r in self.skip))
        if self.sheet:
            parts.append(f"sheet={self.sheet}")
        return ",".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"fields": dict(self.fields), "markets": list(self.markets), "header": self.header,
                "start": self.start, "skip": list(self.skip), "sheet": self.sheet}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mapping:
        return cls(fields={str(k): str(v) for k, v in (d.get("fields") or {}).items()},
                   markets=tuple(d.get("markets") or ()), header=int(d.get("header") or 0),
                   start=d.get("start"), skip=tuple(int(x) for x in d.get("skip") or ()),
                   sheet=d.get("sheet"))

    def check(self) -> None:
        """Refuse a mapping that cannot give a price: what is missing, and how to say it."""
        if "commodity" not in self.fields:
            raise InputError("映射没有指明品名所在的列", "加上 commodity=列，如 commodity=B")
        if "price" not in self.fields and not self.markets:
            raise InputError("映射没有指明价格所在的列", "加上 price=列，或 markets=C:F 表示各列为市场")
        if self.markets and "price" in self.fields:
            raise InputError("「价格」列与「各列为市场」只能选一种", "各列为市场时，每个市场列就是价格")
        if self.markets and not self.header:
            raise InputError("「各列为市场」需要表头行写明市场名称", "加上 header=行号")
        if self.header < 0 or (self.start is not None and self.start < 1):
            raise InputError("表头行、首个数据行须为正的行号", "行号从 1 开始")
        for k in ("commodity", "price", "low", "high"):
            v = self.fields.get(k)
            if v is not None and letter_index(v) is None and not self.header:
                raise InputError(f"「{FIELD_NAMES[k]}」写的是「{v}」，但没有表头行可以查找这个名称",
                                 "用列字母（如 B），或加上 header=行号")

    # -- against a sheet ----------------------------------------------------------------
    def first_data_row(self) -> int:
        return self.start or (self.header + 1 if self.header else 1)

    def resolve(self, rows: list[list[Any]]) -> tuple[dict[str, int], dict[str, str], list[int]]:
        """(field -> column index, field -> constant, market column indices) for this sheet.

        Raises :class:`InputError` naming the reference that is not in the header row."""
        header = [header_key(c) for c in rows[self.header - 1]] if 0 < self.header <= len(rows) else []

        def col(ref: str) -> int | None:
            j = letter_index(ref)
            if j is not None:
                return j
            key = header_key(ref)
            return header.index(key) if key and key in header else None

        cols: dict[str, int] = {}
        consts: dict[str, str] = {}
        for k, ref in self.fields.items():
            j = col(ref)
            if j is not None:
                cols[k] = j
            elif k in CONSTANT_FIELDS:
                consts[k] = ref
            else:
                raise InputError(f"找不到「{FIELD_NAMES.get(k, k)}」所在的列「{ref}」"
                                 + (f"（表头在第 {self.header} 行）" if self.header else ""),
                                 "用列字母（如 B），或表头中的原文")
        markets: list[int] = []
        for ref in self.markets:
            a, sep, b = ref.partition(":")
            if sep:
                ja, jb = col(a), col(b)
                if ja is None or jb is None or jb < ja:
                    raise InputError(f"市场列范围「{ref}」无效", "写作 C:F（从左到右）")
                markets.extend(range(ja, jb + 1))
            else:
                j = col(ref)
                if j is None:
                    raise InputError(f"找不到市场列「{ref}」", "用列字母（如 C），或表头中的市场名称")
                markets.append(j)
        return cols, consts, markets


# -- fingerprints -------------------------------------------------------------------------
def _kind(values: list[Any]) -> str:
    vals = [v for v in values if not is_blank(v)]
    if not vals:
        return ""
    if all(hasattr(v, "year") for v in vals):
        return "date"
    if all(parse_number(v)[0] is not None for v in vals):
        return "number"
    if all(isinstance(v, str) and parse_date(v, 2000)[0] is not None for v in vals):
        return "date"
    return "text"


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells


def fingerprint(sheet: str, rows: list[list[Any]], mapping: Mapping, sheet_count: int = 1) -> dict[str, Any]:
    """What the layout looks like (see the module docstring)."""
    fp: dict[str, Any] = {"sheet": sheet if sheet_count > 1 else None}
    if mapping.header and mapping.header <= len(rows):
        fp["header"] = _trim([clean_text(c) for c in rows[mapping.header - 1]])
        return fp
    start = mapping.first_data_row() - 1
    skip = set(mapping.skip)
    sample = [r for i, r in enumerate(rows[start:], start=start + 1)
              if i not in skip and any(not is_blank(c) for c in r)][:SAMPLE_ROWS]
    width = max((len(_trim([clean_text(c) for c in r])) for r in sample), default=0)
    fp["width"] = width
    fp["kinds"] = [_kind([r[j] if j < len(r) else None for r in sample]) for j in range(width)]
    return fp


def matches(profile_fp: dict[str, Any], sheet: str, rows: list[list[Any]], mapping: Mapping,
            sheet_count: int) -> bool:
    """True when this sheet looks like the layout the profile was made from."""
    if profile_fp.get("sheet") and clean_text(profile_fp["sheet"]) != clean_text(sheet):
        return False
    if mapping.sheet and sheet_count > 1 and clean_text(mapping.sheet) != clean_text(sheet):
        return False
    fp = fingerprint(sheet, rows, mapping, sheet_count)
    if "header" in profile_fp:
        return bool(profile_fp["header"]) and fp.get("header") == profile_fp["header"]
    if fp.get("width") != profile_fp.get("width") or not profile_fp.get("width"):
        return False
    # a column empty in one sample says nothing about its kind
    return all(a == b or not a or not b for a, b in zip(fp["kinds"], profile_fp["kinds"], strict=True))


def describe(mapping: Mapping) -> str:
    """A one-line Chinese summary: 品名=B、价格=I、市场：北京新发地 ..."""
    parts = []
    for k, v in mapping.fields.items():
        name = FIELD_NAMES.get(k, k)
        parts.append(f"{name}={v}" if letter_index(v) is not None else f"{name}：{v}")
    if mapping.markets:
        parts.append("各列为市场：" + "、".join(mapping.markets))
    if mapping.header:
        parts.append(f"表头第 {mapping.header} 行")
    if mapping.skip:
        parts.append("跳过第 " + "、".join(str(r) for r in mapping.skip[:10]) + (" 等" if len(mapping.skip) > 10 else "")
                     + " 行")
    return "、".join(parts)


def column_labels(width: int) -> list[str]:
    return [col_letter(j) for j in range(width)]


# -- saved profiles -----------------------------------------------------------------------
def profile_fingerprint(mapping: Mapping, peek: list[tuple[str, list[list[Any]]]]) -> dict[str, Any]:
    """The fingerprint of the sheet the mapping was made on, from the file's first rows
    (``FileResult.peek``): the sheet the mapping names, else the first sheet."""
    if not peek:
        raise InputError("文件中没有可以记录版式的工作表", "先选择一个有数据的文件")
    names = [n for n, _ in peek]
    sheet = mapping.sheet if mapping.sheet in names else names[0]
    rows = dict(peek)[sheet]
    return fingerprint(sheet, rows, mapping, len(peek))


def save_profile(store: Any, name: str, mapping: Mapping, peek: list[tuple[str, list[list[Any]]]],
                 actor: str) -> bool:
    """Save (or replace) the profile ``name``; True when new. Audited by the store."""
    from pricewatch.store import profiles as stored

    name = clean_text(name)
    if not name or len(name) > 60:
        raise InputError("导入方案的名称须为 1 到 60 个字", "如「新发地行情导出」")
    mapping.check()
    fp = profile_fingerprint(mapping, peek)
    with store.write() as s:
        return stored.save_profile(s, name, mapping.to_dict(), fp, actor=actor)


def list_profiles(store: Any) -> list[tuple[str, Mapping, str, Any]]:
    """(name, mapping, created_by, updated or created at) for every saved profile."""
    import json

    from pricewatch.store import profiles as stored

    if not store.exists():
        return []
    with store.read() as s:
        df = stored.list_profiles(s)
    return [(n, Mapping.from_dict(json.loads(m)), c, u if u == u and u is not None else a)
            for n, m, c, a, u in zip(df["name"], df["mapping"], df["created_by"], df["created_at"],
                                     df["updated_at"], strict=True)]


def rename_profile(store: Any, old: str, new: str, actor: str) -> None:
    from pricewatch.store import profiles as stored

    new = clean_text(new)
    if not new or len(new) > 60:
        raise InputError("导入方案的名称须为 1 到 60 个字", "如「新发地行情导出」")
    with store.write() as s:
        stored.rename_profile(s, old, new, actor=actor)


def delete_profile(store: Any, name: str, actor: str) -> None:
    from pricewatch.store import profiles as stored

    with store.write() as s:
        stored.delete_profile(s, name, actor=actor)
