"""``site build [--out DIR] [--base-url URL] [--if-changed] [--json]``: the static public site.

See :mod:`pricewatch.site`. ``DIR`` (default ``[site] out_dir`` / PRICEWATCH_SITE_DIR,
``data/site``) gets ``builds/<stamp>/`` and the symlink ``current`` a web server serves.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pricewatch import site

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("site", help=COMMANDS["site"])
    ss = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    ss.required = True
    b = ss.add_parser("build", help="生成网站（写入新目录后原子切换）")
    _common.add_db(b, json=True)
    b.add_argument("--out", metavar="DIR", help="输出目录（默认：[site] out_dir, data/site）")
    _common.add_base_url(b)
    b.add_argument("--if-changed", action="store_true", help="公开内容没有变化时不重新生成")
    return p


def run(args: argparse.Namespace) -> int:
    settings = _common.settings(args)
    store = _common.store(args)
    out = Path(args.out) if args.out else settings.site_dir
    if args.if_changed:
        built = site.build_if_changed(store, settings, out, base_url=args.base_url)
    else:
        built = site.build(store, settings, out, base_url=args.base_url)
    meta = site.current_meta(out)
    if args.json:
        _common.print_json({"built": str(built) if built else None, "current": str(out / "current"),
                            "pages": meta.get("pages"), "period": meta.get("period"),
                            "files": len(meta.get("files", {}))})
    elif built is None:
        print(f"公开内容没有变化，未重新生成：{out / 'current'}")
    else:
        print(f"已生成静态网站：{built}（{meta.get('pages')} 个页面，{len(meta.get('files', {}))} 个文件），"
              f"已切换 {out / 'current'}")
    return 0
