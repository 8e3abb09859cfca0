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
from pricewatch.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheaper argon2 parameters for these tests (dozens of logins); the same code paths."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(accounts, "_dummy_hash", None)


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
    from pricewatch.audit import audit_log

    accounts.add_user(store, "zhang", "reviewer", "s3cret-pass")
    user = accounts.authenticate(store, "zhang", "s3cret-pass")
    assert (user.name, user.role) == ("zhang", "reviewer")
    with pytest.raises(AuthError, match="用户名或密码错误"):
        accounts.authenticate(store, "zhang", "wrong-pass")
    with pytest.raises(AuthError, match="用户名或密码错误"):
        accounts.authenticate(store, "nobody", "s3cret-pass")
    actions = audit_log(store)["action"].tolist()
    assert actions.count("login.failed") == 2 and "users.add" in actions


def test_failures_in_a_row_hold_that_address_even_for_the_right_password(store: Store) -> None:
    accounts.add_user(store, "zhang", "editor", "s3cret-pass")
    now = datetime(2026, 1, 5, 9, 0, 0)
    for _ in range(3):
        with pytest.raises(AuthError):
            accounts.authenticate(store, "zhang", "nope-nope", client="10.0.0.9", now=now)
    with pytest.raises(AuthError, match="用户名或密码错误"):  # held 30 s: the same answer
        accounts.authenticate(store, "zhang", "s3cret-pass", client="10.0.0.9",
                              now=now + timedelta(seconds=10))
    user = accounts.authenticate(store, "zhang", "s3cret-pass", client="10.0.0.9",
                                 now=now + timedelta(seconds=31))
    assert user.name == "zhang"


def test_a_stranger_cannot_lock_the_owner_out_of_a_correct_login(store: Store) -> None:
    """Many failures from other addresses hold those addresses; the owner's own address,
    which has not failed, signs in at once with the right password."""
    accounts.add_user(store, "zhang", "editor", "s3cret-pass")
    now = datetime(2026, 1, 5, 9, 0, 0)
    for i in range(30):
        with pytest.raises(AuthError):
            accounts.authenticate(store, "zhang", f"guess-{i:04d}", client=f"203.0.113.{i % 3}", now=now)
    assert accounts.authenticate(store, "zhang", "s3cret-pass", client="10.1.1.1", now=now).name == "zhang"
    with pytest.raises(AuthError):  # but the attacking addresses stay held, right password or not
        accounts.authenticate(store, "zhang", "s3cret-pass", client="203.0.113.1", now=now)


def test_one_address_spraying_many_names_is_held(store: Store) -> None:
    accounts.add_user(store, "zhang", "editor", "s3cret-pass")
    now = datetime(2026, 1, 5, 9, 0, 0)
    for i in range(accounts.CLIENT_FREE):
        with pytest.raises(AuthError):
            accounts.authenticate(store, f"user{i}", "whatever-1", client="198.51.100.7", now=now)
    with pytest.raises(AuthError):
        accounts.authenticate(store, "zhang", "s3cret-pass", client="198.51.100.7", now=now)
    assert accounts.authenticate(store, "zhang", "s3cret-pass", client="10.1.1.1", now=now).name == "zhang"


@pytest.mark.parametrize("case", ["unknown name", "wrong password", "held", "held right password"])
def test_every_refusal_reads_the_same_and_does_the_same_hash_work(
        store: Store, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """The timing of the paths is measured in benchmarks/login_bench.py; this proves that
    each refused path runs exactly one argon2 verification with the same parameters."""
    accounts.add_user(store, "zhang", "editor", "s3cret-pass")
    now = datetime(2026, 1, 5, 9, 0, 0)
    if case.startswith("held"):
        for _ in range(accounts.PAIR_FREE):
            with pytest.raises(AuthError):
                accounts.authenticate(store, "zhang", "nope-nope", client="c", now=now)
    calls: list[str] = []
    real = accounts._hasher
    dummy_params = accounts._dummy().split("$")[3]

    class Counting:
        def verify(self, h: str, pw: str) -> bool:
            calls.append(h.split("$")[3])  # the argon2 parameters (m, t, p) of the hash checked
            return real.verify(h, pw)

    monkeypatch.setattr(accounts, "_hasher", Counting())
    name = "nobody" if case == "unknown name" else "zhang"
    pw = "s3cret-pass" if case == "held right password" else "nope-nope"
    with pytest.raises(AuthError) as err:
        accounts.authenticate(store, name, pw, client="c", now=now)
    assert (err.value.message, err.value.hint) == accounts.LOGIN_REFUSED
    assert calls == [dummy_params]


def test_logins_do_not_write_to_the_database(store: Store) -> None:
    accounts.add_user(store, "zhang", "editor", "s3cret-pass")
    v, files = store.version(), sorted(store.snapshot_dir.iterdir())
    accounts.authenticate(store, "zhang", "s3cret-pass")
    with pytest.raises(AuthError):
        accounts.authenticate(store, "zhang", "wrong-pass")
    assert store.version() == v and sorted(store.snapshot_dir.iterdir()) == files


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
