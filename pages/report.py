"""汇报导出: choose scope, period and sections; build the PPTX deck (and an HTML one-pager) with progress."""
import streamlit as st

from cx import audit, brand, timegrain
from cx.report import deck
from cx.scope import parse_scope, split as scope_split
from ui import grain as grain_picker
from ui import shell

ctx = shell.page("汇报导出")
st.title("汇报导出")
st.caption("按“客户说什么 → 问题是什么 → 原因分析 → 建议 → 执行与验证”的结构生成 16:9 汇报 PPT，或可交互的 HTML 单页报告。"
           "周期取侧栏日期范围。")
opts = ctx.options
scopes = ["chain"] if ctx.filters.scope_stores is None else []
scopes += [f"region:{r}" for r in opts["regions"]] + [f"store:{s}" for s in opts["stores"]["store_id"]]
c1, c2 = st.columns([1, 2])


def _scope_label(scope: str) -> str:
    kind, value = scope_split(scope)
    return parse_scope(scope)[0] + (" " + store_names.get(value, "") if kind == "store" else "")


store_names = dict(zip(opts["stores"]["store_id"], brand.short_series(opts["stores"]["name"])))
scope = c1.selectbox("范围", scopes, key="rp_scope", placeholder="请选择",
                     format_func=_scope_label)
sections = c2.multiselect("章节", list(deck.SECTIONS), default=list(deck.SECTIONS), key="rp_sections", select_all=False, placeholder="请选择")
fmt = st.radio("格式", ["pptx", "html"], horizontal=True, key="rp_fmt",
               format_func={"pptx": "PowerPoint（.pptx）", "html": "HTML 单页（可交互，离线可看）"}.get)
grain = grain_picker.choose("rp_grain", help="趋势图与（区域、门店报告的）热力图时间列。" + timegrain.AUTO_HELP)
if st.button("生成报告", type="primary", icon=":material/slideshow:", disabled=not sections):
    label, extra = parse_scope(scope)
    f = ctx.filters.with_(**extra, sources=(), channels=())
    bar = st.progress(0.0, text="收集数据…")
    report = deck.collect(ctx.con, f, label, tuple(sections), progress=lambda x, m: bar.progress(0.5 * x, text=m),
                          grain=grain)
    if fmt == "pptx":
        data = deck.to_pptx(report, progress=lambda x, m: bar.progress(0.5 + 0.5 * x, text=m))
        name, mime = f"{report.title}_{f.start:%Y%m%d}-{f.end:%Y%m%d}.pptx", \
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    else:
        data, name, mime = deck.to_html(report).encode("utf-8"), f"{report.title}_{f.start:%Y%m%d}.html", "text/html"
    bar.empty()
    audit.record(ctx.con, ctx.user.username, "export", label, f"汇报 {name}", st.context.ip_address)
    st.session_state["rp_file"] = (data, name, mime, len(report.slides))
if "rp_file" in st.session_state:
    data, name, mime, n = st.session_state["rp_file"]
    st.success(f"已生成：{name}（{n} 页内容，{len(data) / 1024:.0f} KB）")
    st.download_button("下载报告", data, file_name=name, mime=mime, icon=":material/download:", key="rp_download")
