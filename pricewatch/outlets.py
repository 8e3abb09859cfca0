"""Outlet types (网点类型): 农贸市场, 超市, 批发市场, 社区菜店.

A market's type is guessed from its name the first time it is seen (:func:`guess_kind`: 超市
in 惠民超市, 批发 in 县农产品批发市场 ...), and a person sets or confirms it
(:func:`set_kind`, ``python -m pricewatch markets set-kind``, the upload page's new-market
check). The reports compare prices by type (:func:`pricewatch.indicators.kind_comparison`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import InputError, NotFound, PermissionDenied

if TYPE_CHECKING:  # the ingest child guesses kinds without the store (and its pandas)
    from .accounts import User
    from .store import Store

KINDS = ("农贸市场", "超市", "批发市场", "社区菜店")
#: name fragments, most specific first (批发市场 before 市场; 生鲜超市 is a 超市)
_HINTS = (("批发", "批发市场"), ("超市", "超市"), ("商超", "超市"), ("卖场", "超市"), ("购物", "超市"),
          ("便利店", "社区菜店"), ("社区", "社区菜店"), ("菜店", "社区菜店"), ("生鲜店", "社区菜店"),
          ("菜铺", "社区菜店"), ("农贸", "农贸市场"), ("菜市场", "农贸市场"), ("集贸", "农贸市场"),
          ("市场", "农贸市场"))


def guess_kind(name: str) -> str:
    """The outlet type a market's name suggests; 农贸市场 when it says nothing."""
    for hint, kind in _HINTS:
        if hint in name:
            return kind
    return "农贸市场"


def check_kind(kind: str) -> str:
    k = str(kind).strip()
    if k not in KINDS:
        raise InputError(f"未知的网点类型「{kind}」", "可选：" + "、".join(KINDS))
    return k


def set_kind(store: Store, actor: User, market: str, kind: str) -> str:
    """Set (and confirm) a market's outlet type, audited; returns the type it had."""
    if not (actor.can("upload") or actor.can("release")):
        raise PermissionDenied(f"用户 {actor.name} 无权修改市场目录", "请由内贸股或局办公室人员操作")
    from .store import writes

    k = check_kind(kind)
    with store.write() as s:
        before = writes.set_market_kind(s, market, k, actor=actor.name)
    if before is None:
        raise NotFound(f"市场「{market}」不在目录中", "用 python -m pricewatch markets 查看市场名称")
    return before


def market_list(store: Store) -> list[dict[str, object]]:
    """Every market with its type and whether a person confirmed it, in catalog order."""
    from .store import queries

    with store.read() as s:
        df = queries.catalog.markets(s)
    return [{"market": r.name, "kind": r.kind, "confirmed": bool(r.kind_confirmed)}
            for r in df.itertuples(index=False)]
