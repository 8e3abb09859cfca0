"""``python -m ingest [--db PATH] [--json] [--dry-run] [--strict] [--accept-new-names]
[--market NAME] [--date YYYY-MM-DD] [--unit UNIT] [--price-type retail|wholesale] [--as USER]
[--lang zh|en] [--map MAPPING | --profile NAME] [--save-profile NAME]
[--skip-invalid-rows --reason TEXT] [--confirm-row SHEET:ROW]... FILE...`` (also
``--template OUT.xlsx``), and ``python -m ingest profiles list|show NAME|delete NAME|rename OLD NEW``.

``--map "commodity=B,price=I,date=M,unit=L,market=北京新发地"`` reads every sheet with that
mapping (see :mod:`ingest.profiles`); ``--save-profile NAME`` keeps it as an import profile
once the file loads, so the next file of that layout is read with it by itself (the report
names the profile). ``--skip-invalid-rows --reason TEXT`` loads the rows without errors when
every error is one of a row; ``--confirm-row SHEET:ROW`` (with ``--reason``) accepts a price
more than ``[ingest] jump_error_factor`` times (or under 1/that of) the previous one.

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
import contextlib
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from pricewatch.config import load_settings
from pricewatch.errors import ConfigError, PricewatchError
from pricewatch.errors import NotFound as NotFoundError

if TYPE_CHECKING:
    from pricewatch.config import Settings

    from .load import FileResult
    from .worker import Begun

MAX_LINES_PER_FILE = 60

STATUS = {"loaded": ("已导入（待发布）", "loaded (pending release)"), "unchanged": ("无变化", "unchanged"),
          "rejected": ("被拒绝", "rejected"), "dry-run": ("校验通过（未写入）", "valid (dry run, nothing written)")}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        print(f"{self.prog}：参数错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m ingest", description="导入价格表：校验后整份写入，新数据待发布")
    p.add_argument("files", nargs="*", metavar="FILE", help=".xlsx/.xlsm/.xls/.ods/.csv/.txt 文件")
    p.add_argument("--db", metavar="PATH", help="数据库文件（默认：PRICEWATCH_DB, pricewatch.toml, data/pricewatch.duckdb）")
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    p.add_argument("--dry-run", action="store_true", help="只校验和报告，不写入")
    p.add_argument("--strict", action="store_true", help="警告也视为错误")
    p.add_argument("--accept-new-names", action="store_true", help="把未知的商品、市场加入目录")
    p.add_argument("--market", metavar="NAME", help="文件未写明市场时使用的市场")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="文件未写明日期（或年份）时使用的日期")
    p.add_argument("--unit", metavar="UNIT", help="文件未写明单位时使用的单位，如 元/斤")
    p.add_argument("--price-type", choices=("retail", "wholesale"), help="文件未写明时的价格类型")
    p.add_argument("--as", dest="actor", metavar="USER", help="操作人（须有上传权限）")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="消息语言")
    p.add_argument("--template", metavar="OUT.xlsx", help="写出县级周报表模板后退出")
    p.add_argument("--map", dest="mapping", metavar="MAPPING",
                   help="按此映射读取，如 \"commodity=B,price=I,date=M,unit=L,market=北京新发地\"")
    p.add_argument("--profile", metavar="NAME", help="按已保存的导入方案读取")
    p.add_argument("--save-profile", metavar="NAME", help="导入成功后把 --map 的映射保存为导入方案")
    p.add_argument("--no-profiles", action="store_true", help="不自动匹配已保存的导入方案")
    p.add_argument("--skip-invalid-rows", action="store_true", help="跳过有错误的行，导入其余行（须写 --reason）")
    p.add_argument("--confirm-row", action="append", default=[], metavar="SHEET:ROW",
                   help="确认该行超出倍数范围的价格变动（须写 --reason）；可重复")
    p.add_argument("--reason", metavar="TEXT", help="跳过行或确认行的原因")
    return p


def build_profiles_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m ingest profiles", description="导入方案：列出、查看、改名、删除")
    p.add_argument("--db", metavar="PATH", help="数据库文件")
    p.add_argument("--as", dest="actor", metavar="USER", help="操作人（改名、删除须有上传权限）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="列出导入方案")
    sub.add_parser("show", help="查看一个方案").add_argument("name")
    sub.add_parser("delete", help="删除一个方案").add_argument("name")
    r = sub.add_parser("rename", help="给方案改名")
    r.add_argument("old")
    r.add_argument("new")
    return p


def _lines(r: FileResult, lang: str) -> list[str]:
    zh, en = STATUS[r.status]
    head = f"{r.file}: {en}" if lang == "en" else f"{r.file}：{zh}"
    if r.status != "rejected":
        if lang == "en":
            head += (f"; layout {r.layout}; {r.rows_read} rows read, {r.rows_loaded} loaded"
                     f" ({r.rows_revised} revised), {r.commodities} commodities, {r.markets} markets,"
                     f" {r.date_min}..{r.date_max}")
        else:
            head += (f"；版式 {r.layout}；读取 {r.rows_read} 行，导入 {r.rows_loaded} 行（其中更正"
                     f" {r.rows_revised} 行），{r.commodities} 种商品，{r.markets} 个市场，{r.date_min} 至 {r.date_max}")
        if r.upload_id:
            head += f"; upload #{r.upload_id}" if lang == "en" else f"；上传编号 {r.upload_id}"
    if r.profile:
        out_profile = (f"  read with import profile \"{r.profile}\"" if lang == "en"
                       else f"  按导入方案「{r.profile}」读取")
    elif r.profile == "":
        out_profile = "  read with the given mapping" if lang == "en" else "  按给定的映射读取"
    else:
        out_profile = ""
    out = [head, *([out_profile] if out_profile else [])]
    if r.skipped:
        n = sum(x.get("count", 1) for x in r.skipped)
        out.append(f"  skipped {n} rows by choice ({r.skipped_by}): {r.skip_reason}" if lang == "en"
                   else f"  按选择跳过 {n} 行（{r.skipped_by}）：{r.skip_reason}")
    for c in r.confirmed:
        out.append(f"  confirmed [{c['sheet']}] row {c['row']}: {c['reason']}" if lang == "en"
                   else f"  已确认 [{c['sheet']}] 第{c['row']}行：{c['reason']}")
    items = [("错误" if lang != "en" else "error", i) for i in r.errors]
    items += [("警告" if lang != "en" else "warning", i) for i in r.warnings]
    items += [("说明" if lang != "en" else "note", i) for i in r.notes]  # which date a sheet took, and why
    for kind, i in items[:MAX_LINES_PER_FILE]:
        where = i.where(lang)
        sep = ": " if lang == "en" else "："
        out.append(f"  {kind} [{i.code}] {where + sep if where else ''}{i.message(lang)}")
    if len(items) > MAX_LINES_PER_FILE:
        more = len(items) - MAX_LINES_PER_FILE
        out.append(f"  ... {more} more (use --json for all)" if lang == "en" else f"  ……另有 {more} 条（用 --json 查看全部）")
    for com, mkt, day, _pt, old, new in r.change_list()[:MAX_LINES_PER_FILE]:
        out.append(f"  revised {com} {mkt} {str(day)[:10]}: {old:.2f} -> {new:.2f}" if lang == "en"
                   else f"  更正 {com} {mkt} {str(day)[:10]}：{old:.2f} → {new:.2f}")
    if r.status == "rejected" and r.skip_offer:
        n, m = r.skip_offer
        out.append(f"  errors are confined to {n} rows: --skip-invalid-rows --reason TEXT loads the other {m}"
                   if lang == "en" else f"  错误只在 {n} 行：加 --skip-invalid-rows --reason 原因 可跳过这些行，导入其余 {m} 行")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    profiles_cmd = bool(argv) and argv[0] == "profiles"
    args = build_profiles_parser().parse_args(argv[1:]) if profiles_cmd else build_parser().parse_args(argv)
    try:
        return _profiles(args) if profiles_cmd else _run(args)
    except ConfigError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except PricewatchError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    cfg = load_settings(args.db)
    day = _day(args)
    if args.unit and _parse_unit(args.unit) is None:
        raise ConfigError(f"--unit「{args.unit}」无法识别", "请写作 元/公斤、元/斤、元/个 等")
    _choices(args)  # usage errors before any child starts
    begun = None
    if args.files and not args.template:
        # the first file's child starts reading now, while this process imports pandas and
        # DuckDB and opens the store (about a second of the run, on the other core)
        from . import worker
        from .layouts import Context

        ctx = Context(date=day, market=args.market, unit=args.unit, price_type=args.price_type)
        # no thread and no DuckDB yet in this process: the child may be forked (no new interpreter)
        begun = worker.begin(args.files[0], ctx, worker.Limits.of(cfg), cfg.max_upload_mb, fork=True)
    try:
        return _run_files(args, cfg, day, begun)
    finally:
        if begun is not None:
            begun.close()


def _parse_unit(text: str) -> Any:
    from pricewatch.catalog import parse_unit  # the catalog module only when --unit is given

    return parse_unit(text)


def _choices(args: argparse.Namespace) -> tuple[Any, str]:
    """The person's mapping (``--map``) and reason (``--reason``), checked."""
    mapping = None
    if args.mapping:
        from .profiles import Mapping

        if args.profile:
            raise ConfigError("--map 与 --profile 只能用一个", "用 --map 给出映射，或用 --profile 指定已保存的方案")
        try:
            mapping = Mapping.parse(args.mapping)
        except PricewatchError as e:
            raise ConfigError(f"--map: {e.message}", e.hint) from None
    if args.save_profile and mapping is None:
        raise ConfigError("--save-profile 需要 --map 给出的映射", "例如 --map \"commodity=A,price=C\" --save-profile 新发地导出")
    reason = (args.reason or "").strip()
    if (args.skip_invalid_rows or args.confirm_row) and not reason:
        raise ConfigError("--skip-invalid-rows 与 --confirm-row 须写明原因", "加 --reason \"原因\"")
    for key in args.confirm_row:
        sheet, sep, row = key.rpartition(":")
        if not sep or not sheet or not row.isdigit():
            raise ConfigError(f"--confirm-row「{key}」格式不对", "写作 工作表:行号，如 价格:12")
    return mapping, reason


