"""The served entry point: ``streamlit run dashboard/server.py``.

It runs the same app as dashboard/app.py and adds a few plain HTTP routes beside the pages:

* ``/feed.xml``: the Atom feed of published notes (for the bureau's website and its WeChat
  account), built by pricewatch.notes from published notes only (invariant 1).
* ``POST /auth/login`` and ``POST /auth/logout``: the staff login. Only an HTTP response can
  set an HttpOnly cookie, and Streamlit's script cannot send one, so the login form
  (dashboard/auth.py) posts here: the route checks the password (pricewatch.sessions),
  sets ``pw_session`` (HttpOnly, SameSite=Strict, Secure under HTTPS, Max-Age the session's
  lifetime) and redirects to the page that was asked for, or to the role's landing page.
  The token is never in a URL. Every page run reads the cookie through st.context.cookies
  and checks the session on the server, so a logout or a revocation ends every tab at once.
* ``/files/notes/{id}/{name}``: a note's attachment, for anyone when the note is published,
  otherwise only to a staff session (no Streamlit media URL that outlives the session).

The middleware answers 404 to Streamlit's internal endpoints that nobody outside needs
(``/_stcore/metrics``, the script health check, the agent API): the app does not serve them
to the public even without the nginx in front of it. It also clears a dead session cookie:
when a page is loaded (a reload, a new tab, a bookmark, a link) with a ``pw_session`` cookie
whose session was revoked, ended elsewhere, expired or idled out, the page's response
carries ``Set-Cookie: pw_session=; Max-Age=0``, so the browser no longer holds a token the
server refuses.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import quote, urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard.auth import app_base_path
from dashboard.nav import PUBLIC_PAGES, STAFF_PAGES
from pricewatch import notes, sessions
from pricewatch.config import Settings, load_settings
from pricewatch.errors import AuthError, PricewatchError
from pricewatch.store import open_store

#: internal endpoints that answer 404 here (prefixes of the path below the base URL path)
BLOCKED_PREFIXES = ("/_stcore/metrics", "/_stcore/script-health-check", "/_stcore/agent")
#: url paths a login may continue to (no open redirect to another site)
KNOWN_PATHS = frozenset(p.url_path for p in PUBLIC_PAGES + STAFF_PAGES) | {"login"}


def _feed_bytes() -> bytes:
    settings = load_settings()
    return notes.feed_xml(settings, open_store(settings.db_path))


async def feed(request: Request) -> Response:
    try:
        body = await run_in_threadpool(_feed_bytes)
    except PricewatchError as e:
        return Response(f"订阅源暂不可用：{e}", status_code=503,
                        media_type="text/plain; charset=utf-8")
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300"})


# -- login -----------------------------------------------------------------------------
def _peer(request: Request) -> str:
    """The peer's address (an IPv4 address mapped into IPv6 by a dual-stack socket unmapped)."""
    host = request.client.host if request.client else ""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def _from_proxy(request: Request) -> bool:
    """The peer is this machine (the nginx in front of the app): its forwarded headers count."""
    try:
        return ipaddress.ip_address(_peer(request)).is_loopback
    except ValueError:
        return False


def client_address(request: Request) -> str:
    """The address a request came from: the peer, or what the local proxy says it was."""
    if _from_proxy(request):
        real = request.headers.get("x-real-ip") or request.headers.get("x-forwarded-for", "")
        real = real.split(",")[0].strip()
        if real:
            return real[:64]
    return _peer(request)


def _https(request: Request, settings: Settings) -> bool:
    if settings.cookie_secure in ("true", "always", "yes", "1"):
        return True
    if settings.cookie_secure in ("false", "never", "no", "0"):
        return False
    if request.url.scheme == "https":
        return True
    return _from_proxy(request) and request.headers.get("x-forwarded-proto", "") == "https"


