"""Plotly figure builders shared by the pages and the exports (one definition per chart)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cx import brand, vocab

FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
PALETTE = ["#2F6FDE", "#F29D38", "#3BA272", "#E05561", "#8E6BC9", "#6C7A89"]
SOURCE_COLORS = {vocab.SOURCE_LABELS[s]: PALETTE[i] for s, i in (("survey", 0), ("service", 3), ("review", 1), ("opinion", 4))}
SMALL = "#BBBBBB"   # estimates below the small-sample minimum (data/small_sample.yaml)


def _layout(fig: go.Figure, title: str, subtitle: str | None = None, height: int = 360) -> go.Figure:
    text = title if not subtitle else f"{title}<br><sup>{subtitle}</sup>"
    fig.update_layout(
        title={"text": text, "x": 0.01, "xanchor": "left"},
        font={"family": FONT, "size": 13}, height=height, margin={"l": 50, "r": 20, "t": 70, "b": 40},
        plot_bgcolor="white", paper_bgcolor="white", hovermode="x unified",
        legend={"orientation": "h", "y": -0.15},
    )
    fig.update_xaxes(showgrid=False, linecolor="#ccc")
    fig.update_yaxes(gridcolor="#eee", zerolinecolor="#ddd")
    _date_axis(fig)
    return fig


def _date_axis(fig: go.Figure) -> None:
    """Numeric date ticks and hovers (「2026-05」, 「2026-08-01」): plotly.js as bundled has English locales only,
    and its automatic date ticks read 「May 2026」, 「Aug 1, 2026」."""
    days = []
    for tr in fig.data:
        x = getattr(tr, "x", None)
        if x is None or len(x) == 0 or getattr(tr, "type", "") == "heatmap":
            continue
        s = pd.Series(list(x))
        if pd.api.types.is_datetime64_any_dtype(s) or (s.map(type).isin([pd.Timestamp]).all()):
            d = pd.to_datetime(s)
            days.append((d.min(), d.max()))
    if not days:
        return
    span = (max(b for _, b in days) - min(a for a, _ in days)).days
    fig.update_xaxes(tickformat="%Y-%m" if span > 62 else "%m-%d", hoverformat="%Y-%m-%d")


def trend_with_ci(df: pd.DataFrame, key: str, title: str, subtitle: str | None = None,
                  percent: bool = False, color: str = PALETTE[0]) -> go.Figure:
    """Monthly estimate with its 95 % interval as a band; hover shows n."""
    scale = 100 if percent else 1
    x = df["month"]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=list(x) + list(x[::-1]),
                             y=list(df[f"{key}_high"] * scale) + list(df[f"{key}_low"][::-1] * scale),
                             fill="toself", fillcolor=color, opacity=0.15, line={"width": 0}, mode="lines",
                             hoverinfo="skip", showlegend=False, name="95% 置信区间"))
    fig.add_trace(go.Scatter(x=x, y=df[key] * scale, mode="lines+markers", line={"color": color, "width": 2},
                             name=title, customdata=df[f"{key}_n"],
                             hovertemplate="%{y:.1f}" + ("%" if percent else "") + "（n=%{customdata}）<extra></extra>"))
    from cx import timegrain

    grain = df.attrs.get("grain")
    if grain is None:   # attrs lost (e.g. through a cache): infer from the spacing of the periods
        step = pd.Series(pd.to_datetime(x)).diff().dt.days.median() if len(x) > 1 else 31
        grain = "day" if step < 2 else "week" if step < 10 else "month"
    fig = _layout(fig, title, subtitle)
    fig.update_xaxes(**timegrain.axis(grain))     # numeric ticks at the trend's grain (no English month names)
    fig.update_layout(showlegend=False)
    return fig


WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def weekday_hour(df: pd.DataFrame, title: str, subtitle: str | None = None) -> go.Figure:
    """Weekday × hour heatmap of feedback volume; hover adds the negative share and n."""
    grid = df.pivot_table(index="weekday", columns="hour", values="n", aggfunc="sum").reindex(range(7)).fillna(0)
    neg = df.pivot_table(index="weekday", columns="hour", values="neg_rate", aggfunc="mean").reindex(
        index=range(7), columns=grid.columns)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[f"{h}时" for h in grid.columns], y=list(WEEKDAYS), colorscale="Blues",
        customdata=(neg.to_numpy() * 100), colorbar={"title": "反馈量"},
        hovertemplate="%{y} %{x}：%{z:,} 条，负面 %{customdata:.0f}%<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, subtitle)


def volume_by_source(df: pd.DataFrame, title: str = "各来源反馈量", subtitle: str | None = None) -> go.Figure:
    """Stacked bars: sources on the axis, channels stacked. Each channel gets its own colour: a shade of its
    source's colour (so no two channels share one, however many there are)."""
    fig = go.Figure()
    colors = channel_colors(df)
    for channel, part in df.groupby("channel", sort=False):
        fig.add_trace(go.Bar(x=part["source_label"], y=part["n"], name=str(channel),
                             marker_color=colors[channel],
                             hovertemplate=f"{channel}：" + "%{y:,}<extra></extra>"))
    fig.update_layout(barmode="stack")
    return _layout(fig, title, subtitle)


