"""痛点分析: TOP touchpoints by negative mentions and rate, emerging issues, negative word cloud, verbatims."""
import streamlit as st

from cx import charts, incidents, painpoints
from cx.report import xlsx
from ui import export, fmt, incident_band, shell, verbatims

ctx = shell.page("痛点分析")


@st.cache_data(show_spinner="分析中…", max_entries=64)
def _load(_con, version, filters):
    return painpoints.touchpoints(_con, filters), painpoints.emerging(_con, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def _keywords(_con, version, filters, touchpoint):
    return painpoints.keyword_table(_con, filters, touchpoint=touchpoint)


@st.cache_data(show_spinner=False, max_entries=64)
def _cloud(_con, version, filters, touchpoint):
    words = painpoints.negative_words(_con, filters, touchpoint)
    return charts.wordcloud_png(dict(zip(words["word"], words["n"].astype(int)))), len(words)


@st.cache_data(show_spinner=False, max_entries=64)
def _verbatims(_con, version, filters, touchpoint, polarity, page):
    return (painpoints.verbatims(_con, filters, touchpoint, polarity, limit=PAGE, offset=(page - 1) * PAGE),
            painpoints.verbatim_count(_con, filters, touchpoint, polarity))


PAGE = 10
EXPORT_MAX = 5000


st.title("痛点分析")
st.caption(ctx.filters.describe())
tps, emerging = _load(ctx.con, ctx.version, ctx.filters)
if tps.empty:
    shell.empty_state()
    st.stop()

st.subheader("新兴问题")
sig = emerging[emerging["significant"]]
if sig.empty:
    st.success("与上一同长周期相比，没有负面率显著上升的触点（双比例检验，Benjamini–Hochberg 校正，FDR 5%）。")
else:
    for r in sig.itertuples():
        st.warning(f"**{r.label}**（{r.stage}）负面率 {r.rate_before:.0%} → {r.rate_now:.0%}，"
                   f"提及 {r.n_before:,} → {r.n_now:,}，{fmt.p_value(r.p_value)}", icon=":material/trending_up:")
# volume spikes: a food-safety incident shows as a jump in count, not in rate (such mentions are nearly always negative)
spikes = incident_band.spikes(ctx)
if spikes.empty:
    st.caption("提及量：本期没有门店的触点或敏感词提及量显著突增。" + incidents.method_note())
else:
    for _, r in spikes.iterrows():
        st.error(f"**提及量突增**：{incidents.describe(r)}", icon=":material/stacked_line_chart:")
    st.caption(incidents.method_note())
# a toggle, not an expander: a collapsed expander still sends and mounts its table on every view
if st.toggle("显示全部触点的周期对比", key="pain_all_periods"):
    st.dataframe(emerging.assign(p_value=emerging["p_value"].map(lambda p: fmt.p_value(p).removeprefix("p ").strip("= "))).rename(columns={"label": "触点", "stage": "阶段", "rate_before": "上期负面率", "rate_now": "本期负面率",
                                          "n_before": "上期提及", "n_now": "本期提及", "diff": "变化", "p_value": "p 值",
                                          "significant": "显著上升"}).drop(columns=["touchpoint"]),
                 hide_index=True, width="stretch",
                 column_config={"上期负面率": st.column_config.NumberColumn(format="percent"),
                                "本期负面率": st.column_config.NumberColumn(format="percent"),
                                "变化": st.column_config.NumberColumn(format="percent")})



@st.fragment
def bars_and_drill():
    """TOP bars and the drill-down they drive: a bar click, a touchpoint or a page change reruns only this part."""
    sub = ctx.filters.describe()
    memo = ("pain", ctx.version, ctx.filters)
    worst = painpoints.top(tps, "negative")
    if worst.empty:
        st.info("当前筛选条件下没有负面的触点提及。", icon=":material/sentiment_satisfied:")
    else:
        left, right = st.columns(2)
        with left:
            export.chart(export.figure(memo + ("count",), lambda: charts.touchpoint_bars(
                worst, "negative", "负面提及最多的触点 TOP10", sub)), on_select="rerun", selection_mode="points",
                key="pain_bar_count")
        with right:
            export.chart(export.figure(memo + ("rate",), lambda: charts.touchpoint_bars(
                painpoints.top(tps, "neg_rate"), "neg_rate", "负面率最高的触点 TOP10（按置信下限排序）", sub)),
                on_select="rerun", selection_mode="points", key="pain_bar_rate")
        st.caption(f"浅色条：提及少于 {painpoints.MIN_N} 次，负面率不确定。误差线为 95% Wilson 置信区间。点击条形可查看该触点的原声。")

    # A click on either chart selects the touchpoint for the drill-down below.
    for key in ("pain_bar_count", "pain_bar_rate"):
        sel = st.session_state.get(key)
        points = (sel or {}).get("selection", {}).get("points", []) if isinstance(sel, dict) else []
        if points and points[0].get("customdata"):
            st.session_state["pain_tp"] = points[0]["customdata"][0]

    st.subheader("负面原声")
    options = [None] + tps.sort_values("negative", ascending=False)["touchpoint"].tolist()
    labels = dict(zip(tps["touchpoint"], tps["label"] + "（" + tps["stage"] + "）"))
    if st.session_state.get("pain_tp") not in options:
        st.session_state["pain_tp"] = None
    c1, c2 = st.columns([2, 1])
    tp = c1.selectbox("触点", options, key="pain_tp", format_func=lambda t: "全部触点" if t is None else labels[t], placeholder="请选择")
    pol = c2.radio("情感", [-1, 1, None], horizontal=True, key="pain_pol",
                   format_func={-1: "负面", 1: "非负面", None: "全部"}.get)
    cloud, n_words = _cloud(ctx.con, ctx.version, ctx.filters, tp)
    left, right = st.columns([3, 2])
    with left:
        if n_words:
            st.image(cloud, caption="负面语句词云" + (f"：{labels[tp]}" if tp else ""), width="stretch")
        else:
            st.info("没有负面语句。")
    with right:
        keywords = _keywords(ctx.con, ctx.version, ctx.filters, tp)
        st.caption("高频关键词" + (f"：{labels[tp]}" if tp else "：全部触点"))
        export.table(keywords.head(30).rename(columns={"word": "关键词", "total": "出现次数", "negative": "负面语句中", "neg_share": "负面占比"}),
                     "关键词", "pain_kw", note=ctx.filters.describe(), hide_index=True, width="stretch", height=420,
                     column_config={"负面占比": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)})
    page_key = f"pain_page::{tp}::{pol}"          # a new choice starts at page 1
    page = st.session_state.get(page_key, 1)
    rows, total = _verbatims(ctx.con, ctx.version, ctx.filters, tp, pol, page)
    pages = max(1, -(-total // PAGE))
    h1, h2, h3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    h1.markdown(f"共 **{total:,}** 条原声" + (f"，第 {(page - 1) * PAGE + 1:,}–{min(page * PAGE, total):,} 条" if total else ""))
    if pages > 1:
        h2.number_input(f"页码（共 {pages:,} 页）", 1, pages, key=page_key)
    if total:
        h3.download_button(
            "导出原声（Excel）" if total <= EXPORT_MAX else f"导出最新 {EXPORT_MAX:,} 条（Excel）",
            lambda: xlsx.to_xlsx({"原声": verbatims.table(painpoints.verbatims(ctx.con, ctx.filters, tp, pol, limit=EXPORT_MAX))},
                                 ctx.filters.describe()),
            file_name="负面原声.xlsx" if pol == -1 else "原声.xlsx", key="pain_verbatims_xlsx", on_click="ignore",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/table_view:")
    verbatims.show(rows)


bars_and_drill()


def _taxonomy_blind_spots() -> None:
    """新话题（分类之外）: negative clauses no touchpoint names — coverage, significantly rising terms with
    example verbatims; HQ can add a term to the taxonomy (cx.emerging_topics)."""
    from cx import emerging_topics
    from cx.text import taxonomy as tx

    @st.cache_data(show_spinner="分析未归类的负面语句…", max_entries=16)
    def _topics(_con, version, filters):
        return emerging_topics.analyse(_con, filters)

    st.subheader("新话题（旅程分类之外）")
    tax = tx.default()
    _added_notice(tax)
    res = _topics(ctx.con, ctx.version, ctx.filters)
    cov_now, cov_before = res.coverage("now"), res.coverage("before")
    if cov_now is None:
        st.info("本期没有负面语句。")
        return
    if res.capped:
        read = (f"每期按固定的均匀随机样本分析（覆盖整个周期，不只是最近几天）：本期 {res.n_texts['now']:,} / "
                f"{res.total.get('now', 0):,} 条，上期 {res.n_texts['before']:,} / {res.total.get('before', 0):,} 条文本；"
                "覆盖率、出现率和检验都基于样本。")
    else:
        read = f"分析了本期全部 {res.n_texts['now']:,} 条、上期全部 {res.n_texts['before']:,} 条文本。"
    st.caption(f"旅程分类覆盖了本期 {cov_now:.0%} 的负面语句（上期 {'—' if cov_before is None else f'{cov_before:.0%}'}）；"
               f"其余 {res.untagged['now']:,} 句未归入任何触点。下列词语在这些语句中的出现率较上期显著上升"
               f"（双比例检验，Benjamini–Hochberg 校正，FDR 5%）。" + read)
    if not res.clusters:
        st.success("未归类的负面语句中没有显著上升的新话题。")
        return
    sample = "样本中 " if res.capped else ""
    for i, c in enumerate(res.clusters[:10]):
        owned = [(t, o) for t in c["terms"] if (o := emerging_topics.keyword_owner(t, tax))]
        done = f"（“{owned[0][0]}”已加入触点“{tax.label(owned[0][1])}”）" if owned else ""
        with st.expander(f"**{c['label']}** — 本期{sample}{c['k_now']:,} 条（上期 {c['k_before']:,}）；"
                         f"相关词：{'、'.join(c['terms'][:8])}{done}"):
            for e in c["examples"]:
                st.text(f"「{e['clause']}」")
                st.caption(f"{e['created_at']:%Y-%m-%d} · {e['text'][:120]}")
            if ctx.user.role != "hq":
                continue
            a, b, go = st.columns([2, 2, 1], vertical_alignment="bottom")
            word = a.text_input("关键词", value=c["label"], key=f"topic_word_{i}")
            tp = b.selectbox("加入触点", [t.id for t in tax.touchpoints], index=None, key=f"topic_tp_{i}",
                             format_func=lambda t: f"{tax.label(t)}（{tax.by_id[t].stage_label}）",
                             placeholder="请选择触点")
            if go.button("加入旅程分类", key=f"topic_add_{i}", icon=":material/add:", disabled=tp is None,
                         help="先选择要加入的触点" if tp is None else None):
                try:
                    emerging_topics.add_keyword(tp, word)
                except (emerging_topics.KeywordError, tx.TaxonomyError) as err:
                    st.error(str(err))
                else:
                    shell.text_config.clear()      # the fingerprint notice asks for 重新分析全部文本
                    st.session_state["topic_added"] = (tp, word.strip())
                    st.rerun()


def _added_notice(tax) -> None:
    """After 加入旅程分类: what was written where, with an undo (the keyword taken out again)."""
    from cx import emerging_topics
    from cx.text import taxonomy as tx

    if removed := st.session_state.pop("topic_removed", None):
        tp, word = removed
        st.info(f"已撤销：“{word}”已从触点“{tax.label(tp) if tp in tax.by_id else tp}”的关键词中移除"
                "（data/taxonomy.yaml）。", icon=":material/undo:")
    added = st.session_state.get("topic_added")
    if not added:
        return
    tp, word = added
    if tp not in tax.by_id:
        st.session_state.pop("topic_added", None)
        return
    box, undo = st.columns([5, 1], vertical_alignment="center")
    box.success(f"已将“{word}”加入触点“{tax.label(tp)}”（{tax.by_id[tp].stage_label}）的关键词，写入 "
                f"data/taxonomy.yaml。已有文本要在「重新分析全部文本」后才按新关键词归类。", icon=":material/check:")
    if undo.button("撤销", key="topic_undo", icon=":material/undo:", help="从该触点的关键词中移除这个词"):
        try:
            emerging_topics.remove_keyword(tp, word)
        except (emerging_topics.KeywordError, tx.TaxonomyError) as err:
            st.error(str(err))
        else:
            shell.text_config.clear()
            st.session_state.pop("topic_added", None)
            st.session_state["topic_removed"] = (tp, word)
            st.rerun()


_taxonomy_blind_spots()
