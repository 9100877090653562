"""工单中心: queue by role, SLA countdown and breach highlighting, ticket detail and handling; SLA dashboard."""
from datetime import datetime

import pandas as pd
import streamlit as st

from cx import access, brand, commands, db, sample, settings
from cx.loop import rules, tickets
from ui import fmt, shell, verbatims

if st.query_params.get("ticket"):       # a notification's link: select that ticket below (the filter mirror drops it)
    st.session_state["_tk_link"] = st.query_params.get("ticket")
ctx = shell.page("工单中心")
# SLA escalation runs in the service every minute (cx.commands.escalate_overdue), not on page load.
now = settings.now()     # chain-local, like the stored ticket times
st.title("工单中心")
st.caption(ctx.filters.describe() + "（按工单创建时间）")


@st.cache_data(show_spinner=False, max_entries=128, ttl=600)
def _queue_rows(_con, loop_version: int, filters, levels: tuple, statuses: tuple) -> pd.DataFrame:
    """The queue, read again only when a ticket changed (loop_version) — SLA times are computed per view."""
    return tickets.queue(_con, filters, list(levels), list(statuses))


@st.cache_data(show_spinner=False, max_entries=64, ttl=600)
def _sla(_con, loop_version: int, filters, minute: datetime):
    return tickets.sla(_con, filters, minute)


@st.cache_data(show_spinner=False, max_entries=256, ttl=600)
def _ticket(_con, loop_version: int, ticket_id: str):
    """One ticket, its feedback (None without one) and its events, read again only when a ticket changed:
    every ticket write (handling here or through the API, escalation, new alerts) bumps loop_version."""
    t = tickets.get(_con, ticket_id)
    fb = tickets.feedback_of(_con, t["feedback_id"]) if isinstance(t["feedback_id"], str) else None
    return t, fb, tickets.events(_con, ticket_id), tickets.triggers(_con, ticket_id)


@st.cache_data(show_spinner=False, max_entries=4)
def _root_causes(rules_mtime: int) -> list[str]:
    return rules.default_root_causes()         # data/alert_rules.yaml, parsed again only when it changes


def _queue(q: pd.DataFrame, now: datetime) -> None:
    """The queue: human ticket number and SLA time in words first (they must be visible without scrolling)."""
    hours_left = (q["due_at"] - pd.Timestamp(now)).dt.total_seconds() / 3600
    open_ = q["status"].isin(tickets.OPEN)
    view = pd.DataFrame({
        "工单号": q["ticket_no"], "SLA": [fmt.sla_left(h) if o else "" for h, o in zip(hours_left, open_)],
        "状态": q["status_label"], "严重度": q["severity"].map(rules.SEVERITY_LABELS), "标题": q["title"],
        "门店": brand.short_series(q["store_name"]), "区域": q["region"].fillna(""),
        "层级": q["owner_level"].map(rules.LEVEL_LABELS), "创建时间": q["created_at"], "升级次数": q["escalations"]})
    # plain text, no pandas Styler: styling 500 rows cost ~0.25 s of server CPU on every view
    st.dataframe(view, hide_index=True, width="stretch", height=360,
                 column_config={"创建时间": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                                "标题": st.column_config.TextColumn(width="large")})
    st.caption("「已超时」的工单会逐级升级：门店 → 区域 → 总部。")


