"""总览: headline KPIs with n and 95 % intervals, volumes by source, monthly trends."""
import streamlit as st

from cx import charts, overview
from cx.filters import SOURCE_LABELS
from ui import fmt, shell

ctx = shell.page("总览")


@st.cache_data(show_spinner="计算中…", max_entries=64)
def _load(_con, version, filters):
    return overview.kpis(_con, filters), overview.monthly(_con, filters), overview.by_source(_con, filters)


st.title("总览")
st.caption(ctx.filters.describe())
k, monthly, sources = _load(ctx.con, ctx.version, ctx.filters)

if k["n"] == 0:
    shell.empty_state()
    st.stop()

cols = st.columns(5)
cols[0].metric("反馈量", f"{k['n']:,}", help="；".join(f"{SOURCE_LABELS[s]} {v:,}" for s, v in k["volume"].items()))
cols[1].metric("NPS 净推荐值", fmt.points(k["nps"]), help=fmt.ci_help(k["nps"], pct=False))
cols[2].metric("CSAT 满意度", fmt.percent(k["csat"]), help="满意（4–5 分）占比。" + fmt.ci_help(k["csat"], pct=True))
cols[3].metric("CES 低费力占比", fmt.percent(k["ces"]),
               help="5–7 分占比" + (f"，均值 {k['ces_mean']:.2f}" if k["ces_mean"] else "") + "。" + fmt.ci_help(k["ces"], pct=True))
cols[4].metric("差评率", fmt.percent(k["negative_reviews"]),
               help="线上评价中 1–2 星占比。" + fmt.ci_help(k["negative_reviews"], pct=True))
for name, e in (("NPS", k["nps"]), ("CSAT", k["csat"]), ("CES", k["ces"])):
    if 0 < e.n < fmt.SMALL_N:
        st.warning(f"{name} 样本仅 {e.n} 份，置信区间很宽，请谨慎解读。", icon=":material/warning:")

sub = ctx.filters.describe()
left, right = st.columns(2)
with left:
    st.plotly_chart(charts.trend_with_ci(monthly, "nps", "NPS 月度趋势", sub), width="stretch")
with right:
    st.plotly_chart(charts.trend_with_ci(monthly, "csat", "CSAT 月度趋势（%）", sub, percent=True,
                                         color=charts.PALETTE[2]), width="stretch")
left, right = st.columns(2)
with left:
    src = sources.assign(source_label=sources["source"].map(SOURCE_LABELS))
    st.plotly_chart(charts.volume_by_source(src, subtitle=sub), width="stretch")
with right:
    st.plotly_chart(charts.trend_with_ci(monthly, "negative_reviews", "差评率月度趋势（%）", sub, percent=True,
                                         color=charts.PALETTE[3]), width="stretch")
