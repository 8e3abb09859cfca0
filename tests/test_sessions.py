"""Staff sessions: server-side, revocable, out of the ingest's way; the login store is audited
together with the database's audit log."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pricewatch import accounts, sessions, textfmt
from pricewatch.audit import audit_log
from pricewatch.config import Settings
from pricewatch.errors import AuthError
from pricewatch.store import Store

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 1, 5, 9, 0, 0)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(accounts, "_dummy_hash", None)


@pytest.fixture
def staff(store: Store) -> Store:
    for name, role in (("zhang", "editor"), ("li", "reviewer"), ("wang", "leader")):
        accounts.add_user(store, name, role, f"{name}-pass-1")
    return store


def test_a_session_lasts_its_working_day_and_ends_when_idle(staff: Store) -> None:
    settings = replace(Settings(), session_hours=8, session_idle_minutes=60)
    user, token = sessions.login(staff, "zhang", "zhang-pass-1", client="10.0.0.5",
                                 settings=settings, now=T0)
    assert user.role == "editor" and len(token) >= 40
    # used every 50 minutes: alive for the whole working day, not one minute longer
    t = T0
    while t + timedelta(minutes=50) < T0 + timedelta(hours=8):
        t += timedelta(minutes=50)
        assert sessions.resolve(staff, token, now=t) == accounts.User("zhang", "editor")
    assert sessions.resolve(staff, token, now=T0 + timedelta(hours=8, seconds=1)) is None
    # left alone for more than the idle time: ended
    _, idle = sessions.login(staff, "zhang", "zhang-pass-1", client="10.0.0.5", settings=settings, now=T0)
    assert sessions.resolve(staff, idle, now=T0 + timedelta(minutes=59)) is not None
    assert sessions.resolve(staff, idle, now=T0 + timedelta(minutes=59 + 61)) is None


def test_the_browser_token_is_not_what_is_stored(staff: Store) -> None:
    _, token = sessions.login(staff, "li", "li-pass-1", client="10.0.0.5", now=T0)
    raw = sessions.auth_db(staff).path.read_bytes()
    assert token.encode() not in raw and sessions.token_hash(token).encode() in raw
    assert sessions.resolve(staff, token[:-1] + ("A" if token[-1] != "A" else "B"), now=T0) is None
    assert sessions.resolve(staff, None) is None and sessions.resolve(staff, "") is None


def test_logout_revoke_disable_and_password_reset_end_sessions(staff: Store) -> None:
    _, a = sessions.login(staff, "zhang", "zhang-pass-1", client="10.0.0.5")
    _, b = sessions.login(staff, "zhang", "zhang-pass-1", client="10.0.0.6")
    _, c = sessions.login(staff, "li", "li-pass-1", client="10.0.0.7")
    sessions.end(staff, a)  # logout: that browser's session only
    assert sessions.resolve(staff, a) is None and sessions.resolve(staff, b) is not None
    assert sessions.revoke_user(staff, "zhang", actor="admin") == 1
    assert sessions.resolve(staff, b) is None and sessions.resolve(staff, c) is not None
    accounts.add_user(staff, "li", "reviewer", "new-li-pass-2")  # a password reset
    assert sessions.resolve(staff, c) is None
    with pytest.raises(AuthError):
        sessions.login(staff, "li", "li-pass-1", client="10.0.0.7")
    actions = audit_log(staff)["action"].tolist()
    for a_ in ("login.ok", "session.logout", "session.revoke", "users.update", "login.failed"):
        assert a_ in actions


def test_a_login_does_not_wait_for_an_ingest_holding_the_write_lock(staff: Store) -> None:
    """Another process holds the store's exclusive write lock (as a long ingest does); a
    login, its session and a page's session check all finish while it is still held."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT);"
         " fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()",
         str(staff.lock_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        done: list[object] = []

        def log_in() -> None:
            try:
                user, token = sessions.login(staff, "wang", "wang-pass-1", client="10.0.0.8")
                done.append(sessions.resolve(staff, token))
                with pytest.raises(AuthError):
                    accounts.authenticate(staff, "wang", "not-the-pass", client="10.0.0.9")
                done.append(sessions.landing(user))
            except BaseException as e:  # noqa: BLE001 (reported below)
                done.append(e)

        t = threading.Thread(target=log_in, daemon=True)
        t.start()
        t.join(timeout=60)  # the old login queued behind the lock for up to 120 s
        assert holder.poll() is None, "the lock holder must still hold the lock"
        assert done == [accounts.User("wang", "leader"), "briefing"], done
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_leaders_land_on_the_briefing_and_others_on_their_main_page() -> None:
    land = {r: sessions.landing(accounts.User("x", r)) for r in accounts.ROLES}
    assert land == {"leader": "briefing", "editor": "upload", "reviewer": "review", "admin": "review"}


def test_users_sessions_and_revoke_on_the_command_line(staff: Store) -> None:
    _, token = sessions.login(staff, "zhang", "zhang-pass-1", client="10.0.0.5")

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pricewatch", "users", *args, "--db", str(staff.path)],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)

    listed = cli("sessions")
    assert listed.returncode == 0, listed.stderr
    assert "zhang" in listed.stdout and "10.0.0.5" in listed.stdout and token not in listed.stdout
    # stored in UTC, printed in the bureau's zone (default Asia/Shanghai, 8 hours ahead)
    row = sessions.active(staff)[0]
    assert f"登录 {textfmt.clock(row.created_at, 'Asia/Shanghai')}" in listed.stdout
    assert f"到期 {textfmt.clock(row.expires_at, 'Asia/Shanghai')}" in listed.stdout
    assert f"{row.created_at:%Y-%m-%d %H:%M}" not in listed.stdout and "UTC" not in listed.stdout
    as_json = json.loads(cli("sessions", "--json").stdout)
    assert as_json[0]["login_at"] == textfmt.rfc3339(row.created_at, "Asia/Shanghai")
    assert as_json[0]["login_at"].endswith("+08:00")
    revoked = cli("revoke", "zhang", "--as", "li")
    assert revoked.returncode == 0 and "1 个登录会话" in revoked.stdout, revoked.stderr
    assert sessions.resolve(staff, token) is None
    unknown = cli("revoke", "nobody")
    assert unknown.returncode == 1 and "不存在" in unknown.stderr and "Traceback" not in unknown.stderr
    line = audit_log(staff, action_prefix="session")
    assert line.iloc[0]["actor"] == "li" and line.iloc[0]["target"] == "zhang"


def test_backup_keeps_the_login_audit_and_a_restore_brings_no_session_back(staff: Store, tmp_path: Path) -> None:
    from pricewatch import backup

    _, token = sessions.login(staff, "zhang", "zhang-pass-1", client="10.0.0.5")
    settings = replace(Settings(), db_path=staff.path, interpretations_dir=tmp_path / "notes",
                       archive_dir=tmp_path / "archive")
    backup.backup(staff, settings, tmp_path / "b.tar.gz")
    restored = backup.restore(tmp_path / "b.tar.gz", tmp_path / "new" / "pw.duckdb")
    new = Store(restored.db)
    assert "login.ok" in audit_log(new)["action"].tolist()
    assert sessions.resolve(new, token) is None  # a restore brings no session back
    assert sessions.resolve(staff, token) is not None


def test_a_failed_login_is_audited_with_its_reason_in_chinese(staff: Store) -> None:
    from pricewatch import audit

    for name, pw in (("zhang", "not-the-pass"), ("nobody", "zhang-pass-1")):
        with pytest.raises(AuthError):
            accounts.authenticate(staff, name, pw, client="10.0.0.5")
    log = audit_log(staff, action_prefix="login")
    stored = [json.loads(d)["reason"] if isinstance(d, str) else d["reason"] for d in log["detail"]]
    assert sorted(stored) == ["密码错误", "账号不存在或已停用"]
    csv_text = audit.to_csv(audit.readable(log, "Asia/Shanghai")).decode("utf-8-sig")
    assert "原因：密码错误" in csv_text and "原因：账号不存在或已停用" in csv_text
    assert "password" not in csv_text and "unknown" not in csv_text
    assert audit.detail_text(log["detail"].iloc[0], "en").count("原因") == 0
