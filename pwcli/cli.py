"""``python -m pricewatch COMMAND ...``: a thin front end over the library.

Each command lives in its own module under pwcli/commands/ with two functions,
``add_parser(subparsers)`` and ``run(args) -> int``, and a line in
:data:`pwcli.commands.COMMANDS`. Only the command being run is imported (and only its
parser built): the others appear in ``--help`` from that table, so ``--help`` loads neither
pandas nor duckdb and a command pays only for its own imports. Errors the
library raises as PricewatchError are printed as one line (message and hint) and give exit
code 1 (2 for usage and configuration errors); there is no traceback for bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pricewatch.errors import PricewatchError

from .commands import COMMANDS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2, in Chinese
        self.print_usage(sys.stderr)
        print(f"{self.prog}：参数错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def _command(argv: Sequence[str]) -> str | None:
    """The command named on the line (the first word that is not an option), if it is one."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS else None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command listed; ``command``'s own options are added (its module
    imported) when it is named, the others stay one line of help each."""
    parser = _Parser(prog="python -m pricewatch", description="价格监测与解读发布 命令行")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name, help_ in COMMANDS.items():
        if name != command:
            sub.add_parser(name, help=help_)
            continue
        mod = importlib.import_module(f"{__package__}.commands.{name}")
        p = mod.add_parser(sub)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command(argv))
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except PricewatchError as e:
        print(f"错误：{e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
