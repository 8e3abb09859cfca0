"""The served entry point's own routes, over plain HTTP: the login sets an HttpOnly,
SameSite=Strict cookie and answers an unknown name exactly as a wrong password; it goes on
to the page asked for (never to another site); logout clears the cookie and ends the
session; an unpublished note's attachment needs a staff session; Streamlit's internal
endpoints are not served to the public."""

from __future__ import annotations

import http.client
from urllib.parse import quote, urlencode, urlsplit

import pytest

from pricewatch import accounts, notes
from pricewatch.accounts import User
from pricewatch.config import load_settings
from tests.helpers import app_env, running_app

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Client:
    def __init__(self, url: str) -> None:
        self.host = urlsplit(url).netloc

    def request(self, method: str, path: str, *, form: dict | None = None,
                headers: dict | None = None) -> tuple[int, dict[str, list[str]], bytes]:
        con = http.client.HTTPConnection(self.host, timeout=60)
        body = urlencode(form).encode() if form is not None else None
        h = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
        con.request(method, path, body=body, headers={**h, **(headers or {})})
        r = con.getresponse()
        out: dict[str, list[str]] = {}
        for k, v in r.getheaders():
            out.setdefault(k.lower(), []).append(v)
        data = r.read()
        con.close()
        return r.status, out, data


@pytest.fixture(scope="module")
def served(tmp_path_factory, small_template):
    from tests.helpers import copy_db

    root = tmp_path_factory.mktemp("auth_routes")
    store = copy_db(small_template, root / "small.duckdb")  # tests.helpers.build_small_db
    notes_dir = root / "interpretations"
    notes_dir.mkdir()
    accounts.add_user(store, "editor", "editor", "editor-pass-1", actor="test")
    accounts.add_user(store, "reviewer", "reviewer", "review-pass-1", actor="test")
    mp = pytest.MonkeyPatch()
    mp.setenv("PRICEWATCH_DB", str(store.path))
    mp.setenv("PRICEWATCH_NOTES_DIR", str(notes_dir))
    book = notes.Notebook(store, load_settings())
    editor = User("editor", "editor")
    draft = book.create(editor, title="内部草稿", kind="政策解读", body="草稿正文")
    book.add_attachment(editor, draft.id, "内部.pdf", PDF)
    book.submit(editor, draft.id)
    try:
        with running_app(app_env(store.path, notes_dir)) as url:
            yield Client(url), store, draft.id
    finally:
        mp.undo()


def _login(client: Client, name: str, password: str, headers: dict | None = None,
           **extra: str) -> tuple[int, dict, bytes]:
    return client.request("POST", "/auth/login", headers=headers,
                          form={"username": name, "password": password, "next": "", "lang": "zh", **extra})


def _token(headers: dict) -> str:
    cookie = next(c for c in headers["set-cookie"] if c.startswith("pw_session="))
    return cookie.split(";")[0].split("=", 1)[1]


def test_internal_endpoints_are_not_served(served) -> None:
    client, _, _ = served
    for path in ("/_stcore/metrics", "/_stcore/metrics?families=session_events",
                 "/_stcore/agent/openapi.json", "/_stcore/script-health-check"):
        assert client.request("GET", path)[0] == 404, path
    assert client.request("GET", "/_stcore/health")[0] == 200  # the proxy's liveness check


def test_a_login_sets_an_httponly_strict_cookie_and_goes_to_the_landing_page(served) -> None:
    client, _, _ = served
    status, headers, _ = _login(client, "editor", "editor-pass-1")
    assert status == 303 and headers["location"] == ["/upload"]
    cookie = next(c for c in headers["set-cookie"] if c.startswith("pw_session="))
    attrs = {a.strip().split("=")[0].lower(): a for a in cookie.split(";")[1:]}
    assert {"httponly", "path", "samesite", "max-age"} <= set(attrs)
    assert attrs["samesite"].strip().lower() == "samesite=strict" and attrs["max-age"].strip() == "Max-Age=28800"
    assert "secure" not in attrs  # plain HTTP here; HTTPS through the local proxy below
    assert "editor-pass-1" not in headers["location"][0] and _token(headers) not in headers["location"][0]
    status, headers, _ = _login(client, "editor", "editor-pass-1", next="write",
                                lang="en")  # a staff URL asked for: that page, same language
    assert headers["location"] == ["/write?lang=en"]
    status, headers, _ = _login(client, "editor", "editor-pass-1", next="//evil.example/x")
    assert headers["location"] == ["/upload"]  # never to another site
    status, headers, _ = _login(client, "reviewer", "review-pass-1",
                                headers={"X-Forwarded-Proto": "https", "X-Real-IP": "10.9.8.7"})
    assert any("Secure" in c for c in headers["set-cookie"])