def _same_origin(request: Request) -> bool:
    """A login or logout form must come from one of our own pages (no cross-site posts)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # browsers send Origin on every POST; clients without one are not browsers
    # host names only: a proxy's Host ($host in deploy/nginx) drops a non-default port
    return urlsplit(origin).hostname == urlsplit("//" + request.headers.get("host", "")).hostname


def _page_url(path: str, lang: str, **params: str) -> str:
    query = [f"{k}={quote(v)}" for k, v in params.items()]
    if lang == "en":
        query.append("lang=en")
    return app_base_path() + "/" + path + ("?" + "&".join(query) if query else "")


async def login(request: Request) -> Response:
    settings = load_settings()
    if settings.auth_provider != "builtin" or not _same_origin(request):
        return PlainTextResponse("不接受此登录请求", status_code=403)
    form = await request.form(max_files=0, max_fields=8, max_part_size=4096)
    name, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
    wanted = str(form.get("next", ""))
    wanted = wanted if wanted in KNOWN_PATHS and wanted != "login" else ""
    lang = "en" if form.get("lang") == "en" else "zh"
    store = open_store(settings.db_path)
    try:
        user, token = await run_in_threadpool(
            sessions.login, store, name, password, client=client_address(request),
            agent=request.headers.get("user-agent"), settings=settings)
    except AuthError:
        return RedirectResponse(_page_url(wanted or "login", lang, login="failed"), status_code=303)
    except PricewatchError as e:
        return PlainTextResponse(f"暂时无法登录：{e}", status_code=503)
    response = RedirectResponse(_page_url(wanted or sessions.landing(user), lang), status_code=303)
    response.set_cookie(sessions.COOKIE, token, max_age=int(settings.session_hours * 3600),
                        path="/", secure=_https(request, settings), httponly=True, samesite="strict")
    response.headers["Cache-Control"] = "no-store"
    return response


async def logout(request: Request) -> Response:
    settings = load_settings()
    if not _same_origin(request):
        return PlainTextResponse("不接受此请求", status_code=403)
    form = await request.form(max_files=0, max_fields=4, max_part_size=256)
    token = request.cookies.get(sessions.COOKIE)
    if token:
        await run_in_threadpool(sessions.end, open_store(settings.db_path), token)
    response = RedirectResponse(_page_url("", "en" if form.get("lang") == "en" else "zh"), status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/", secure=_https(request, settings),
                           httponly=True, samesite="strict")
    response.headers["Cache-Control"] = "no-store"
    return response


# -- attachments ---------------------------------------------------------------------------
def _attachment(note_id: str, name: str, token: str | None) -> tuple[Path, str, bool]:
    settings = load_settings()
    store = open_store(settings.db_path)
    user = sessions.resolve(store, token)
    book = notes.Notebook(store, settings)
    book.due_publications()
    path = book.published_attachment(note_id, name, user)
    note = book.repo.get(note_id)
    kind = next((a.get("type") for a in note.attachments if a.get("name") == name), "")
    return path, notes.MIME.get(str(kind), "application/octet-stream"), note.status == "published"


async def attachment(request: Request) -> Response:
    note_id, name = request.path_params["note_id"], request.path_params["name"]
    try:
        path, mime, public = await run_in_threadpool(
            _attachment, note_id, name, request.cookies.get(sessions.COOKIE))
    except PricewatchError:
        return PlainTextResponse("附件不存在，或需要登录后查看", status_code=404)
    return FileResponse(path, media_type=mime, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(path.name)}",
        "Cache-Control": "public, max-age=300" if public else "private, no-store",
        "X-Content-Type-Options": "nosniff"})


# -- internal endpoints and dead cookies -----------------------------------------------------
#: paths that are never a page load (Streamlit's own endpoints and files, our routes)
NOT_PAGES = ("/_stcore/", "/static/", "/component/", "/media/", "/app/static/", "/auth/", "/files/",
             "/feed.xml")


def _dead_session(token: str) -> bool:
    return sessions.resolve(open_store(load_settings().db_path), token) is None


def _clear_cookie_header(request: Request) -> tuple[bytes, bytes]:
    """The Set-Cookie header that removes ``pw_session`` (the attributes it was set with)."""
    gone = Response()
    gone.delete_cookie(sessions.COOKIE, path="/", secure=_https(request, load_settings()),
                       httponly=True, samesite="strict")
    return next((k, v) for k, v in gone.raw_headers if k == b"set-cookie")


class HideInternals:
    """404 for Streamlit endpoints the public has no use for (metrics, agent API, ...); a
    page load that brings a dead session's cookie gets it cleared."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        path = str(scope.get("path", ""))
        base = app_base_path()
        if base and path.startswith(base + "/"):
            path = path[len(base):]
        if scope["type"] == "http" and path.startswith(BLOCKED_PREFIXES):
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        if scope["type"] == "http" and scope.get("method") == "GET" and not path.startswith(NOT_PAGES):
            request = Request(scope)
            token = request.cookies.get(sessions.COOKIE)
            if token and "text/html" in request.headers.get("accept", ""):
                try:
                    dead = await run_in_threadpool(_dead_session, token)
                except PricewatchError:
                    dead = False  # the store cannot be read now: leave the cookie alone
                if dead:
                    header = _clear_cookie_header(request)

                    async def send_clearing(message) -> None:
                        if message["type"] == "http.response.start":
                            message = {**message, "headers": [*message.get("headers", []), header]}
                        await send(message)

                    await self.app(scope, receive, send_clearing)
                    return
        await self.app(scope, receive, send)


_routes = [Route("/feed.xml", feed)]
# Streamlit prefixes only its own routes with server.baseUrlPath (deploy/ serves the staff
# app under /app/): ours are registered under it too
for _prefix in {"", app_base_path()}:
    _routes += [Route(_prefix + "/auth/login", login, methods=["POST"]),
                Route(_prefix + "/auth/logout", logout, methods=["POST"]),
                Route(_prefix + "/files/notes/{note_id}/{name}", attachment, methods=["GET"])]

app = st.App(Path(__file__).with_name("app.py"), routes=_routes, middleware=[Middleware(HideInternals)])
