"""``python -m ingest [--db PATH] [--json] [--dry-run] [--strict] [--accept-new-names]
[--market NAME] [--date YYYY-MM-DD] [--unit UNIT] [--price-type retail|wholesale] [--as USER]
[--lang zh|en] FILE...`` (also ``--template OUT.xlsx``).

Exit codes: 0 every file loaded, unchanged or (dry run) valid; 1 any file rejected;
2 usage or configuration errors. Each file is its own transaction. The human output is
one line per file (stdout; stderr for a rejected file) and one line per problem (the first
60; ``--json`` has all); ``--json`` prints one object ``{"files": [...]}`` (see
:meth:`ingest.load.FileResult.to_json`: ``commodities`` and ``markets`` are counts, dates
ISO, ``changes`` lists revised prices old -> new). A dry run writes no data; on a database
that does not exist yet it creates the schema and the catalog seeds it checks names against.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from pricewatch.catalog import parse_unit
from pricewatch.config import load_settings
from pricewatch.errors import ConfigError, PricewatchError

if TYPE_CHECKING:
    from pricewatch.config import Settings

    from .load import FileResult
    from .worker import Begun

MAX_LINES_PER_FILE = 60

STATUS = {"loaded": ("已导入(待发布)", "loaded (pending release)"), "unchanged": ("无变化", "unchanged"),
          "rejected": ("被拒绝", "rejected"), "dry-run": ("校验通过(未写入)", "valid (dry run, nothing written)")}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 参数错误: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m ingest", description="导入价格表: 校验后整份写入, 新数据待发布")
    p.add_argument("files", nargs="*", metavar="FILE", help=".xlsx/.xlsm/.xls/.ods/.csv/.txt 文件")
    p.add_argument("--db", metavar="PATH", help="数据库文件(默认: PRICEWATCH_DB, pricewatch.toml, data/pricewatch.duckdb)")
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    p.add_argument("--dry-run", action="store_true", help="只校验和报告, 不写入")
    p.add_argument("--strict", action="store_true", help="警告也视为错误")
    p.add_argument("--accept-new-names", action="store_true", help="把未知的商品、市场加入目录")
    p.add_argument("--market", metavar="NAME", help="文件未写明市场时使用的市场")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="文件未写明日期(或年份)时使用的日期")
    p.add_argument("--unit", metavar="UNIT", help="文件未写明单位时使用的单位, 如 元/斤")
    p.add_argument("--price-type", choices=("retail", "wholesale"), help="文件未写明时的价格类型")
    p.add_argument("--as", dest="actor", metavar="USER", help="操作人(须有上传权限)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="消息语言")
    p.add_argument("--template", metavar="OUT.xlsx", help="写出县级周报表模板后退出")
    return p


def _lines(r: FileResult, lang: str) -> list[str]:
    zh, en = STATUS[r.status]
    head = f"{r.file}: {en if lang == 'en' else zh}"
    if r.status != "rejected":
        if lang == "en":
            head += (f"; layout {r.layout}; {r.rows_read} rows read, {r.rows_loaded} loaded"
                     f" ({r.rows_revised} revised), {r.commodities} commodities, {r.markets} markets,"
                     f" {r.date_min}..{r.date_max}")
        else:
            head += (f"; 版式 {r.layout}; 读取 {r.rows_read} 行, 导入 {r.rows_loaded} 行(其中更正"
                     f" {r.rows_revised} 行), {r.commodities} 种商品, {r.markets} 个市场, {r.date_min} 至 {r.date_max}")
        if r.upload_id:
            head += f"; upload #{r.upload_id}" if lang == "en" else f"; 上传编号 {r.upload_id}"
    out = [head]
    items = [("错误" if lang != "en" else "error", i) for i in r.errors]
    items += [("警告" if lang != "en" else "warning", i) for i in r.warnings]
    items += [("说明" if lang != "en" else "note", i) for i in r.notes]  # which date a sheet took, and why
    for kind, i in items[:MAX_LINES_PER_FILE]:
        where = i.where(lang)
        out.append(f"  {kind} [{i.code}] {where + ': ' if where else ''}{i.message(lang)}")
    if len(items) > MAX_LINES_PER_FILE:
        more = len(items) - MAX_LINES_PER_FILE
        out.append(f"  ... {more} more (use --json for all)" if lang == "en" else f"  ……另有 {more} 条(用 --json 查看全部)")
    if not r.changes.empty:
        for c in r.changes.head(MAX_LINES_PER_FILE).itertuples(index=False):
            arrow = f"{c.old_price:.2f} -> {c.new_price:.2f}"
            out.append(f"  {'revised' if lang == 'en' else '更正'} {c.commodity} {c.market} {str(c.obs_date)[:10]}: {arrow}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except ConfigError as e:
        print(f"错误: {e}", file=sys.stderr)
        return 2
    except PricewatchError as e:
        print(f"错误: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    cfg = load_settings(args.db)
    day = _day(args)
    if args.unit and parse_unit(args.unit) is None:
        raise ConfigError(f"--unit「{args.unit}」无法识别", "请写作 元/公斤、元/斤、元/个 等")
    begun = None
    if args.files and not args.template:
        # the first file's child starts reading now, while this process imports pandas and
        # DuckDB and opens the store (about a second of the run, on the other core)
        from . import worker
        from .layouts import Context

        ctx = Context(date=day, market=args.market, unit=args.unit, price_type=args.price_type)
        begun = worker.begin(args.files[0], ctx, worker.Limits.of(cfg), cfg.max_upload_mb)
    try:
        return _run_files(args, cfg, day, begun)
    finally:
        if begun is not None:
            begun.close()


def _day(args: argparse.Namespace) -> date | None:
    if not args.date:
        return None
    try:
        return date.fromisoformat(args.date)
    except ValueError:
        raise ConfigError(f"--date「{args.date}」格式不对", "请写作 YYYY-MM-DD, 例如 2024-05-06") from None


def _run_files(args: argparse.Namespace, cfg: Settings, day: date | None, begun: Begun | None) -> int:
    from pricewatch.store import open_store

    from .load import IngestOptions, ingest_file

    store = open_store(cfg.db_path)
    if args.template:
        from .template import write_template

        write_template(args.template, store if cfg.db_path.exists() else None)
        print(f"模板已写入 {args.template}" if args.lang != "en" else f"template written to {args.template}")
        if not args.files:
            return 0
    if not args.files:
        raise ConfigError("没有给出要导入的文件", "例如: python -m ingest 2024-W18.xlsx")
    actor = None
    if args.actor:
        from pricewatch.accounts import require, resolve_actor

        actor = require(resolve_actor(store, args.actor), "upload").name
    results = []
    # each file is its own transaction; readers get one new snapshot when all are done
    with store.batch():
        for n, f in enumerate(args.files):
            opts = IngestOptions(actor=actor, dry_run=args.dry_run, strict=args.strict,
                                 accept_new_names=args.accept_new_names, market=args.market,
                                 date=day, unit=args.unit, price_type=args.price_type, settings=cfg)
            r = ingest_file(store, f, opts, begun=begun if n == 0 else None)
            results.append(r)
            if not args.json:
                stream = sys.stdout if r.ok else sys.stderr
                print("\n".join(_lines(r, args.lang)), file=stream, flush=True)
    if args.json:
        print(json.dumps({"files": [r.to_json(args.lang) for r in results]}, ensure_ascii=False, indent=2,
                         default=str))
    return 0 if all(r.ok for r in results) else 1