def test_unknown_name_and_wrong_password_get_the_same_answer(served) -> None:
    client, _, _ = served
    answers = []
    for name, pw in (("nobody", "editor-pass-1"), ("editor", "wrong-pass-1")):
        status, headers, body = _login(client, name, pw, next="write",
                                       headers={"X-Real-IP": "10.7.7.7"})
        answers.append((status, headers["location"], "set-cookie" in headers, body))
    assert answers[0] == answers[1] == (303, ["/write?login=failed"], False, b"")


def test_a_cross_site_login_form_is_refused(served) -> None:
    client, _, _ = served
    status, headers, _ = _login(client, "editor", "editor-pass-1", headers={"Origin": "https://evil.example"})
    assert status == 403 and "set-cookie" not in headers
    # our own page behind a proxy that passes Host without its port ($host in deploy/nginx)
    status, headers, _ = _login(client, "editor", "editor-pass-1",
                                headers={"Origin": "http://127.0.0.1:8080", "Host": "127.0.0.1"})
    assert status == 303 and "set-cookie" in headers


def test_unpublished_attachments_need_a_staff_session_and_logout_ends_it(served) -> None:
    client, _, draft_id = served
    path = f"/files/notes/{draft_id}/{quote('内部.pdf')}"
    assert client.request("GET", path)[0] == 404  # no session
    assert client.request("GET", path, headers={"Cookie": "pw_session=made-up"})[0] == 404
    _, headers, _ = _login(client, "reviewer", "review-pass-1")
    cookie = {"Cookie": f"pw_session={_token(headers)}"}
    status, h, body = client.request("GET", path, headers=cookie)
    assert status == 200 and body == PDF and h["cache-control"] == ["private, no-store"]
    assert h["content-disposition"][0].startswith("attachment;")
    status, h, _ = client.request("POST", "/auth/logout", form={"lang": "zh"}, headers=cookie)
    assert status == 303 and h["location"] == ["/"]
    assert any(c.startswith('pw_session="";') or "Max-Age=0" in c for c in h["set-cookie"])
    assert client.request("GET", path, headers=cookie)[0] == 404  # the session ended
    assert client.request("GET", f"/files/notes/{draft_id}/..%2F..%2Fsmall.duckdb", headers=cookie)[0] in (400, 404)


def test_published_attachments_are_public(served) -> None:
    client, store, _ = served
    book = notes.Notebook(store, load_settings())
    editor, reviewer = User("editor", "editor"), User("reviewer", "reviewer")
    n = book.create(editor, title="公开解读", kind="政策解读", body="公开正文")
    book.add_attachment(editor, n.id, "公开.pdf", PDF)
    book.submit(editor, n.id)
    book.approve(reviewer, n.id)
    book.publish(reviewer, n.id)
    status, h, body = client.request("GET", f"/files/notes/{n.id}/{quote('公开.pdf')}")
    assert status == 200 and body == PDF


def test_a_page_load_with_a_dead_session_cookie_clears_it(served) -> None:
    """A revoked (or logged-out, expired) session's cookie is removed by the next page load;
    a live one is left alone, and so is a request that is not a page load."""
    from pricewatch import sessions

    client, store, _ = served
    _, headers, _ = _login(client, "editor", "editor-pass-1")
    cookie = {"Cookie": f"pw_session={_token(headers)}", "Accept": "text/html,*/*"}
    status, h, _ = client.request("GET", "/upload", headers=cookie)
    assert status == 200 and not any(c.startswith("pw_session=") for c in h.get("set-cookie", []))  # live: kept
    sessions.revoke_user(store, "editor", actor="test")
    status, h, body = client.request("GET", "/upload", headers=cookie)
    assert status == 200 and b"<html" in body.lower()
    gone = [c for c in h.get("set-cookie", []) if c.startswith("pw_session=")]
    assert gone and "Max-Age=0" in gone[0] and "HttpOnly" in gone[0] and "SameSite=strict" in gone[0], h
    status, h, _ = client.request("GET", "/_stcore/health", headers=cookie)
    assert status == 200 and not any(c.startswith("pw_session=") for c in h.get("set-cookie", [])), h
