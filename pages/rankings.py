"""门店排名: league table with rank intervals and movement, region roll-up, top/bottom chart."""
import pandas as pd
import streamlit as st

from cx import brand, charts, scoring
from ui import export, fmt, ranking, shell

ctx = shell.page("门店排名")


@st.cache_data(show_spinner=False, max_entries=64)
def _tables(_con, version: int, filters, groups: tuple[str, ...]):
    """The league (all stores, for the chain-wide numbers), the rows the user may see, the same rows as the
    table shows them (same index) and the region roll-up: derived once per filter choice and shared by every
    rerun and session."""
    full = ranking.ranking(_con, version, filters)
    table = scoring.visible(full, filters.scope_stores)
    show = table.assign(区间=(table["rank_low"].astype(str) + "–" + table["rank_high"].astype(str)).where(table["rank"].notna(), "样本不足"),
                        店名=brand.short_series(table["name"]), incident=table["incident"].fillna(""),
                        # missing ranks (small samples, new stores) read as words, never as a blank "None"
                        rank=[("样本不足" if pd.isna(x) else str(int(x))) for x in table["rank"]],
                        rank_change=table["rank_change"].map(fmt.rank_change),
                        prev_rank=[("—" if pd.isna(x) else str(int(x))) for x in table["prev_rank"]])
    cols = ["rank", "区间", "rank_change", "prev_rank", "store_id", "店名", "region", "city", "format", "composite", "n",
            "insufficient", "incident"] + list(groups)
    shown = show[cols].rename(columns={"rank": "排名", "rank_change": "名次变化", "prev_rank": "上期排名", "store_id": "门店编号",
                                       "region": "区域", "city": "城市", "format": "业态", "composite": "综合得分", "n": "反馈数",
                                       "insufficient": "样本不足", "incident": "重大事件"})
    reg = full.groupby("region").agg(门店数=("store_id", "size"), 平均综合得分=("composite", "mean"),
                                      中位综合得分=("composite", "median"), 样本不足门店=("insufficient", "sum"),
                                      反馈数=("n", "sum")).sort_values("平均综合得分", ascending=False).reset_index()
    return full, table, shown, reg


st.title("门店排名")
st.caption(ctx.filters.describe() + "。排名比较整店表现，来源与渠道筛选不作用于排名。")

scheme = scoring.default()
groups = [label for _, label, _ in scheme.groups]
full, table, shown, reg = _tables(ctx.con, ctx.version, ctx.filters, tuple(groups))
if ctx.filters.scope_stores is not None:
    st.info(f"排名在全连锁 {len(full)} 家门店中计算；此处只显示您权限内的门店，其他门店不公开，区域汇总为匿名统计。",
            icon=":material/visibility_off:")
if table.empty:
    shell.empty_state("当前范围内没有门店。")
    st.stop()

c1, c2, c3 = st.columns([1, 1, 2])
hide = c1.toggle("隐藏样本不足的门店", value=False, key="rk_hide") if len(table) > 1 else False
top_n = c2.slider("图中显示前/后 N 家", 5, 30, 10, key="rk_n") if len(table) > 1 else 10
c3.caption(f"综合得分 0–100 为各指标标准化得分的加权和；每项指标先向所在区域均值收缩（贝叶斯收缩，先验强度见考核方案），"
           f"排名区间为 {scheme.simulations} 次抽样的 5%–95% 分位。反馈少于 {scheme.min_n} 条的门店标为“样本不足”，不给名次，也不进入前/后 N 名。")
view = table[~table["insufficient"]] if hide else table
shown = shown.loc[view.index]                      # the table's rows are the view's (same index)
ranked = view[view["rank"].notna()]   # small samples get no rank and are in no best/worst list (data/small_sample.yaml)
if scheme.penalty is not None and table["incident"].notna().any():
    rule = (f"压至末位组（后 {scheme.penalty.bottom_share:.0%}）" if scheme.penalty.rule == "bottom_group"
            else f"封顶 {scheme.penalty.cap:g} 分")
    st.warning(f"{int(table['incident'].notna().sum())} 家门店本期发生重大事件，按考核方案其综合得分{rule}，"
               "见表中“重大事件”列。", icon=":material/gavel:")

