"""Options and helpers every command shares."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from pricewatch.config import Settings, load_settings
from pricewatch.errors import InputError

if TYPE_CHECKING:
    from pricewatch.store import Store


def add_db(p: argparse.ArgumentParser, *, json: bool = False) -> None:
    """``--db`` (every command that opens the store) and, with ``json``, ``--json``."""
    p.add_argument("--db", metavar="PATH", help="数据库文件（默认：PRICEWATCH_DB, pricewatch.toml, data/pricewatch.duckdb）")
    if json:
        p.add_argument("--json", action="store_true", help="以 JSON 输出")


def add_base_url(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base-url", metavar="URL", help="网站公开地址，用于二维码和订阅源（默认：[public] base_url）")


def add_as(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="actor", metavar="USER", help="操作人（记入审计日志）")


def settings(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "db", None))


def store(args: argparse.Namespace) -> Store:
    # here, not above: a command that reads no data loads no duckdb
    from pricewatch.store import open_store

    return open_store(settings(args).db_path)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"日期「{text}」格式不对", "请写作 YYYY-MM-DD，例如 2024-05-06") from None


def read_password(prompt: str = "密码：", confirm: bool = True) -> str:
    """From the terminal (asked twice), or the first line of stdin when it is not a terminal."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    pw = getpass.getpass(prompt)
    if confirm and getpass.getpass("再输入一次：") != pw:
        raise InputError("两次输入的密码不一致", "请重新运行命令")
    return pw


def print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))
