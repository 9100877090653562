"""Role homes: the first page each role sees, designed for what that role does rather than filtered.

- store manager 「我的门店」: this period's NPS / CSAT / negative-review rate against the region and the previous
  period, open tickets with SLA, the latest negative verbatims, 短板/长板, the store's place in the chain.
- region manager: the region's stores ranked, their open tickets, region against the chain.
- HQ / analyst: what the store holds and where to go (plus the demo's planted stories with links).

Everything is read through ``st.cache_data`` keyed on the data / loop versions: a home is opened by every
user every morning, so a warm view must cost the server next to nothing.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from cx import access, brand, charts, db, kano, overview, painpoints, scoring, settings
from cx.filters import Filters
from cx.loop import tickets
from ui import export, fmt, ranking, shell, verbatims

PERIODS = {"4w": ("近 4 周", 28), "1w": ("近 7 天", 7), "13w": ("近 13 周", 91)}


def _period(ctx: shell.Context, key: str) -> Filters:
    """The chosen recent period, ending on the data's last day (a store's week holds few answers: 4 weeks first)."""
    last = ctx.options["last_day"].date() if ctx.options["last_day"] is not None else settings.today()
    choice = st.segmented_control("时间段", list(PERIODS), format_func=lambda k: PERIODS[k][0], default="4w", key=key,
                                  help="截至数据的最后一天；与上一同长时段比较")
    days = PERIODS[choice or "4w"][1]
    return Filters(last - timedelta(days=days - 1), last)


def _league_period(ctx: shell.Context) -> Filters:
    """The assessment period: the filter bar's default (last six whole months), so 门店排名 shares the cache."""
    last = ctx.options["last_day"].date()
    first = ctx.options["first_day"].date()
    return Filters(shell.default_start(first, last), last)


@st.cache_data(show_spinner=False, max_entries=256)
def _kpis(_con, version: int, filters: Filters) -> dict:
    return overview.kpis(_con, filters)


@st.cache_data(show_spinner=False, max_entries=256, ttl=300)
def _open_tickets(_con, loop_version: int, scope: tuple[str, ...] | None) -> pd.DataFrame:
    far = Filters(date(2000, 1, 1), date(2100, 1, 1), scope_stores=scope)
    return tickets.queue(_con, far, None, list(tickets.OPEN), limit=500)


@st.cache_data(show_spinner=False, max_entries=256)
def _negative_verbatims(_con, version: int, filters: Filters) -> pd.DataFrame:
    return painpoints.verbatims(_con, filters, None, -1, limit=5)


@st.cache_data(show_spinner=False, max_entries=256)
def _strengths(_con, version: int, filters: Filters, store: str) -> dict:
    a = ranking.assessment(_con, version, filters)
    # the same one rule as 门店画像: a touchpoint is 长板 or 短板 by its net sentiment vs the chain, never both
    return scoring.strengths_weaknesses(a, store, verdicts=scoring.touchpoint_verdicts(_con, filters, store))


def _band(_con, version: int, filters: Filters, stores: tuple[str, ...], region: str, subtitle: str):
    """The built position-band figure (figures are cached too: building one costs more than its data)."""
    return export.figure(("home_band", version, filters, stores, region), lambda: charts.position_band(
        ranking.ranking(_con, version, filters), list(stores), "门店在全连锁中的位置", subtitle, region=region))


def _kpi_card(col, label: str, mine, mine_change, other, other_label: str, pct: bool, good_up: bool = True,
              mine_label: str = "本店") -> None:
    value = fmt.percent(mine) if pct else fmt.points(mine)
    delta = None
    if mine_change is not None and mine_change.diff is not None and mine_change.significant:
        delta = f"{mine_change.diff * 100:+.1f} 百分点" if pct else f"{mine_change.diff:+.1f}"
    col.metric(label, value, delta=delta, delta_color="normal" if good_up else "inverse", border=True,
               delta_description="较上期" if delta else None,
               help=fmt.ci_help(mine, pct) + "。变化仅在与上一同长时段相比统计显著时显示。")
    theirs = fmt.percent(other) if pct else fmt.points(other)
    if not mine.ok:
        col.caption(f"{other_label} {theirs} · {mine_label}暂无样本")
    elif mine.n < fmt.SMALL_N:                  # a store's few weeks: say how little this is
        col.caption(f"{other_label} {theirs} · :orange[{mine_label}仅 {mine.n} 份，可选更长时段]")
    else:
        col.caption(f"{other_label} {theirs} · {mine_label} n = {mine.n:,}")


