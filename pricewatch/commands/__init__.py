"""One module per ``python -m pricewatch`` command (see pricewatch/cli.py)."""