def _detail(q: pd.DataFrame) -> None:
    titles = dict(zip(q["ticket_id"], q["ticket_no"] + " · " + q["title"].str.slice(0, 40)))
    if link := st.session_state.pop("_tk_link", None):
        hit = q.loc[q["ticket_no"] == link, "ticket_id"]
        if len(hit):
            st.session_state["tk_pick"] = hit.iloc[0]
        else:
            st.info(f"链接中的工单 {link} 不在当前列表中（可能已解决或关闭：可在上方“状态”中加选）。", icon=":material/info:")
    pick = st.selectbox("工单详情", q["ticket_id"], key="tk_pick", placeholder="请选择", format_func=titles.get)
    t, fb, ev, trig = _ticket(ctx.con, loop, pick)
    st.markdown(f"**{t['ticket_no']} · {verbatims.escape(t['title'])}**")
    st.caption(f"状态 {t['status_label']} · 层级 {rules.LEVEL_LABELS[t['owner_level']]} · 严重度 {rules.SEVERITY_LABELS[t['severity']]}"
               f" · SLA {t['sla_hours']} 小时 · 截止 {pd.Timestamp(t['due_at']):%Y-%m-%d %H:%M}"
               + (f" · 根因：{t['root_cause']}" if isinstance(t["root_cause"], str) else ""))
    if fb is not None:
        if not fb.empty:
            with st.container(border=True, key="verbatim_ticket"):
                text = fb.iloc[0]["text"]
                st.markdown(verbatims.escape(text) if isinstance(text, str) and text else "此条反馈只有评分，没有文字内容")
                st.caption(f"原始反馈 · {fb.iloc[0]['created_at']:%Y-%m-%d %H:%M} · {fb.iloc[0]['channel'] or ''}")
    if len(trig) > 1:        # one incident event, several alerts: one ticket, each trigger listed
        st.markdown(f"**触发项（同一事件 {len(trig)} 项）**")
        st.dataframe(trig.rename(columns={"triggered_at": "时间", "severity_label": "严重度", "title": "触发内容"})[
            ["时间", "严重度", "触发内容"]], hide_index=True, width="stretch")
    st.dataframe(ev.assign(event=ev["event"].map(tickets.EVENT_LABELS)).rename(
        columns={"event_at": "时间", "actor": "处理人", "event": "动作", "detail": "说明"}), hide_index=True, width="stretch")
    if not ctx.user.can_write:          # read-only: say so, and let the rest of the page (the SLA tab) render
        st.info("只读角色不能处理工单。", icon=":material/lock:")
        return
    with st.form("tk_action", clear_on_submit=True):
        a1, a2 = st.columns(2)
        action = a1.selectbox("操作", ["accept", "comment", "root_cause", "resolve", "close", "reopen"],
                              format_func=tickets.ACTION_LABELS.get, placeholder="请选择")
        # no default cause: the handler must choose one (a preselected cause gets submitted unread)
        cause = a2.selectbox("根因（设定根因时）", _root_causes(rules.RULES_FILE.stat().st_mtime_ns), index=None, placeholder="请选择根因")
        note = st.text_area("说明 / 备注", max_chars=1000)
        if st.form_submit_button("提交", type="primary"):
            try:
                commands.ticket_action(ctx.con, ctx.user, pick, action, note=note, root_cause=cause)
            except (tickets.TicketError, access.Forbidden) as e:
                st.error(str(e))
            else:
                st.rerun()          # the action bumped loop_version: the cached ticket views are read again


loop = db.loop_version(ctx.con)
tab_queue, tab_sla = st.tabs(["我的工单", "SLA 看板"])
with tab_queue:
    c1, c2 = st.columns(2)
    levels = c1.multiselect("处理层级", list(rules.LEVELS), format_func=rules.LEVEL_LABELS.get, key="tk_levels",
                            select_all=False, placeholder="全部层级")
    statuses = c2.multiselect("状态", list(tickets.STATES), default=list(tickets.OPEN), key="tk_status",
                              format_func=tickets.STATE_LABELS.get, select_all=False, placeholder="全部状态")
    q = _queue_rows(ctx.con, loop, ctx.filters, tuple(levels), tuple(statuses))
    if q.empty:
        shell.empty_state("没有符合条件的工单。")
    else:
        _queue(q, now)
        _detail(q)

with tab_sla:
    s = _sla(ctx.con, loop, ctx.filters, now.replace(second=0, microsecond=0))
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
        st.dataframe(s.by_status[["status_label", "tickets"]].rename(columns={"status_label": "状态", "tickets": "工单数"}),
                     hide_index=True)
        st.dataframe(s.by_region.rename(columns={"region": "区域", "tickets": "工单数", "within_rate": "SLA内解决率",
                                                 "breached": "超时数", "escalations": "升级次数"}),
                     hide_index=True, width="stretch", column_config=rate_col)
        st.markdown("**未关闭工单账龄**")
        st.bar_chart(s.open_age.rename_axis("账龄").reset_index(name="工单数"), x="账龄", y="工单数", sort=False)
        worst = s.by_store[~s.by_store["insufficient"]].sort_values(["within_rate", "tickets"], ascending=[True, False])
        st.markdown("**SLA 内解决率最低的门店**")
        st.caption(f"已解决工单少于 {sample.min_n('sla')} 张的门店样本不足，不列入。")
        st.dataframe(worst.head(15).assign(store_name=lambda d: brand.short_series(d["store_name"]))[
            ["store_id", "store_name", "tickets", "within_rate"]].rename(
            columns={"store_id": "门店编号", "store_name": "门店", "tickets": "工单数", "within_rate": "SLA内解决率"}),
            hide_index=True, width="stretch", column_config=rate_col)
