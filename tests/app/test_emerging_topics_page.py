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


def test_adding_a_topic_needs_a_chosen_touchpoint_confirms_and_can_be_undone(app_db, tmp_path, monkeypatch):
    """F14: no silent default touchpoint; after 加入旅程分类 the page says what was written where and offers
    撤销, which takes the keyword out again (a private copy of the taxonomy file)."""
    from cx import db, emerging_topics
    from cx.ingest import import_bytes
    from cx.text import taxonomy

    con = db.connect(app_db)
    rows = "\n".join(f"ac{i},S0001,2026-10-{1 + i % 28:02d},空调不制冷，热死了，太差了{'！' * (i % 3)}" for i in range(40))
    import_bytes(con, f"编号,门店编号,时间,内容\n{rows}\n".encode(), "ac.csv", "review")
    con.close()
    tax_file = tmp_path / "taxonomy.yaml"
    tax_file.write_text(taxonomy.TAXONOMY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    original = tax_file.read_text(encoding="utf-8")
    add, remove = emerging_topics.add_keyword, emerging_topics.remove_keyword
    monkeypatch.setattr(emerging_topics, "add_keyword", lambda tp, w, path=None: add(tp, w, tax_file))
    monkeypatch.setattr(emerging_topics, "remove_keyword", lambda tp, w, path=None: remove(tp, w, tax_file))
    monkeypatch.setattr(taxonomy, "default", lambda: taxonomy.load(tax_file))

    at = _open(auth.User("t-hq", "测试总部", "hq"))
    i = next(n for n, e in enumerate(e for e in at.expander if "相关词" in e.label) if "空调" in e.label)
    assert at.selectbox(key=f"topic_tp_{i}").value is None                 # no touchpoint chosen for the user
    assert at.button(key=f"topic_add_{i}").disabled
    at.text_input(key=f"topic_word_{i}").set_value("空调")
    at.selectbox(key=f"topic_tp_{i}").set_value("decor").run()
    assert not at.button(key=f"topic_add_{i}").disabled
    at.button(key=f"topic_add_{i}").click().run()
    assert not at.exception, at.exception
    assert "空调" in taxonomy.load(tax_file).by_id["decor"].keywords
    label = taxonomy.load(tax_file).label("decor")
    assert any("空调" in s.value and label in s.value and "data/taxonomy.yaml" in s.value for s in at.success)
    assert any("空调" in e.label and "已加入" in e.label for e in at.expander)
    at.button(key="topic_undo").click().run()
    assert not at.exception, at.exception
    assert tax_file.read_text(encoding="utf-8") == original                 # undone, byte for byte
    assert any("已撤销" in x.value and "空调" in x.value for x in at.info)
    assert not any("空调" in s.value for s in at.success)
