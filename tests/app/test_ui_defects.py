"""Issue 19: the UI defects a CX lead and a store manager hit on first use, one test per defect and its kind."""
import json
import re

from streamlit.testing.v1 import AppTest

from cx import auth, db
from cx.db import ROOT

HQ = auth.User("t-hq", "测试总部", "hq")
ANALYST = auth.User("t-an", "测试分析师", "analyst")
HEX_ID = re.compile(r"\b[0-9a-f]{16}\b")


def start(user=HQ, page: str | None = None):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["user"] = user
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def store_user(app_db, role="store"):
    con = db.connect(app_db, read_only=True)
    stores = con.execute("SELECT store_id, region FROM stores ORDER BY store_id").df()
    con.close()
    if role == "store":
        return auth.User("t-store", "测试店长", "store", store_id=stores["store_id"].iloc[0])
    return auth.User("t-region", "测试区域", "region", region=stores["region"].iloc[0])


# --- 工单中心 -------------------------------------------------------------------------------------------------

def test_tickets_show_human_numbers_and_sla_in_words(app_db):
    at = start(page="pages/tickets.py")
    queue = [d.value for d in at.dataframe if "工单号" in d.value.columns][0]
    if hasattr(queue, "data"):
        queue = queue.data
    assert queue["工单号"].str.fullmatch(r"GD-\d{8}-\d{4}").all(), queue["工单号"].head()
    assert not queue.astype(str).apply(lambda c: c.str.contains(HEX_ID)).any().any()
    # SLA before the long columns (visible at 1 500 px), in words with a unit
    assert list(queue.columns)[:2] == ["工单号", "SLA"]
    sla = queue["SLA"][queue["SLA"] != ""]
    assert len(sla) and sla.str.fullmatch(r"(剩余|已超时) \d+ (分钟|小时|天)( \d+ 小时)?").all(), sla.head()
    pick = at.selectbox(key="tk_pick")
    assert re.match(r"GD-\d{8}-\d{4} · ", pick.format_func(pick.value))


def test_ticket_root_cause_has_no_default(app_db):
    at = start(page="pages/tickets.py")
    [cause] = [s for s in at.selectbox if s.label.startswith("根因")]
    assert cause.value is None


def test_ticket_sla_board_renders_for_read_only_roles(app_db):
    """st.stop() in the queue tab once ended the script: the analyst's SLA 看板 tab was empty."""
    hq = start(page="pages/tickets.py")
    analyst = start(ANALYST, page="pages/tickets.py")
    assert any("只读" in i.value for i in analyst.info)
    labels = [m.label for m in hq.metric]
    assert "工单总数" in labels
    assert [m.label for m in analyst.metric] == labels


def test_ticket_age_bands_in_order(app_db):
    at = start(page="pages/tickets.py")
    [chart] = at.get("vega_lite_chart")
    x = json.loads(chart.proto.spec)["encoding"]["x"]
    assert "sort" in x and x["sort"] is None, x         # data order (the band order); Vega's default is alphabetical


# --- 改进验证 ---------------------------------------------------------------------------------------------------

def test_verification_cards_carry_n_and_short_values(app_db):
    at = start(page="pages/verification.py")
    option_labels = at.selectbox(key="vf_action").options
    assert not any("nan" in o.split(" · ") for o in option_labels), option_labels
    assert sum("n = " in c.value for c in at.caption) >= 3
    for m in at.metric:
        assert "个百分点" not in m.value and len(m.value) <= 8, m.value


def test_verification_weeks_with_few_mentions_are_not_drawn():
    import pandas as pd

    from cx import charts
    weekly = pd.DataFrame({"treated": [True, True, False, False], "week": pd.to_datetime(["2026-09-07", "2026-09-14"] * 2),
                           "negative": [1, 10, 3, 8], "mentions": [2, 40, 30, 31]})
    fig = charts.action_lines(weekly, "2026-09-10", "t")
    treated = fig.data[0]
    assert treated.y[0] is None or treated.y[0] != treated.y[0]       # 1 of 2 is not a 50 % week
    assert abs(treated.y[1] - 25.0) < 1e-9


# --- 总览 -------------------------------------------------------------------------------------------------------

