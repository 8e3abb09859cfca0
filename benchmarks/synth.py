"""A deterministic synthetic price history at four sizes (and a tiny one for tests).

=========  ===========  =======  =====  ==============
size       commodities  markets  weeks  observations
=========  ===========  =======  =====  ==============
tiny       6            3        12     ~210
county     150          5        520    ~386,000
million    200          10       520    ~1.03 million
province   500          40       520    ~10.3 million
stress     1,000        100      520    ~51.5 million
=========  ===========  =======  =====  ==============

Every observation is a retail price in 元/公斤 dated the Monday of its ISO week; the last week
is :data:`LAST_MONDAY` (2026-W39) and the history runs ``weeks`` weeks back from it. About 1 %
of (commodity, market, week) reports are missing, so matched-market logic has work to do.

price = level_c x market_m x (1 + amp_c sin(2 pi w / 52.18 + phase_c)) x (1 + drift_c w)
        x (1 + N(0, 0.02)), rounded to 2 decimals.

Determinism: the per-commodity and per-market parameters come from one generator seeded with
:data:`SEED`; the noise and the missing reports of week ``w`` from a generator seeded with
``(SEED, w)``, so a week's rows are the same whichever chunk it is produced in and whatever
the size's other weeks are. Names: commodities ``蔬菜012`` (category + number; the category
cycles through the catalog's five), markets ``监测点07``; none collides with the seeded
catalog, so a bulk load adds them all as new names.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

#: bump when the generator's output changes, so cached databases are rebuilt
GENERATOR_VERSION = 2
SEED = 20261125
# a few weeks before today (Nov 2026), so the weeks the benchmarks load after the history are
# not in the future (ingest rejects future dates)
LAST_MONDAY = date(2026, 9, 21)  # 2026-W39
CATEGORIES = ("粮油", "肉禽蛋", "蔬菜", "水果", "水产品")
MISSING = 0.01


@dataclass(frozen=True)
class Size:
    name: str
    commodities: int
    markets: int
    weeks: int

    @property
    def first_monday(self) -> date:
        return LAST_MONDAY - timedelta(weeks=self.weeks - 1)

    @property
    def nominal_rows(self) -> int:
        return self.commodities * self.markets * self.weeks

    def expected_rows(self) -> int:
        """The exact number of observations the generator produces."""
        return sum(int(keep.sum()) for keep in (_week_noise(self, w)[1] for w in range(self.weeks)))


SIZES: dict[str, Size] = {
    "tiny": Size("tiny", 6, 3, 12),
    "county": Size("county", 150, 5, 520),
    "million": Size("million", 200, 10, 520),
    "province": Size("province", 500, 40, 520),
    "stress": Size("stress", 1000, 100, 520),
}


def commodity_names(size: Size) -> list[str]:
    return [f"{CATEGORIES[i % len(CATEGORIES)]}{i:03d}" for i in range(size.commodities)]


def commodity_categories(size: Size) -> list[str]:
    return [CATEGORIES[i % len(CATEGORIES)] for i in range(size.commodities)]


def market_names(size: Size) -> list[str]:
    return [f"监测点{j:02d}" for j in range(size.markets)]


def _params(size: Size) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED)
    # drawn for the largest size and cut, so commodity 7 is the same commodity at every size
    big = SIZES["stress"]
    p = {
        "level": rng.uniform(2, 80, big.commodities), "amp": rng.uniform(0, 0.2, big.commodities),
        "phase": rng.uniform(0, 2 * math.pi, big.commodities),
        "drift": rng.uniform(-0.0002, 0.0008, big.commodities),
        "market": rng.uniform(0.9, 1.1, big.markets),
    }
    return {k: v[: size.markets] if k == "market" else v[: size.commodities] for k, v in p.items()}


def _week_noise(size: Size, w: int) -> tuple[np.ndarray, np.ndarray]:
    """(noise factor, keep mask) of week ``w`` for every (commodity, market), commodity-major."""
    rng = np.random.default_rng([SEED, w])
    big = SIZES["stress"]
    noise = rng.normal(0, 0.02, (big.commodities, big.markets))[: size.commodities, : size.markets]
    keep = rng.random((big.commodities, big.markets))[: size.commodities, : size.markets] > MISSING
    return noise.ravel(), keep.ravel()


def week_frame(size: Size, w: int, params: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Week ``w`` (0 = the first week) as a long table: commodity, category, market, obs_date, price."""
    p = params or _params(size)
    c_idx = np.repeat(np.arange(size.commodities), size.markets)
    m_idx = np.tile(np.arange(size.markets), size.commodities)
    noise, keep = _week_noise(size, w)
    price = (p["level"][c_idx] * p["market"][m_idx]
             * (1 + p["amp"][c_idx] * np.sin(2 * math.pi * w / 52.18 + p["phase"][c_idx]))
             * (1 + p["drift"][c_idx] * w) * (1 + noise))
    price = np.maximum(np.round(price, 2), 0.01)
    names = np.asarray(commodity_names(size), dtype=object)
    cats = np.asarray(commodity_categories(size), dtype=object)
    mkts = np.asarray(market_names(size), dtype=object)
    day = size.first_monday + timedelta(weeks=w)
    return pd.DataFrame({
        "commodity": names[c_idx[keep]], "category": cats[c_idx[keep]],
        "market": mkts[m_idx[keep]], "obs_date": day, "price": price[keep],
    })


