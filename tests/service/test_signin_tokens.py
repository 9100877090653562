"""Sign-in throttling, first-admin one-time code, sessions, and API tokens (no server needed)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cx import auth, signin, tokens


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_USERS", str(tmp_path / "users.yaml"))
    monkeypatch.setenv("CX_TOKENS", str(tmp_path / "tokens.yaml"))
    monkeypatch.setenv("CX_SECRET_FILE", str(tmp_path / "secret"))
    monkeypatch.setattr(signin, "THROTTLE", signin.Throttle())


def test_growing_delay_then_lock_then_unlock():
    t = signin.Throttle()
    keys, now = ["user:bob", "addr:1.2.3.4"], 1000.0
    delays = []
    for i in range(signin.LOCK_AFTER - 1):
        delays.append(t.check(keys, now + i)[1])
        assert not t.failed(keys, now + i)
    assert delays[:3] == [0, 0, 0] and delays[3:6] == [1, 2, 4] and max(delays) <= 30
    assert t.failed(keys, now + 20)                               # the 10th failure locks
    locked, _ = t.check(keys, now + 21)
    assert 0 < locked <= signin.LOCK_SECONDS
    assert t.check(["addr:1.2.3.4"], now + 21) == (0, 0)           # the address is not locked by one user's failures
    assert t.check(["user:carol", "addr:1.2.3.4"], now + 21) == (0, 0)   # a colleague at the same address signs in
    assert t.check(keys, now + 21 + signin.LOCK_SECONDS)[0] == 0


def test_an_address_locks_only_after_many_failures_across_names():
    t, now = signin.Throttle(), 1000.0
    limit = signin.addr_lock_after()
    assert limit >= 5 * signin.LOCK_AFTER
    for i in range(limit - 1):
        assert not t.failed([f"user:u{i}", "addr:5.6.7.8"], now + i)    # a different name each time
    assert t.check(["user:new", "addr:5.6.7.8"], now + limit)[1] > 0   # a growing delay by now
    assert t.failed(["user:last", "addr:5.6.7.8"], now + limit)
    assert t.check(["user:anyone", "addr:5.6.7.8"], now + limit + 1)[0] > 0
    assert t.check(["user:anyone", "addr:9.9.9.9"], now + limit + 1) == (0, 0)


def test_sign_in_is_audited_and_locks(con):
    auth.add_user("alice", "correct-horse", "hq")
    waits = []
    for _ in range(signin.LOCK_AFTER):
        with pytest.raises(signin.SignInError):
            signin.sign_in(con, "alice", "wrong-password", "10.0.0.9", sleep=waits.append)
    with pytest.raises(signin.SignInError, match="锁定"):
        signin.sign_in(con, "alice", "correct-horse", "10.0.0.9", sleep=waits.append)
    assert waits and waits == sorted(waits)                       # the delay grows
    acts = [r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY logged_at").fetchall()]
    assert acts.count("login_failed") == signin.LOCK_AFTER and "login_locked" in acts


def test_first_admin_needs_the_one_time_code(capsys):
    code = signin.first_admin_code()
    assert code and code in capsys.readouterr().err              # printed in the service log
    with pytest.raises(signin.SignInError):
        signin.create_first_admin("12345678" if code != "12345678" else "87654321", "root", "long-password", None)
    assert not auth.has_users()
    assert signin.create_first_admin(code, "root", "long-password", "管理员").role == "hq"
    assert signin.first_admin_code() is None
    with pytest.raises(signin.SignInError):
        signin.create_first_admin(code, "second", "long-password", None)   # used once


def test_sessions_are_signed_revocable_and_idle_out(con):
    u = auth.add_user("carol", "long-password", "store", store_id="S001")
    t0 = datetime(2026, 11, 1, 9)
    cookie = signin.open_session(con, u, now=t0)
    assert signin.user_of(con, cookie, now=t0 + timedelta(hours=1)) == u
    assert signin.user_of(con, cookie[:-2] + "xx", now=t0) is None              # tampered signature
    assert signin.user_of(con, cookie, now=t0 + timedelta(hours=1, seconds=signin.IDLE_SECONDS + 1)) is None
    c2 = signin.open_session(con, u, now=t0)
    signin.close_session(con, c2)
    assert signin.user_of(con, c2, now=t0) is None


def test_tokens_hashed_scoped_revocable(tmp_path):
    t, secret = tokens.add("pos-east", "region", region="华东")
    assert t.user().role == "region" and t.user().region == "华东"
    assert secret not in (tmp_path / "tokens.yaml").read_text() and tokens.verify(secret) == t
    assert tokens.verify(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    with pytest.raises(tokens.TokenError):
        tokens.add("pos-east", "hq")
    with pytest.raises(tokens.TokenError):
        tokens.add("x1", "store")                                 # a store token needs its store
    tokens.revoke("pos-east")
    assert tokens.verify(secret) is None
