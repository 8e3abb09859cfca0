"""Every write to the store. Each function runs inside a :meth:`Store.write` session.

Nothing is overwritten (invariant 3): a changed price is a new observation row with
revision + 1; the old row stays, only its ``is_current`` flag moves. ``is_public`` moves
only when an upload is released.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import limits
from ..catalog import unit_currency
from ..errors import InputError, NotFound
from . import aggregates
from .session import Session

if TYPE_CHECKING:  # imported where a frame is made: python -m ingest loads without pandas
    import pandas as pd

KEY = ("commodity_id", "market_id", "obs_date", "price_type")
OBS_COLUMNS = ["commodity_id", "market_id", "obs_date", "price", "price_type", "orig_price", "orig_unit", "source"]


def audit(s: Session, actor: str, action: str, target: str | None = None, detail: Any = None) -> None:
    """Append one line to the audit log (there is no update or delete for it)."""
    s.execute(
        "INSERT INTO audit_log (actor, action, target, detail) VALUES (?, ?, ?, ?)",
        [actor, action, target, json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None],
    )


# -- catalog ------------------------------------------------------------------------
def add_commodity(
    s: Session, name: str, category: str, *, unit: str = "元/公斤", spec: str | None = None,
    weight: float = 1.0, actor: str = "system", aliases: tuple[str, ...] = (),
) -> int:
    limits.check("商品名称", name)
    limits.check("类别", category)
    limits.check("计量单位", unit)
    limits.check("规格", spec)
    limits.check_all("别名", aliases)
    if s.scalar("SELECT 1 FROM categories WHERE name = ?", [category]) is None:
        s.execute("INSERT INTO categories (name, sort) VALUES (?, 50)", [category])
    cid = s.scalar(
        "INSERT INTO commodities (name, category, spec, unit, weight, sort, created_by)"
        " VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(sort), 0) + 1 FROM commodities), ?) RETURNING id",
        [name, category, spec, unit, weight, actor],
    )
    for a in aliases:
        s.execute("INSERT INTO commodity_aliases VALUES (?, ?) ON CONFLICT DO NOTHING", [a, cid])
    audit(s, actor, "catalog.add_commodity", name, {"category": category, "unit": unit})
    return int(cid)


#: per kind of catalog entry: its table, its alias table, its name in messages, the audit action
#: (fixed strings: the SQL below picks from here, never from its arguments)
_ALIAS_KINDS = {
    "commodity": ("commodities", "commodity_aliases", "商品", "catalog.add_alias"),
    "market": ("markets", "market_aliases", "市场", "catalog.add_market_alias"),
}


def add_alias(s: Session, kind: str, alias: str, name: str, actor: str = "system") -> None:
    """Make ``alias`` another name of the catalog ``kind`` (commodity or market) ``name``."""
    table, alias_table, what, action = _ALIAS_KINDS[kind]
    limits.check("别名", alias)
    eid = s.scalar(f"SELECT id FROM {table} WHERE name = ?", [name])  # noqa: S608
    if eid is None:
        raise NotFound(f"{what}「{name}」不在目录中", f"先添加该{what}")
    s.execute(f"INSERT INTO {alias_table} VALUES (?, ?) ON CONFLICT DO NOTHING", [alias, eid])  # noqa: S608
    audit(s, actor, action, name, {"alias": alias})


def add_market(s: Session, name: str, kind: str = "农贸市场", *, actor: str = "system") -> int:
    limits.check("市场名称", name)
    limits.check("市场类型", kind)
    mid = s.scalar(
        "INSERT INTO markets (name, kind, sort, created_by)"
        " VALUES (?, ?, (SELECT coalesce(max(sort), 0) + 1 FROM markets), ?) RETURNING id",
        [name, kind, actor],
    )
    audit(s, actor, "catalog.add_market", name, {"kind": kind})
    return int(mid)


def add_names(s: Session, commodities: dict[str, tuple[str, str]], markets: dict[str, str], *,
              actor: str = "system") -> None:
    """Many new names at once (the names an ingest confirmed): commodities (name -> (unit,
    category)) and markets (name -> kind), with the same rows, checks and audit lines as
    :func:`add_commodity` and :func:`add_market` one by one, in a handful of statements
    (a file with 100 new names took 0.4 s one by one)."""
    for name, (unit, category) in commodities.items():
        limits.check("商品名称", name)
        limits.check("类别", category)
        limits.check("计量单位", unit)
    for name, kind in markets.items():
        limits.check("市场名称", name)
        limits.check("市场类型", kind)
    if commodities:
        names = list(commodities)
        units = [u for u, _c in commodities.values()]
        cats = [c for _u, c in commodities.values()]
        s.execute("INSERT INTO categories (name, sort) SELECT DISTINCT c, 50 FROM unnest(?::VARCHAR[]) t(c)"
                  " WHERE c NOT IN (SELECT name FROM categories)", [cats])
        s.execute(
            "INSERT INTO commodities (name, category, spec, unit, weight, sort, created_by)"
            " SELECT n, c, NULL, u, 1.0, (SELECT coalesce(max(sort), 0) FROM commodities) + i, ?"
            " FROM (SELECT unnest(?::VARCHAR[]) AS n, unnest(?::VARCHAR[]) AS c, unnest(?::VARCHAR[]) AS u,"
            " unnest(range(1, ? + 1)) AS i) ORDER BY i", [actor, names, cats, units, len(names)])
        _audit_many(s, actor, "catalog.add_commodity", names,
                    [{"category": c, "unit": u} for u, c in commodities.values()])
    if markets:
        names = list(markets)
        s.execute(
            "INSERT INTO markets (name, kind, sort, created_by)"
            " SELECT n, k, (SELECT coalesce(max(sort), 0) FROM markets) + i, ?"
            " FROM (SELECT unnest(?::VARCHAR[]) AS n, unnest(?::VARCHAR[]) AS k, unnest(range(1, ? + 1)) AS i)"
            " ORDER BY i", [actor, names, list(markets.values()), len(names)])
        _audit_many(s, actor, "catalog.add_market", names, [{"kind": k} for k in markets.values()])


def _audit_many(s: Session, actor: str, action: str, targets: list[str], details: list[Any]) -> None:
    """Audit lines for many targets in one statement, in the order given."""
    s.execute(
        "INSERT INTO audit_log (actor, action, target, detail) SELECT ?, ?, t, d::JSON"
        " FROM (SELECT unnest(?::VARCHAR[]) AS t, unnest(?::VARCHAR[]) AS d, unnest(range(?)) AS i) ORDER BY i",
        [actor, action, targets, [json.dumps(d, ensure_ascii=False, default=str) for d in details], len(targets)])


def set_market_kind(s: Session, name: str, kind: str, *, actor: str) -> str | None:
    """Set (and confirm) a market's outlet type; returns the previous type (None: no such market)."""
    limits.check("市场类型", kind)
    before = s.scalar("SELECT kind FROM markets WHERE name = ?", [name])
    if before is None:
        return None
    s.execute("UPDATE markets SET kind = ?, kind_confirmed = true WHERE name = ?", [kind, name])
    audit(s, actor, "catalog.set_market_kind", name, {"kind": kind, "before": before})
    return str(before)