def _shade(hex_color: str, t: float) -> str:
    """``hex_color`` mixed with white by ``t`` (0 = unchanged, 1 = white)."""
    rgb = [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * t):02X}" for c in rgb)


def channel_colors(df: pd.DataFrame) -> dict:
    """channel → colour: sources keep their hue (SOURCE_COLORS by label), channels within a source get distinct
    shades of it. ``df`` has ``source_label`` and ``channel``."""
    out = {}
    hues = iter(PALETTE[::-1])
    for source, part in df.groupby("source_label", sort=False):
        base = SOURCE_COLORS.get(source) or next(hues, PALETTE[5])
        chans = list(dict.fromkeys(part["channel"]))
        for i, ch in enumerate(chans):
            out.setdefault(ch, _shade(base, 0.6 * i / max(1, len(chans) - 1) if len(chans) > 1 else 0.0))
    return out


def touchpoint_bars(df: pd.DataFrame, value: str, title: str, subtitle: str | None = None) -> go.Figure:
    """Horizontal bars per touchpoint: negative mentions, or negative rate with its 95 % interval.
    customdata carries the touchpoint id so a click can drill into its verbatims."""
    d = df.iloc[::-1]
    rate = value == "neg_rate"
    x = d["neg_rate"] * 100 if rate else d["negative"]
    err = None
    if rate:
        err = {"type": "data", "symmetric": False, "array": (d["neg_high"] - d["neg_rate"]) * 100,
               "arrayminus": (d["neg_rate"] - d["neg_low"]) * 100, "color": "#888", "thickness": 1}
    colors = [("#E8A0A7" if s else PALETTE[3]) for s in d["small_n"]]
    fig = go.Figure(go.Bar(
        x=x, y=d["label"] + "（" + d["stage"] + "）", orientation="h", marker_color=colors, error_x=err,
        customdata=d[["touchpoint", "n", "negative"]].to_numpy(),
        hovertemplate=("负面率 %{x:.1f}%" if rate else "负面提及 %{x:,}") + "<br>提及 n=%{customdata[1]:,}<extra></extra>"))
    fig.update_xaxes(ticksuffix="%" if rate else "", rangemode="tozero")
    if not rate:            # counts: whole-number ticks (a store's 3 complaints once showed 0.5 steps)
        fig.update_xaxes(tickformat=",d", dtick=1 if len(d) and d["negative"].max() <= 8 else None)
    fig = _layout(fig, title, subtitle, height=max(320, 34 * len(d) + 110))
    fig.update_layout(hovermode="closest", margin={"l": 150, "r": 20, "t": 70, "b": 40})
    return fig


CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def cjk_font() -> str:
    """A font file that covers Chinese (installed by scripts/setup.sh); raises with the fix if none."""
    from pathlib import Path

    for p in CJK_FONTS:
        if Path(p).exists():
            return p
    raise FileNotFoundError("未找到中文字体：请运行 scripts/setup.sh（安装 fonts-wqy-microhei）")


