import subprocess
import sys

import pytest

from cx import auth


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "users.yaml"
    monkeypatch.setenv("CX_USERS", str(path))
    return path


def test_add_authenticate_reset(users):
    auth.add_user("alice", "correct-horse", "region", "Alice", region="华东")
    u = auth.authenticate("alice", "correct-horse")
    assert (u.role, u.region, u.can_write, u.can_edit_config) == ("region", "华东", True, False)
    with pytest.raises(auth.AuthError, match="用户名或密码错误"):
        auth.authenticate("alice", "wrong-horse")
    with pytest.raises(auth.AuthError, match="用户名或密码错误"):
        auth.authenticate("nobody", "correct-horse")
    auth.reset_password("alice", "battery-staple")
    assert auth.authenticate("alice", "battery-staple").username == "alice"
    text = users.read_text(encoding="utf-8")
    assert "correct-horse" not in text and "battery-staple" not in text and "$2b$" in text
    assert oct(users.stat().st_mode)[-3:] == "600"


@pytest.mark.parametrize("kw,needle", [
    (dict(username="x y", password="longenough", role="hq"), "用户名"),
    (dict(username="bob", password="short", role="hq"), "至少 8 位"),
    (dict(username="bob", password="longenough", role="king"), "未知角色"),
    (dict(username="bob", password="longenough", role="region"), "必须指定区域"),
    (dict(username="bob", password="longenough", role="store"), "必须指定门店"),
])
def test_invalid_users_refused(users, kw, needle):
    with pytest.raises(auth.AuthError, match=needle):
        auth.add_user(**kw)
    assert not auth.has_users()


def test_duplicate_user_refused(users):
    auth.add_user("bob", "longenough", "hq")
    with pytest.raises(auth.AuthError, match="已存在"):
        auth.add_user("bob", "longenough2", "hq")


def test_scope_per_role(con, users):
    assert auth.scope(con, auth.User("h", "h", "hq")) is None
    assert auth.scope(con, auth.User("a", "a", "analyst")) is None
    assert auth.scope(con, auth.User("r", "r", "region", region="华东")) == ("S001", "S002")
    assert auth.scope(con, auth.User("s", "s", "store", store_id="S003")) == ("S003",)
    assert auth.scope(con, auth.User("r", "r", "region", region="火星")) == ("__none__",)


def test_cli_users(tmp_path):
    env = {"CX_USERS": str(tmp_path / "u.yaml"), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "cx", "users", "add", "carol", "--role", "store", "--store", "S0001", "--allow-unknown"],
                       input="a-long-password\n", capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "cx", "users", "list"], capture_output=True, text=True, env=env)
    assert "carol" in r.stdout and "门店店长" in r.stdout
    r = subprocess.run([sys.executable, "-m", "cx", "users", "add", "dave", "--role", "hq"], input="short\n",
                       capture_output=True, text=True, env=env)
    assert r.returncode != 0 and "至少 8 位" in r.stderr and "Traceback" not in r.stderr
