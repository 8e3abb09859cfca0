"""The static public site: the public side of the app as plain files for any web server.

``python -m pricewatch site build [--out DIR] [--base-url URL]`` writes::

    index.html                 本期价格：headline, alerts, the board by category, latest notes
    c/index.html, c/<商品>.html one page per commodity: a year's trend (inline SVG, ★ notes),
                               this period by market, the last 12 periods, notes citing it
    markets.html, indices.html the latest period by market; category indices (chart + table)
    notes/index.html           published notes; notes/<id>.html the permalink of each,
                               notes/<id>.files/<name> its attachments, notes/<id>.png its
                               share card, notes/<id>.article.html its WeChat article
    downloads.html, data/      prices-all.{csv,xlsx,json}, prices-latest.{csv,xlsx,json},
                               report-latest.json: fixed URLs
    share/<period>.png|.html   the period's share card and WeChat article
    feed.xml, sitemap.xml, robots.txt, build.json
    en/...                     the same pages in English (note bodies stay Chinese)

Every page carries a QR code of its own URL (``--base-url``, else ``[public] base_url``)
and works without JavaScript. Figures come from the same pricewatch.indicators calls the
app makes (report, board, trend, market_comparison, category_index_series) with
``public=True``, notes from ``pricewatch.notes.list_published``, downloads from
pricewatch.export: released data and published notes only (invariant 1).

Atomic: a build is written to ``DIR/builds/.<stamp>.tmp``, renamed to ``DIR/builds/<stamp>``
and then ``DIR/current`` (a symlink: the web server's root) is replaced by a new symlink in
one rename, so a server never serves half a site; the last three builds are kept.
:func:`build_if_changed` (run by the scheduler) rebuilds only when the data version, the
published notes or the address differ from the live build's ``build.json``.
"""

from .builder import build, build_if_changed, current_meta, file_name, fingerprint
from .html import readable

__all__ = ["build", "build_if_changed", "current_meta", "file_name", "fingerprint", "readable"]
