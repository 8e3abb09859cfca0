"""The command line, ``python -m pricewatch COMMAND ...`` (see :mod:`pwcli.cli`).

A layer of its own above ``ingest`` and ``pricewatch``: the ``demo`` command loads its files
through ingest, and the library never imports the command line. ``pricewatch/__main__.py``
hands over to :func:`pwcli.cli.main` by name at run time.
"""
