"""AppTest: every page runs without exceptions on a small demo store, and filters act."""
import json

from streamlit.testing.v1 import AppTest

from cx import auth
from cx.db import ROOT


HQ = auth.User("t-hq", "测试总部", "hq")


def start(user: auth.User | None = HQ):
    """The app with a signed-in user (the login form itself is tested separately)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if user is not None:
        at.session_state["user"] = user
    at.run()
    assert not at.exception, at.exception
    return at


def test_home_shows_store_counts_and_stories(app_db):
    at = start()
    assert [m.label for m in at.metric][:2] == ["门店", "反馈总量"]
    assert at.metric[1].value == "6,000"
    assert any("埋设的故事" in h.value for h in at.subheader)


def test_overview_cards_charts_and_filters(app_db):
    at = start()
    at.switch_page("pages/overview.py").run()
    assert not at.exception, at.exception
    cards = {m.label: m.value for m in at.metric}
    assert set(cards) == {"反馈量", "NPS 净推荐值", "CSAT 满意度", "CES 低费力占比", "差评率"}
    charts = at.get("plotly_chart")
    assert len(charts) == 5                      # 4 trends/mixes + the weekday × hour rhythm
    title = json.loads(charts[0].proto.spec)["layout"]["title"]["text"]
    assert "NPS" in title and "趋势" in title
    total = int(cards["反馈量"].replace(",", ""))
    at.multiselect(key="f_regions").select("华东").run()
    assert not at.exception
    narrowed = int(at.metric[0].value.replace(",", ""))
    assert 0 < narrowed < total


def test_filter_survives_page_switch(app_db):
    at = start()
    at.switch_page("pages/overview.py").run()
    at.multiselect(key="f_regions").select("华南").run()
    at.switch_page("pages/import_data.py").run()
    at.switch_page("pages/overview.py").run()
    assert at.multiselect(key="f_regions").value == ["华南"]


def test_overview_empty_state(app_db):
    from datetime import date

    from cx import db

    con = db.connect(app_db, read_only=True)
    new_store = db.demo_stories(con)["new_stores"]["store_ids"][0]
    con.close()
    at = start()
    at.switch_page("pages/overview.py").run()
    at.date_input(key="f_dates").set_value((date(2025, 11, 1), date(2025, 11, 30))).run()
    at.multiselect(key="f_stores").select(new_store).run()
    assert not at.exception, at.exception
    assert any("没有数据" in i.value for i in at.info)
    assert len(at.metric) == 0


def test_import_page_history_and_template(app_db):
    at = start()
    at.switch_page("pages/import_data.py").run()
    assert not at.exception, at.exception
    assert any("还没有导入记录" in i.value for i in at.info)
    assert at.selectbox(key="imp_source").value == "survey"


def test_pain_points_page(app_db):
    at = start()
    at.switch_page("pages/pain_points.py").run()
    assert not at.exception, at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    spec = json.loads(charts[0].proto.spec)
    assert "负面提及最多的触点" in spec["layout"]["title"]["text"]
    assert len(at.get("image")) == 1         # the word cloud
    at.selectbox(key="pain_tp").select("serving_speed").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="pain_tp").value == "serving_speed"
    # public-opinion posts without a store: their verbatims say so (pandas' NaN once showed as "nan")
    at.selectbox(key="pain_tp").select(None).run()
    at.multiselect(key="f_sources").select("opinion").run()
    metas = [c.value for c in at.caption if " · 舆情" in c.value]
    pager = [n for n in at.number_input if str(n.key).startswith("pain_page::")]
    page = 1
    while not any("未关联门店" in m for m in metas) and pager and page < min(pager[0].max, 30):
        page += 1                    # verbatims are paged: look further for a storeless post
        pager[0].set_value(page).run()
        metas += [c.value for c in at.caption if " · 舆情" in c.value]
        pager = [n for n in at.number_input if str(n.key).startswith("pain_page::")]
    assert metas and any("未关联门店" in m for m in metas), metas
    assert not any("nan" in m.split(" · ") for m in metas)


def test_journey_page_dimensions_values_and_drill(app_db):
    at = start()
    at.switch_page("pages/journey.py").run()
    assert not at.exception, at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][1]["type"] == "heatmap" and "客户旅程 × 区域" in spec["layout"]["title"]["text"]
    for dim in ("format", "month", "channel", "source"):
        at.radio(key="jr_dim").set_value(dim).run()
        assert not at.exception, (dim, at.exception)
    for value in ("volume", "net", "avg_nps"):
        at.radio(key="jr_value").set_value(value).run()
        assert not at.exception, (value, at.exception)
    at.selectbox(key="jr_tp").select("serving_speed").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2     # heatmap, emotion curve (one further analysis at a time)
    at.segmented_control(key="jr_more").set_value("关键驱动因素（NPS）").run()
    assert not at.exception, at.exception
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert len(titles) == 2 and "IPA" in titles[1]


def test_ranking_profile_and_scheme_pages(app_db):
    at = start()
    at.switch_page("pages/rankings.py").run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 2 and len(at.dataframe) == 2
    at.toggle(key="rk_hide").set_value(True).run()
    assert not at.exception
    at.switch_page("pages/store_profile.py").run()
    assert not at.exception, at.exception
    [b for b in at.button if b.key and b.key.startswith("pf_pick_")][0].click().run()     # HQ picks a store
    assert any("短板" in m.value for m in at.markdown)
    at.switch_page("pages/scheme.py").run()
    assert not at.exception, at.exception
    assert any("排名没有变化" in i.value for i in at.info)
    at.slider(key="w_survey").set_value(1.0).run()
    at.slider(key="w_reviews").set_value(0.0).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1           # the sensitivity chart appears once weights change


def test_loop_and_kano_pages(app_db):
    at = start()
    at.switch_page("pages/tickets.py").run()
    assert not at.exception, at.exception
    assert len(at.dataframe) >= 1
    at.switch_page("pages/verification.py").run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1
    at.switch_page("pages/kano.py").run()
    assert not at.exception, at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "Better–Worse" in spec["layout"]["title"]["text"]


def test_ticket_action_from_the_page(app_db):
    at = start()
    at.switch_page("pages/tickets.py").run()
    tid = at.selectbox(key="tk_pick").value
    [s for s in at.selectbox if s.label == "操作"][0].select("comment")
    at.text_area[0].input("已电话回访顾客")
    [b for b in at.button if b.label == "提交"][0].click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="tk_pick").value == tid
    trail = [d.value for d in at.dataframe if "说明" in d.value.columns][0]
    assert "已电话回访顾客" in trail["说明"].tolist()
    assert "备注" in trail["动作"].tolist()


def test_stale_text_configuration_is_flagged_and_rebuilt_from_the_import_page(app_db):
    from cx import db
    from cx.text import config

    con = db.connect(app_db)
    config.record(con, "before-a-taxonomy-edit")
    texts = con.execute(db.sql("text/count_texts")).fetchall()[0][0]
    con.close()
    at = start()
    assert any("旧配置" in w.value for w in at.warning)
    region = start(auth.User("t-region", "测试区域", "region", region="华东"))
    assert not any("旧配置" in w.value for w in region.warning)        # nothing a region manager can do about it
    at.switch_page("pages/import_data.py").run()
    at.session_state["topic_added"] = ("taste", "锅气")          # a 新话题 keyword added before the rebuild
    [button] = [b for b in at.button if b.label == "重新分析全部文本"]
    button.click().run()
    assert not at.exception, at.exception
    assert not any("旧配置" in w.value for w in at.warning)
    assert "topic_added" not in at.session_state                 # analysed with it: no late undo offered
    assert any(f"已用当前配置重新分析 {texts:,} 条文本" in s.value for s in at.success), [s.value for s in at.success]
