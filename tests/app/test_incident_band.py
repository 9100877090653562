"""The 「重大事件」 band on 首页, 总览, 门店画像, 新兴问题 (痛点分析) and the deck's first slide."""
from datetime import date, datetime

import pytest
from streamlit.testing.v1 import AppTest

from cx import auth, db
from cx.db import ROOT
from cx.filters import Filters
from cx.report import deck

HQ = auth.User("t-hq", "测试总部", "hq")


@pytest.fixture
def with_incident(app_db):
    """The small demo plus one incident at the planted store inside the default period."""
    con = db.connect(app_db)
    store = db.demo_stories(con)["incident"]["store_id"]
    ids = [r[0] for r in con.execute("SELECT feedback_id FROM feedback WHERE store_id = ? ORDER BY created_at DESC LIMIT 3",
                                     [store]).fetchall()]
    con.execute("""INSERT INTO incidents VALUES ('inc1', ?, 'touchpoint', 'food_safety', 'high', DATE '2026-08-10',
                   DATE '2026-08-24', DATE '2026-08-13', DATE '2026-08-24', 40, 3.5, 14, DATE '2026-08-23', 30, 2.0,
                   1e-12, 1e-9, ?, 'tk1', 'subsided', '测试方法', ?)""", [store, ids, datetime(2026, 8, 25)])
    db.bump_data_version(con)
    name = con.execute("SELECT name FROM stores WHERE store_id = ?", [store]).fetchone()[0]
    con.close()
    return store, name


def start(page=None):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = HQ
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def labels(at):
    return [e.label for e in at.expander]


def test_overview_band_names_the_incident(with_incident):
    store, name = with_incident
    at = start("pages/overview.py")
    assert any("重大事件" in m.value for m in at.markdown)
    hit = [x for x in labels(at) if name in x]
    assert hit and "食品安全" in hit[0] and "40 条" in hit[0] and "【高·已平息】" in hit[0]      # the state's label, not its code
    # outside its period the band says nothing was found
    at.date_input(key="f_dates").set_value((date(2026, 10, 1), date(2026, 10, 31))).run()
    assert not any(name in x for x in labels(at))
    assert any("本期未检测到" in c.value for c in at.caption)


def test_pain_points_lists_the_volume_spike(with_incident):
    _, name = with_incident
    at = start("pages/pain_points.py")
    assert any("提及量突增" in e.value and name in e.value for e in at.error)


def test_store_profile_shows_only_its_own_incident(with_incident):
    store, name = with_incident
    at = start("pages/store_profile.py")
    at.selectbox(key="profile_store").set_value(store).run()
    assert any(name in x for x in labels(at))
    other = next(s for s in at.selectbox(key="profile_store").options if not s.startswith(store))
    at.selectbox(key="profile_store").set_value(other.split()[0]).run()
    assert not any(name in x for x in labels(at))


def test_deck_opens_with_the_incident(with_incident, app_db):
    _, name = with_incident
    con = db.connect(app_db, read_only=True)
    r = deck.collect(con, Filters(date(2026, 8, 1), date(2026, 8, 31)), "全连锁", sections=("客户说什么",))
    assert r.slides[0].title == "重大事件" and name in r.slides[0].bullets[0]
    r = deck.collect(con, Filters(date(2026, 10, 1), date(2026, 10, 31)), "全连锁", sections=("客户说什么",))
    assert r.slides[0].title == "重大事件" and "未检测到" in r.slides[0].bullets[0]


def test_one_event_with_two_triggers_is_one_band_entry(with_incident, app_db):
    """A second incident at the store over the same days and the same feedback (the burst's sensitive-word
    class) joins the first: one entry naming both triggers, not two."""
    store, name = with_incident
    con = db.connect(app_db)
    con.execute("""INSERT INTO incidents SELECT 'inc2', store_id, 'sensitive', 'food_safety', 'high', start_at + 1, end_at,
                   first_flagged, last_flagged, 25, 1.5, 7, peak_end, 20, 1.0, 1e-10, 1e-8, feedback_ids, 'tk2',
                   'subsided', method, updated_at FROM incidents WHERE incident_id = 'inc1'""")
    db.bump_data_version(con)
    nos = [r[0] for r in con.execute("SELECT t.ticket_no FROM incidents i JOIN tickets t USING (ticket_id) "
                                     "WHERE i.store_id = ?", [store]).fetchall()]
    con.close()
    at = start("pages/overview.py")
    hit = [x for x in labels(at) if name in x]
    assert len(hit) == 1 and "同一事件触发" in hit[0] and "食品安全负面提及 40 条" in hit[0] and "食品安全敏感词 25 条" in hit[0]
    assert any("本期 1 起" in m.value for m in at.markdown), [m.value for m in at.markdown]
    [line] = [c.value for c in at.caption if c.value.startswith("工单：")]          # the event's tickets, one line
    assert all(n in line for n in nos) and (line == "工单：尚未生成") == (not nos)