sub = ctx.filters.describe()
if ctx.user.role == "store":
    # A league of one store says nothing: show where it stands in the chain, peers anonymous.
    r = table.iloc[0]
    region_rows = full[full["region"] == r["region"]]
    c = st.columns(4)
    if pd.isna(r["rank"]):        # small sample: no rank number anywhere (data/small_sample.yaml)
        c[0].metric("全连锁排名", "样本不足", border=True, help="样本不足的门店不参与排名")
        c[1].metric("区域内排名", "样本不足", border=True, help="样本不足的门店不参与排名")
    else:
        ranked_region = region_rows[region_rows["rank"].notna()]
        c[0].metric("全连锁排名", f"{int(r['rank'])} / {int(full['rank'].notna().sum())}", border=True,
                    help=f"90% 区间 {r['rank_low']}–{r['rank_high']}")
        c[1].metric("区域内排名", f"{int((ranked_region['composite'] > r['composite']).sum()) + 1} / {len(ranked_region)}",
                    border=True, help=f"{r['region']}区域 {len(ranked_region)} 家参与排名的门店")
    c[2].metric("综合得分", f"{r['composite']:.1f}", border=True,
                help=f"全连锁中位数 {full['composite'].median():.1f}，{r['region']}区域中位数 {region_rows['composite'].median():.1f}")
    c[3].metric("名次变化", fmt.rank_change(r["rank_change"]), border=True,
                help="样本不足的门店不参与排名" if pd.isna(r["rank"]) else fmt.rank_change_help(r))
    export.chart(export.figure(("rank_band", ctx.version, ctx.filters, r["store_id"]), lambda: charts.position_band(
        full, [r["store_id"]], "本店在全连锁中的位置", sub, region=r["region"])), key="rankings_band")
else:
    left, right = st.columns(2)
    with left:
        memo = ("rank", ctx.version, ctx.filters, hide, top_n)
        export.chart(export.figure(memo + ("top",), lambda: charts.rank_intervals(
            ranked.head(top_n), f"综合得分前 {top_n} 名", sub)), key="rankings_1")
    with right:
        export.chart(export.figure(memo + ("bottom",), lambda: charts.rank_intervals(
            ranked.tail(top_n), f"综合得分后 {top_n} 名", sub)), key="rankings_2")

st.subheader("门店排行榜")
export.table(
    shown,
    name="门店排行榜", key="rk_table", note=ctx.filters.describe(), hide_index=True, width="stretch",
    height="auto" if len(shown) <= 12 else 460,
    column_config={"综合得分": st.column_config.ProgressColumn(format="%.1f", min_value=0, max_value=100),
                   "名次变化": st.column_config.TextColumn(help="与上一同长周期相比"),
                   "上期排名": st.column_config.TextColumn(help="上一同长周期的排名（— = 上期没有排名）"),
                   **{g: st.column_config.NumberColumn(format="%.0f") for g in groups}})
pick_names = dict(zip(table["store_id"], brand.short_series(table["name"])))      # not a set_index per option
pick = st.selectbox("查看门店画像", view["store_id"], format_func=lambda s: f"{s} {pick_names.get(s, '')}",
                    key="rk_pick", placeholder="请选择")
if st.button("打开门店画像", icon=":material/storefront:"):
    st.session_state["profile_store"] = pick
    st.switch_page("pages/store_profile.py")

st.subheader("区域汇总")
st.dataframe(reg.rename(columns={"region": "区域"}), hide_index=True, width="stretch",
             column_config={"平均综合得分": st.column_config.NumberColumn(format="%.1f"),
                            "中位综合得分": st.column_config.NumberColumn(format="%.1f")})
