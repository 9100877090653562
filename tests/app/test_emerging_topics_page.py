"""AppTest: the 新话题 section of 痛点分析 (cx.emerging_topics) on the small demo store."""
from streamlit.testing.v1 import AppTest

from cx import auth
from cx.db import ROOT


def _open(user):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["user"] = user
    at.run()
    at.switch_page("pages/pain_points.py").run()
    assert not at.exception, at.exception
    return at


def test_blind_spot_section_shows_coverage_and_only_hq_may_add(app_db):
    at = _open(auth.User("t-hq", "测试总部", "hq"))
    assert any(h.value == "新话题（旅程分类之外）" for h in at.subheader)
    assert any("旅程分类覆盖了本期" in c.value for c in at.caption) or any("没有负面语句" in i.value for i in at.info)
    hq_buttons = [b for b in at.button if b.key and b.key.startswith("topic_add_")]
    at = _open(auth.User("t-an", "测试分析", "analyst"))
    assert not [b for b in at.button if b.key and b.key.startswith("topic_add_")]
    expanders = [e for e in at.expander if "本期" in e.label and "相关词" in e.label]
    assert len(hq_buttons) == len(expanders)         # HQ gets one add button per topic, analysts none