def test_overview_channels_never_share_a_colour(app_db):
    at = start(page="pages/overview.py")
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    [vol] = [s for s in specs if "各来源反馈量" in s["layout"]["title"]["text"]]
    colours = [t["marker"]["color"] for t in vol["data"]]
    assert len(colours) >= 7 and len(set(colours)) == len(colours), colours


def test_card_delta_texts_fit_their_card():
    from cx.metrics import Change, Estimate
    from ui import cards

    class Col:
        def metric(self, *a, **kw):
            self.kw = kw

        def caption(self, *a, **kw):
            pass

    col = Col()
    e = Estimate(0.42, 0.40, 0.44, 900)
    cards.card(col, "CSAT", e, Change(0.031, 1.1e-16, 1), None, pct=True)
    assert len(col.kw["delta"]) <= 10 and len(col.kw["delta_description"]) <= 6, col.kw
    assert "e-" not in col.kw["help"] and "p < 0.001" in col.kw["help"]


def test_p_values_in_words():
    from ui import fmt

    assert fmt.p_value(1.1e-16) == "p < 0.001"
    assert fmt.p_value(0.0042) == "p = 0.004"
    assert fmt.p_value(0.41) == "p = 0.41"


# --- 痛点分析 -------------------------------------------------------------------------------------------------

def test_pain_keyword_table_follows_the_drill_down_and_verbatims_page(app_db):
    at = start(page="pages/pain_points.py")

    def keywords():
        return [d.value for d in at.dataframe if "关键词" in d.value.columns][0]["关键词"].tolist()

    chain = keywords()
    assert any(c.value == "高频关键词：全部触点" for c in at.caption)
    at.selectbox(key="pain_tp").select("serving_speed").run()
    assert not at.exception, at.exception
    drilled = keywords()
    assert drilled != chain and any(c.value.endswith("上菜速度（用餐）") or "上菜速度" in c.value for c in at.caption)
    at.radio(key="pain_pol").set_value(None).run()
    total_md = [m.value for m in at.markdown if m.value.startswith("共 **")]
    assert total_md, [m.value for m in at.markdown][:5]
    total = int(re.search(r"共 \*\*([\d,]+)\*\*", total_md[0]).group(1).replace(",", ""))
    assert total > 10
    [pager] = [n for n in at.number_input if n.label.startswith("页码")]
    first = [c.value for c in at.caption if " · " in c.value and re.match(r"\d{4}-\d{2}-\d{2}", c.value)]
    pager.set_value(2).run()
    assert not at.exception, at.exception
    second = [c.value for c in at.caption if " · " in c.value and re.match(r"\d{4}-\d{2}-\d{2}", c.value)]
    assert len(first) == len(second) == 10 and first != second
    assert any("第 11–20 条" in m.value for m in at.markdown)
    assert any(b.label.startswith("导出") for b in at.get("download_button"))


def test_verbatim_count_matches_an_unbounded_read(demo_con):
    from datetime import date

    from cx import painpoints
    from cx.filters import Filters

    f = Filters(date(2025, 1, 1), date(2027, 12, 31))
    for tp, pol in ((None, -1), ("serving_speed", None), ("taste", 1)):
        n = painpoints.verbatim_count(demo_con, f, tp, pol)
        assert n == len(painpoints.verbatims(demo_con, f, tp, pol, limit=100_000)) > 0


def test_highlight_marks_whole_tokens():
    from ui import verbatims

    out = verbatims.highlight("香辣蟹量太少了，香味不错", ["香", "量"])
    assert ":red-background[香辣蟹量]" in out and ":red-background[香味]" in out
    assert ":red-background[香]" not in out and ":red-background[量]" not in out
    assert verbatims.highlight("a*b", []) == r"a\*b"


def test_store_names_without_brand_or_brackets(monkeypatch):
    from cx import brand

    assert brand.short("禾田小馆（成都高新凯德广场店）") == "成都高新凯德广场店"
    assert brand.short("别家（一号店）") == "别家（一号店）"
    assert brand.short(float("nan")) == "" and brand.short(None) == ""
    monkeypatch.setenv("CX_BRAND", "好再来")
    brand.brand.cache_clear()
    try:
        assert brand.short("好再来(人民路店)") == "人民路店"
    finally:
        brand.brand.cache_clear()