def wordcloud_png(freqs: dict[str, int], width: int = 900, height: int = 420) -> bytes:
    """Word cloud as PNG bytes, in a CJK font (Debian's Noto CJK face 0 is Japanese, so WQY comes first)."""
    import io

    from wordcloud import WordCloud

    import numpy as np
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    reds = ListedColormap(colormaps["Reds"](np.linspace(0.45, 1.0, 64)))   # no near-white words on white
    # Laid out at half size and drawn at 2× (same PNG size): the layout search is ~3× faster, looks the same.
    wc = WordCloud(font_path=cjk_font(), width=width // 2, height=height // 2, scale=2, background_color="white",
                   colormap=reds, prefer_horizontal=0.95, max_words=100, random_state=7)
    img = wc.generate_from_frequencies(freqs or {"无数据": 1}).to_image()
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


HEAT_SCALES = {"volume": "Blues", "neg_rate": "Reds", "net": "RdYlGn", "avg_nps": "RdYlGn"}


def journey_heatmap(values: pd.DataFrame, n: pd.DataFrame, small: pd.DataFrame, worse: pd.DataFrame, value: str,
                    title: str, subtitle: str | None = None, min_n: int | None = None) -> go.Figure:
    """Stage·touchpoint rows × dimension columns. Cells with n < min_n are grey (value hidden in colour,
    still shown on hover); ▲ marks cells significantly worse than the rest of the chain."""
    pct = value in ("neg_rate", "net")
    z = values.where(~small)
    text = [[("▲" if worse.iat[i, j] else "") for j in range(values.shape[1])] for i in range(values.shape[0])]
    shown = values * (100 if pct else 1)
    fmt = "%{customdata[0]:.1f}" + ("%" if pct else "")
    custom = [[[shown.iat[i, j] if pd.notna(shown.iat[i, j]) else float("nan"), n.iat[i, j]]
               for j in range(values.shape[1])] for i in range(values.shape[0])]
    fig = go.Figure()
    fig.add_trace(go.Heatmap(z=small.where(small).astype(float), x=values.columns, y=values.index, showscale=False,
                             colorscale=[[0, "#E6E6E6"], [1, "#E6E6E6"]], hoverinfo="skip", xgap=2, ygap=2))
    fig.add_trace(go.Heatmap(
        z=z * (100 if pct else 1), x=values.columns, y=values.index, colorscale=HEAT_SCALES[value],
        reversescale=False, zmid=0 if value == "net" else None, xgap=2, ygap=2, text=text, texttemplate="%{text}",
        textfont={"color": "#111", "size": 12}, customdata=custom,
        colorbar={"title": {"text": "%" if pct else ""}, "thickness": 12}, hoverinfo="skip"))
    # Heatmap traces cannot be selected in the browser, so an invisible marker on every cell with data carries
    # the hover text and makes a click a selection event (the page drills into that cell's verbatims).
    cells = [(i, j) for i in range(values.shape[0]) for j in range(values.shape[1]) if pd.notna(n.iat[i, j]) and n.iat[i, j] > 0]
    fig.add_trace(go.Scatter(
        x=[values.columns[j] for _, j in cells], y=[values.index[i] for i, _ in cells], mode="markers",
        marker={"symbol": "square", "size": 18, "opacity": 0}, selected={"marker": {"opacity": 0}},
        unselected={"marker": {"opacity": 0}}, customdata=[custom[i][j] for i, j in cells], showlegend=False,
        hovertemplate="%{y}<br>%{x}：" + fmt + "（n=%{customdata[1]:,}）<extra></extra>"))
    fig.update_yaxes(autorange="reversed", tickfont={"size": 12})
    # columns are categories even when they look like dates ("2026-05"): a date axis would print 「May 2026」
    # and a click would answer with a date the page cannot match to a column
    fig.update_xaxes(side="top", tickangle=0 if values.shape[1] <= 8 else -45, type="category")
    fig = _layout(fig, title, subtitle, height=max(420, 24 * values.shape[0] + 150))
    # a click anywhere in a cell reaches its (cell-centred) marker: hover picks the nearest within this many px
    fig.update_layout(hovermode="closest", hoverdistance=40, margin={"l": 170, "r": 20, "t": 110, "b": 30},
                      plot_bgcolor="white")
    return fig


