"""考核方案: the indicator tree with weights, a what-if editor and rank sensitivity; export to YAML."""
import numpy as np
import pandas as pd
import streamlit as st

from cx import charts, scoring
from ui import export, ranking, shell

ctx = shell.page("考核方案")
st.title("考核方案")
scheme = scoring.default()
editable = ctx.user.can_edit_config
if editable:
    st.caption("拖动权重即可实时查看排名变化（不修改正在使用的方案）；满意后可导出新的方案文件，交系统管理员替换。")
else:
    st.caption("综合得分由以下指标加权得到。方案由总部制定，这里可以查看每项指标的含义与权重。")
overrides = {}
for gid, glabel, gw in scheme.groups:
    with st.expander(f"{glabel}（默认权重 {gw:g}）", expanded=False):
        overrides[gid] = st.slider(f"{glabel} 权重", 0.0, 1.0, float(gw), 0.05, key=f"w_{gid}", disabled=not editable)
        for leaf in [x for x in scheme.leaves if x.group == gid]:
            kind = {"higher": "越高越好", "lower": "越低越好"}[leaf.direction]
            overrides[leaf.id] = st.slider(
                f"{leaf.label}（{kind}，{leaf.normalize} 标准化，先验强度 {leaf.prior:g}，最小样本 {leaf.min_n}）",
                0.0, 1.0, float(leaf.weight), 0.05, key=f"w_{leaf.id}", disabled=not editable)

weights = scheme.weights(overrides)
if weights.sum() == 0 or not np.isfinite(weights).all():
    st.error("所有权重都为 0，无法计算综合得分。")
    st.stop()
eff = pd.DataFrame({"一级指标": [dict((g, lab) for g, lab, _ in scheme.groups)[x.group] for x in scheme.leaves],
                    "指标": [x.label for x in scheme.leaves], "有效权重": weights,
                    "默认有效权重": scheme.weights()})
st.dataframe(eff, hide_index=True, width="stretch",
             column_config={"有效权重": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1),
                            "默认有效权重": st.column_config.NumberColumn(format="percent")})



@st.cache_data(show_spinner=False, max_entries=64)
def _leagues(_con, version, filters, overrides: tuple):
    """The default league (rows the user may see) and the league under the edited weights (chain-wide)."""
    a = ranking.assessment(_con, version, filters)
    before = scoring.visible(scoring.league(a, simulate=False), filters.scope_stores)[["store_id", "name", "rank"]]
    return before, scoring.league(a, dict(overrides), simulate=False)[["store_id", "rank", "composite"]]


a = ranking.assessment(ctx.con, ctx.version, ctx.filters)
if a.stores.empty:
    shell.empty_state("当前范围内没有门店。")
    st.stop()
before, after = _leagues(ctx.con, ctx.version, ctx.filters, tuple(sorted(overrides.items())))
moves = before.merge(after, on="store_id", suffixes=("_before", "_after"))
moves["shift"] = moves["rank_before"] - moves["rank_after"]
changed = bool((moves["shift"] != 0).any())
st.subheader("排名敏感性")
if not changed and editable:
    st.info("当前权重与默认方案相同，排名没有变化。调整上方权重查看哪些门店变动最大。")
elif not changed:
    st.info("当前使用总部制定的方案。")
else:
    top = moves.reindex(moves["shift"].abs().sort_values(ascending=False).index).head(15)
    export.chart(charts.rank_shift(top, "权重调整后名次变化最大的门店", ctx.filters.describe()), key="scheme_1")
    corr = np.corrcoef(moves["rank_before"], moves["rank_after"])[0, 1]
    st.caption(f"新旧排名的相关系数 {corr:.3f}；{int((moves['shift'] != 0).sum())} 家门店名次变化，"
               f"最大变动 {int(moves['shift'].abs().max())} 名。")
if editable:
    st.download_button("导出当前方案（YAML）", scheme.to_yaml(overrides).encode("utf-8"), file_name="indicators.yaml",
                       mime="text/yaml", icon=":material/download:")
