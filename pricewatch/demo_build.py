"""Build the demo database: every sample upload loaded in filing order, all but the newest
week released, and demo accounts (password ``demo-pass-2026``) for each role."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from . import accounts, demo, publish
from .errors import PricewatchError
from .store import Store, open_store

DEMO_PASSWORD = "demo-pass-2026"
DEMO_USERS = (("editor", "editor"), ("reviewer", "reviewer"), ("leader", "leader"), ("admin", "admin"))


#: loads one sample file as one upload: (store, path, actor) -> None. The command passes
#: the ingest library's loader (pricewatch may not import ingest: the layers contract),
#: so the demo goes through exactly the path real uploads take.
Loader = Callable[[Store, Path, str], None]


def build(db_path: Path, *, loader: Loader, force: bool = False, regenerate: bool = False) -> str:
    if regenerate or not demo.sample_files():
        demo.generate()
    if force:
        for p in (db_path, db_path.with_name(db_path.name + ".wal")):
            p.unlink(missing_ok=True)
        shutil.rmtree(db_path.with_name(db_path.name + ".snapshots"), ignore_errors=True)
    elif db_path.exists():
        raise PricewatchError(f"数据库 {db_path} 已存在", "加 --force 重建，或用 --db 指定别的路径")
    store = open_store(db_path)
    store.migrate()
    for name, role in DEMO_USERS:
        accounts.add_user(store, name, role, DEMO_PASSWORD, actor="demo")
    files = demo.sample_files()
    with store.batch():  # one snapshot for the whole history, not one per weekly file
        for path in files:
            loader(store, path, "editor")
    newest = demo.newest_week_start()
    reviewer = accounts.get_user(store, "reviewer")
    res = publish.release(store, reviewer, through=newest - timedelta(days=1),
                          comment="演示数据：发布最新一周以前的全部数据")
    return f"{len(files)} 个文件，发布 {len(res.upload_ids)} 个上传，最新一周 {newest} 待发布"
