"""数据导入: choose source + file, confirm the proposed mapping (profile, sheets, header, columns, scales, dates,
time zone, questionnaire) with a preview of stored values, then import with progress; save the confirmed mapping
as a profile; browse history and download rejects. Decisions live in cx.ingest.ui_options."""
import streamlit as st

from cx import access, commands
from cx.ingest import ImportFailed, ImportOptions, ImportResult, import_details, rejects_table
from cx.ingest import ui_options as uo
from cx.ingest.mapping import SOURCE_LABELS, SOURCES
from cx.ingest.profiles import ProfileError
from cx.ingest.templates import template_csv
from cx.text.store import rebuild as rebuild_text
from ui import shell

ctx = shell.page("数据导入", filters=False)

st.title("数据导入")
shell.require_write(ctx, "导入数据")
st.caption("支持 CSV / TXT（UTF-8、GBK、GB18030、UTF-16 自动识别）与 Excel .xlsx（可读取多个工作表）。上传后先确认映射和预览，"
           "确认前不会写入任何数据；整批导入在一个事务中完成，失败时数据库保持不变。")

c1, c2 = st.columns([1, 2])
with c1:
    source = st.selectbox("数据来源", SOURCES, format_func=SOURCE_LABELS.get, key="imp_source", placeholder="请选择")
    create = st.checkbox("遇到未知门店编号时自动创建门店", value=False, key="imp_create",
                         help="不勾选时，这些行会被拒绝并记录原因，可下载后修正再导入。被拒绝的行不会创建门店。"
                         ) if ctx.user.is_hq else False          # only HQ may create stores (cx.commands)
    st.download_button("下载导入模板", template_csv(source), file_name=f"模板_{SOURCE_LABELS[source]}.csv",
                       mime="text/csv", icon=":material/download:")
with c2:
    # Streamlit draws the drop zone's "Upload" / "… per file" itself (no API to translate them): say it in Chinese.
    st.caption(f"把文件拖到下面的框中，或点击框内的按钮选择文件。单个文件不超过 {uo.MAX_MB} MB，"
               "类型：CSV、TXT、XLSX。")
    upload = st.file_uploader("选择要导入的文件", type=["csv", "txt", "xlsx"], key="imp_file",
                              max_upload_size=uo.MAX_MB,
                              help="问卷星、腾讯问卷、Qualtrics、SurveyMonkey、Google 表单、大众点评/美团等导出文件可直接上传，"
                                   "系统按表头识别导入配置。")


