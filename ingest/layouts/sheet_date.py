"""Layout (f): one sheet per date, the date only in the sheet name.

"Sep.21th", "Oct.5th", "5月6日", "2024-05-06", "第18周": the year comes from the sheet's
own title, else from ``--date`` (the year of it); without either the sheet is rejected
with ``date_no_year`` rather than guessed.
"""

from __future__ import annotations

from ..normalise import parse_date


def date_in_name(name: str) -> bool:
    d, problem = parse_date(name, 2000)
    return d is not None