def _tickets_table(q: pd.DataFrame, now: datetime, with_store: bool) -> None:
    hours = (q["due_at"] - pd.Timestamp(now)).dt.total_seconds() / 3600
    view = pd.DataFrame({"工单号": q["ticket_no"], "SLA": [fmt.sla_left(h) for h in hours], "状态": q["status_label"],
                         "标题": q["title"]})
    if with_store:
        view.insert(1, "门店", brand.short_series(q["store_name"]))
    st.dataframe(view.head(8), hide_index=True, width="stretch")


def incident_slot(ctx: shell.Context) -> None:
    """The 「重大事件」 band (cx/incidents.py) for the user's scope and the home's period."""
    from ui import incident_band

    incident_band.band(ctx, quiet=True)


def store_home(ctx: shell.Context) -> None:
    store = ctx.user.store_id
    stores = ctx.options["stores"]
    row = stores[stores["store_id"] == store]
    if row.empty:
        shell.empty_state("您的账号关联的门店不在库中，请联系总部。")
        return
    name, region = brand.short(row["name"].iloc[0]), row["region"].iloc[0]
    st.title(f"我的门店 · {name}")
    st.caption(f"{store} · {region} · {row['city'].iloc[0]}")
    incident_slot(ctx)

    period = _period(ctx, "home_period")
    mine = _kpis(ctx.con, ctx.version, period.with_(scope_stores=(store,)))
    theirs = _kpis(ctx.con, ctx.version, period.with_(regions=(region,)))
    st.caption(f"{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}，与上一同长时段比较；下方灰字为{region}区域整体。")
    c = st.columns(3)
    _kpi_card(c[0], "NPS 净推荐值", mine["nps"], mine["nps_change"], theirs["nps"], "区域", pct=False)
    _kpi_card(c[1], "CSAT 满意度", mine["csat"], mine["csat_change"], theirs["csat"], "区域", pct=True)
    _kpi_card(c[2], "差评率", mine["negative_reviews"], mine["negative_reviews_change"], theirs["negative_reviews"],
              "区域", pct=True, good_up=False)

    left, right = st.columns([3, 2])
    with left:
        st.subheader("待处理工单")
        q = _open_tickets(ctx.con, db.loop_version(ctx.con), (store,))
        if q.empty:
            st.success("没有未关闭的工单。", icon=":material/task_alt:")
        else:
            st.caption(f"共 {len(q):,} 张未关闭，按创建时间从新到旧。")
            _tickets_table(q, settings.now(), with_store=False)
        st.page_link("pages/tickets.py", label="去工单中心处理", icon=":material/assignment:")
    with right:
        league = _league_period(ctx)
        sw = _strengths(ctx.con, ctx.version, league, store)
        st.subheader("短板与长板")
        st.caption(f"{league.start:%Y-%m-%d} 至 {league.end:%Y-%m-%d}，与同区域门店比较")
        for x in sw["weak"] or [{"sentence": "无明显短板"}]:
            st.markdown(f"- :red[{x['sentence']}]")
        for x in sw["strong"] or [{"sentence": "无明显长板"}]:
            st.markdown(f"- :green[{x['sentence']}]")
        st.page_link("pages/store_profile.py", label="查看完整门店画像", icon=":material/storefront:")

    export.chart(_band(ctx.con, ctx.version, league, (store,), region, league.describe()), key="home_band")
    st.subheader("最新差评原声")
    verbatims.show(_negative_verbatims(ctx.con, ctx.version, period.with_(scope_stores=(store,))),
                   empty="本时段没有负面原声。")


