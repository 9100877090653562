"""CX Lens entry point and home page: what is in the store and where to go next."""
import streamlit as st

from cx import access, db, kano, overview
from cx.filters import Filters
from ui import shell

ctx = shell.page("首页", filters=False)

st.title("客户体验透镜 CX Lens")
st.caption("连锁门店客户体验分析：问卷、客服记录、线上评价与舆情，汇入同一数据库统一分析。")

opts = ctx.options
first, last = opts["first_day"], opts["last_day"]
c1, c2, c3, c4 = st.columns(4)
c1.metric("门店" if ctx.filters.scope_stores is None else "我的门店", f"{len(opts['stores']):,}")
if first is not None:
    whole = Filters(first.date(), last.date(), scope_stores=ctx.filters.scope_stores)
    c2.metric("反馈总量", f"{overview.kpis(ctx.con, whole, compare=False)['n']:,}")
    c3.metric("KANO 答卷", f"{int(kano.features(ctx.con, whole)['n'].sum()):,}")
    st.write(f"数据时间范围：{first:%Y-%m-%d} 至 {last:%Y-%m-%d}")
imports = access.imports_for(ctx.con, ctx.user)
c4.metric("导入批次", f"{len(imports):,}")

st.subheader("从这里开始")
a, b = st.columns(2)
with a:
    st.page_link("pages/overview.py", label="总览：NPS、满意度、费力度与差评率", icon=":material/dashboard:")
with b:
    st.page_link("pages/import_data.py", label="数据导入：上传问卷、客服、评价、舆情文件", icon=":material/upload_file:")

stories = db.demo_stories(ctx.con)
if stories:
    with st.expander("演示数据中埋设的故事（用来检验看板能否发现它们）"):
        for s in stories.values():
            where = s.get("store_name") or s.get("region") or ""
            st.markdown(f"- **{s['title']}** {where}")
