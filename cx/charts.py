"""Plotly figure builders shared by the pages and the exports (one definition per chart)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
PALETTE = ["#2F6FDE", "#F29D38", "#3BA272", "#E05561", "#8E6BC9", "#6C7A89"]
SOURCE_COLORS = {"问卷": PALETTE[0], "客服": PALETTE[3], "线上评价": PALETTE[1], "舆情": PALETTE[4]}


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
    return fig


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
    fig.update_xaxes(tickformat="%Y-%m", dtick="M1")
    fig = _layout(fig, title, subtitle)
    fig.update_layout(showlegend=False)
    return fig


def volume_by_source(df: pd.DataFrame, title: str = "各来源反馈量", subtitle: str | None = None) -> go.Figure:
    """Stacked bars: sources on the axis, channels stacked."""
    fig = go.Figure()
    for i, (channel, part) in enumerate(df.groupby("channel", sort=False)):
        fig.add_trace(go.Bar(x=part["source_label"], y=part["n"], name=str(channel),
                             marker_color=PALETTE[i % len(PALETTE)],
                             hovertemplate=f"{channel}：" + "%{y:,}<extra></extra>"))
    fig.update_layout(barmode="stack")
    return _layout(fig, title, subtitle)


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
    fig.update_xaxes(ticksuffix="%" if rate else "")
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

    wc = WordCloud(font_path=cjk_font(), width=width, height=height, background_color="white",
                   colormap="Reds", prefer_horizontal=0.95, max_words=150, random_state=7)
    img = wc.generate_from_frequencies(freqs or {"无数据": 1}).to_image()
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
