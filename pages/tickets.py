"""工单中心: queue by role, SLA countdown and breach highlighting, ticket detail and handling; SLA dashboard."""
from datetime import datetime

import pandas as pd
import streamlit as st

from cx import access, commands
from cx.loop import rules, tickets
from ui import shell, verbatims

ctx = shell.page("工单中心")
# SLA escalation runs in the service every minute (cx.commands.escalate_overdue), not on page load.
now = datetime.now()
st.title("工单中心")
st.caption(ctx.filters.describe() + "（按工单创建时间）")

tab_queue, tab_sla = st.tabs(["我的工单", "SLA 看板"])
with tab_queue:
    c1, c2 = st.columns(2)
    levels = c1.multiselect("处理层级", list(rules.LEVELS), format_func=rules.LEVEL_LABELS.get, key="tk_levels",
                            placeholder="全部层级")
    statuses = c2.multiselect("状态", list(tickets.STATES), default=list(tickets.OPEN), key="tk_status",
                              placeholder="全部状态")
    q = tickets.queue(ctx.con, ctx.filters, levels, statuses)
    if q.empty:
        shell.empty_state("没有符合条件的工单。")
    else:
        hours_left = (q["due_at"] - pd.Timestamp(now)).dt.total_seconds() / 3600
        open_ = q["status"].isin(tickets.OPEN)
        view = pd.DataFrame({
            "工单": q["ticket_id"], "创建时间": q["created_at"], "门店": q["store_name"].fillna("").str.replace("禾田小馆", ""),
            "区域": q["region"], "严重度": q["severity"].map(rules.SEVERITY_LABELS), "标题": q["title"],
            "层级": q["owner_level"].map(rules.LEVEL_LABELS), "状态": q["status"],
            "SLA 剩余(小时)": hours_left.where(open_).round(1), "升级次数": q["escalations"]})
        styled = view.style.apply(lambda col: ["background-color: #FDE2E4" if (v == v and v <= 0) else "" for v in col],
                                  subset=["SLA 剩余(小时)"])
        st.dataframe(styled, hide_index=True, width="stretch", height=360)
        st.caption("SLA 剩余为负（红色）表示已超时；超时工单会逐级升级：门店 → 区域 → 总部。")
        pick = st.selectbox("工单详情", q["ticket_id"], key="tk_pick",
                            format_func=lambda t: f"{t} · {q.set_index('ticket_id').at[t, 'title'][:40]}", placeholder="请选择")
        t = tickets.get(ctx.con, pick)
        st.markdown(f"**{verbatims.escape(t['title'])}**")
        st.caption(f"状态 {t['status']} · 层级 {rules.LEVEL_LABELS[t['owner_level']]} · 严重度 {rules.SEVERITY_LABELS[t['severity']]}"
                   f" · SLA {t['sla_hours']} 小时 · 截止 {pd.Timestamp(t['due_at']):%Y-%m-%d %H:%M}"
                   + (f" · 根因：{t['root_cause']}" if isinstance(t["root_cause"], str) else ""))
        if isinstance(t["feedback_id"], str):
            fb = tickets.feedback_of(ctx.con, t["feedback_id"])
            if not fb.empty:
                with st.container(border=True):
                    st.markdown(verbatims.escape(str(fb.iloc[0]["text"] or "（无文本）")))
                    st.caption(f"原始反馈 · {fb.iloc[0]['created_at']:%Y-%m-%d %H:%M} · {fb.iloc[0]['channel'] or ''}")
        ev = tickets.events(ctx.con, pick)
        st.dataframe(ev.assign(event=ev["event"].map(tickets.EVENT_LABELS)).rename(
            columns={"event_at": "时间", "actor": "处理人", "event": "动作", "detail": "说明"}), hide_index=True, width="stretch")
        if not ctx.user.can_write:
            st.info("只读角色不能处理工单。", icon=":material/lock:")
            st.stop()
        with st.form("tk_action", clear_on_submit=True):
            a1, a2 = st.columns(2)
            action = a1.selectbox("操作", ["accept", "comment", "root_cause", "resolve", "close", "reopen"],
                                  format_func=tickets.ACTION_LABELS.get, placeholder="请选择")
            cause = a2.selectbox("根因（设定根因时）", rules.default_root_causes(), placeholder="请选择")
            note = st.text_area("说明 / 备注", max_chars=1000)
            if st.form_submit_button("提交", type="primary"):
                try:
                    commands.ticket_action(ctx.con, ctx.user, pick, action, note=note, root_cause=cause)
                except (tickets.TicketError, access.Forbidden) as e:
                    st.error(str(e))
                else:
                    st.rerun()          # ticket views are read fresh on every run (nothing cached to clear)

with tab_sla:
    s = tickets.sla(ctx.con, ctx.filters, now)
    if s.tickets == 0:
        shell.empty_state("没有工单。")
    else:
        rate_col = {"SLA内解决率": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)}
        c = st.columns(4)
        c[0].metric("工单总数", f"{s.tickets:,}", border=True)
        c[1].metric("未关闭", f"{s.open:,}", border=True)
        c[2].metric("SLA 内解决率", f"{s.within_rate:.0%}" if s.within_rate is not None else "—", border=True,
                    help="已解决工单中，在最初 SLA 截止前解决的占比（区域、门店表同口径）")
        c[3].metric("已超时（含已解决）", f"{s.breached:,}", border=True)
        st.dataframe(s.by_status.rename(columns={"status": "状态", "tickets": "工单数"}), hide_index=True)
        st.dataframe(s.by_region.rename(columns={"region": "区域", "tickets": "工单数", "within_rate": "SLA内解决率",
                                                 "breached": "超时数", "escalations": "升级次数"}),
                     hide_index=True, width="stretch", column_config=rate_col)
        st.markdown("**未关闭工单账龄**")
        st.bar_chart(s.open_age.rename("工单数"))
        worst = s.by_store[s.by_store["resolved"] > 0].sort_values(["within_rate", "tickets"], ascending=[True, False])
        st.markdown("**SLA 内解决率最低的门店**")
        st.dataframe(worst.head(15)[["store_id", "store_name", "tickets", "within_rate"]].rename(
            columns={"store_id": "门店编号", "store_name": "门店", "tickets": "工单数", "within_rate": "SLA内解决率"}),
            hide_index=True, width="stretch", column_config=rate_col)