def region_home(ctx: shell.Context) -> None:
    region = ctx.user.region
    st.title(f"我的区域 · {region}")
    incident_slot(ctx)
    period = _period(ctx, "home_period")
    mine = _kpis(ctx.con, ctx.version, period.with_(regions=(region,)))
    chain = _kpis(ctx.con, ctx.version, period)
    st.caption(f"{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}，与上一同长时段比较；下方灰字为全连锁。")
    c = st.columns(3)
    _kpi_card(c[0], "NPS 净推荐值", mine["nps"], mine["nps_change"], chain["nps"], "全连锁", pct=False, mine_label="本区域")
    _kpi_card(c[1], "CSAT 满意度", mine["csat"], mine["csat_change"], chain["csat"], "全连锁", pct=True, mine_label="本区域")
    _kpi_card(c[2], "差评率", mine["negative_reviews"], mine["negative_reviews_change"], chain["negative_reviews"],
              "全连锁", pct=True, good_up=False, mine_label="本区域")

    league = _league_period(ctx)
    full = ranking.ranking(ctx.con, ctx.version, league)
    table = scoring.visible(full, ctx.filters.scope_stores)
    q = _open_tickets(ctx.con, db.loop_version(ctx.con), ctx.filters.scope_stores)
    open_by_store = q.groupby("store_id").size() if not q.empty else pd.Series(dtype=int)
    overdue = q[q["due_at"] < pd.Timestamp(settings.now())].groupby("store_id").size() if not q.empty else open_by_store
    st.subheader("区域门店排名")
    st.caption(f"{league.start:%Y-%m-%d} 至 {league.end:%Y-%m-%d}；排名为全连锁 {len(full)} 家门店中的名次。")
    view = pd.DataFrame({
        # small samples get no rank number (data/small_sample.yaml): blank, and not counted in the region order
        "区域内": table["rank"].notna().cumsum().where(table["rank"].notna()).astype("Int64"), "全连锁排名": table["rank"], "门店编号": table["store_id"],
        "门店": brand.short_series(table["name"]), "综合得分": table["composite"].round(1),
        "名次变化": table["rank_change"].map(fmt.rank_change), "反馈数": table["n"].astype(int),
        "未关闭工单": table["store_id"].map(open_by_store).fillna(0).astype(int),
        "已超时": table["store_id"].map(overdue).fillna(0).astype(int),
        "样本不足": table["insufficient"].map({True: "是", False: ""})})
    st.dataframe(view, hide_index=True, width="stretch", height="auto" if len(view) <= 15 else 560,
                 column_config={"综合得分": st.column_config.ProgressColumn(format="%.1f", min_value=0, max_value=100)})
    export.chart(_band(ctx.con, ctx.version, league, tuple(table["store_id"]), region, league.describe()),
                 key="home_band")
    st.subheader("未关闭工单")
    if q.empty:
        st.success("区域内没有未关闭的工单。", icon=":material/task_alt:")
    else:
        st.caption(f"共 {len(q):,} 张未关闭，其中 {int((q['due_at'] < pd.Timestamp(settings.now())).sum()):,} 张已超时。")
        _tickets_table(q, settings.now(), with_store=True)
    st.page_link("pages/tickets.py", label="去工单中心", icon=":material/assignment:")


# The demo's planted stories: where each one shows, and the filter that shows it.
STORY_LINKS = {
    "slow_region": ("pages/journey.py", "旅程热力图"),
    "incident": ("pages/store_profile.py", "门店画像"),
    "improved": ("pages/verification.py", "改进验证"),
    "star": ("pages/store_profile.py", "门店画像"),
    "new_stores": ("pages/rankings.py", "门店排名"),
    "tiny_stores": ("pages/rankings.py", "门店排名"),
}


def _set_filters(**values) -> None:
    """Set filter-bar values (and their shadow copies, which survive page switches) before opening a page."""
    for k, v in values.items():
        st.session_state[k] = v
        if k.startswith("f_"):
            st.session_state["_" + k] = v