def _mapping_step(data: bytes, file_name: str) -> None:
    """Propose, let the user confirm or change, preview; import on 「确认并导入」."""
    fk = uo.file_key(data)
    cache = st.session_state.setdefault("imp_plans", {})
    known = None if create else uo.known_stores(ctx.con)
    base = ImportOptions()
    try:
        p0 = uo.cached_plan(cache, data, file_name, source, base, known, fk)
    except ImportFailed as e:
        st.error(f"无法读取该文件：{e}", icon=":material/error:")
        return

    st.subheader("第 1 步 · 读取设置")
    profs = uo.profiles_for(source)
    names = [p.name for p in profs]
    labels = {p.name: uo.profile_label(p) for p in profs}
    r1, r2 = st.columns(2)
    with r1:
        prof = st.selectbox("导入配置", names, index=names.index(p0.profile.name) if p0.profile.name in names else 0,
                            format_func=lambda n: labels[n] + ("（自动识别）" if n == p0.profile.name else ""),
                            key=f"imp_profile_{fk}_{source}", placeholder="请选择导入配置",
                            help="按表头自动识别；识别不对时可手动选择。")
    try:
        pp = uo.cached_plan(cache, data, file_name, source, ImportOptions(profile=prof), known, fk) if prof != p0.profile.name else p0
    except ImportFailed as e:
        st.error(str(e), icon=":material/error:")
        return
    planned_sheets = [t.sheet for t in pp.tables]
    with r2:
        if len(pp.sheet_names) > 1:
            sheets = st.multiselect("读取的工作表", pp.sheet_names, default=planned_sheets, select_all=False,
                                    key=f"imp_sheets_{fk}_{source}_{prof}", placeholder="请选择工作表",
                                    help="默认读取表头相同的全部工作表；导入结果按工作表分别计数。")
        else:
            sheets = planned_sheets
        detected_hr = pp.tables[0].header_rows if pp.tables else 1
        hr = st.number_input("表头行数", min_value=1, max_value=5, value=detected_hr, step=1,
                             key=f"imp_hr_{fk}_{source}_{prof}",
                             help="表头下方的说明行（如 Qualtrics 的题目文字、ImportId 行）计入表头行数，导入时跳过并计数。")
    header_box = st.empty()
    d1, d2, d3 = st.columns(3)
    with d1:
        order = st.selectbox("日期顺序", list(uo.DATE_ORDERS), format_func=uo.DATE_ORDERS.get,
                             key=f"imp_order_{fk}", placeholder="请选择日期顺序",
                             help="自动：按整列推断（有大于 12 的数即可判断）；无法判断时导入会停止并提示选择。")
    with d2:
        tz = st.selectbox("无时区时间的时区", [uo.AUTO, *uo.TIMEZONES], key=f"imp_tz_{fk}",
                          format_func=lambda z: uo.timezone_label(z, pp.profile), accept_new_options=True,
                          placeholder="请选择或输入时区（如 Asia/Shanghai）",
                          help="文件中不带时区的时间按此时区理解；带 Z 或 +00:00 的时间按其偏移换算到连锁时区。")
    with d3:
        questionnaire = st.text_input("问卷名称（编号范围）", key=f"imp_q_{fk}",
                                      placeholder="例如：堂食满意度问卷",
                                      help="填写后，编号只在该问卷内唯一：不同问卷的相同答卷序号不会互相覆盖。")
    try:
        opt_a = uo.reading_options(profile=prof, detected=p0.profile.name, sheets=sheets, planned_sheets=planned_sheets,
                                   date_order=order, timezone=tz or uo.AUTO, questionnaire=questionnaire,
                                   header_rows=int(hr), detected_header_rows=detected_hr)
        pa = uo.cached_plan(cache, data, file_name, source, opt_a, known, fk)
    except (uo.OptionError, ImportFailed) as e:
        st.error(str(e), icon=":material/error:")
        return
    header_box.info(uo.header_info(pa), icon=":material/table_rows:")

    st.subheader("第 2 步 · 列映射")
    st.caption("每一列对应的字段；选「不导入」则忽略该列。")
    ckey = uo.options_key(ImportOptions(profile=opt_a.profile, sheets=opt_a.sheets, header_rows=opt_a.header_rows))
    fields = [uo.NOT_IMPORTED, *uo.fields_of(source)]
    chosen = {}
    rows = list(enumerate(uo.column_rows(pa)))
    used = [(i, r) for i, r in rows if r["field"] != uo.NOT_IMPORTED]
    unused = [(i, r) for i, r in rows if r["field"] == uo.NOT_IMPORTED]

    def column_row(i: int, row: dict) -> None:
        a, b, c, d = st.columns([3, 2, 3, 2], vertical_alignment="center")
        a.write(row["header"] or f"（第 {i + 1} 列，无列名）")
        chosen[row["header"]] = b.selectbox(row["header"] or f"第 {i + 1} 列", fields,
                                            index=fields.index(row["field"]) if row["field"] in fields else 0,
                                            format_func=uo.field_label, key=f"imp_col_{fk}_{ckey}_{i}",
                                            label_visibility="collapsed", placeholder="不导入")
        c.caption("，".join(row["samples"]) or "（前几行为空）")
        d.caption(row["how"])

    head = st.columns([3, 2, 3, 2])
    for col, text in zip(head, ["文件中的列", "导入为", "示例值", "识别方式"]):
        col.markdown(f"**{text}**")
    for i, row in used:
        column_row(i, row)
    if unused:
        with st.expander(f"其余 {len(unused)} 列（不导入，可改为导入）", expanded=not used):
            for i, row in unused:
                column_row(i, row)
    try:
        opt_b = uo.with_columns(opt_a, uo.column_overrides(pa.mapping, chosen))
        pb = uo.cached_plan(cache, data, file_name, source, opt_b, known, fk)
    except (uo.OptionError, ImportFailed) as e:
        st.error(str(e), icon=":material/error:")
        return

    scales = {}
    infos = uo.score_infos(pb)
    if infos:
        st.subheader("第 3 步 · 评分量表")
        skey = uo.options_key(ImportOptions(profile=opt_b.profile, sheets=opt_b.sheets, header_rows=opt_b.header_rows,
                                            columns=opt_b.columns))   # survives date/time zone changes
        for info in infos:
            s1, s2 = st.columns([2, 3])
            opts = uo.scales_for(info.fld, info.scale)
            with s1:
                scales[info.fld] = st.selectbox(f"“{info.header}”（{uo.field_label(info.fld)}）的量表", opts,
                                                index=opts.index(info.scale) if info.scale in opts else 0,
                                                format_func=uo.scale_label, key=f"imp_scale_{fk}_{skey}_{info.fld}",
                                                placeholder="请选择量表")
            with s2:
                st.caption(f"方向：{info.direction}")
                st.caption(f"换算：{info.rule}")
                if info.labels is not None:
                    st.dataframe(info.labels, hide_index=True, width="content")
    try:
        opt_c = uo.with_scores(opt_b, uo.score_overrides({i.fld: i.scale for i in infos}, scales))
        pc = uo.cached_plan(cache, data, file_name, source, opt_c, known, fk)
    except (uo.OptionError, ImportFailed) as e:
        st.error(str(e), icon=":material/error:")
        return

    st.subheader("第 4 步 · 确认")
    st.markdown("**导入时的假设**")
    st.markdown("\n".join(f"- {a}" for a in pc.assumptions) or "（无）")
    for problem in pc.problems:
        st.error(problem, icon=":material/error:")
    if pc.partial:
        st.caption("预览只读取了文件的前几百行；导入时读取全部行，并按整列重新判断日期顺序和量表。")
    preview = uo.preview_frame(pc)
    if not preview.empty:
        st.markdown("**预览（前几行，按将要存储的值显示）**")
        st.dataframe(preview, hide_index=True, width="stretch")
    if pc.preview_rejects:
        st.markdown("**预览中将被拒绝的行**")
        st.dataframe(uo.rejects_frame(pc), hide_index=True, width="stretch")
    if st.button("确认并导入", type="primary", icon=":material/play_arrow:", disabled=bool(pc.problems),
                 key="imp_go"):
        bar = st.progress(0.0, text="开始…")
        try:
            # the one write path (cx.commands): role check, upload limit, then cx.ingest as for the CLI and API
            result = commands.import_upload(ctx.con, ctx.user, data, file_name, source,
                                            "create" if create else "reject",
                                            progress=lambda f, m: bar.progress(min(1.0, f), text=m), options=opt_c)
        except (ImportFailed, commands.CommandError, access.Forbidden) as e:
            st.session_state["imp_last"] = (fk, None, f"导入失败，数据库未做任何更改：{e}")
        else:
            st.session_state["imp_last"] = (fk, result, None)
            if result.import_id:       # the history pickers below open on this import, not the previous one
                st.session_state["imp_detail"] = result.import_id
                if result.rows_rejected:
                    st.session_state["imp_rejects"] = result.import_id
            st.cache_data.clear()
        bar.empty()
    last = st.session_state.get("imp_last")
    if last and last[0] == fk:
        _show_result(*last[1:])
    if ctx.user.can_edit_config and not pc.problems:
        _save_profile(pc)


