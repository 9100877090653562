"""Shared page shell: store connection, first-start demo build, navigation and the filter bar.

Every page (and app.py) starts with ``ctx = shell.page("标题")``. Streamlit caching lives here, at the
page edge; ``cx`` stays free of Streamlit. Cached reads are keyed on the store's data_version so an
import refreshes exactly what it changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd
import streamlit as st

import time as _time

from cx import auth, brand, db, firstrun, overview, settings, signin
from cx.filters import SOURCE_LABELS, Filters
from cx.text import config as cx_text_config
from ui import dates as dates_ui

NAV = [
    ("app.py", "首页", ":material/home:"),
    ("pages/overview.py", "总览", ":material/dashboard:"),
    ("pages/journey.py", "旅程热力图", ":material/grid_on:"),
    ("pages/pain_points.py", "痛点分析", ":material/sentiment_dissatisfied:"),
    ("pages/rankings.py", "门店排名", ":material/leaderboard:"),
    ("pages/store_profile.py", "门店画像", ":material/storefront:"),
    ("pages/scheme.py", "考核方案", ":material/tune:"),
    ("pages/tickets.py", "工单中心", ":material/assignment:"),
    ("pages/verification.py", "改进验证", ":material/verified:"),
    ("pages/kano.py", "KANO分析", ":material/scatter_plot:"),
    ("pages/report.py", "汇报导出", ":material/slideshow:"),
    ("pages/import_data.py", "数据导入", ":material/upload_file:"),
    ("pages/service_status.py", "通知与审计", ":material/notifications:"),
]
FAVICON = db.ROOT / "assets" / "favicon.png"
_FILTER_KEYS = ("f_dates", "f_regions", "f_stores", "f_sources", "f_channels")


SESSION_IDLE_SECONDS = 8 * 3600


@dataclass
class Context:
    con: duckdb.DuckDBPyConnection
    filters: Filters
    version: int
    options: dict
    user: auth.User


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return db.connect(path)


@st.cache_resource(show_spinner=False)
def text_config() -> str:
    """The text configuration this server process analyses with: the taxonomy, dictionaries and models
    are loaded once per process, so the fingerprint is taken once too (edits need a restart)."""
    return cx_text_config.fingerprint()


def text_config_stale(con) -> bool:
    return cx_text_config.stale(con, text_config())


def stale_text_notice(con, user: auth.User) -> None:
    """Tell the people who can act on it that stored texts were tagged with another configuration."""
    if user.sees_text_config and text_config_stale(con):
        st.warning("旅程分类、词典或模型已修改，库中已有文本仍按旧配置分析，新旧结果混在一起。请总部在「数据导入」页"
                   "点击「重新分析全部文本」，或在服务器上运行 `python -m cx rebuild-text`。",
                   icon=":material/sync_problem:")


def connection() -> duckdb.DuckDBPyConnection:
    path = db.default_path()
    if not path.exists():
        if _served():
            _wait_for_store()       # the service builds the demo (or created the empty store) itself
        else:
            _build_demo(path)
    return _connection(str(path))


def _wait_for_store() -> None:
    """In the service: show the progress of the service's own demo build (never start one from a page)."""
    p = firstrun.PROGRESS
    if firstrun.building():
        st.info("首次启动：服务正在生成演示连锁门店数据（约 300 家门店、12 个月、12 万条反馈），约需一分钟。"
                "生成在服务中进行，关闭此页不会中断。")
        st.progress(min(1.0, float(p.get("fraction") or 0)), text=str(p.get("message") or "准备中…"))
        _time.sleep(1.5)
        st.rerun()
    st.error(p.get("error") or "数据库尚未就绪，请查看服务日志。")
    st.stop()