# --- 门店排名 / 门店画像 / 考核方案 by role --------------------------------------------------------------------

def demo_users(app_db) -> dict:
    con = db.connect(app_db)
    made = auth.create_demo_users(con)
    con.close()
    return {u.role: u for u in made}


def test_store_manager_ranking_shows_a_position_not_an_empty_league(app_db):
    user = demo_users(app_db)["store"]
    at = start(user, page="pages/rankings.py")
    labels = {m.label: m.value for m in at.metric}
    assert re.fullmatch(r"\d+ / \d+", labels["全连锁排名"]) and re.fullmatch(r"\d+ / \d+", labels["区域内排名"])
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert any("本店在全连锁中的位置" in t for t in titles) and not any("前 10 名" in t for t in titles), titles
    spec = [json.loads(c.proto.spec) for c in at.get("plotly_chart")][0]
    named = [t for t in spec["data"] if t.get("text")]
    assert len(named) == 1 and len(named[0]["text"]) == 1          # only the own store is named
    league = [d.value for d in at.dataframe if "排名" in d.value.columns][0]
    assert len(league) == 1 and league["门店编号"].iloc[0] == user.store_id


def test_hq_store_profile_asks_for_a_store_and_store_manager_opens_their_own(app_db):
    at = start(page="pages/store_profile.py")
    assert at.selectbox(key="profile_store").value is None
    picks = [b for b in at.button if b.key and b.key.startswith("pf_pick_")]
    assert 1 <= len(picks) <= 5
    picks[0].click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="profile_store").value == picks[0].key.removeprefix("pf_pick_")
    assert any("短板" in m.value for m in at.markdown)
    user = demo_users(app_db)["store"]
    mine = start(user, page="pages/store_profile.py")
    assert mine.selectbox(key="profile_store").value == user.store_id
    change = {m.label: m.value for m in mine.metric}["名次变化"]
    assert re.fullmatch(r"(上升|下降) \d+ 名|持平|—", change), change


def test_scheme_page_does_not_ask_store_managers_to_edit_or_show_file_paths(app_db):
    at = start(demo_users(app_db)["store"], page="pages/scheme.py")
    shown = [e.value for e in (*at.info, *at.caption, *at.markdown)]
    assert not any("调整上方权重" in s for s in shown), shown
    assert not any(re.search(r"data/|\.yaml", s) for s in shown), shown
    assert all(s.disabled for s in at.slider)


def test_rank_change_in_words():
    from ui import fmt

    assert fmt.rank_change(144) == "上升 144 名" and fmt.rank_change(-3) == "下降 3 名"
    assert fmt.rank_change(0) == "持平" and fmt.rank_change(float("nan")) == "—"
    assert fmt.rank_change_help({"prev_rank": 180.0, "rank": 36}) == "上期第 180 名 → 本期第 36 名（与上一同长周期相比）"


# --- KANO -----------------------------------------------------------------------------------------------------

def test_kano_labels_do_not_overlap(demo_con):
    from datetime import date

    from cx import charts, kano
    from cx.filters import Filters

    df = kano.features(demo_con, Filters(date(2025, 1, 1), date(2027, 12, 31)))
    fig = charts.kano_scatter(df, "t")
    w, h = 700, 370
    boxes = []
    for a in fig.layout.annotations:
        if a.xref == "paper":
            continue
        cx, cy = a.x * w + a.ax, (1 - a.y) * h + a.ay
        bw, bh = charts.text_px(a.text) + 6, 19
        boxes.append((cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, a.text))
    assert len(boxes) == len(df) >= 8
    clashes = [(p[4], q[4]) for i, p in enumerate(boxes) for q in boxes[i + 1:]
               if not (p[2] <= q[0] or p[0] >= q[2] or p[3] <= q[1] or p[1] >= q[3])]
    assert not clashes, clashes
    # the old chart put every label straight above its point; the top-left cluster collided there
    tops = [(x * w - charts.text_px(t) / 2 - 3, (1 - y) * h - 35, x * w + charts.text_px(t) / 2 + 3, (1 - y) * h - 16, t)
            for x, y, t in zip(-df["worse"], df["better"], df["feature"])]
    assert any(not (p[2] <= q[0] or p[0] >= q[2] or p[3] <= q[1] or p[1] >= q[3])
               for i, p in enumerate(tops) for q in tops[i + 1:])