def _day(args: argparse.Namespace) -> date | None:
    if not args.date:
        return None
    try:
        return date.fromisoformat(args.date)
    except ValueError:
        raise ConfigError(f"--date「{args.date}」格式不对", "请写作 YYYY-MM-DD，例如 2024-05-06") from None


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
        raise ConfigError("没有给出要导入的文件", "例如：python -m ingest 2024-W18.xlsx")
    actor = None
    if args.actor:
        from pricewatch.accounts import require, resolve_actor

        actor = require(resolve_actor(store, args.actor), "upload").name
    mapping, reason = _choices(args)
    results = []
    # each file is its own transaction; readers get one new snapshot when all are done (one
    # file publishes its own as it commits: no second opening of the database for it)
    with store.batch() if len(args.files) > 1 else contextlib.nullcontext():
        for n, f in enumerate(args.files):
            opts = IngestOptions(actor=actor, dry_run=args.dry_run, strict=args.strict,
                                 accept_new_names=args.accept_new_names, market=args.market,
                                 date=day, unit=args.unit, price_type=args.price_type, settings=cfg,
                                 mapping=mapping, profile=args.profile, use_profiles=not args.no_profiles,
                                 skip_invalid_rows=args.skip_invalid_rows, reason=reason or None,
                                 confirm_rows=dict.fromkeys(args.confirm_row, reason))
            r = ingest_file(store, f, opts, begun=begun if n == 0 else None)
            if args.save_profile and r.ok and not args.dry_run:
                _save_profile(store, args.save_profile, mapping, r, actor)
                r.profile = args.save_profile
            results.append(r)
            if not args.json:
                stream = sys.stdout if r.ok else sys.stderr
                print("\n".join(_lines(r, args.lang)), file=stream, flush=True)
    if args.json:
        print(json.dumps({"files": [r.to_json(args.lang) for r in results]}, ensure_ascii=False, indent=2,
                         default=str))
    return 0 if all(r.ok for r in results) else 1


