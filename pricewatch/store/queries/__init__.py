"""Read queries of the store, one module per entity (only the store speaks SQL).

* :mod:`.catalog` - commodities, markets, their aliases;
* :mod:`.observations` - prices as an audience sees them (``obs_public`` / ``obs_staff``),
  the per-period aggregates behind the indicators, fingerprints of released data;
* :mod:`.uploads` - uploaded files: history, pending ones, what a reviewer checks before a
  release, when a date's data first arrived;
* :mod:`.briefings` - the archive of generated briefings (and the writes that record them);
* :mod:`.accounts` - user rows; :mod:`.audit` - the audit log.

Interpretation notes are files, not rows (:mod:`pricewatch.notes`): they have no module here.
Writes that change observations live in :mod:`pricewatch.store.writes`.

The package imports its modules, so callers write ``queries.uploads.pending_uploads(s)``.
"""

from . import accounts, audit, briefings, catalog, observations, uploads

__all__ = ["accounts", "audit", "briefings", "catalog", "observations", "uploads"]