# --- XLSX -----------------------------------------------------------------------------------------------------

def test_xlsx_counts_are_whole_and_scores_rounded():
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from cx.report import xlsx
    df = pd.DataFrame({"门店": ["A", "B"], "反馈数": [263.0, float("nan")], "综合得分": [92.18567263353323, 40.0],
                       "负面占比": [0.123456, 0.5], "Better": [0.803030303, 0.1]})
    ws = load_workbook(io.BytesIO(xlsx.to_xlsx({"t": df}))).active
    head = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(head, ws[2])}
    assert row["反馈数"].value == 263 and isinstance(row["反馈数"].value, int) and row["反馈数"].number_format == "#,##0"
    assert row["综合得分"].value == 92.19 and row["综合得分"].number_format == "0.0"
    assert row["负面占比"].number_format == "0.0%" and row["负面占比"].value == 0.1235
    assert row["Better"].value == 0.8


# --- 旅程热力图 -------------------------------------------------------------------------------------------------

def test_heatmap_month_columns_are_categories_a_click_can_match(app_db):
    at = start(page="pages/journey.py")
    at.radio(key="jr_dim").set_value("month").run()            # 时间 columns; their grain is automatic…
    at.button_group(key="jr_grain").set_value("month").run()   # …and set to months here
    assert not at.exception, at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["type"] == "category"        # not a date axis: no 「May 2026」, clicks return "2026-05"
    clickable = spec["data"][2]
    months = at.selectbox(key="jr_col").options
    assert set(clickable["x"]) <= set(months) and all(re.fullmatch(r"\d{4}-\d{2}", m) for m in months)


def test_heatmap_store_columns_are_capped_and_start_on_a_real_store(app_db):
    from cx import journey
    from cx.filters import NO_STORE

    at = start(page="pages/journey.py")
    at.radio(key="jr_dim").set_value("store").run()
    assert not at.exception, at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len(set(spec["data"][2]["x"])) <= 30
    assert at.selectbox(key="jr_col").value != NO_STORE
    import pandas as pd
    cells = pd.DataFrame({"touchpoint": ["a", "a"], "col": [NO_STORE, "S1"], "small": [False, False],
                          "negative": [50, 3], "order": [0, 0]})
    assert journey.hottest(cells) == ("a", "S1")


def test_emotion_curve_labels_have_room():
    import pandas as pd

    from cx import charts
    stages = pd.DataFrame({"stage": ["到店", "用餐"], "net": [0.55, -0.2], "n": [100, 50]})
    fig = charts.emotion_curve(stages, "t")
    lo, hi = fig.layout.yaxis.range
    assert hi >= 55 + 8 and fig.data[0].cliponaxis is False


# --- role homes -----------------------------------------------------------------------------------------------

def test_store_manager_lands_on_my_store(app_db):
    user = demo_users(app_db)["store"]
    at = start(user)                                    # the first page after sign-in is the home
    assert at.title[0].value.startswith("我的门店 · ")
    labels = [m.label for m in at.metric]
    assert labels == ["NPS 净推荐值", "CSAT 满意度", "差评率"]
    assert sum(c.value.startswith("区域 ") for c in at.caption) == 3           # each card against the region
    assert any(h.value == "待处理工单" for h in at.subheader) and any(h.value == "短板与长板" for h in at.subheader)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "门店在全连锁中的位置" in spec["layout"]["title"]["text"]
    for d in at.dataframe:
        assert "门店编号" not in d.value.columns or set(d.value["门店编号"]) <= {user.store_id}
    at.segmented_control(key="home_period").set_value("13w").run()
    assert not at.exception, at.exception


def test_region_manager_home_ranks_their_stores_against_the_chain(app_db):
    user = demo_users(app_db)["region"]
    at = start(user)
    assert at.title[0].value == f"我的区域 · {user.region}"
    assert sum(c.value.startswith("全连锁 ") for c in at.caption) == 3
    assert not any("本店" in c.value for c in at.caption)          # the region's cards speak of the region
    [league] = [d.value for d in at.dataframe if "全连锁排名" in d.value.columns]
    ranked = league[league["全连锁排名"].notna()]          # small samples have no rank (data/small_sample.yaml)
    assert list(ranked["区域内"]) == list(range(1, len(ranked) + 1))
    assert ranked["全连锁排名"].is_monotonic_increasing
    assert league.loc[league["全连锁排名"].isna(), "区域内"].isna().all()