def emotion_curve(stages: pd.DataFrame, title: str, subtitle: str | None = None) -> go.Figure:
    """Journey map: net sentiment per stage, left to right, marker size by volume."""
    y = stages["net"] * 100
    colors = [PALETTE[2] if v >= 0 else PALETTE[3] for v in y]
    size = 12 + 28 * (stages["n"] / max(1, stages["n"].max())) ** 0.5
    fig = go.Figure(go.Scatter(x=stages["stage"], y=y, mode="lines+markers+text", line={"color": "#999", "shape": "spline"},
                               marker={"size": size, "color": colors}, text=[f"{v:+.0f}" for v in y],
                               textposition="top center", customdata=stages["n"], cliponaxis=False,
                               hovertemplate="%{x}：净情感 %{y:.1f}（提及 n=%{customdata:,}）<extra></extra>"))
    fig.add_hline(y=0, line={"color": "#bbb", "dash": "dot"})
    lo, hi = min(0.0, float(y.min())), max(0.0, float(y.max()))
    pad = max(8.0, 0.25 * (hi - lo))           # room for the largest marker and its label above it
    fig.update_yaxes(title="净情感（好评%−差评%）", ticksuffix="", range=[lo - pad, hi + pad])
    fig = _layout(fig, title, subtitle, height=360)
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig


def ipa_quadrant(df: pd.DataFrame, title: str, subtitle: str | None = None) -> go.Figure:
    """Importance–performance: x = share positive, y = importance; median cut lines and quadrant names."""
    fig = go.Figure(go.Scatter(
        x=df["performance"] * 100, y=df["importance"], mode="markers", text=df["label"],
        marker={"size": 10, "color": [PALETTE[3] if q in ("重点改进", "必须整改") else PALETTE[0] for q in df["quadrant"]],
                "symbol": ["diamond" if q == "必须整改" else "circle" for q in df["quadrant"]],
                "opacity": [1.0 if r else 0.4 for r in df["reliable"]]},
        customdata=df[["gap", "n_neg"]].to_numpy(),
        hovertemplate="%{text}<br>好评率 %{x:.0f}%<br>重要度 %{y:.3f}<br>负面提及者推荐分低 %{customdata[0]:.2f} 分（n=%{customdata[1]}）<extra></extra>"))
    xc, yc = df["performance"].median() * 100, df["importance"].median()
    fig.add_vline(x=xc, line={"color": "#bbb", "dash": "dot"})
    fig.add_hline(y=yc, line={"color": "#bbb", "dash": "dot"})
    for x, y, label in ((0.02, 0.98, "重点改进"), (0.98, 0.98, "保持优势"), (0.02, 0.02, "次要改进"), (0.98, 0.02, "过度投入")):
        fig.add_annotation(x=x, y=y, xref="paper", yref="paper", text=label, showarrow=False,
                           xanchor="left" if x < 0.5 else "right", yanchor="top" if y > 0.5 else "bottom",
                           font={"color": "#888", "size": 13})
    xr, yr = _padded(df["performance"] * 100), _padded(df["importance"])
    _labels(fig, df["performance"] * 100, df["importance"], df["label"], xr, yr, 700, 340,
            avoid=[(0, 0, 80, 22), (620, 0, 700, 22), (0, 318, 80, 340), (620, 318, 700, 340)])
    fig.update_xaxes(title="表现（提及中的好评占比）", ticksuffix="%", range=xr)
    fig.update_yaxes(title="重要度（负面提及与推荐分的相关）", range=yr)
    fig = _layout(fig, title, subtitle, height=460)
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig


def rank_intervals(df: pd.DataFrame, title: str, subtitle: str | None = None) -> go.Figure:
    """Dot-and-interval chart: composite rank with its simulated 90 % interval; grey = 样本不足."""
    d = df.iloc[::-1]
    names = d["store_id"] + " " + brand.short_series(d["name"])
    colors = ["#BBBBBB" if x else PALETTE[0] for x in d["insufficient"]]
    fig = go.Figure(go.Scatter(
        x=d["rank"], y=names, mode="markers", marker={"size": 9, "color": colors},
        error_x={"type": "data", "symmetric": False, "array": d["rank_high"] - d["rank"],
                 "arrayminus": d["rank"] - d["rank_low"], "color": "#999", "thickness": 1.2},
        customdata=d[["composite", "n", "rank_low", "rank_high"]].to_numpy(),
        hovertemplate="%{y}<br>排名 %{x}（区间 %{customdata[2]:.0f}–%{customdata[3]:.0f}）<br>"
                      "综合得分 %{customdata[0]:.1f}，样本 n=%{customdata[1]:,}<extra></extra>"))
    fig.update_xaxes(title="排名（1 = 最好）", autorange="reversed")
    fig = _layout(fig, title, subtitle, height=max(360, 24 * len(d) + 120))
    fig.update_layout(hovermode="closest", margin={"l": 230, "r": 20, "t": 70, "b": 40})
    return fig


