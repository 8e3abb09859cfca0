"""How pages show a refusal: the message and its hint, then one line per finding.

A finding quotes note text (a sentence with a sensitive term, a wrong figure), which is
untrusted: every line is escaped for markdown before st.error renders it, so a quoted
"**" or "[x](javascript:...)" shows as typed.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import streamlit as st

from pricewatch.errors import PricewatchError
from pricewatch.textfmt import zh_punct

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


def md_escape(text: str) -> str:
    """``text`` with markdown's special characters backslash-escaped (shown as typed)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def refusal_text(e: PricewatchError) -> str:
    """The refusal as markdown: message — hint, then each finding on its own line."""
    head = zh_punct(e.message) + (f" — {zh_punct(e.hint)}" if e.hint else "")
    lines = [md_escape(head)] + [f"- {md_escape(d)}" for d in e.details]
    return "\n".join(lines[:1] + ([""] if len(lines) > 1 else []) + lines[1:])


def show_error(e: PricewatchError) -> None:
    st.error(refusal_text(e))


@contextlib.contextmanager
def stop_on_refusal(*, warning: bool = False) -> Iterator[None]:
    """A page's reads: a refusal is shown as :func:`show_error` shows it (a warning with
    ``warning``) and the page stops there."""
    try:
        yield
    except PricewatchError as e:
        (st.warning if warning else st.error)(refusal_text(e))
        st.stop()