def test_demo_stories_link_to_the_page_that_shows_them(app_db):
    con = db.connect(app_db, read_only=True)
    story = db.demo_stories(con)["incident"]
    con.close()
    at = start()
    buttons = {b.key: b for b in at.button if b.key and b.key.startswith("story_")}
    assert {"story_incident", "story_slow_region", "story_improved"} <= set(buttons)
    buttons["story_incident"].click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="profile_store").value == story["store_id"]
    assert any("短板" in m.value for m in at.markdown)


# --- first start ----------------------------------------------------------------------------------------------

def test_first_start_banner_is_gone_once_the_demo_is_built(tmp_path, monkeypatch):
    from cx import demo
    from tests.conftest import SMALL_DEMO

    monkeypatch.setenv("CX_DB", str(tmp_path / "fresh.duckdb"))
    monkeypatch.setenv("CX_USERS", str(tmp_path / "users.yaml"))
    real = demo.build
    monkeypatch.setattr(demo, "build", lambda path, cfg=None, progress=None: real(path, SMALL_DEMO, progress=progress))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert not at.exception, at.exception
    assert any("登录" in s.value for s in at.subheader)                  # the login form is shown …
    assert not any("首次启动" in i.value for i in at.info)                 # … without the build banner above it


# --- date presets ---------------------------------------------------------------------------------------------

def test_date_presets():
    from datetime import date

    from ui import dates

    wed = date(2026, 10, 14)
    assert dates.preset_range("本周", wed) == (date(2026, 10, 12), wed)
    assert dates.preset_range("上周", wed) == (date(2026, 10, 5), date(2026, 10, 11))
    assert dates.preset_range("上月", wed) == (date(2026, 9, 1), date(2026, 9, 30))
    assert dates.preset_range("上月", date(2026, 1, 5)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert dates.preset_range("本季度", wed) == (date(2026, 10, 1), wed)
    assert dates.preset_range("近 30 天", wed) == (date(2026, 9, 15), wed)
    assert dates.clamp((date(2025, 1, 1), date(2025, 3, 1)), date(2025, 2, 1), date(2025, 12, 1)) == (
        date(2025, 2, 1), date(2025, 3, 1))


def test_date_preset_sets_the_filter(app_db):
    at = start(page="pages/overview.py")
    before = at.date_input(key="f_dates").value
    at.selectbox(key="f_preset").select("近 30 天").run()
    assert not at.exception, at.exception
    start_, end_ = at.date_input(key="f_dates").value
    assert (end_ - start_).days == 29 and (start_, end_) != tuple(before)
    assert at.selectbox(key="f_preset").value is None
    at.switch_page("pages/pain_points.py").run()
    assert at.date_input(key="f_dates").value == (start_, end_)          # survives a page switch


def test_rank_movement_has_its_previous_rank_beside_it(app_db):
    at = start(page="pages/rankings.py")
    league = [d.value for d in at.dataframe if "名次变化" in d.value.columns][0]
    cols = list(league.columns)
    assert cols[cols.index("名次变化") + 1] == "上期排名"
    # ranks read as words where missing (样本不足, —); where both exist the movement is the difference in words
    both = league[(league["上期排名"] != "—") & (league["排名"] != "样本不足")]
    assert len(both)
    for prev, now, moved in zip(both["上期排名"], both["排名"], both["名次变化"]):
        d = int(prev) - int(now)
        assert moved == ("持平" if d == 0 else f"上升 {d} 名" if d > 0 else f"下降 {-d} 名"), (prev, now, moved)
    assert "None" not in set(league["名次变化"]) | set(league["上期排名"])


def test_pain_period_table_is_drawn_only_on_request(app_db):
    at = start(page="pages/pain_points.py")
    has_table = lambda: any("本期负面率" in d.value.columns for d in at.dataframe)  # noqa: E731
    assert not has_table()
    at.toggle(key="pain_all_periods").set_value(True).run()
    assert not at.exception, at.exception
    assert has_table()