def _build_demo(path) -> None:
    """Without the service (``streamlit run app.py``, tests): no store yet, so build the embedded demo chain
    (and its demo accounts) showing progress — or, with ``CX_DEMO=off``, create an empty store."""
    if not settings.demo_enabled():
        firstrun.create_empty(path)
        return
    box = st.empty()                # one slot: cleared when done, so nothing stays above the login form
    with box.container():
        st.info("首次启动：正在生成演示连锁门店数据（约 300 家门店、12 个月、12 万条反馈），约需一分钟…")
        bar = st.progress(0.0, text="准备中…")
    firstrun.build_demo(path, progress=lambda f, m: bar.progress(min(1.0, f), text=m))
    box.empty()


def _login(con) -> auth.User:
    """The signed-in user; otherwise draw the login (or first-admin set-up) form and stop the page."""
    user = st.session_state.get("user")
    now = _time.time()
    if user is not None and now - st.session_state.get("seen_at", now) > SESSION_IDLE_SECONDS:
        st.session_state.pop("user", None)
        st.warning("长时间未操作，已自动退出，请重新登录。")
        user = None
    if user is None and (user := signin.user_of(con, st.context.cookies.get(signin.COOKIE))) is not None:
        st.session_state["user"] = user      # the lasting sign-in cookie (a refresh or a new tab stays signed in)
    if user is not None:
        st.session_state["seen_at"] = now
        return user
    st.title("客户体验透镜 CX Lens")
    if _served():
        st.link_button("登录", _login_url(), type="primary", icon=":material/login:")
        st.caption("登录后刷新页面或打开分享的链接都会保持登录状态。")
        if rows := firstrun.demo_accounts(con):
            st.caption("演示数据账号（仅演示库提供）：" + "；".join(f"`{u}` / `{p}`" for u, p, _r in rows))
        st.stop()
    if not auth.has_users():
        st.subheader("创建首个总部管理员")
        st.caption("这是一个新的数据库，还没有任何账号。请输入服务日志中打印的一次性设置码，再设置总部管理员（不提供默认密码）。")
        signin.first_admin_code()
        with st.form("first_admin"):
            code = st.text_input("设置码（见服务日志）", key="setup_code")
            username = st.text_input("用户名")
            name = st.text_input("姓名")
            pw = st.text_input("密码（至少 8 位）", type="password")
            pw2 = st.text_input("再次输入密码", type="password")
            if st.form_submit_button("创建并登录", type="primary"):
                if pw != pw2:
                    st.error("两次输入的密码不一致")
                else:
                    try:
                        st.session_state["user"] = signin.create_first_admin(code, username, pw, name or username)
                        st.session_state["seen_at"] = now
                        st.rerun()
                    except (auth.AuthError, signin.SignInError) as e:
                        st.error(str(e))
        st.stop()
    st.subheader("登录")
    if db.demo_stories(con):
        st.caption("演示数据的账号见 README（demo-hq / demo-analyst / demo-region / demo-store）。")
    with st.form("login"):
        username = st.text_input("用户名", key="login_user")
        pw = st.text_input("密码", type="password", key="login_pw")
        if st.form_submit_button("登录", type="primary"):
            try:
                st.session_state["user"] = signin.sign_in(con, username, pw, st.context.ip_address)
                st.session_state["seen_at"] = now
                st.rerun()
            except signin.SignInError as e:
                st.error(str(e))
    st.stop()


@st.cache_data(show_spinner=False, max_entries=32)
def _options(_con, version: int, scope: tuple[str, ...] | None) -> dict:
    return overview.filter_options(_con, scope)


