"""改进验证: before/after of an improvement action with CI and a test, and difference-in-differences."""
import streamlit as st

from cx import brand, charts, db
from cx.loop import verify
from cx.text.taxonomy import default as taxonomy
from ui import export, fmt, shell

ctx = shell.page("改进验证")
st.title("改进验证")


@st.cache_data(show_spinner=False, max_entries=64)
def _actions(_con, version, loop_version, scope):
    return verify.actions(_con, scope)


@st.cache_data(show_spinner="计算前后对比…", max_entries=64)
def _verify(_con, version, loop_version, action_id, window, filters):
    acts = verify.actions(_con, filters.scope_stores)
    action = acts.set_index("action_id").loc[action_id].to_dict() | {"action_id": action_id}
    return verify.verify(_con, action, window, filters)


acts = _actions(ctx.con, ctx.version, db.loop_version(ctx.con), ctx.filters.scope_stores)
if acts.empty:
    shell.empty_state("还没有登记改进措施。")
    st.stop()
tax = taxonomy()


def _where(r) -> str:
    """The store (brand left out) or region an action applies to; missing values are pandas NaN, not ''."""
    return brand.short(r.store_name) or (r.region if isinstance(r.region, str) else "") or "全连锁"


label = {r.action_id: f"{r.start_date:%Y-%m-%d} · {_where(r)} · {tax.label(r.touchpoint)} · {r.description}"
         for r in acts.itertuples()}
c1, c2 = st.columns([3, 1])
pick = c1.selectbox("改进措施", acts["action_id"], format_func=label.get, key="vf_action", placeholder="请选择")
window = c2.select_slider("前后窗口", options=[14, 28, 56, 84], value=56, format_func=lambda d: f"{d} 天", key="vf_window")
action = acts.set_index("action_id").loc[pick].to_dict() | {"action_id": pick}
v = _verify(ctx.con, ctx.version, db.loop_version(ctx.con), pick, window, ctx.filters)
tp = tax.label(action["touchpoint"])

c = st.columns(4)


def pct(e):
    return "—" if not e.ok else f"{e.value:.1%}"


def pp(x):
    return "—" if x is None else f"{100 * x:+.1f}"


# Values stay short (units in the label) so a quarter-width card never cuts them off; n under every card.
c[0].metric(f"{tp}负面率·之前", pct(v.before), border=True,
            help=f"95% 区间 {v.before.low or 0:.1%}–{v.before.high or 0:.1%}")
c[1].metric(f"{tp}负面率·之后", pct(v.after), delta=None if v.change.diff is None else f"{100 * v.change.diff:+.1f} 百分点",
            delta_color="inverse", border=True,
            help=("变化显著" if v.change.significant else "变化不显著") + f"（{fmt.p_value(v.change.p_value)}）")
control = None if not (v.control_before.ok and v.control_after.ok) else v.control_after.value - v.control_before.value
c[2].metric("对照门店变化（百分点）", pp(control), border=True, help=f"{v.n_control} 家未实施同类措施的门店")
c[3].metric("双重差分 DiD（百分点）", pp(v.did), border=True,
            help="(实施后−前) − (对照后−前)；" + ("" if v.did_low is None else
                                             f"95% 区间 {100 * v.did_low:+.1f}～{100 * v.did_high:+.1f}，{fmt.p_value(v.did_p)}"))
c[0].caption(f"提及 n = {v.before.n:,}")
c[1].caption(f"提及 n = {v.after.n:,}")
c[2].caption(f"对照提及 n = {v.control_before.n:,} → {v.control_after.n:,}")
c[3].caption("无法计算" if v.did is None else f"{fmt.p_value(v.did_p)}")
if v.did is None:
    st.info("数据不足以计算双重差分（之前或之后窗口内没有提及）。")
elif v.did_p < 0.05 and v.did < 0:
    st.success(f"措施有效：相对对照门店，{tp}负面率下降 {abs(100 * v.did):.1f} 个百分点（{fmt.p_value(v.did_p)}）。")
elif v.did_p < 0.05:
    st.error(f"相对对照门店，{tp}负面率反而上升 {100 * v.did:.1f} 个百分点（{fmt.p_value(v.did_p)}）。")
else:
    st.warning(f"尚不能证明措施有效：差异 {100 * v.did:+.1f} 个百分点，不显著（{fmt.p_value(v.did_p)}）。可延长观察窗口。")
export.chart(export.figure(("verification", ctx.version, db.loop_version(ctx.con), pick, window, ctx.filters), lambda: charts.action_lines(
    v.weekly, action["start_date"], f"{tp}负面率：实施门店 vs 对照门店", label[pick])), key="verification_1")
st.caption(f"NPS：之前 {fmt.points(v.nps_before)}（n={v.nps_before.n}）→ 之后 {fmt.points(v.nps_after)}（n={v.nps_after.n}），"
           + ("变化显著" if v.nps_change.significant else "变化不显著") + "。方法：前后等长窗口；对照为未实施同类措施的门店"
           "（门店措施取同区域门店）；DiD 标准误为四个比例方差之和的平方根。图中点的大小表示该周提及数，"
           f"提及少于 {charts.MIN_WEEK_N} 次的周不画出（比例太不稳定）。")