def _show_result(result, error) -> None:
    if error:
        st.error(error, icon=":material/error:")
        return
    if result.status == "same_file":
        st.info(result.summary(), icon=":material/info:")
        return
    (st.warning if result.rows_rejected else st.success)(result.summary())
    if len(result.sheets) > 1:
        st.dataframe(uo.sheet_counts_frame(result), hide_index=True, width="content")
    lines = result.details()
    if lines:
        with st.expander(f"导入说明（{len(lines)} 条）", expanded=bool(result.conflicts)):
            st.markdown("\n".join(f"- {x}" for x in lines))


def _save_profile(pc) -> None:
    saved = st.session_state.pop("imp_profile_saved", None)
    with st.expander("保存为导入配置", icon=":material/save:", expanded=saved is not None):
        if saved:
            st.success(saved, icon=":material/check_circle:")
        st.caption("把当前确认的映射（列、量表、日期顺序与时区、表头行数、编号方式）保存为导入配置，"
                   "下次上传表头相同的文件时自动使用。")
        n1, n2 = st.columns(2)
        name = n1.text_input("配置名称（小写字母、数字、下划线）", key="imp_pname", placeholder="例如 my_wjx")
        label = n2.text_input("显示名称", key="imp_plabel", placeholder="例如 门店满意度问卷（问卷星）")
        overwrite = st.checkbox("覆盖同名配置", key="imp_poverwrite")
        if st.button("保存为导入配置", icon=":material/save:", key="imp_psave"):
            try:
                path = uo.save_profile(pc, name, label, overwrite)
            except ProfileError as e:
                st.error(str(e), icon=":material/error:")
            else:
                st.session_state["imp_profile_saved"] = f"已保存导入配置“{label or name}”（{path.name}）。"
                st.rerun()