def _save_profile(store: object, name: str, mapping: object, r: FileResult, actor: str | None) -> None:
    from .load import _shell_user
    from .profiles import save_profile

    new = save_profile(store, name, mapping, r.peek, actor or _shell_user())  # type: ignore[arg-type]
    print(f"导入方案「{name}」已{'保存' if new else '更新'}", file=sys.stderr)


def _profiles(args: argparse.Namespace) -> int:
    from pricewatch.store import open_store
    from pricewatch.store import profiles as stored

    from .load import _shell_user
    from .profiles import Mapping, describe

    cfg = load_settings(args.db)
    store = open_store(cfg.db_path)
    if not store.exists():
        raise ConfigError(f"数据库 {cfg.db_path} 不存在", "先导入数据或用 --db 指定数据库")
    actor = None
    if args.actor:
        from pricewatch.accounts import require, resolve_actor

        actor = require(resolve_actor(store, args.actor), "upload").name
    if args.cmd == "list":
        with store.read() as s:
            df = stored.list_profiles(s)
        if args.json:
            print(json.dumps([{"name": n, "mapping": json.loads(m), "created_by": c}
                              for n, m, c in zip(df["name"], df["mapping"], df["created_by"], strict=True)],
                             ensure_ascii=False, indent=2))
        elif df.empty:
            print("还没有导入方案")
        for n, m in zip(df["name"], df["mapping"], strict=True) if not args.json else ():
            print(f"{n}\t{describe(Mapping.from_dict(json.loads(m)))}")
        return 0
    if args.cmd == "show":
        with store.read() as s:
            got = stored.get_profile(s, args.name)
        if got is None:
            raise NotFoundError(f"导入方案「{args.name}」不存在", "用 python -m ingest profiles list 查看")
        m = Mapping.from_dict(got[0])
        if args.json:
            print(json.dumps({"name": args.name, "mapping": got[0], "fingerprint": got[1]}, ensure_ascii=False,
                             indent=2, default=str))
        else:
            print(f"{args.name}\n  映射：{m.to_text()}\n  说明：{describe(m)}\n  版式特征：{json.dumps(got[1], ensure_ascii=False, default=str)}")
        return 0
    who = actor or _shell_user()
    with store.write() as s:
        if args.cmd == "delete":
            stored.delete_profile(s, args.name, actor=who)
            print(f"导入方案「{args.name}」已删除")
        else:
            stored.rename_profile(s, args.old, args.new, actor=who)
            print(f"导入方案「{args.old}」已改名为「{args.new}」")
    return 0
