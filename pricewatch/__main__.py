"""``python -m pricewatch``: runs the command line, which lives above the library in the
top-level package :mod:`pwcli` (it reaches ingest as well). It is looked up by name when the
command runs, so the library itself never imports the layer above it; nothing imports this
module."""

import importlib

raise SystemExit(importlib.import_module("pwcli.cli").main())