# -- observations -------------------------------------------------------------------
@dataclass
class LoadResult:
    status: str  # "loaded" | "unchanged"
    upload_id: int | None = None
    rows_new: int = 0
    rows_revised: int = 0
    rows_same: int = 0
    #: one tuple per revised value: commodity, market, obs_date, price_type, old_price, new_price
    change_rows: list[tuple] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)

    @property
    def changes(self) -> pd.DataFrame:
        """:attr:`change_rows` as a frame of those columns."""
        import pandas as pd

        return pd.DataFrame(self.change_rows, columns=CHANGE_COLUMNS)


CHANGE_COLUMNS = ["commodity", "market", "obs_date", "price_type", "old_price", "new_price"]


def _diff(s: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """Each incoming row with the current price of its key (NULL when the key is new)."""
    s.register("incoming_obs", frame)
    try:
        return s.df(
            """
            SELECT i.*, o.price AS old_price, o.revision AS old_revision, o.id AS old_id
            FROM incoming_obs i
            LEFT JOIN observations o
              ON o.is_current AND o.commodity_id = i.commodity_id AND o.market_id = i.market_id
             AND o.obs_date = i.obs_date AND o.price_type = i.price_type
            """
        )
    finally:
        s.unregister("incoming_obs")


def preview_load(s: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """What a load would do, row by row: ``change`` is new | revised | same. Writes nothing."""
    d = _diff(s, _canonical(frame))
    d["change"] = "same"
    d.loc[d["old_price"].isna(), "change"] = "new"
    revised = d["old_price"].notna() & ((d["price"] - d["old_price"]).abs() > 1e-9)
    d.loc[revised, "change"] = "revised"
    return d


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    missing = [c for c in ("commodity_id", "market_id", "obs_date", "price") if c not in frame.columns]
    if missing:
        raise InputError(f"观测数据缺少列：{', '.join(missing)}", "这是程序错误，请报告")
    f = frame.copy()
    for col in OBS_COLUMNS:
        if col not in f.columns:
            f[col] = "retail" if col == "price_type" else None
    f = f[OBS_COLUMNS]
    f["commodity_id"] = f["commodity_id"].astype("int32")
    f["market_id"] = f["market_id"].astype("int32")
    f["obs_date"] = pd.to_datetime(f["obs_date"]).dt.date
    f["price"] = f["price"].astype("float64")
    f["orig_price"] = pd.to_numeric(f["orig_price"], errors="coerce").astype("float64")
    f["orig_unit"] = f["orig_unit"].astype("string")
    f["source"] = f["source"].astype("string")
    f["price_type"] = f["price_type"].fillna("retail").astype("string")
    if f.duplicated(list(KEY)).any():
        raise InputError("同一商品、市场、日期出现多次", "每个商品每个市场每天只保留一个价格")
    return f


@dataclass(frozen=True)
class RowsFile:
    """Canonical rows in a CSV file (UTF-8, no header, RFC 4180 quoting), one a line:
    commodity name, market name, obs_date (ISO), price, price_type, orig_price, orig_unit,
    source. The names must be in the catalog. The ingest child writes it; DuckDB reads it
    straight into the load, so the rows never pass through this process as Python objects."""

    path: Path
    rows: int


#: a :class:`RowsFile`'s rows (its path the one parameter) with their catalog ids
_FILE_ROWS = (
    "SELECT c.id AS commodity_id, m.id AS market_id, r.obs_date, r.price,"
    " coalesce(r.price_type, 'retail') AS price_type, r.orig_price, r.orig_unit, r.source"
    " FROM read_csv(?, header = false, auto_detect = false,"
    " delim = ',', quote = '\"', escape = '\"', columns = {'commodity': 'VARCHAR', 'market': 'VARCHAR',"
    " 'obs_date': 'DATE', 'price': 'DOUBLE', 'price_type': 'VARCHAR', 'orig_price': 'DOUBLE',"
    " 'orig_unit': 'VARCHAR', 'source': 'VARCHAR'}) r"
    " JOIN commodities c ON c.name = r.commodity JOIN markets m ON m.name = r.market")
#: each incoming row (of the fixed fragment ``{rows}``) with the current price of its key:
#: new, revised (differs by more than 1e-9) or the same, as preview_load decides
_DIFF_ROWS = (
    "SELECT i.*, o.price AS old_price, o.revision AS old_revision,"
    " o.id AS old_id, CASE WHEN o.id IS NULL THEN 'new' WHEN abs(i.price - o.price) > 1e-9 THEN 'revised'"
    " ELSE 'same' END AS change FROM {rows} i LEFT JOIN observations o ON o.is_current"
    " AND o.commodity_id = i.commodity_id AND o.market_id = i.market_id AND o.obs_date = i.obs_date"
    " AND o.price_type = i.price_type")
_DIFF = "CREATE OR REPLACE TEMP TABLE diff_obs AS " + _DIFF_ROWS


def _rows_read(f: RowsFile, n: int) -> int:
    if n != f.rows:
        raise InputError(f"待写入 {f.rows} 行，读到 {n} 行（名称不在目录中或文件不完整）", "这是程序错误，请报告")
    return f.rows


def _insert_file(s: Session, f: RowsFile) -> int:
    """Add a :class:`RowsFile`'s rows to ``incoming_obs`` with their catalog ids (an INSERT
    answers with the number of rows it added)."""
    return _rows_read(f, int(s.scalar(f"INSERT INTO incoming_obs {_FILE_ROWS}", [str(f.path)])))  # noqa: S608


@dataclass(frozen=True)
class StagedRows:
    """A :class:`RowsFile` already read and compared with the current prices in this write
    (the table ``diff_obs``; :func:`stage_rows`)."""

    rows: int


def _create_incoming(s: Session) -> None:
    s.execute("CREATE OR REPLACE TEMP TABLE incoming_obs (commodity_id INTEGER, market_id INTEGER, obs_date DATE,"
              " price DOUBLE, price_type VARCHAR, orig_price DOUBLE, orig_unit VARCHAR, source VARCHAR)")


def stage_rows(s: Session, f: RowsFile, before: StagedRows | None = None) -> StagedRows:
    """Read a :class:`RowsFile` into the write now, each row beside the current price of its
    key, for :func:`load_observations` to take later in the same session (the ingest reads
    each part of a file's rows as its child finishes it, and the last while the child is at
    the history checks); ``before``: the parts staged so far. Its names must be in the
    catalog already; nothing may write observations in between. The rows go straight from
    the file into the comparison (one table of 50,000 rows fewer than ``incoming_obs`` and
    then ``diff_obs``)."""
    # the statement answers with the number of rows it wrote: no count(*) of the table after it
    if before is None:
        return StagedRows(_rows_read(f, int(s.scalar(_DIFF.format(rows=f"({_FILE_ROWS})"), [str(f.path)]))))
    n = int(s.scalar("INSERT INTO diff_obs " + _DIFF_ROWS.format(rows=f"({_FILE_ROWS})"), [str(f.path)]))
    return StagedRows(before.rows + _rows_read(f, n))


def load_observations(
    s: Session, frame: pd.DataFrame | Iterable[pd.DataFrame] | RowsFile | StagedRows, *, file_name: str,
    sha256: str, actor: str, layout: str | None = None, rows_read: int | None = None, report: Any = None,
) -> LoadResult:
    """Add a file's observations as one pending upload.

    ``frame`` holds canonical rows (commodity_id, market_id, obs_date, price in the
    commodity's canonical unit, price_type, orig_price, orig_unit, source), as one DataFrame
    or a :class:`RowsFile` (names, not ids), or as an iterable of them (chunks: each goes into
    a temporary table as it comes, so a large file never sits in this process whole; the
    comparison and the insert are SQL), or the :class:`StagedRows` of :func:`stage_rows`.
    Rows equal to the current value are skipped; changed ones become revision + 1 of their
    key. When nothing is new or changed the result is "unchanged" and no upload is recorded.
    """
    staged = frame.rows if isinstance(frame, StagedRows) else None
    if staged is not None:
        chunks: Iterable[Any] = []
    else:
        chunks = [frame] if isinstance(frame, RowsFile) or hasattr(frame, "columns") else frame  # type: ignore[list-item]
        _create_incoming(s)
    try:
        return _load(s, chunks, staged or 0, staged is not None, file_name=file_name, sha256=sha256, actor=actor,
                     layout=layout, rows_read=rows_read, report=report)
    finally:
        s.execute("DROP TABLE IF EXISTS incoming_obs")
        s.execute("DROP TABLE IF EXISTS diff_obs")


def set_upload_report(s: Session, upload_id: int, report: Any) -> None:
    """The report kept with an upload, written after :func:`load_observations` (the ingest
    loads a file's rows while its history checks run, and knows their warnings only then)."""
    s.execute("UPDATE uploads SET report = ? WHERE id = ?",
              [json.dumps(report, ensure_ascii=False, default=str), upload_id])


def _load(s: Session, chunks: Iterable[pd.DataFrame], n: int, staged: bool, *, file_name: str, sha256: str,
          actor: str, layout: str | None, rows_read: int | None, report: Any) -> LoadResult:
    rows = "diff_obs" if staged else "incoming_obs"  # the table the rows are in now
    for chunk in chunks:
        if isinstance(chunk, RowsFile):
            n += _insert_file(s, chunk)
            continue
        f = _canonical(chunk)
        s.register("chunk_obs", f)
        s.execute("INSERT INTO incoming_obs SELECT * FROM chunk_obs")
        s.unregister("chunk_obs")
        n += len(f)
        del f
    if s.scalar(f"SELECT count(*) FROM (SELECT 1 FROM {rows} GROUP BY commodity_id, market_id, obs_date,"  # noqa: S608
                " price_type HAVING count(*) > 1)"):
        raise InputError("同一商品、市场、日期出现多次", "每个商品每个市场每天只保留一个价格")
    if not staged:
        s.execute(_DIFF.format(rows="incoming_obs"))
    counts = dict(s.all("SELECT change, count(*) FROM diff_obs GROUP BY change"))
    new, rev, same = (int(counts.get(k, 0)) for k in ("new", "revised", "same"))
    if not new and not rev:
        audit(s, actor, "ingest.unchanged", file_name, {"sha256": sha256, "rows": n})
        return LoadResult(status="unchanged", rows_same=same)
    date_min, date_max = s.one(f"SELECT min(obs_date), max(obs_date) FROM {rows}")  # type: ignore[misc]  # noqa: S608
    upload_id = int(s.scalar(
        "INSERT INTO uploads (file_name, sha256, uploaded_by, layout, rows_read, rows_loaded,"
        " rows_revised, date_min, date_max, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [file_name, sha256, actor, layout, int(rows_read if rows_read is not None else n),
         new + rev, rev, date_min, date_max,
         json.dumps(report, ensure_ascii=False, default=str) if report is not None else None],
    ))
    losers: list[int] = []  # uploads that just lost a current row: only they can be superseded
    if rev:
        losers = sorted({int(r[0]) for r in s.all(
            "UPDATE observations SET is_current = false"
            " WHERE id IN (SELECT old_id FROM diff_obs WHERE change = 'revised') RETURNING upload_id")})
    # the currency of a price is that of its commodity's canonical unit ("KES/公斤" -> KES)
    units = s.all("SELECT id, unit FROM commodities WHERE id IN"
                  " (SELECT DISTINCT commodity_id FROM diff_obs WHERE change <> 'same')")
    s.execute("CREATE OR REPLACE TEMP TABLE obs_currency AS SELECT unnest(?::INTEGER[]) AS id,"
              " unnest(?::VARCHAR[]) AS currency",
              [[int(i) for i, _u in units], [unit_currency(u) for _i, u in units]])
    # the revised rows after the new ones; with none, the rows keep their order without a sort
    order = " ORDER BY d.change = 'revised'" if rev else ""
    s.execute(
        "INSERT INTO observations (commodity_id, market_id, obs_date, price, price_type, orig_price,"  # noqa: S608
        " orig_unit, source, upload_id, revision, is_current, is_public, currency)"
        " SELECT d.commodity_id, d.market_id, d.obs_date, d.price, d.price_type, d.orig_price, d.orig_unit,"
        " d.source, ?, coalesce(d.old_revision, 0) + 1, true, false, c.currency::VARCHAR"
        f" FROM diff_obs d LEFT JOIN obs_currency c ON c.id = d.commodity_id WHERE d.change <> 'same'{order}",
        [upload_id])
    s.execute("DROP TABLE obs_currency")
    aggregates.touch(s, ("staff",), "SELECT commodity_id, price_type, obs_date FROM diff_obs"
                     " WHERE change <> 'same'")
    superseded = [int(r[0]) for r in s.all(
        "UPDATE uploads u SET status = 'superseded' WHERE list_contains(?, u.id)"
        " AND u.status <> 'superseded'"
        " AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.upload_id = u.id AND o.is_current)"
        " RETURNING id", [losers])] if losers else []
    changes: list[tuple] = []
    if rev:
        changes = s.all(
            "SELECT c.name AS commodity, m.name AS market, r.obs_date, r.price_type,"
            " r.old_price, r.price AS new_price FROM diff_obs r"
            " JOIN commodities c ON c.id = r.commodity_id JOIN markets m ON m.id = r.market_id"
            " WHERE r.change = 'revised' ORDER BY c.sort, m.sort, r.obs_date"
        )
    audit(s, actor, "ingest.load", file_name, {
        "upload_id": upload_id, "sha256": sha256, "new": new, "revised": rev,
        "superseded": superseded,
    })
    return LoadResult(
        status="loaded", upload_id=upload_id, rows_new=new, rows_revised=rev,
        rows_same=same, change_rows=changes, superseded=superseded,
    )


# -- releases -----------------------------------------------------------------------
def release_uploads(
    s: Session, upload_ids: list[int], *, actor: str, through: date | None = None,
    comment: str | None = None,
) -> int | None:
    """Make these pending uploads public; returns the release id (None when nothing to do).

    For every key the uploads touch, the public row becomes the highest revision among
    released uploads, so a released correction replaces the value it corrects and an
    unreleased correction leaves the public value alone.
    """
    limits.check("意见", comment)
    if not upload_ids:
        return None
    release_id = int(s.scalar(
        "INSERT INTO releases (released_by, through_date, upload_ids, comment) VALUES (?, ?, ?, ?)"
        " RETURNING id", [actor, through, upload_ids, comment]))
    s.execute(
        "UPDATE uploads SET released_at = make_timestamp(epoch_us(current_timestamp)), release_id = ?,"
        " status = CASE WHEN status = 'pending' THEN 'released' ELSE status END"
        " WHERE list_contains(?, id) AND released_at IS NULL",
        [release_id, upload_ids],
    )
    s.execute(
        "CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT commodity_id, market_id, obs_date,"
        " price_type FROM observations WHERE list_contains(?, upload_id)", [upload_ids])
    s.execute(
        "CREATE OR REPLACE TEMP TABLE winners AS SELECT o.id FROM observations o"
        " JOIN touched t USING (commodity_id, market_id, obs_date, price_type)"
        " JOIN uploads u ON u.id = o.upload_id WHERE u.released_at IS NOT NULL"
        " QUALIFY row_number() OVER (PARTITION BY o.commodity_id, o.market_id, o.obs_date,"
        " o.price_type ORDER BY o.revision DESC) = 1")
    s.execute(
        "UPDATE observations o SET is_public = (o.id IN (SELECT id FROM winners)) FROM touched t"
        " WHERE o.commodity_id = t.commodity_id AND o.market_id = t.market_id"
        " AND o.obs_date = t.obs_date AND o.price_type = t.price_type")
    aggregates.touch(s, ("public",), "SELECT commodity_id, price_type, obs_date FROM touched")
    s.execute("DROP TABLE touched")
    s.execute("DROP TABLE winners")
    audit(s, actor, "release", f"release:{release_id}", {
        "uploads": upload_ids, "through": through, "comment": comment})
    return release_id


# -- users ----------------------------------------------------------------------------
def add_user(s: Session, name: str, role: str, password_hash: str, *, actor: str,
             display_name: str | None = None) -> None:
    if s.scalar("SELECT 1 FROM users WHERE name = ?", [name]) is not None:
        s.execute("UPDATE users SET role = ?, password_hash = ?, active = true, failed_count = 0,"
                  " locked_until = NULL WHERE name = ?", [role, password_hash, name])
        audit(s, actor, "users.update", name, {"role": role})
        return
    s.execute("INSERT INTO users (name, role, password_hash, display_name) VALUES (?, ?, ?, ?)",
              [name, role, password_hash, display_name])
    audit(s, actor, "users.add", name, {"role": role})


def set_user_active(s: Session, name: str, active: bool, *, actor: str) -> None:
    s.execute("UPDATE users SET active = ? WHERE name = ?", [active, name])
    audit(s, actor, "users.enable" if active else "users.disable", name)
