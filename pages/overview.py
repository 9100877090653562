"""总览: headline KPIs with n and 95 % intervals, volumes by source, monthly trends."""
import streamlit as st

from cx import charts, overview, timegrain
from cx.filters import SOURCE_LABELS
from ui import cards, export, incident_band, shell
from ui import grain as grain_picker

ctx = shell.page("总览")


@st.cache_data(show_spinner="计算中…", max_entries=64)
def _load(_con, version, filters, grain):
    return overview.page(_con, filters, grain)


@st.cache_data(show_spinner=False, max_entries=64)
def _rhythm(_con, version, filters):
    return overview.weekday_hour(_con, filters)


st.title("总览")
st.caption(ctx.filters.describe())
incident_band.band(ctx)
grain = grain_picker.resolved(ctx.filters, key="ov_grain")
k, monthly, sources = _load(ctx.con, ctx.version, ctx.filters, grain)
per = timegrain.PER[grain]

if k["n"] == 0:
    shell.empty_state()
    st.stop()

cols = st.columns(5)
cols[0].metric("反馈量", f"{k['n']:,}", border=True,
               help="；".join(f"{SOURCE_LABELS[s]} {v:,}" for s, v in k["volume"].items()) + f"。上期 {k['previous_n']:,}",
               chart_data=monthly["n"].tolist() if len(monthly) >= 2 else None, chart_type="line")   # bars from 0 hide the shape
cards.card(cols[1], "NPS 净推荐值", k["nps"], k["nps_change"], monthly.get("nps"), pct=False)
cards.card(cols[2], "CSAT 满意度", k["csat"], k["csat_change"], monthly.get("csat"), pct=True, note="满意（4–5 分）占比。")
cards.card(cols[3], "CES 低费力占比", k["ces"], k["ces_change"], monthly.get("ces"), pct=True,
           note="5–7 分占比" + (f"，均值 {k['ces_mean']:.2f}。" if k["ces_mean"] else "。"))
cards.card(cols[4], "差评率", k["negative_reviews"], k["negative_reviews_change"], monthly.get("negative_reviews"),
           pct=True, good_up=False, note="线上评价中 1–2 星占比。")
st.caption("卡片中的变化与上一同长周期比较，仅在统计显著（p < 0.05）时显示；问号处为 95% 置信区间与样本量。")

sub = ctx.filters.describe()
left, right = st.columns(2)
with left:
    memo = ("overview", ctx.version, ctx.filters, grain)
    export.chart(export.figure(memo + ("nps",), lambda: charts.trend_with_ci(monthly, "nps", f"NPS {per}趋势", sub)),
                 key="overview_1")
with right:
    export.chart(export.figure(memo + ("csat",), lambda: charts.trend_with_ci(
        monthly, "csat", f"CSAT {per}趋势（%）", sub, percent=True, color=charts.PALETTE[2])), key="overview_2")
left, right = st.columns(2)
with left:
    src = sources.assign(source_label=sources["source"].map(SOURCE_LABELS))
    export.chart(export.figure(memo + ("volume",), lambda: charts.volume_by_source(src, subtitle=sub)), key="overview_3")
with right:
    export.chart(export.figure(memo + ("negative",), lambda: charts.trend_with_ci(
        monthly, "negative_reviews", f"差评率{per}趋势（%）", sub, percent=True, color=charts.PALETTE[3])), key="overview_4")

rhythm = _rhythm(ctx.con, ctx.version, ctx.filters)
if len(rhythm):
    export.chart(export.figure(memo + ("rhythm",), lambda: charts.weekday_hour(
        rhythm, "一周节律：星期 × 小时反馈量", sub + "；悬停可见负面占比")), key="overview_5")
    st.caption("重大事件的基线按门店自身的星期规律调整，周末高峰不会被误判为事件。")
