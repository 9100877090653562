"""Login, first-admin set-up, and what each role sees through the pages (AppTest)."""
import pytest
from streamlit.testing.v1 import AppTest

from cx import auth, db
from cx.db import ROOT


@pytest.fixture
def env(app_db):
    return app_db


def app():
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def test_first_start_on_real_data_forces_admin_setup(env):
    at = app().run()
    assert any("创建首个总部管理员" in h.value for h in at.subheader)
    assert not at.metric                                # nothing of the data is shown
    at.text_input(key="setup_code").input("00000000")   # a guessed code is refused: arriving first is not enough
    at.text_input[1].input("boss")
    at.text_input[2].input("老板")
    at.text_input[3].input("s3cret-pass")
    at.text_input[4].input("s3cret-pass")
    at.button[0].click().run()
    assert any("设置码不正确" in e.value for e in at.error) and not auth.has_users()
    code = (auth.users_path().with_name(auth.users_path().name + ".setup-code")).read_text().strip()
    at.text_input(key="setup_code").input(code)
    at.text_input[3].input("s3cret-pass")
    at.text_input[4].input("s3cret-pass")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert [u.username for u in auth.list_users()] == ["boss"]
    assert at.metric                                    # signed in, home page shown


def test_login_wrong_then_right_password(env):
    con = db.connect(env)
    auth.create_demo_users(con)
    con.close()
    at = app().run()
    at.text_input(key="login_user").input("demo-hq")
    at.text_input(key="login_pw").input("wrong-password")
    at.button[0].click().run()
    assert any("用户名或密码错误" in e.value for e in at.error)
    at.text_input(key="login_pw").input(auth.DEMO_PASSWORDS["hq"])
    at.button[0].click().run()
    assert not at.exception and at.session_state["user"].role == "hq"


def test_store_user_sees_only_own_store_on_every_page(env):
    con = db.connect(env)
    users = {u.role: u for u in auth.create_demo_users(con)}
    all_stores = {r[0] for r in con.execute("SELECT store_id FROM stores").fetchall()}
    con.close()
    store = users["store"]
    at = app()
    at.session_state["user"] = store
    at.run()
    for page in ("pages/overview.py", "pages/pain_points.py", "pages/journey.py", "pages/rankings.py",
                 "pages/store_profile.py", "pages/tickets.py", "pages/kano.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        opts = {str(o).split(" ")[0] for o in at.multiselect(key="f_stores").options}
        assert opts <= {store.store_id}, page
        for df in at.dataframe:
            v = df.value
            for col in ("门店编号", "store_id"):
                if col in v.columns:
                    assert set(v[col].dropna()) <= {store.store_id}, (page, col)
        others = all_stores - {store.store_id}
        text = " ".join(str(m.value) for m in at.markdown) + " ".join(str(c.value) for c in at.caption)
        assert not any(f"{s} " in text for s in others), page


def test_analyst_is_read_only(env):
    at = app()
    at.session_state["user"] = auth.User("a", "分析师", "analyst")
    at.run()
    at.switch_page("pages/import_data.py").run()
    assert any("只读" in i.value for i in at.info)
    assert not at.get("file_uploader")
    at.switch_page("pages/scheme.py").run()
    assert all(s.disabled for s in at.slider)


def test_home_page_counts_are_scoped(env):
    con = db.connect(env)
    users = {u.role: u for u in auth.create_demo_users(con)}
    in_region = con.execute("SELECT count(*) FROM stores WHERE region = ?", [users["region"].region]).fetchone()[0]
    total = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
    con.close()
    at = app()
    at.session_state["user"] = users["region"]
    at.run()
    assert not at.exception, at.exception
    assert total > 0
    assert any(t.value == f"我的区域 · {users['region'].region}" for t in at.title)
    [league] = [d.value for d in at.dataframe if "全连锁排名" in d.value.columns]
    assert len(league) == in_region           # the region's stores, each once, none from elsewhere