if upload is not None:
    data = upload.getvalue()
    err = uo.too_large(data)
    if err:
        st.error(err, icon=":material/error:")
    else:
        _mapping_step(data, upload.name)

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
            st.session_state.pop("topic_added", None)   # the 新话题 keyword is in use now: its undo is no longer offered
            st.rerun()           # redraw from the top: the stale-configuration notice goes away

st.subheader("导入记录")
hist = access.imports_for(ctx.con, ctx.user)   # HQ sees every import, others their own (scope lives in cx.access)
if hist.empty:
    shell.empty_state("还没有导入记录。上传一个文件试试，或先下载上方的模板。")
else:
    st.dataframe(uo.history_frame(hist), hide_index=True, width="stretch")
    files = dict(zip(hist["import_id"], hist["file_name"]))     # a dict: format_func runs once per option
    pick_d = st.selectbox("查看导入详情", hist["import_id"], format_func=lambda i: f"{i} · {files.get(i, '')}",
                          key="imp_detail", placeholder="请选择")
    det = import_details(ctx.con, pick_d) if pick_d else {}
    if det:
        if len(det.get("sheets", {})) > 1:
            st.dataframe(uo.sheet_counts_frame(ImportResult(pick_d, "", "", "ok", sheets=det["sheets"])),
                         hide_index=True, width="content")
        lines = ([f"假设：{a}" for a in det.get("assumptions", [])] + [f"冲突：{c}" for c in det.get("conflicts", [])]
                 + [f"说明：{n}" for n in det.get("notes", [])] + ([f"失败原因：{det['error']}"] if det.get("error") else []))
        if lines:
            st.markdown("\n".join(f"- {x}" for x in lines))
    with_rejects = hist[hist["rows_rejected"] > 0]
    if not with_rejects.empty:
        if st.session_state.get("imp_rejects") not in set(with_rejects["import_id"]):
            st.session_state.pop("imp_rejects", None)
        pick = st.selectbox("查看被拒绝的行", with_rejects["import_id"], key="imp_rejects",
                            format_func=lambda i: f"{i} · {files.get(i, '')}", placeholder="请选择")
        rej = rejects_table(access.rejects_for(ctx.con, ctx.user, pick))
        st.dataframe(rej, hide_index=True, width="stretch")
        st.caption("下载的文件保留原文件的列（另加行号和原因），修正后可直接再次导入；手机号、身份证号已打码，顾客标识已脱敏，"
                   "这些列请从原系统重新填写。")
        st.download_button("下载被拒绝的行（CSV）", rej.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"rejects_{pick}.csv", mime="text/csv", icon=":material/download:")
