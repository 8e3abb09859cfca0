"""The served entry point: ``streamlit run dashboard/server.py``.

It runs the same app as dashboard/app.py and adds one plain HTTP route beside the pages:
``/feed.xml``, the Atom feed of published notes (for the bureau's website and its WeChat
account). The feed is built by pricewatch.notes from published notes only (invariant 1).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pricewatch import notes
from pricewatch.config import load_settings
from pricewatch.errors import PricewatchError
from pricewatch.store import open_store


def _feed_bytes() -> bytes:
    settings = load_settings()
    return notes.feed_xml(settings, open_store(settings.db_path))


async def feed(request: Request) -> Response:
    try:
        body = await run_in_threadpool(_feed_bytes)
    except PricewatchError as e:
        return Response(f"订阅源暂不可用: {e}", status_code=503,
                        media_type="text/plain; charset=utf-8")
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300"})


app = st.App(Path(__file__).with_name("app.py"), routes=[Route("/feed.xml", feed)])
