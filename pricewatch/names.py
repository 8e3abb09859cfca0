"""Catalog names in the reader's language: the one lookup every page, chart, download and
the static site's /en/ pages use.

The catalog keeps each category, commodity, market and unit under its Chinese name (the key
everything is stored and linked by) with an English name beside it (``name_en``; units in
the ``units`` table). In English mode a name shows as its English name, and as the Chinese
name where none is set; in Chinese mode it shows as it is. Lookups never change a key: a
page still links and filters by the Chinese name and only shows the English one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from .store import Store, queries

#: market kinds (a fixed list, pricewatch.catalog) in English
KINDS_EN = {"农贸市场": "wet market", "超市": "supermarket", "批发市场": "wholesale market",
            "社区菜店": "community grocer"}
#: frame columns that hold catalog names, and the kind of name each holds
NAME_COLUMNS = {"category": "category", "commodity": "commodity", "market": "market", "unit": "unit",
                "kind": "kind"}


@dataclass(frozen=True)
class Names:
    """kind -> {Chinese name: English name}, as :func:`load` read it from the catalog."""

    english: dict[str, dict[str, str]] = field(default_factory=dict)

    def show(self, name: object, lang: str, kind: str | None = None) -> str:
        """``name`` as a reader of ``lang`` sees it: the English name in English mode where
        the catalog has one (of ``kind``, or of any kind when ``kind`` is None), else ``name``."""
        text = "" if name is None else str(name)
        if lang != "en" or not text:
            return text
        if kind == "kind" or (kind is None and text in KINDS_EN):
            return KINDS_EN.get(text, text)
        kinds = [kind] if kind else ["commodity", "category", "market", "unit"]
        for k in kinds:
            en = self.english.get(k, {}).get(text)
            if en:
                return en
        return text

    def show_all(self, names: Iterable[object], lang: str, kind: str | None = None) -> list[str]:
        return [self.show(n, lang, kind) for n in names]

    def frame(self, df: pd.DataFrame, lang: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """A copy of ``df`` whose name columns (commodity, category, market, unit, kind, or
        ``columns``) show in ``lang``; ``df`` itself unchanged (and returned) in Chinese."""
        if lang != "en" or df.empty:
            return df
        out = df.copy()
        for col in columns or NAME_COLUMNS:
            if col in out.columns:
                kind = NAME_COLUMNS.get(col)
                out[col] = [self.show(v, lang, kind) if isinstance(v, str) else v for v in out[col]]
        return out


def load(store: Store) -> Names:
    """The catalog's English names (a read; cheap: four small tables)."""
    with store.read() as s:
        return Names(queries.catalog.english_names(s))
