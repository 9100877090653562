"""KANO分析: 5×5 evaluation table per answer pair, majority category, Better/Worse scatter and table."""
import streamlit as st

from cx import charts, kano
from ui import export, shell

ctx = shell.page("KANO分析")
st.title("KANO 分析")
st.caption(ctx.filters.describe() + "。KANO 问卷可在“数据导入”页以“KANO 问卷”来源导入。")


@st.cache_data(show_spinner=False, max_entries=64)
def _features(_con, version, filters):
    return kano.features(_con, filters)


df = _features(ctx.con, ctx.version, ctx.filters)
if df.empty:
    shell.empty_state("当前筛选中没有 KANO 答卷。")
    st.stop()
export.chart(export.figure(("kano", ctx.version, ctx.filters), lambda: charts.kano_scatter(
    df, "Better–Worse 系数图", ctx.filters.describe())), key="kano_1")
cats = list(kano.CATEGORIES)
# missing coefficients (no A/O/M/I answers) read "—"; the small-sample flag is a Chinese column
shown = df.assign(better=[("—" if x != x or x is None else f"{x:.2f}") for x in df["better"]],
                  worse=[("—" if x != x or x is None else f"{x:.2f}") for x in df["worse"]])
if "small" in shown.columns:
    shown["small"] = shown["small"].map({True: "样本不足", False: ""}).fillna("")
table = shown.rename(columns={"feature": "功能", "n": "答卷数", "category_label": "多数归类", "better": "Better", "worse": "Worse",
                              "small": "样本", **{c: f"{c} {kano.CATEGORIES[c]}" for c in cats}}).drop(columns=["category"])
if "多数归类" in table.columns:
    table["多数归类"] = table["多数归类"].fillna("样本不足")
export.table(table, "KANO分析", "kano_table", note=ctx.filters.describe(), hide_index=True, width="stretch")
with st.expander("KANO 评价表（正向 × 反向）"):
    import pandas as pd

    grid = pd.DataFrame([[kano.TABLE[f][d] for d in range(5)] for f in range(5)],
                        index=[f"正向：{kano.ANSWERS[i + 1]}" for i in range(5)],
                        columns=[f"反向：{kano.ANSWERS[i + 1]}" for i in range(5)])
    st.dataframe(grid, width="stretch")
    st.caption("A 魅力 · O 期望 · M 必备 · I 无差异 · R 反向 · Q 可疑。Better = (A+O)/(A+O+M+I)，Worse = −(O+M)/(A+O+M+I)。")
