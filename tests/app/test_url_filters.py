"""The filter bar mirrored in the URL: a copied link opens the same view; out-of-scope links are refused."""
from datetime import date

from streamlit.testing.v1 import AppTest

from cx import auth
from cx.db import ROOT

HQ = auth.User("t-hq", "测试总部", "hq")


def run(user, query: dict, page: str | None = None):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = user
    at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def test_link_filters_open_the_same_view_and_changes_go_back_to_the_url(app_db):
    at = run(HQ, {"from": "2026-03-01", "to": "2026-03-31", "store": ["S0003", "S0005"], "source": "review"},
             "pages/overview.py")
    assert not at.exception, at.exception
    assert at.date_input(key="f_dates").value == (date(2026, 3, 1), date(2026, 3, 31))
    assert at.multiselect(key="f_stores").value == ["S0003", "S0005"]
    assert at.multiselect(key="f_sources").value == ["review"]
    at.multiselect(key="f_sources").select("survey").run()
    assert sorted(at.query_params["source"]) == ["review", "survey"]
    assert at.query_params["from"] == "2026-03-01" and sorted(at.query_params["store"]) == ["S0003", "S0005"]


def test_a_link_outside_the_scope_is_refused_not_widened(app_db):
    from cx import db

    con = db.connect(app_db)
    users = {u.role: u for u in auth.create_demo_users(con)}
    other = con.execute("SELECT min(store_id) FROM stores WHERE store_id <> ?", [users["store"].store_id]).fetchone()[0]
    con.close()
    at = run(users["store"], {"from": "2026-03-01", "to": "2026-03-31", "store": other}, "pages/overview.py")
    assert not at.exception, at.exception
    assert any("不在您的权限范围内" in e.value for e in at.error)
    assert len(at.metric) == 0                      # nothing of the other store (or of any store) is shown
