"""通知与审计 (HQ): notification delivery status and failures, who is notified (accounts' e-mail / robot),
scheduled job runs, the audit log, API tokens."""
import streamlit as st

from cx import audit, auth, tokens
from cx.notify import outbox
from ui import shell

ctx = shell.page("通知与审计", filters=False)
st.title("通知与审计")
if not ctx.user.sees_service_status:
    st.info("只有总部账号可以查看通知发送状态和审计日志。", icon=":material/lock:")
    st.stop()

STATUS = {"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "失败"}
CHANNEL = {"email": "邮件", "wecom": "企业微信", "dingtalk": "钉钉", "feishu": "飞书"}
KIND = {"ticket_created": "新工单", "ticket_updated": "工单更新", "escalated": "工单升级", "digest": "定时汇报"}
tab_n, tab_who, tab_jobs, tab_audit, tab_tokens = st.tabs(["通知", "接收人", "定时任务", "审计日志", "API 令牌"])
with tab_n:
    counts = outbox.counts(ctx.con)
    c = st.columns(4)
    for col, key in zip(c, ("sent", "pending", "sending", "failed")):
        col.metric(STATUS[key], f"{counts.get(key, 0):,}", border=True)
    n = outbox.status(ctx.con, 500)
    if n.empty:
        shell.empty_state("还没有通知。在「接收人」中为账号填写邮箱或机器人（或在 data/recipients.yaml 中配置）后，"
                          "新工单、工单升级和定时汇报会在这里显示发送情况。")
    else:
        only_bad = st.toggle("只看失败与重试中", value=counts.get("failed", 0) > 0, key="sv_bad")
        if only_bad:
            n = n[(n["status"] == "failed") | (n["last_error"].notna())]
        st.dataframe(n.assign(kind=n["kind"].map(KIND), channel=n["channel"].map(CHANNEL), status=n["status"].map(STATUS))
                     .rename(columns={"created_at": "创建时间", "kind": "类型", "channel": "渠道", "target": "接收方",
                                      "subject": "标题", "status": "状态", "attempts": "尝试次数",
                                      "next_attempt_at": "下次重试", "sent_at": "发送时间", "last_error": "最近错误"})
                     .drop(columns=["notification_id"]).fillna({"last_error": "", "subject": "", "target": ""}),
                     hide_index=True, width="stretch")
with tab_who:
    st.caption("新工单通知所在门店的店长账号；超时升级到区域时通知该区域的区域经理账号，升级到总部时通知总部账号。"
               "每个账号可填写邮箱和/或自己的群机器人（企业微信/钉钉/飞书）；共用邮箱和群机器人在 data/recipients.yaml 中配置。")
    people = [u for u in auth.list_users() if u.role != "analyst"]
    if not people:
        shell.empty_state("还没有可接收通知的账号。")
    else:
        st.dataframe([{"账号": u.username, "姓名与范围": u.describe(), "邮箱": u.email or "",
                       "机器人": auth.WEBHOOK_KINDS.get(u.webhook_kind, "") if u.webhook_url else ""} for u in people],
                     hide_index=True, width="stretch")
        who = st.selectbox("设置账号的通知方式", [u.username for u in people], key="sv_who", placeholder="请选择账号",
                           format_func=lambda n: next(u.describe() for u in people if u.username == n))
        u = next(x for x in people if x.username == who)
        with st.form(f"sv_contact_{who}"):
            email = st.text_input("邮箱（留空则不发邮件）", value=u.email or "")
            k1, k2 = st.columns([1, 3])
            kinds = ["", *auth.WEBHOOK_KINDS]
            kind = k1.selectbox("机器人", kinds, index=kinds.index(u.webhook_kind or ""),
                                placeholder="请选择", format_func=lambda k: auth.WEBHOOK_KINDS.get(k, "不使用"))
            url = k2.text_input("机器人 webhook 地址", value=u.webhook_url or "")
            secret = st.text_input("加签密钥（钉钉/飞书，可选；留空保持原值）", type="password")
            if st.form_submit_button("保存", type="primary"):
                hook = {"kind": kind, "url": url.strip(),
                        "secret": secret or (u.webhook_secret if url.strip() == u.webhook_url else None)} \
                    if kind and url.strip() else None
                try:
                    auth.set_contact(who, email=email, webhook=hook)
                except auth.AuthError as e:
                    st.error(str(e))
                else:
                    st.success("已保存。")
                    st.rerun()
with tab_jobs:
    jobs = audit.job_runs(ctx.con)
    st.caption("SLA 升级每分钟运行一次，通知每 10 秒发送一次，收件箱（data/inbox/<来源>/）每 30 秒检查一次；"
               "定时汇报按 data/schedules.yaml 运行（时间按连锁时区，修改后一分钟内生效），"
               "停机期间错过的一次会在启动时补发（只补一次）。")
    if jobs.empty:
        shell.empty_state("没有定时汇报记录。")
    else:
        st.dataframe(jobs.rename(columns={"job_id": "任务", "last_fire": "最近计划时间", "last_run_at": "运行时间",
                                          "outcome": "结果"}), hide_index=True, width="stretch")
    from cx.service import jobs as service_jobs

    left_out: dict[str, str] = {}
    try:
        planned = [x.id for x in service_jobs.load_schedules(problems=left_out)]
    except service_jobs.ScheduleError as e:
        planned = []
        st.error(str(e))
    for msg in left_out.values():       # a digest with a bad scope: named here, the others still run
        st.warning(msg)
    if planned:
        with st.form("sv_digest_now"):
            pick = st.selectbox("立即运行一个定时汇报（测试计划与接收人；不影响按计划的运行）", planned, key="sv_digest",
                                placeholder="请选择定时汇报")
            if st.form_submit_button("立即运行"):
                with st.spinner("正在生成汇报…"):
                    try:
                        out = service_jobs.run_now(ctx.con, pick)
                    except service_jobs.ScheduleError as e:
                        st.error(str(e))
                    else:
                        audit.record(ctx.con, ctx.user.username, "digest_run", None, f"{pick}：{out['summary']}")
                        st.success(f"已生成 {out['summary']}；通知将在几秒内发出（见「通知」）。")
with tab_audit:
    log = audit.recent(ctx.con, 1000)
    if log.empty:
        shell.empty_state("审计日志为空。")
    else:
        labels = {"login": "登录", "login_failed": "登录失败", "login_locked": "登录被锁定", "export": "导出",
                  "download": "下载", "backup": "备份", "digest_run": "立即运行摘要"}
        text_cols = [c for c in ("scope", "detail", "address") if c in log.columns]
        log = log.assign(**{c: log[c].fillna("") for c in text_cols})       # empty, never a visible "None"
        st.dataframe(log.assign(action=log["action"].map(labels).fillna(log["action"])).rename(columns={
            "logged_at": "时间", "actor": "账号", "action": "动作", "scope": "范围", "detail": "内容", "address": "地址"}),
            hide_index=True, width="stretch")
with tab_tokens:
    toks = tokens.list_tokens()
    st.caption("用 `python -m cx tokens add 名称 --role …` 创建、`python -m cx tokens revoke 名称` 吊销；令牌只保存哈希。")
    if not toks:
        shell.empty_state("还没有 API 令牌。")
    else:
        st.dataframe([{"编号": t.token_id, "名称": t.name, "范围": t.user().describe(), "创建时间": t.created_at,
                       "状态": f"已吊销（{t.revoked_at}）" if t.revoked_at else "有效"} for t in toks],
                     hide_index=True, width="stretch")