def position_band(full: pd.DataFrame, mine: list[str], title: str, subtitle: str | None = None,
                  region: str | None = None) -> go.Figure:
    """Where some stores stand in the chain without naming the others: every store's composite (0–100) as an
    anonymous dot, the middle half of the chain as a band, the region's stores darker, ``mine`` named and red.
    ``full``: store_id, name, region, composite, rank."""
    rnd = pd.Series(range(len(full)), index=full.index).map(lambda i: ((i * 0.618034) % 1) - 0.5) * 0.6
    q1, q3 = full["composite"].quantile([0.25, 0.75])
    fig = go.Figure()
    fig.add_shape(type="rect", x0=q1, x1=q3, y0=-0.5, y1=0.5, fillcolor="#EEF2FA", line={"width": 0}, layer="below")
    fig.add_annotation(x=(q1 + q3) / 2, y=0.5, text="全连锁中间 50%", showarrow=False, yanchor="bottom",
                       font={"color": "#888", "size": 11})
    own = full["store_id"].isin(mine)
    in_region = (full["region"] == region) if region else pd.Series(False, index=full.index)
    for mask, name, color in ((~own & ~in_region, "其他门店", "#C9CED6"), (~own & in_region, f"{region}区域门店", "#7C8DA6")):
        if mask.any():
            fig.add_trace(go.Scatter(x=full.loc[mask, "composite"], y=rnd[mask], mode="markers", name=name,
                                     marker={"size": 7, "color": color}, hoverinfo="skip"))
    d = full[own]
    one = len(d) == 1                           # one store is named on the chart; several only on hover
    fig.add_trace(go.Scatter(
        x=d["composite"], y=rnd[own], mode="markers+text" if one else "markers", name="本店" if one else "我的门店",
        text=brand.short_series(d["name"]), textposition="top center", marker={"size": 14 if one else 11, "color": PALETTE[3]},
        customdata=d[["rank"]].to_numpy(),
        hovertemplate="%{text}<br>综合得分 %{x:.1f}，排名第 %{customdata[0]} / " + f"{len(full)}<extra></extra>"))
    fig.update_xaxes(title="综合得分（0–100，越高越好）", range=[0, 100])
    fig.update_yaxes(visible=False, range=[-0.6, 0.7])
    fig = _layout(fig, title, subtitle, height=280)
    fig.update_layout(hovermode="closest", legend={"orientation": "h", "y": -0.35})
    return fig


def radar(scores: dict[str, list[float]], axes: list[str], title: str, subtitle: str | None = None,
          n: dict[str, int] | None = None, kind: str = "store") -> go.Figure:
    """Radar of first-level indicator scores (0–100) for several series (store, region, chain).

    ``n``: feedback count behind a series (by series name); a series below the small-sample minimum for
    ``kind`` (data/small_sample.yaml) is drawn grey and dashed, unfilled, and labelled 样本不足 with its n."""
    from cx import sample

    fig = go.Figure()
    for i, (name, vals) in enumerate(scores.items()):
        count = (n or {}).get(name)
        small = count is not None and sample.small(count, kind)
        label = f"{name}（{sample.LABEL}，n={count}）" if small else name
        fig.add_trace(go.Scatterpolar(r=list(vals) + [vals[0]], theta=axes + [axes[0]], name=label,
                                      fill=None if small or i else "toself",
                                      line={"color": SMALL if small else PALETTE[i % len(PALETTE)],
                                            "dash": "dash" if small else "solid"}, opacity=0.85,
                                      hovertemplate="%{theta}：%{r:.1f}<extra>" + label + "</extra>"))
    fig.update_layout(polar={"radialaxis": {"range": [0, 100], "tickfont": {"size": 10}}})
    fig = _layout(fig, title, subtitle, height=420)
    fig.update_layout(hovermode="closest")
    return fig