def chunks(size: Size, weeks_per_chunk: int = 52) -> Iterator[tuple[int, pd.DataFrame]]:
    """(first week index, frame) for consecutive blocks of weeks, oldest first."""
    p = _params(size)
    for w0 in range(0, size.weeks, weeks_per_chunk):
        frames = [week_frame(size, w, p) for w in range(w0, min(w0 + weeks_per_chunk, size.weeks))]
        yield w0, pd.concat(frames, ignore_index=True)


def arrow_chunk(frame: pd.DataFrame) -> pa.Table:
    """A frame as Arrow with the names dictionary-encoded (a 50-million-row history stays small)."""
    return pa.table({
        "commodity": pa.array(frame["commodity"].to_numpy(), pa.string()).dictionary_encode(),
        "category": pa.array(frame["category"].to_numpy(), pa.string()).dictionary_encode(),
        "market": pa.array(frame["market"].to_numpy(), pa.string()).dictionary_encode(),
        "obs_date": pa.array(pd.to_datetime(frame["obs_date"]).dt.date.to_numpy(), pa.date32()),
        "price": pa.array(frame["price"].to_numpy(), pa.float64()),
    })


def write_parquet(size: Size, folder: Path) -> list[Path]:
    """One parquet file per 52-week block (written once; reused while the files exist)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / f"v{GENERATOR_VERSION}.done"
    n_files = math.ceil(size.weeks / 52)
    paths = [folder / f"block{i:02d}.parquet" for i in range(n_files)]
    if stamp.exists() and all(p.exists() for p in paths):
        return paths
    for i, (_w0, frame) in enumerate(chunks(size)):
        tmp = paths[i].with_suffix(".tmp")
        pq.write_table(arrow_chunk(frame), tmp, compression="zstd")
        tmp.replace(paths[i])
    stamp.write_text("ok", encoding="ascii")
    return paths


HEADER = ["日期", "市场", "类别", "品名", "单位", "价格"]


def write_spreadsheets(size: Size, folder: Path, kind: str, weeks_per_file: int = 52,
                       first_files: int | None = None) -> list[Path]:
    """Long tables a person could have made (日期 市场 类别 品名 单位 价格), one file per block
    of weeks: ``kind`` "xlsx" (openpyxl, real date cells) or "csv" (UTF-8 with BOM, as Excel
    saves it). ``first_files``: only the first few. Written once; reused while the files exist."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / f"{kind}-v{GENERATOR_VERSION}-{weeks_per_file}-{first_files}.done"
    n_files = math.ceil(size.weeks / weeks_per_file)
    if first_files is not None:
        n_files = min(n_files, first_files)
    paths = [folder / f"prices_{i:03d}.{kind}" for i in range(n_files)]
    if stamp.exists() and all(p.exists() for p in paths):
        return paths
    for i, (_w0, frame) in enumerate(chunks(size, weeks_per_file)):
        if i >= n_files:
            break
        table = pd.DataFrame({
            "日期": pd.to_datetime(frame["obs_date"]), "市场": frame["market"],
            "类别": frame["category"], "品名": frame["commodity"], "单位": "元/公斤",
            "价格": frame["price"],
        })
        tmp = paths[i].with_name(paths[i].name + ".tmp")
        if kind == "csv":
            table["日期"] = table["日期"].dt.strftime("%Y-%m-%d")
            table.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            _write_xlsx(table, tmp)
        tmp.replace(paths[i])
    stamp.write_text("ok", encoding="ascii")
    return paths


def _write_xlsx(table: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("价格")
    ws.append(HEADER)
    days = table["日期"].dt.date.tolist()
    cols = [table[c].tolist() for c in ("市场", "类别", "品名", "单位", "价格")]
    proto = WriteOnlyCell(ws)
    proto.number_format = "yyyy-mm-dd"
    for i, d in enumerate(days):
        cell = WriteOnlyCell(ws, value=d)
        cell.number_format = "yyyy-mm-dd"
        ws.append([cell, cols[0][i], cols[1][i], cols[2][i], cols[3][i], cols[4][i]])
    wb.save(path)
