"""旅程热力图: stage × touchpoint against region/format/month/channel/source, drill to verbatims;
the journey map (emotion curve, pains and strengths per stage); key drivers of NPS (IPA)."""
import streamlit as st

from cx import charts, drivers, journey, painpoints
from cx.filters import NO_STORE
from ui import export, shell, verbatims
from ui import grain as grain_picker

ctx = shell.page("旅程热力图")


@st.cache_data(show_spinner="计算中…", max_entries=64)
def _cells(_con, version, filters, dim):
    return journey.cells(_con, filters, dim)


@st.cache_data(show_spinner=False, max_entries=64)
def _stage_map(_con, version, filters):
    return journey.stage_map(_con, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def _drivers(_con, version, filters):
    return drivers.key_drivers(_con, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def _verbatims(_con, version, filters, touchpoint):
    return painpoints.verbatims(_con, filters, touchpoint, None, limit=10)


st.title("旅程热力图")
st.caption(ctx.filters.describe())
c1, c2 = st.columns(2)
SHOWN = {k: ("时间" if k == "month" else v) for k, v in journey.DIMENSIONS.items() if k not in ("week", "day")}
dim = c1.radio("列维度", list(SHOWN), format_func=SHOWN.get, horizontal=True, key="jr_dim")
if dim == "month":   # time columns: day / week / month, automatic from the period unless chosen
    dim = grain_picker.resolved(ctx.filters, key="jr_grain", label="时间粒度", help=None, where=c1)
value = c2.radio("单元格数值", list(journey.VALUES), format_func=journey.VALUES.get, horizontal=True, key="jr_value",
                 index=1)
cells = _cells(ctx.con, ctx.version, ctx.filters, dim)
if cells.empty:
    shell.empty_state()
    st.stop()
if value == "avg_nps" and cells["nps_n"].sum() == 0:
    st.info("当前筛选中没有带推荐分的问卷，无法显示平均推荐分。")
    st.stop()

cells, n_cols = journey.widest(cells)
if len(cells["col"].unique()) < n_cols:
    st.caption(f"共 {n_cols} 列，图中只显示提及最多的 {cells['col'].nunique()} 列；要看某家门店，请在侧栏筛选门店或区域。")
if NO_STORE in set(cells["col"]):
    st.caption(f"「{NO_STORE}」列：舆情等无法对应到具体门店的反馈。")


@st.fragment
def heatmap_and_drill():
    """The heatmap and the verbatims of its chosen cell: a cell click reruns only this part of the page."""
    def _heatmap():
        vals, n, small, worse = journey.matrix(cells, value)
        return charts.journey_heatmap(vals, n, small, worse, value,
                                      f"客户旅程 × {journey.DIMENSIONS[dim]}：{journey.VALUES[value]}",
                                      ctx.filters.describe(), journey.MIN_N)

    fig = export.figure(("journey", ctx.version, ctx.filters, dim, value), _heatmap)
    event = export.chart(fig, on_select="rerun", selection_mode="points", key="jr_heat")
    st.caption(f"灰色：样本少于 {journey.MIN_N}，不着色以免误读；▲：负面率显著高于全连锁其他部分（双比例检验，BH 校正）。"
               "悬停查看 n；点击单元格查看背后的原声。")

    # Drill-down: a heatmap click picks the cell; the two selectors allow the same without a mouse.
    tp_ids = cells.drop_duplicates("touchpoint").sort_values("order")
    labels = dict(zip(tp_ids["touchpoint"], tp_ids["stage"] + " · " + tp_ids["label"]))
    by_label = {v: k for k, v in labels.items()}
    cols = sorted(cells["col"].unique().tolist())
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        y, x = points[0].get("y"), points[0].get("x")
        if y in by_label and x in cols:
            st.session_state["jr_tp"], st.session_state["jr_col"] = by_label[y], x
    if st.session_state.get("jr_tp") not in labels or st.session_state.get("jr_col") not in cols:
        # start on the cell with the most negative mentions among those with enough data
        hot = journey.hottest(cells)
        st.session_state["jr_tp"], st.session_state["jr_col"] = hot
    st.subheader("单元格原声")
    a, b = st.columns(2)
    tp = a.selectbox("触点", list(labels), format_func=labels.get, key="jr_tp", placeholder="请选择")
    col = b.selectbox(journey.DIMENSIONS[dim], cols, key="jr_col", placeholder="请选择")
    cell = cells[(cells["touchpoint"] == tp) & (cells["col"] == col)]
    if cell.empty:
        st.caption(f"{labels[tp]} × {col}：提及 0")
    else:
        r = cell.iloc[0]
        st.caption(f"{labels[tp]} × {col}：提及 {r.n:,}，负面率 {r.neg_rate:.0%}，净情感 {r.net:+.0%}"
                   + ("（样本不足）" if r.small else "") + ("，显著差于其他部分" if r.worse else ""))
    verbatims.show(_verbatims(ctx.con, ctx.version, journey.drill(ctx.filters, dim, col), tp))
    st.page_link("pages/pain_points.py", label="在痛点分析中查看全部原声（分页、导出）", icon=":material/forum:")


heatmap_and_drill()

st.divider()


@st.fragment
def more():
    """One of the two further analyses at a time (each is a heavy chart; switching reruns only this part)."""
    part = st.segmented_control("更多分析", ["客户旅程图", "关键驱动因素（NPS）"], default="客户旅程图", key="jr_more",
                                label_visibility="collapsed")
    if part == "关键驱动因素（NPS）":
        drv = _drivers(ctx.con, ctx.version, ctx.filters)
        if drv.empty:
            st.info("当前筛选中带文本的问卷太少，无法计算驱动因素。")
        else:
            st.caption("方法：对每个触点，比较“负面提及该触点”的问卷与其余问卷的推荐分（0–10）均值差（Welch 95% 置信区间）；"
                       "重要度 = 负面提及与推荐分的点二列相关系数绝对值；表现 = 该触点提及中的好评占比；象限分界为各触点中位数。"
                       f"淡色点：负面提及少于 {drivers.MIN_NEG} 条，结论不稳。")
            export.chart(export.figure(("journey_ipa", ctx.version, ctx.filters), lambda: charts.ipa_quadrant(
                drv, "重要度–表现分析（IPA）", ctx.filters.describe())), key="journey_3")
            export.table(drv.rename(columns={"label": "触点", "stage": "阶段", "mentions": "提及", "n_neg": "负面提及",
                                             "gap": "推荐分差", "gap_low": "差值下限", "gap_high": "差值上限", "importance": "重要度",
                                             "performance": "好评占比", "quadrant": "象限"}).drop(columns=["touchpoint", "reliable"]),
                         "关键驱动因素", "jr_drivers", note=ctx.filters.describe(), hide_index=True, width="stretch",
                         column_config={"推荐分差": st.column_config.NumberColumn(format="%.2f"),
                                        "差值下限": st.column_config.NumberColumn(format="%.2f"),
                                        "差值上限": st.column_config.NumberColumn(format="%.2f"),
                                        "重要度": st.column_config.NumberColumn(format="%.3f"),
                                        "好评占比": st.column_config.NumberColumn(format="percent")})
    else:
        st.caption("范围为当前筛选（在侧栏选择一家门店或一个区域即得到该门店/区域的旅程图）：角色为到店顾客，阶段从左到右，"
                   "曲线为各阶段的情绪（净情感 = 好评占比 − 差评占比），下方为各阶段的痛点与机会点。")
        stages = _stage_map(ctx.con, ctx.version, ctx.filters)
        if stages.empty:
            shell.empty_state()
        else:
            export.chart(export.figure(("journey_map", ctx.version, ctx.filters), lambda: charts.emotion_curve(
                stages, "旅程情绪曲线", ctx.filters.describe())), key="journey_2")
            cols_ = st.columns(len(stages))
            for c, r in zip(cols_, stages.itertuples()):
                with c:
                    st.markdown(f"**{r.stage}**")
                    st.caption(f"提及 {r.n:,} · 净情感 {r.net:+.0%}")
                    st.markdown("痛点：\n" + "\n".join(f"- {p}" for p in r.pains))
                    st.markdown("机会/长板：\n" + "\n".join(f"- {p}" for p in r.strengths))


more()
