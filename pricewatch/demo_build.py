"""Build the demo database: every sample upload loaded in filing order, all but the newest
week released, and demo accounts (password ``demo-pass-2026``) for each role."""

from __future__ import annotations

import hashlib
import shutil
from datetime import timedelta
from pathlib import Path

import pandas as pd

from . import accounts, demo, publish
from .catalog import convert, normalise_name
from .errors import InputError, PricewatchError
from .store import Store, open_store, queries, writes

DEMO_PASSWORD = "demo-pass-2026"
DEMO_USERS = (("editor", "editor"), ("reviewer", "reviewer"), ("leader", "leader"), ("admin", "admin"))


def _load_long_table(store: Store, path: Path, actor: str) -> None:
    """Load one sample file (a long table) as one upload.

    Bootstrap loader used until the ingest package exists; ingest replaces it.
    """
    raw = pd.read_excel(path, engine="calamine")
    with store.write() as s:
        com = queries.commodities(s)
        ali = queries.commodity_aliases(s)
        mkt = queries.markets(s)
        cid = {normalise_name(n): i for n, i in zip(com["name"], com["id"], strict=True)}
        cid.update({normalise_name(a): i for a, i in zip(ali["alias"], ali["commodity_id"], strict=True)})
        unit = dict(zip(com["id"], com["unit"], strict=True))
        mid = {n: i for n, i in zip(mkt["name"], mkt["id"], strict=True)}
        rows = []
        for r in raw.itertuples(index=False):
            c = cid.get(normalise_name(r.品名))
            if c is None or r.市场 not in mid:
                raise InputError(f"{path.name}: 未知商品或市场 {r.品名}/{r.市场}", "检查目录")
            price = convert(float(r.价格), r.单位, unit[c])
            if price is None:
                raise InputError(f"{path.name}: 单位 {r.单位} 无法换算为 {unit[c]}", "检查单位")
            rows.append({"commodity_id": c, "market_id": mid[r.市场], "obs_date": r.日期,
                         "price": price, "price_type": "wholesale" if r.价格类型 == "批发" else "retail",
                         "orig_price": float(r.价格), "orig_unit": r.单位})
        frame = pd.DataFrame(rows)
        writes.load_observations(
            s, frame, file_name=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            actor=actor, layout="long", rows_read=len(raw))


def build(db_path: Path, *, force: bool = False, regenerate: bool = False) -> str:
    if regenerate or not demo.sample_files():
        demo.generate()
    if force:
        for p in (db_path, db_path.with_name(db_path.name + ".wal")):
            p.unlink(missing_ok=True)
        shutil.rmtree(db_path.with_name(db_path.name + ".snapshots"), ignore_errors=True)
    elif db_path.exists():
        raise PricewatchError(f"数据库 {db_path} 已存在", "加 --force 重建, 或用 --db 指定别的路径")
    store = open_store(db_path)
    store.migrate()
    for name, role in DEMO_USERS:
        accounts.add_user(store, name, role, DEMO_PASSWORD, actor="demo")
    files = demo.sample_files()
    for path in files:
        _load_long_table(store, path, actor="editor")
    newest = demo.newest_week_start()
    reviewer = accounts.get_user(store, "reviewer")
    res = publish.release(store, reviewer, through=newest - timedelta(days=1),
                          comment="演示数据: 发布最新一周以前的全部数据")
    return f"{len(files)} 个文件, 发布 {len(res.upload_ids)} 个上传, 最新一周 {newest} 待发布"