def default_start(first: date, last: date, months: int = 6) -> date:
    """First day of the month ``months - 1`` before ``last``'s month: whole months make honest trends."""
    idx = last.year * 12 + last.month - 1 - (months - 1)
    return max(first, date(idx // 12, idx % 12 + 1, 1))


def _persist(key: str) -> None:
    st.session_state["_" + key] = st.session_state[key]


def _restore(key: str, default) -> None:
    """Widgets of the classic multipage model lose state between pages; keep a shadow copy."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get("_" + key, default)


def _apply_preset(first: date, last: date) -> None:
    """A preset picked: set the date range (before the widget is drawn), then clear the preset box."""
    name = st.session_state.get("f_preset")
    if name:
        rng = dates_ui.clamp(dates_ui.preset_range(name, min(last, settings.today())), first, last)
        st.session_state["f_dates"] = st.session_state["_f_dates"] = rng
    st.session_state["f_preset"] = None


def _nav(user: auth.User) -> None:
    with st.sidebar:
        st.markdown("### 客户体验透镜")
        for path, label, icon in NAV:
            if path == "pages/service_status.py" and not user.sees_service_status:
                continue            # HQ only: other roles would only meet a lock message there
            st.page_link(path, label=label, icon=icon)
        st.caption(f"当前用户：{user.describe()}")
        if st.button("退出登录", icon=":material/logout:", key="logout"):
            signin.close_session(connection(), st.context.cookies.get(signin.COOKIE))
            for k in ("user", "seen_at"):
                st.session_state.pop(k, None)
            st.rerun()
        st.divider()


def _served() -> bool:
    """Running inside the service process (uvicorn + st.App), where the sign-in routes exist."""
    import sys

    mod = sys.modules.get("cx.service.state")
    return bool(mod and mod.STATUS.get("started_at"))


def _login_url() -> str:
    from urllib.parse import urlencode, urlsplit

    u = urlsplit(st.context.url or "/")
    return "/login?" + urlencode({"next": (u.path or "/") + (f"?{u.query}" if u.query else "")})


def filter_bar(con, version: int, scope: tuple[str, ...] | None = None) -> tuple[Filters, dict]:
    opts = _options(con, version, scope)
    last = opts["last_day"].date() if opts["last_day"] is not None else settings.today()
    first = opts["first_day"].date() if opts["first_day"] is not None else last - timedelta(days=365)
    stores: pd.DataFrame = opts["stores"]
    _filters_from_url(opts, first, last)
    with st.sidebar:
        st.markdown("**筛选**")
        _restore("f_dates", (default_start(first, last), last))
        st.selectbox("快捷时间", dates_ui.PRESETS, index=None, key="f_preset", placeholder="快捷选择：本周、上月、近 30 天…",
                     on_change=_apply_preset, args=(first, last), help="以数据的最后一天为“今天”")
        dates = st.date_input("日期范围", key="f_dates", min_value=first, max_value=last,
                              on_change=_persist, args=("f_dates",), format="YYYY-MM-DD")
        _restore("f_regions", [])
        regions = st.multiselect("区域", opts["regions"], key="f_regions", select_all=False, placeholder="全部区域",
                                 on_change=_persist, args=("f_regions",))
        pick = stores[stores["region"].isin(regions)] if regions else stores
        labels = dict(zip(pick["store_id"], pick["store_id"] + " " + brand.short_series(pick["name"])))
        _restore("f_stores", [])
        st.session_state["f_stores"] = [s for s in st.session_state["f_stores"] if s in labels]
        chosen = st.multiselect("门店", list(labels), key="f_stores", format_func=labels.get,
                                select_all=False, placeholder="全部门店", on_change=_persist, args=("f_stores",))
        _restore("f_sources", [])
        sources = st.multiselect("来源", list(SOURCE_LABELS), key="f_sources", format_func=SOURCE_LABELS.get,
                                 select_all=False, placeholder="全部来源", on_change=_persist, args=("f_sources",))
        ch = opts["channels"]
        ch = ch[ch["source"].isin(sources)] if sources else ch
        _restore("f_channels", [])
        st.session_state["f_channels"] = [c for c in st.session_state["f_channels"] if c in set(ch["channel"])]
        channels = st.multiselect("渠道", sorted(ch["channel"].unique()), key="f_channels", select_all=False, placeholder="全部渠道",
                                  on_change=_persist, args=("f_channels",))
        if st.button("重置筛选", icon=":material/restart_alt:", width="stretch"):
            for k in _FILTER_KEYS:
                st.session_state.pop(k, None)
                st.session_state.pop("_" + k, None)
            st.rerun()
    if isinstance(dates, (tuple, list)) and len(dates) == 2:
        start, end = dates
    else:  # the user has clicked only the first day of a range so far
        start = end = dates[0] if isinstance(dates, (tuple, list)) and dates else last
    flt = Filters(start, end, tuple(regions), tuple(chosen), tuple(sources), tuple(channels), scope_stores=scope)
    _filters_to_url(flt)
    return flt, opts


def _filters_from_url(opts: dict, first: date, last: date) -> None:
    """A shared link's filters (``?from=&to=&region=&store=&source=&channel=``) become this session's, once.
    Values outside the user's scope are refused (the page stops with a message), never widened."""
    qp = st.query_params
    if st.session_state.get("_url_applied") or not any(k in qp for k in ("from", "to", "region", "store", "source",
                                                                          "channel")):
        st.session_state["_url_applied"] = True
        return
    st.session_state["_url_applied"] = True
    try:
        start = date.fromisoformat(qp.get("from")) if qp.get("from") else None
        end = date.fromisoformat(qp.get("to")) if qp.get("to") else None
    except ValueError:
        st.warning("链接中的日期无法识别，已使用默认日期范围。")
        start = end = None
    if start and end and start <= end:
        start, end = max(first, min(start, last)), max(first, min(end, last))
        st.session_state["f_dates"] = st.session_state["_f_dates"] = (start, end)
    allowed = {"f_regions": set(opts["regions"]), "f_stores": set(opts["stores"]["store_id"]),
               "f_sources": set(SOURCE_LABELS), "f_channels": set(opts["channels"]["channel"])}
    for key, param in (("f_regions", "region"), ("f_stores", "store"), ("f_sources", "source"),
                       ("f_channels", "channel")):
        vals = qp.get_all(param)
        if not vals:
            continue
        outside = [v for v in vals if v not in allowed[key]]
        if outside and key in ("f_regions", "f_stores"):
            st.error(f"链接中的{'区域' if key == 'f_regions' else '门店'}“{'、'.join(outside[:5])}”不在您的权限范围内，"
                     "无法打开这个视图。", icon=":material/block:")
            st.stop()
        st.session_state[key] = st.session_state["_" + key] = [v for v in vals if v in allowed[key]]


def _filters_to_url(f: Filters) -> None:
    """Mirror the filter bar in the address bar so a copied link opens the same view."""
    want = {"from": f.start.isoformat(), "to": f.end.isoformat(), "region": list(f.regions), "store": list(f.stores),
            "source": list(f.sources), "channel": list(f.channels)}
    want = {k: v for k, v in want.items() if v}
    have = {k: (st.query_params.get_all(k) if k in ("region", "store", "source", "channel") else st.query_params.get(k))
            for k in st.query_params}
    if have != want:
        st.query_params.from_dict(want)


def page(title: str, filters: bool = True) -> Context:
    """Set up a page: config, connection (building the demo on first start), navigation, filter bar."""
    # A local favicon: a material icon here would be fetched from a font CDN, which a closed network lacks.
    st.set_page_config(page_title=f"{title} · 客户体验透镜", page_icon=str(FAVICON), layout="wide")
    con = connection()
    user = _login(con)
    scope = auth.scope(con, user)
    version = db.data_version(con)
    _nav(user)
    stale_text_notice(con, user)
    if filters:
        flt, opts = filter_bar(con, version, scope)
    else:
        opts = _options(con, version, scope)
        flt = Filters(settings.today() - timedelta(days=90), settings.today(), scope_stores=scope)
    return Context(con, flt, version, opts, user)


def require_write(ctx: Context, what: str) -> None:
    """Stop the page for users who may only read (analysts)."""
    if not ctx.user.can_write:
        st.info(f"当前角色（{auth.ROLES[ctx.user.role]}）为只读，不能{what}。", icon=":material/lock:")
        st.stop()


def empty_state(message: str = "当前筛选条件下没有数据，请放宽日期范围或减少筛选条件。") -> None:
    st.info(message, icon=":material/filter_alt_off:")
