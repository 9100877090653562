"""The page without the service (``streamlit run app.py``, AppTest): with CX_DEMO=off a missing store is created
empty — no demo build, no demo accounts — and the first-admin form (set-up code) is all that is shown."""
from streamlit.testing.v1 import AppTest

from cx import auth, db, demo
from cx.db import ROOT


def test_demo_off_creates_an_empty_store_and_asks_for_the_first_admin(tmp_path, monkeypatch):
    store = tmp_path / "real.duckdb"
    monkeypatch.setenv("CX_DB", str(store))
    monkeypatch.setenv("CX_USERS", str(tmp_path / "users.yaml"))
    monkeypatch.setenv("CX_DATA", str(tmp_path))
    monkeypatch.setenv("CX_DEMO", "off")

    def no_demo(*a, **kw):
        raise AssertionError("the demo must not be built with CX_DEMO=off")
    monkeypatch.setattr(demo, "build", no_demo)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert any("创建首个总部管理员" in s.value for s in at.subheader)
    assert not any("首次启动" in i.value for i in at.info)
    assert store.exists() and auth.list_users(tmp_path / "users.yaml") == []
    con = db.connect(store)          # the page holds this file open in this process (same configuration)
    try:
        assert db.demo_stories(con) == {} and con.execute("SELECT count(*) FROM stores").fetchone()[0] == 0
    finally:
        con.close()


def test_demo_build_adds_no_demo_accounts_to_a_real_accounts_file(tmp_path, monkeypatch):
    from cx import firstrun
    from tests.conftest import SMALL_DEMO

    monkeypatch.setenv("CX_USERS", str(tmp_path / "users.yaml"))
    monkeypatch.delenv("CX_DEMO", raising=False)
    real = demo.build
    monkeypatch.setattr(demo, "build", lambda path, cfg=None, progress=None: real(path, SMALL_DEMO, progress=progress))
    auth.add_user("boss", "long-password-1", "hq", "总部")
    firstrun.build_demo(tmp_path / "a.duckdb")
    assert [u.username for u in auth.list_users()] == ["boss"]
    (tmp_path / "users.yaml").unlink()
    firstrun.build_demo(tmp_path / "b.duckdb")
    assert {u.username for u in auth.list_users()} == {f"demo-{r}" for r in auth.DEMO_PASSWORDS}
