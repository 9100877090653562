"""Charts as presentation images (PNG/SVG) via Plotly's kaleido on the system Chromium.

The Chromium behind kaleido is started once per process (≈ 2.5 s) and reused (≈ 0.3 s per image).
"""
from __future__ import annotations

import copy
import threading
import warnings
import plotly.graph_objects as go
import plotly.io as pio

from cx import settings

WIDTH, HEIGHT, SCALE = 1600, 900, 2
SOURCE_NOTE = "数据来源：CX Lens 客户体验透镜（问卷、客服记录、线上评价、舆情）"
_started = False
_lock = threading.Lock()


def _server() -> None:
    global _started
    with _lock:
        if not _started:
            import kaleido

            kaleido.start_sync_server()
            _started = True


def presentable(fig: go.Figure, footnote: str | None = None) -> go.Figure:
    """A copy sized for slides: larger fonts, room at the bottom for the data-source footnote."""
    f = go.Figure(copy.deepcopy(fig.to_dict()))
    f.update_layout(font={"size": 20}, title={"font": {"size": 30}}, margin={"t": 130, "b": 110},
                    width=WIDTH, height=HEIGHT)
    f.update_xaxes(tickfont={"size": 16})
    f.update_yaxes(tickfont={"size": 16})
    note = f"{footnote or SOURCE_NOTE} · 生成于 {settings.now():%Y-%m-%d %H:%M}"
    f.add_annotation(text=note, xref="paper", yref="paper", x=0, y=-0.16, showarrow=False, xanchor="left",
                     font={"size": 14, "color": "#777"})
    return f


def to_image(fig: go.Figure, fmt: str = "png", footnote: str | None = None) -> bytes:
    if fmt not in ("png", "svg"):
        raise ValueError(f"不支持的图片格式：{fmt}")
    _server()
    with warnings.catch_warnings():   # plotly warns that kaleido options are ignored when a server runs
        warnings.simplefilter("ignore", UserWarning)
        return pio.to_image(presentable(fig, footnote), format=fmt, width=WIDTH, height=HEIGHT,
                            scale=SCALE if fmt == "png" else 1)
