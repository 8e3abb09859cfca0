"""Errors inside the parser: a reason code the report turns into a message."""

from __future__ import annotations

from typing import Any


class ParseError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
