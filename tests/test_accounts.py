"""Accounts: salted hashes only, wrong passwords refused, repeated failures locked out,
the users command reads a password from stdin."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pricewatch import accounts
from pricewatch.errors import AuthError, InputError
from pricewatch.store import Store, queries

ROOT = Path(__file__).resolve().parent.parent


def test_no_plaintext_is_stored_and_each_hash_is_salted(store: Store) -> None:
    accounts.add_user(store, "zhang", "editor", "correct horse 1")
    accounts.add_user(store, "wang", "editor", "correct horse 1")
    with store.read() as s:
        rows = s.all("SELECT name, password_hash FROM users ORDER BY name")
        dump = str(s.all("SELECT * FROM users")) + str(s.all("SELECT * FROM audit_log"))
    assert "correct horse 1" not in dump
    assert all(h.startswith("$argon2id$") for _, h in rows)
    assert rows[0][1] != rows[1][1]  # same password, different salt


def test_right_password_logs_in_and_wrong_one_is_refused(store: Store) -> None:
    accounts.add_user(store, "zhang", "reviewer", "s3cret-pass")
    user = accounts.authenticate(store, "zhang", "s3cret-pass")
    assert (user.name, user.role) == ("zhang", "reviewer")
    with pytest.raises(AuthError, match="用户名或密码错误"):
        accounts.authenticate(store, "zhang", "wrong-pass")
    with pytest.raises(AuthError, match="用户名或密码错误"):
        accounts.authenticate(store, "nobody", "s3cret-pass")
    with store.read() as s:
        actions = queries.audit_log(s)["action"].tolist()
    assert actions.count("login.ok") == 1 and actions.count("login.failed") == 2


def test_failures_in_a_row_lock_the_account_even_for_the_right_password(store: Store) -> None:
    accounts.add_user(store, "zhang", "editor", "s3cret-pass")
    now = datetime(2026, 1, 5, 9, 0, 0)
    for _ in range(2):
        with pytest.raises(AuthError):
            accounts.authenticate(store, "zhang", "nope-nope", now=now)
    with pytest.raises(AuthError, match="锁定"):
        accounts.authenticate(store, "zhang", "nope-nope", now=now)  # third failure: locked 30 s
    with pytest.raises(AuthError, match="秒后重试"):
        accounts.authenticate(store, "zhang", "s3cret-pass", now=now + timedelta(seconds=10))
    user = accounts.authenticate(store, "zhang", "s3cret-pass", now=now + timedelta(seconds=31))
    assert user.name == "zhang"


def test_short_passwords_and_unknown_roles_are_refused(store: Store) -> None:
    with pytest.raises(InputError, match="密码太短"):
        accounts.add_user(store, "zhang", "editor", "short")
    with pytest.raises(InputError, match="未知角色"):
        accounts.add_user(store, "zhang", "boss", "long-enough-pass")


def test_roles_grant_their_permissions() -> None:
    assert accounts.User("a", "editor").can("upload")
    assert not accounts.User("a", "editor").can("release")
    assert accounts.User("b", "reviewer").can("release")
    assert not accounts.User("c", "leader").can("upload")
    assert accounts.User("d", "admin").can("anything")


def test_users_add_reads_the_first_line_of_stdin(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    run = subprocess.run(
        [sys.executable, "-m", "pricewatch", "users", "add", "zhao", "--role", "leader", "--db", str(db)],
        input="leader-pass-1\nignored second line\n", capture_output=True, text=True, cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "zhao" in run.stdout
    assert accounts.authenticate(Store(db), "zhao", "leader-pass-1").role == "leader"
    bad = subprocess.run(
        [sys.executable, "-m", "pricewatch", "users", "add", "x", "--role", "leader", "--db", str(db)],
        input="short\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert bad.returncode == 1 and "密码太短" in bad.stderr and "Traceback" not in bad.stderr