def _open_story(key: str, s: dict, con) -> None:
    if key == "slow_region":
        _set_filters(f_regions=[], f_stores=[], jr_dim="region", jr_tp=s["touchpoint"], jr_col=s["region"])
    elif key in ("incident", "star"):
        _set_filters(f_regions=[], f_stores=[], profile_store=s["store_id"])
        if key == "incident":
            d0 = date.fromisoformat(str(s["from"]))
            _set_filters(f_dates=(date(d0.year, d0.month, 1) - timedelta(days=62), date.fromisoformat(str(s["to"])) + timedelta(days=30)))
    elif key == "improved":
        from cx.loop import verify

        acts = verify.actions(con)
        match = acts[acts["store_id"] == s["store_id"]]
        _set_filters(f_regions=[], f_stores=[], **({"vf_action": match["action_id"].iloc[0]} if len(match) else {}))
    elif key in ("new_stores", "tiny_stores"):
        _set_filters(f_regions=[], f_stores=list(s["store_ids"]))
    st.switch_page(STORY_LINKS[key][0])


@st.cache_data(show_spinner=False, max_entries=16)
def _stories(_con, version: int) -> dict:
    return db.demo_stories(_con)          # a YAML document in the store's meta table: parsed once per data version


@st.cache_data(show_spinner=False, max_entries=256)
def _imports_n(_con, version: int, user) -> int:
    return len(access.imports_for(_con, user))      # every import bumps the data version


def stories(ctx: shell.Context) -> None:
    """The planted stories, each with its store ids and a button to the page and filter that reveal it."""
    found = _stories(ctx.con, ctx.version)
    if not found:
        return
    st.subheader("演示数据中埋设的故事")
    st.caption("用来检验看板能否发现它们：点击按钮打开相应页面并设好筛选。")
    for key, s in found.items():
        if key not in STORY_LINKS:
            continue
        where = (f"{s['store_id']} {brand.short(s.get('store_name'))}" if s.get("store_id")
                 else "、".join(s["store_ids"]) if s.get("store_ids") else s.get("region", ""))
        a, b = st.columns([4, 1], vertical_alignment="center")
        a.markdown(f"**{s['title']}** · {where}")
        if b.button(f"在{STORY_LINKS[key][1]}中查看", key=f"story_{key}", width="stretch"):
            _open_story(key, s, ctx.con)


def hq_home(ctx: shell.Context) -> None:
    st.title("客户体验透镜 CX Lens")
    st.caption("连锁门店客户体验分析：问卷、客服记录、线上评价与舆情，汇入同一数据库统一分析。")
    incident_slot(ctx)
    opts = ctx.options
    first, last = opts["first_day"], opts["last_day"]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("门店", f"{len(opts['stores']):,}")
    if first is not None:
        whole = Filters(first.date(), last.date(), scope_stores=ctx.filters.scope_stores)
        c2.metric("反馈总量", f"{_kpis(ctx.con, ctx.version, whole)['n']:,}")
        c3.metric("KANO 答卷", f"{_kano_n(ctx.con, ctx.version, whole):,}")
        st.write(f"数据时间范围：{first:%Y-%m-%d} 至 {last:%Y-%m-%d}")
    c4.metric("导入批次", f"{_imports_n(ctx.con, ctx.version, ctx.user):,}")

    st.subheader("从这里开始")
    a, b = st.columns(2)
    with a:
        st.page_link("pages/overview.py", label="总览：NPS、满意度、费力度与差评率", icon=":material/dashboard:")
    with b:
        st.page_link("pages/import_data.py", label="数据导入：上传问卷、客服、评价、舆情文件", icon=":material/upload_file:")
    stories(ctx)


@st.cache_data(show_spinner=False, max_entries=16)
def _kano_n(_con, version: int, filters: Filters) -> int:
    return int(kano.features(_con, filters)["n"].sum())


def home(ctx: shell.Context) -> None:
    """The role's home (app.py)."""
    {"store": store_home, "region": region_home}.get(ctx.user.role, hq_home)(ctx)
