"""The report is data: one :class:`Issue` per problem, with a reason code.

An issue knows where it is (sheet, row, column as Excel shows them: row 1 is the first row,
column "A" the first column) and renders its message in Chinese or English from a fixed
table of templates, so the same report can be shown on the page, printed by the CLI and
stored with the upload. ``row`` is None for a problem of the whole file or sheet.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"
#: not a problem: what the reader decided and why (which date a sheet took), shown with the report
INFO = "info"

#: code -> (Chinese template, English template); fields come from Issue.params
MESSAGES: dict[str, tuple[str, str]] = {
    # the file itself
    "file_too_large": ("文件 {size_mb:.1f} MB，超过上限 {limit_mb:g} MB；请拆分文件或压缩图片后重试",
                       "file is {size_mb:.1f} MB, over the {limit_mb:g} MB limit; split the file"),
    "file_empty": ("文件是空的；请选择填好数据的表格文件", "the file is empty; choose a filled-in spreadsheet"),
    "file_type": ("{detail}；请上传 .xlsx/.xls/.ods/.csv 表格", "{detail_en}; upload an .xlsx/.xls/.ods/.csv spreadsheet"),
    "zip_bomb": ("压缩包异常：{detail}；文件可能已损坏或被篡改，请用 Excel 另存为新文件后重试",
                 "suspicious archive: {detail_en}; re-save the file in Excel and retry"),
    "parse_failed": ("无法读取文件：{detail}；请用 Excel/WPS 打开后另存为 .xlsx 再上传",
                     "cannot read the file: {detail}; open it in Excel/WPS and save as .xlsx"),
    "parse_memory": ("读取文件时超出内存上限 {limit_mb} MB；文件过大或已损坏，请拆分后重试",
                     "reading the file exceeded the {limit_mb} MB memory limit; split the file"),
    "too_many_rows": ("文件有 {rows} 行，超过每个文件 {limit} 行的上限；请按月份或市场拆分成几个文件后分别上传"
                      "（上限由 pricewatch.toml 的 [ingest] max_rows 设定）",
                      "the file has {rows} rows, over the limit of {limit} per file; split it by month or market"
                      " ([ingest] max_rows in pricewatch.toml)"),
    "too_many_cells": ("文件有 {cells} 个单元格，超过每个文件 {limit} 个的上限；请删去多余的列或拆分文件后分别上传"
                       "（上限由 pricewatch.toml 的 [ingest] max_cells 设定）",
                       "the file has {cells} cells, over the limit of {limit} per file; remove unused columns or"
                       " split it ([ingest] max_cells in pricewatch.toml)"),
    "encoding": ("文本文件编码无法识别（不是 UTF-8 或 GBK）；请用 Excel 另存为 \"CSV UTF-8\"",
                 "unknown text encoding (not UTF-8 or GBK); save as \"CSV UTF-8\""),
    "text_too_long": ("{field}「{value}」太长（{length} 个字符），不能超过 {limit} 个字符；共 {count} 行，请缩短后重试",
                      "{field_en} \"{value}\" is too long ({length} characters, at most {limit}); {count} rows; shorten it"),
    "no_data": ("文件中没有找到价格数据行；请检查是否选错了文件，或使用模板填报",
                "no price rows found; check the file or use the template"),
    "no_layout": ("工作表无法识别为价格表（找不到「品名」和「价格」列）；请按模板填写表头",
                  "the sheet is not a recognised price table (no commodity/price header); use the template"),
    "sheet_skipped": ("该工作表不是价格表，已跳过；如有价格请按模板填写", "not a price table; the sheet was skipped"),
    "no_header": ("文件没有表头，已按列的位置理解为：{columns}；请核对",
                  "the file has no header row; columns were read by position as: {columns}; please check"),
    # dates
    "date_missing": ("没有日期；请在表中填写日期列或标题中写明第几周，或指定日期（命令行 --date，上传页「文件中没有写明的信息」）",
                     "no date; add a date column or a week in the title, or pass --date"),
    "date_unreadable": ("日期「{value}」无法识别；请写作 2024-05-06 或 2024年5月6日",
                        "date \"{value}\" is not readable; write it as 2024-05-06"),
    "date_no_year": ("日期「{value}」没有年份；请指定一个该年的日期（命令行 --date {example}，上传页「文件中没有写明的信息」）",
                     "date \"{value}\" has no year; pass --date to give the year"),
    "date_future": ("日期 {value} 晚于今天；请检查日期是否写错", "date {value} is in the future; check it"),
    "date_taken": ("观测日期取 {value}：{source}写明「{text}」，{rule}",
                   "observation date {value}: the {source_en} says \"{text}\" ({rule_en})"),
    "date_from_footer": ("表中只有填报日期 {value}，已用作观测日期；如不对请在标题写明第几周",
                         "only a filing date {value} was found and used as the observation date"),
    # names and markets
    "commodity_missing": ("有价格但没有品名；请补上品名", "a price without a commodity name; add the name"),
    "market_missing": ("文件没有写明市场；请加「市场」列，或指定市场（命令行 --market，上传页「文件中没有写明的信息」）",
                       "no market given; add a market column or pass --market"),
    "unknown_commodity": ("未知商品「{name}」{suggestion}；共 {count} 行未导入，确认为新商品请勾选确认（命令行加 --accept-new-names）",
                          "unknown commodity \"{name}\"{suggestion_en}; {count} rows not loaded; confirm it as new (--accept-new-names)"),
    "unknown_market": ("未知市场「{name}」{suggestion}；共 {count} 行未导入，确认为新市场请勾选确认（命令行加 --accept-new-names）",
                       "unknown market \"{name}\"{suggestion_en}; {count} rows not loaded; confirm it as new (--accept-new-names)"),
    "new_commodity": ("新商品「{name}」将加入目录（单位 {unit}，类别 {category}）",
                      "new commodity \"{name}\" will be added (unit {unit}, category {category})"),
    "new_market": ("新市场「{name}」将加入目录", "new market \"{name}\" will be added"),
    # prices and units
    "not_a_number": ("「{value}」不是数字；价格只填数字，如 12.5", "\"{value}\" is not a number; write a number like 12.5"),
    "price_missing": ("有品名但没有价格，该行未导入；如未采到价格可删除该行",
                      "a commodity without a price; the row was skipped"),
    "price_not_positive": ("价格 {value} 不大于 0；请填写实际价格，未采价请留空",
                           "price {value} is not above 0; leave it blank when not observed"),
    "price_absurd": ("价格 {value} 超出合理范围（上限 {limit:g}）；请检查是否多写了位数",
                     "price {value} is beyond {limit:g}; check for extra digits"),
    "no_quote": ("最低价、平均价、最高价均为 0，视为当日无报价，共 {count} 行未导入",
                 "low, average and high are all 0 (no quote): {count} rows skipped"),
    "low_gt_high": ("最低价 {low} 高于最高价 {high}；已按平均价 {price} 导入，请核对",
                    "low {low} is above high {high}; the average {price} was loaded, please check"),
    "avg_from_range": ("平均价为空或为 0，已按（最低价 {low} + 最高价 {high}）/ 2 = {price} 导入，请核对",
                       "average missing or 0; loaded the midpoint ({low} + {high}) / 2 = {price}"),
    "unit_missing": ("没有计量单位；请加「计量单位」列，或指定单位（命令行 --unit，上传页「文件中没有写明的信息」）",
                     "no unit; add a unit column or pass --unit"),
    "unit_unknown": ("计量单位「{value}」无法识别；请写作 元/公斤、元/斤、元/个 等", "unit \"{value}\" is not recognised"),
    "unit_mismatch": ("「{name}」的单位「{unit}」不能换算为目录单位 {canonical}，该行未导入；计件单位不会被换算成重量",
                      "unit \"{unit}\" of \"{name}\" cannot convert to {canonical}; the row was skipped"),
    "mixed_units": ("「{name}」在本文件中有多种单位（{units}），按 {canonical} 导入，{count} 行其他单位未导入",
                    "\"{name}\" has several units ({units}); loaded as {canonical}, {count} rows skipped"),
    "duplicate": ("与第 {other} 行重复（同一商品、市场、日期），价格相同，只导入一次",
                  "duplicate of row {other} with the same price; loaded once"),
    "duplicate_conflict": ("与第 {other} 行是同一商品、市场、日期但价格不同（{old} / {new}），采用后出现的第 {row} 行",
                           "same commodity, market and date as row {other} with another price ({old} / {new}); the later row was used"),
    "currency": ("价格币种为 {value}，按原值导入（不做汇率换算）", "prices are in {value}; loaded as given, no exchange rate applied"),
    "price_jump": ("「{name}」在 {market} 的价格 {new} 比上期 {old}（{prev_date}）变动 {pct:+.0f}%，请核对",
                   "\"{name}\" at {market}: {new} vs {old} on {prev_date} ({pct:+.0f}%); please check"),
    "market_not_reported": ("市场「{name}」上期（{prev_date}）有报价，本文件没有；请确认是否漏报",
                            "market \"{name}\" reported on {prev_date} but not in this file"),
    "more_issues": ("另有 {count} 条同类问题未逐条列出（第一条：{example}）；请先改正上面列出的同类问题",
                    "{count} more issues of this kind are not listed (the first: {example_en}); fix the ones above first"),
    # a person's mapping, partial loads and confirmations
    "map_invalid": ("导入方案与这张表对不上：{detail}；{hint}",
                    "the mapping does not fit this sheet: {detail}; {hint}"),
    "price_jump_large": ("「{name}」在 {market} 的价格 {new} 是上期 {old}（{prev_date}）的 {ratio:.1f} 倍，"
                         "超出允许范围（{factor:g} 倍）；如确实如此，请逐行确认并写明原因，否则请改正",
                         "\"{name}\" at {market}: {new} is {ratio:.1f}x the previous {old} ({prev_date}), beyond"
                         " the {factor:g}x bound; confirm this row with a reason, or fix it"),
    "unit_changed": ("「{name}」在 {market} 的计量单位由上期的「{old_unit}」（{prev_date}）变为「{unit}」；"
                     "请核对是否填错，如确实改变，请逐行确认并写明原因",
                     "\"{name}\" at {market}: the unit changed from \"{old_unit}\" ({prev_date}) to \"{unit}\";"
                     " check it, or confirm this row with a reason"),
    "row_confirmed": ("已确认：{message}（确认人 {by}，原因：{reason}）",
                      "confirmed: {message} (by {by}, reason: {reason})"),
    "row_skipped": ("已按选择跳过，未导入：{message}（决定人 {by}，原因：{reason}）",
                    "skipped by choice, not loaded: {message} (by {by}, reason: {reason})"),
    "internal": ("程序内部错误（{detail}），文件未导入；请把文件和这条信息发给管理员",
                 "internal error ({detail}); nothing was loaded; send the file and this message to the administrator"),
    "load_failed": ("写入数据库失败：{detail}", "writing to the database failed: {detail}"),
}


@dataclass
class Issue:
    code: str
    severity: str = ERROR
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        zh, en = MESSAGES.get(self.code, ("{code}", "{code}"))
        params = {"code": self.code, "suggestion": "", "suggestion_en": "", "detail": "",
                  "detail_en": "", **self.params}
        params.setdefault("detail_en", params["detail"])
        try:
            return (en if lang == "en" else zh).format(**params)
        except (KeyError, ValueError, IndexError):
            return f"{self.code}: {self.params}"

    def where(self, lang: str = "zh") -> str:
        parts = []
        if self.sheet:
            parts.append(f"[{self.sheet}]")
        if self.row is not None:
            parts.append(f"第{self.row}行" if lang != "en" else f"row {self.row}")
        if self.column:
            parts.append(f"{self.column}列" if lang != "en" else f"col {self.column}")
        return " ".join(parts)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "code": self.code,
                "message": self.message(lang)}

    def to_record(self) -> dict[str, Any]:
        d = asdict(self)
        return d


def col_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s