def rank_shift(df: pd.DataFrame, title: str, subtitle: str | None = None) -> go.Figure:
    """Stores whose rank moves most under the edited weights (positive = up)."""
    d = df.iloc[::-1]
    names = d["store_id"] + " " + brand.short_series(d["name"])
    fig = go.Figure(go.Bar(x=d["shift"], y=names, orientation="h",
                           marker_color=[PALETTE[2] if v > 0 else PALETTE[3] for v in d["shift"]],
                           customdata=d[["rank_before", "rank_after"]].to_numpy(),
                           hovertemplate="%{y}<br>%{customdata[0]} → %{customdata[1]}<extra></extra>"))
    fig.update_xaxes(title="名次变化（正 = 上升）")
    fig = _layout(fig, title, subtitle, height=max(320, 24 * len(d) + 110))
    fig.update_layout(hovermode="closest", margin={"l": 230, "r": 20, "t": 70, "b": 40})
    return fig


MIN_WEEK_N = 5      # weeks with fewer mentions are left out of the weekly lines (a 1-of-2 week reads as 50 %)


def action_lines(weekly: pd.DataFrame, action_date, title: str, subtitle: str | None = None) -> go.Figure:
    """Weekly negative rate of the touchpoint: treated vs control stores, action date marked. Marker area
    follows the week's mentions; weeks with fewer than ``MIN_WEEK_N`` mentions are not drawn."""
    w = weekly.groupby(["treated", "week"], as_index=False)[["negative", "mentions"]].sum()
    fig = go.Figure()
    for treated, name, color in ((True, "实施门店", PALETTE[3]), (False, "对照门店", PALETTE[0])):
        part = w[w["treated"] == treated]
        rate = 100 * part["negative"] / part["mentions"].where(part["mentions"] >= MIN_WEEK_N)
        size = (4 + 12 * (part["mentions"] / max(1, part["mentions"].max())) ** 0.5).round(1)
        fig.add_trace(go.Scatter(x=part["week"], y=rate, mode="lines+markers", name=name, line={"color": color},
                                 marker={"size": size.tolist()}, connectgaps=False,
                                 customdata=part[["mentions"]].to_numpy(),
                                 hovertemplate=name + " %{x|%Y-%m-%d} 周：%{y:.1f}%（n=%{customdata[0]}）<extra></extra>"))
    x = pd.Timestamp(action_date)
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line={"color": "#555", "dash": "dash"})
    fig.add_annotation(x=x, y=1, yref="paper", text="改进措施开始", showarrow=False, yanchor="bottom", font={"color": "#555"})
    fig.update_yaxes(title="负面率", ticksuffix="%")
    return _layout(fig, title, subtitle, height=380)


def text_px(s: str, size: int = 13) -> float:
    """Rough rendered width of a label: CJK characters are square, others about half."""
    return sum(size if "\u2e80" <= ch <= "\uffef" else 0.55 * size for ch in s)


def place_labels(xs, ys, texts, width: float = 700, height: float = 370, size: int = 13,
                 avoid: list[tuple[float, float, float, float]] = ()) -> list[tuple[float, float]]:
    """Label offsets (ax, ay in pixels from the point; plotly annotation convention, y down) so that no two
    label boxes overlap each other or another point, for points in [0, 1]² drawn on a ``width``×``height``
    plot area (a wider plot only spreads the points further). Greedy, densest points first; candidates are
    around the point at growing distances. ``avoid``: further boxes (pixels, x0 y0 x1 y1) to keep clear.
    Returns one offset per point."""
    px = [(float(x) * width, (1 - float(y)) * height) for x, y in zip(xs, ys)]
    boxes: list[tuple[float, float, float, float]] = list(avoid)
    dots = [(x - 6, y - 6, x + 6, y + 6) for x, y in px]
    out: list[tuple[float, float] | None] = [None] * len(px)

    def free(b, own):
        return all(b[2] <= o[0] or b[0] >= o[2] or b[3] <= o[1] or b[1] >= o[3] for o in boxes) and all(
            b[2] <= d[0] or b[0] >= d[2] or b[3] <= d[1] or b[1] >= d[3] for i, d in enumerate(dots) if i != own)

    crowd = [sum(abs(a[0] - b[0]) < 120 and abs(a[1] - b[1]) < 40 for b in px) for a in px]
    for i in sorted(range(len(px)), key=lambda i: -crowd[i]):
        (x, y), w, h = px[i], text_px(str(texts[i]), size) + 6, size + 6
        choice = None
        for r in (16, 30, 46, 64, 84, 106):
            for ax, ay in ((0, -r), (0, r), (r + w / 2, 0), (-r - w / 2, 0), (r, -r), (-r, -r), (r, r), (-r, r)):
                cx, cy = x + ax, y + ay
                b = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                if b[0] >= 0 and b[2] <= width and b[1] >= 0 and b[3] <= height and free(b, i):
                    choice = (ax, ay, b)
                    break
            if choice:
                break
        if choice is None:                      # nowhere free: straight above, accept the overlap
            choice = (0, -16, (x - w / 2, y - 16 - h / 2, x + w / 2, y - 16 + h / 2))
        boxes.append(choice[2])
        out[i] = (choice[0], choice[1])
    return out


