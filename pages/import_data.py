"""数据导入: upload CSV/XLSX per source, see progress and the summary, browse history and download rejects."""
import streamlit as st

from cx.ingest import ImportFailed, history, import_bytes, rejects_of
from cx.ingest.mapping import SOURCE_LABELS, SOURCES
from cx.ingest.templates import template_csv
from cx.text.store import rebuild as rebuild_text
from ui import shell

ctx = shell.page("数据导入", filters=False)
MAX_MB = 200

st.title("数据导入")
shell.require_write(ctx, "导入数据")
st.caption("支持 CSV（UTF-8 / GBK / GB18030）与 Excel .xlsx。整批导入在一个事务中完成：失败时数据库保持不变；重复导入同一数据不会产生重复记录。")

c1, c2 = st.columns([1, 2])
with c1:
    source = st.selectbox("数据来源", SOURCES, format_func=SOURCE_LABELS.get, key="imp_source", placeholder="请选择")
    create = st.checkbox("遇到未知门店编号时自动创建门店", value=False,
                         help="不勾选时，这些行会被拒绝并记录原因，可下载后修正再导入。")
    st.download_button("下载导入模板", template_csv(source), file_name=f"模板_{SOURCE_LABELS[source]}.csv",
                       mime="text/csv", icon=":material/download:")
with c2:
    upload = st.file_uploader("选择文件", type=["csv", "xlsx"], key="imp_file")

if upload is not None and st.button("开始导入", type="primary", icon=":material/play_arrow:"):
    data = upload.getvalue()
    if len(data) > MAX_MB * 1024 * 1024:
        st.error(f"文件过大（{len(data) / 1024 / 1024:.0f} MB），上限 {MAX_MB} MB，请拆分后导入。")
    else:
        bar = st.progress(0.0, text="开始…")
        try:
            result = import_bytes(ctx.con, data, upload.name, source,
                                  unknown_store="create" if create else "reject",
                                  progress=lambda f, m: bar.progress(min(1.0, f), text=m),
                                  imported_by=ctx.user.username)
        except ImportFailed as e:
            bar.empty()
            st.error(f"导入失败，数据库未做任何更改：{e}", icon=":material/error:")
        else:
            bar.empty()
            (st.warning if result.rows_rejected else st.success)(result.summary())
            st.cache_data.clear()

if ctx.user.can_edit_config:
    rebuilt = st.session_state.pop("text_rebuilt", None)
    with st.expander("重新分析全部文本", icon=":material/sync:",
                     expanded=rebuilt is not None or shell.text_config_stale(ctx.con)):
        if rebuilt is not None:
            st.success(f"已用当前配置重新分析 {rebuilt:,} 条文本。", icon=":material/check_circle:")
        st.caption("修改旅程分类（data/taxonomy.yaml）、分词词典、情感词典或模型并重启应用后，用新配置重新分析库中全部文本"
                   "（触点、情感、关键词、敏感词）。每批单独提交，中断后再运行一次即可。百万条以上的大库建议在服务器上运行 "
                   "`python -m cx rebuild-text`。")
        if st.button("重新分析全部文本", icon=":material/sync:"):
            bar = st.progress(0.0, text="开始…")
            n = rebuild_text(ctx.con, progress=lambda f, m: bar.progress(min(1.0, f), text=m),
                             fingerprint=shell.text_config())
            st.cache_data.clear()
            st.session_state["text_rebuilt"] = n
            st.rerun()           # redraw from the top: the stale-configuration notice goes away

st.subheader("导入记录")
hist = history(ctx.con)
if not ctx.user.can_edit_config:   # rejected rows may belong to any store: only HQ sees every import
    hist = hist[hist["imported_by"] == ctx.user.username]
if hist.empty:
    shell.empty_state("还没有导入记录。上传一个文件试试，或先下载上方的模板。")
else:
    view = hist.assign(source=hist["source"].map(SOURCE_LABELS).fillna(hist["source"]),
                       status=hist["status"].map({"ok": "成功", "running": "进行中"}).fillna(hist["status"]),
                       imported_by=hist["imported_by"].map({"cli": "命令行"}).fillna(hist["imported_by"]))
    st.dataframe(
        view.rename(columns={"import_id": "导入编号", "file_name": "文件", "source": "来源", "started_at": "开始时间",
                             "finished_at": "完成时间", "rows_in": "读取行数", "rows_ok": "成功", "rows_rejected": "拒绝",
                             "rows_duplicate": "重复", "status": "状态", "imported_by": "导入方式"}),
        hide_index=True, width="stretch")
    with_rejects = hist[hist["rows_rejected"] > 0]
    if not with_rejects.empty:
        pick = st.selectbox("查看被拒绝的行", with_rejects["import_id"],
                            format_func=lambda i: f"{i} · {hist.set_index('import_id').loc[i, 'file_name']}", placeholder="请选择")
        rej = rejects_of(ctx.con, pick).rename(columns={"row_number": "行号", "reason": "原因", "raw": "原始内容"})
        st.dataframe(rej, hide_index=True, width="stretch")
        st.download_button("下载被拒绝的行（CSV）", rej.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"rejects_{pick}.csv", mime="text/csv", icon=":material/download:")
