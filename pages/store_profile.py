"""门店画像: one store against its region and the chain — radar, 短板/长板, composite trend, pains, verbatims."""
import pandas as pd
import streamlit as st

from cx import brand, charts, overview, painpoints, scoring, timegrain
from ui import export, fmt, incident_band, ranking, shell, verbatims
from ui import grain as grain_picker

ctx = shell.page("门店画像")
st.title("门店画像")
stores = ctx.options["stores"]
if stores.empty:
    shell.empty_state("没有可查看的门店。")
    st.stop()
ids = stores["store_id"].tolist()
if st.session_state.get("profile_store") not in ids:
    # one store (a store manager) or a store chosen in the filter bar opens directly; otherwise the user picks —
    # an arbitrary first store would look like a recommendation
    st.session_state["profile_store"] = (ctx.filters.stores[0] if ctx.filters.stores else ids[0] if len(ids) == 1
                                         else None)
names = dict(zip(stores["store_id"], brand.short_series(stores["name"])))
store = st.selectbox("门店", ids, format_func=lambda s: f"{s} {names[s]}", key="profile_store",
                     placeholder="请选择门店（可输入编号或店名搜索）")

a = ranking.assessment(ctx.con, ctx.version, ctx.filters)
table = ranking.ranking(ctx.con, ctx.version, ctx.filters)
if store is None:
    low = scoring.visible(table, ctx.filters.scope_stores)
    low = low[~low["insufficient"]].tail(5).iloc[::-1]
    st.info("请选择一家门店。以下是本期综合得分最低、且样本充足的门店：", icon=":material/storefront:")
    for s in low.itertuples():
        st.button(f"{s.store_id} {names.get(s.store_id, '')} · 第 {s.rank} 名 · 综合得分 {s.composite:.1f}",
                  key=f"pf_pick_{s.store_id}", on_click=st.session_state.__setitem__, args=("profile_store", s.store_id))
    st.stop()
row = table[table["store_id"] == store]
if row.empty:
    st.info("该门店在所选时间内尚未开业或没有数据。")
    st.stop()
r = row.iloc[0]
st.caption(f"{r['region']} · {r['city']} · {r['format']} · {ctx.filters.start:%Y-%m-%d} 至 {ctx.filters.end:%Y-%m-%d}")
incident_band.band(ctx, store=store, quiet=True)
c = st.columns(4)
c[0].metric("综合得分", f"{r['composite']:.1f}", border=True)
c[1].metric("排名", "样本不足" if pd.isna(r["rank"]) else f"{int(r['rank'])} / {int(table['rank'].notna().sum())}", border=True,
            help="样本不足的门店不参与排名" if pd.isna(r["rank"]) else f"90% 区间 {r['rank_low']}–{r['rank_high']}")
c[2].metric("名次变化", fmt.rank_change(r["rank_change"]), border=True,
            help="样本不足的门店不参与排名" if pd.isna(r["rank"]) else fmt.rank_change_help(r))
c[3].metric("反馈数", f"{int(r['n']):,}", border=True)
if r["insufficient"]:
    st.warning(f"样本不足：该门店本期反馈少于 {a.scheme.min_n} 条，得分已向区域均值收缩，不参与排名。", icon=":material/warning:")

@st.cache_data(show_spinner=False, max_entries=128)
def _profile(_con, version, filters, store, region):
    """Everything of one store's profile below the cards (radar series, 短板/长板, pains, verbatims)."""
    a = ranking.assessment(_con, version, filters)
    groups = scoring.group_scores(a)
    region_mask = (a.stores["region"] == region).to_numpy()
    radar = (list(groups.columns), groups.loc[store].tolist(), groups[region_mask].mean().tolist(),
             groups.mean().tolist())
    verdicts = scoring.touchpoint_verdicts(_con, filters, store)   # one rule: a touchpoint is 长板 or 短板, never both
    sw = scoring.strengths_weaknesses(a, store, verdicts=verdicts)
    store_filters = filters.with_(stores=(store,))
    tps = painpoints.touchpoints(_con, store_filters)
    return radar, sw, verdicts, tps, painpoints.verbatims(_con, store_filters, None, -1, limit=10)


(axes, own, reg, chain), sw, verdicts, tps, latest = _profile(ctx.con, ctx.version, ctx.filters, store, r["region"])
memo = ("profile", ctx.version, ctx.filters, store)
left, right = st.columns([3, 2])
with left:
    series = {names[store]: own, f"{r['region']}区域平均": reg, "全连锁平均": chain}
    export.chart(export.figure(memo + ("radar",), lambda: charts.radar(series, axes, "一级指标雷达图（0–100）",
                                                                       ctx.filters.describe(), n={names[store]: int(r["n"])})),
                 key="store_profile_1")
with right:
    if sw.get("insufficient"):
        st.caption("样本不足，不判断短板/长板。")
    st.markdown("**短板**")
    for x in sw["weak"] or [{"sentence": "无明显短板"}]:
        st.markdown(f"- :red[{x['sentence']}]")
    st.markdown("**长板**")
    for x in sw["strong"] or [{"sentence": "无明显长板"}]:
        st.markdown(f"- :green[{x['sentence']}]")
    st.caption("指标：与同区域门店相差至少 1 个标准差；触点：净好评（好评占比 − 负面占比）与全连锁其他门店比较，"
               "z 检验 p < 0.05。同一触点只会是短板或长板之一。")



@st.cache_data(show_spinner=False, max_entries=128)
def _store_trend(_con, version, filters, store, grain):
    """The store's own NPS / negative-review trend at ``grain`` (one small scan of its rows)."""
    return overview.monthly(_con, filters.with_(stores=(store,)), grain=grain)


@st.cache_data(show_spinner=False, max_entries=128)
def _composite_trend(_con, version, filters, store):
    """The store's monthly composite (chain-wide monthly assessments, shared by every store's profile)."""
    return scoring.store_trend(ranking.monthly(_con, version, filters), store)


st.subheader("趋势")
grain = grain_picker.resolved(ctx.filters, key="pf_grain")
per = timegrain.PER[grain]
mine = _store_trend(ctx.con, ctx.version, ctx.filters, store, grain)
trend = _composite_trend(ctx.con, ctx.version, ctx.filters, store) if grain == "month" else None
if trend is not None and len(trend) >= 2:
    t = trend.assign(composite_low=trend["composite"], composite_high=trend["composite"], composite_n=trend["n"])
    export.chart(export.figure(memo + ("trend",), lambda: charts.trend_with_ci(
        t, "composite", "综合得分月度趋势", "每月与全连锁门店比较；样本少的月份已向区域均值收缩")), key="store_profile_2")
elif grain != "month" and len(mine):
    # the composite is a chain-relative, shrunk score: per week or day a store has far fewer items than the
    # small-sample minimum, so it would show little more than the region's average — it stays monthly
    typical = int(mine["n"].median())
    why = (f"该门店{per}中位只有 {typical} 条反馈，低于样本下限 {a.scheme.min_n} 条，按{timegrain.GRAINS[grain]}的综合得分几乎只是区域均值"
           if typical < a.scheme.min_n else f"该门店{per}中位 {typical} 条反馈")
    st.caption(f"综合得分是按月与全连锁比较的考核分（{why}）；选「月」可见综合得分趋势。"
               f"下面是该门店自身的 NPS 与差评率{per}趋势，带 95% 置信区间。")
if len(mine) >= 2:
    sub = f"{names[store]} · {ctx.filters.describe()}"
    left, right = st.columns(2)
    with left:
        export.chart(export.figure(memo + ("nps", grain), lambda: charts.trend_with_ci(
            mine, "nps", f"NPS {per}趋势", sub)), key="store_profile_4")
    with right:
        export.chart(export.figure(memo + ("negative", grain), lambda: charts.trend_with_ci(
            mine, "negative_reviews", f"差评率{per}趋势（%）", sub, percent=True, color=charts.PALETTE[3])),
            key="store_profile_5")

st.subheader("主要痛点")
# a touchpoint judged a 长板 above is not listed as a pain (it is mentioned often, but better than the chain)
strong_tps = set(verdicts.loc[verdicts["verdict"] == "长板", "touchpoint"])
worst = painpoints.top(tps[~tps["touchpoint"].isin(strong_tps)] if len(tps) else tps, "negative", 8)
if worst.empty:
    st.info("该门店本期没有触点提及。" if tps.empty else "该门店本期没有负面的触点提及。")
else:
    export.chart(export.figure(memo + ("pains",), lambda: charts.touchpoint_bars(
        worst, "negative", "负面提及最多的触点", names[store])), key="store_profile_3")
st.subheader("最新负面原声")
verbatims.show(latest)