def _padded(values: pd.Series, share: float = 0.12) -> list[float]:
    lo, hi = float(values.min()), float(values.max())
    pad = max((hi - lo) * share, abs(hi) * 0.05, 1e-6)
    return [lo - pad, hi + pad]


def _labels(fig: go.Figure, xs, ys, texts, xr, yr, width: float, height: float, avoid=()) -> None:
    """Point labels as annotations placed apart (``place_labels``) on axes with the fixed ranges xr, yr."""
    nx = [(float(x) - xr[0]) / (xr[1] - xr[0]) for x in xs]
    ny = [(float(y) - yr[0]) / (yr[1] - yr[0]) for y in ys]
    for (ax, ay), x, y, label in zip(place_labels(nx, ny, list(texts), width, height, avoid=list(avoid)), xs, ys, texts):
        far = abs(ax) + abs(ay) > 20
        fig.add_annotation(x=x, y=y, text=str(label), ax=ax, ay=ay, showarrow=True, arrowhead=0, arrowwidth=1,
                           arrowcolor="#bbb" if far else "rgba(0,0,0,0)", font={"size": 13}, standoff=6)


def kano_scatter(df: pd.DataFrame, title: str, subtitle: str | None = None) -> go.Figure:
    """Better (y) vs |Worse| (x) with the four quadrants at 0.5; small-sample features grey. Labels are
    annotations placed apart (``place_labels``), with a leader line when moved away from their point."""
    fig = go.Figure(go.Scatter(x=-df["worse"], y=df["better"], mode="markers", text=df["feature"],
                               marker={"size": 11, "color": [SMALL if s else PALETTE[0] for s in df.get("small", [False] * len(df))]},
                               customdata=df[["category_label", "n"]].to_numpy(),
                               hovertemplate="%{text}<br>Better %{y:.2f}，|Worse| %{x:.2f}<br>多数归类：%{customdata[0]}（n=%{customdata[1]}）<extra></extra>"))
    for x, y, label in ((0.02, 0.98, "魅力属性 A"), (0.98, 0.98, "期望属性 O"), (0.98, 0.02, "必备属性 M"), (0.02, 0.02, "无差异属性 I")):
        fig.add_annotation(x=x, y=y, xref="paper", yref="paper", text=label, showarrow=False, font={"color": "#888"},
                           xanchor="left" if x < 0.5 else "right", yanchor="top" if y > 0.5 else "bottom")
    fig.add_vline(x=0.5, line={"color": "#bbb", "dash": "dot"})
    fig.add_hline(y=0.5, line={"color": "#bbb", "dash": "dot"})
    w, h = 700, 370
    corners = [(0, 0, 110, 22), (w - 110, 0, w, 22), (0, h - 22, 120, h), (w - 110, h - 22, w, h)]   # quadrant names
    _labels(fig, -df["worse"], df["better"], df["feature"], [0, 1], [0, 1], w, h, avoid=corners)
    fig.update_xaxes(title="|Worse|（不具备时的不满程度）", range=[0, 1])
    fig.update_yaxes(title="Better（具备时的满意提升）", range=[0, 1])
    fig = _layout(fig, title, subtitle, height=480)
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig
